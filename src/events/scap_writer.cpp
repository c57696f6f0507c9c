#include "events/scap_writer.h"

#include <cerrno>
#include <cstring>

#include "events/scap_block_encoding.h"

namespace vedetta::events {

ScapWriter::ScapWriter(const std::string& path, const CaptureMetadata& metadata, bool compress)
    : path_(path) {
  // "T": zlib writes the bytes as they are (no gzip wrapper), so plain and
  // compressed files take the same path and the same error reports.
  errno = 0;
  file_ = gzopen(path.c_str(), compress ? "wb6" : "wbT");
  if (!file_)
    throw ScapWriteError(format("cannot create '%s': %s", path.c_str(),
                           errno ? std::strerror(errno) : "out of memory"));
  gzbuffer(file_, 1 << 17);

  std::vector<uint8_t> head;
  append_block(head, scap_block::kSectionHeader, section_header_body());
  append_block(head, scap_block::kMachineInfo, machine_info_body(metadata));
  if (!metadata.users.empty() || !metadata.groups.empty())
    append_block(head, scap_block::kUserListV2, user_list_body(metadata));
  append_block(head, scap_block::kProcessListV9, process_list_body(metadata.threads));
  put(head);
  for (const ThreadEntry& th : metadata.threads) {
    if (th.fds.empty()) continue;
    head.clear();
    append_block(head, scap_block::kFdListV2, fd_list_body(th));
    put(head);
  }
}

ScapWriter::~ScapWriter() {
  if (file_) gzclose(file_);
}

void ScapWriter::write(const Event& e) {
  block_.clear();
  if (!append_event_block(block_, e))
    throw ScapWriteError(format("%s: event %llu (type %u) has a parameter longer than the capture "
                           "format allows",
                           path_.c_str(), static_cast<unsigned long long>(e.num), e.type));
  put(block_);
  ++events_;
}

void ScapWriter::close() {
  if (!file_) return;
  gzFile f = file_;
  file_ = nullptr;
  errno = 0;
  int rc = gzclose(f);
  if (rc != Z_OK)
    throw ScapWriteError(format("%s: cannot finish writing: %s", path_.c_str(),
                           rc == Z_ERRNO && errno ? std::strerror(errno) : "zlib error"));
}

void ScapWriter::put(const std::vector<uint8_t>& bytes) {
  if (bytes.empty()) return;
  errno = 0;
  if (gzwrite(file_, bytes.data(), static_cast<unsigned>(bytes.size())) !=
      static_cast<int>(bytes.size()))
    fail("write");
  bytes_ += bytes.size();
}

void ScapWriter::fail(const char* doing) {
  int errnum = 0;
  const char* zmsg = gzerror(file_, &errnum);
  std::string why = errnum == Z_ERRNO && errno ? std::strerror(errno) : zmsg;
  // Close now: the blocks written so far stay readable.
  gzclose(file_);
  file_ = nullptr;
  throw ScapWriteError(format("%s: cannot %s: %s", path_.c_str(), doing, why.c_str()));
}

}  // namespace vedetta::events
