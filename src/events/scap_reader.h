#pragma once
// Reads .scap capture files (sysdig/Falco), plain or gzip-compressed: the
// section header, the metadata blocks (machine, threads, fds, users) and the
// event blocks (0x204/0x208 v1, 0x216/0x217 v2). A damaged file delivers the
// events before the damage, then reports an error with its byte offset.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "events/capture_metadata.h"
#include "events/event.h"

namespace vedetta::events {

// Where bytes come from: a file through zlib (which also reads plain files)
// or memory (tests).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to n bytes; returns how many (0 at the end), -1 on an I/O error.
  virtual long read(void* buf, size_t n) = 0;
};

struct ReaderCounters {
  uint64_t blocks = 0;
  uint64_t skipped_blocks = 0;     // unknown block types, skipped by length
  uint64_t malformed_entries = 0;  // thread/fd/user entries that did not parse
  uint64_t orphan_fd_lists = 0;    // fd lists of a thread the process list lacks
  uint64_t unknown_events = 0;     // event types newer than our table: skipped, not numbered
};

class ScapReader {
 public:
  enum class Status { kEvent, kEnd, kError };

  // Opens a file and reads the metadata before the first event.
  // Returns nullptr with *error set if the file cannot be opened or is not a capture.
  static std::unique_ptr<ScapReader> open_file(const std::string& path, std::string* error);
  static std::unique_ptr<ScapReader> open_bytes(std::vector<uint8_t> bytes, std::string* error);

  const CaptureMetadata& metadata() const { return metadata_; }
  const ReaderCounters& counters() const { return counters_; }

  // Next event; kError leaves error() and error_offset() set.
  Status next(Event& event);
  const std::string& error() const { return error_; }
  uint64_t error_offset() const { return error_offset_; }

 private:
  explicit ScapReader(std::unique_ptr<ByteSource> source) : source_(std::move(source)) {}
  bool start(std::string* error);
  // Reads one block into block_; false at the end or on error (status_ says which).
  bool read_block();
  bool parse_event_block(Event& event);
  Status fail(uint64_t offset, const std::string& what);

  std::unique_ptr<ByteSource> source_;
  CaptureMetadata metadata_;
  ReaderCounters counters_;
  uint64_t offset_ = 0;        // bytes consumed from the (uncompressed) stream
  uint64_t block_offset_ = 0;  // where block_ started
  uint32_t block_type_ = 0;
  std::vector<uint8_t> block_;  // body without header and trailer
  bool have_pending_event_ = false;
  uint64_t events_read_ = 0;
  Status status_ = Status::kEvent;
  std::string error_;
  uint64_t error_offset_ = 0;
};

}  // namespace vedetta::events
