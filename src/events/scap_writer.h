#pragma once
// Writes .scap capture files that sysdig (0.29.3 and newer) and our reader
// read: the section header, the machine, its threads with their open fds and
// the users (the metadata a capture starts with), then one block per event.
// Plain, or gzip-compressed as a whole like `sysdig -z`.
#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/user_error.h"
#include "events/capture_metadata.h"
#include "events/event.h"

namespace vedetta::events {

// What went wrong writing a capture, naming the file (a UserError: the
// person can act on it — another place, free some disk).
class ScapWriteError : public UserError {
 public:
  using UserError::UserError;
};

class ScapWriter {
 public:
  // Creates (or truncates) `path` and writes the metadata. Errors (cannot
  // create, disk full...) are ScapWriteErrors naming the file, here and below.
  ScapWriter(const std::string& path, const CaptureMetadata& metadata, bool compress);
  // Closes the file if close() was not called, ignoring errors (an exception
  // is on its way): what was written before stays readable.
  ~ScapWriter();
  ScapWriter(const ScapWriter&) = delete;
  ScapWriter& operator=(const ScapWriter&) = delete;

  void write(const Event& e);
  // Flushes everything to the file and closes it.
  void close();

  const std::string& path() const { return path_; }
  uint64_t events_written() const { return events_; }
  // Bytes of capture data (before compression).
  uint64_t bytes_written() const { return bytes_; }

 private:
  void put(const std::vector<uint8_t>& bytes);
  [[noreturn]] void fail(const char* doing);

  std::string path_;
  gzFile file_ = nullptr;
  std::vector<uint8_t> block_;  // reused for each event
  uint64_t events_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace vedetta::events
