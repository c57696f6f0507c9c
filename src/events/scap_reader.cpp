#include "events/scap_reader.h"

#include <zlib.h>

#include <cstring>

#include "common/user_error.h"
#include "events/byte_cursor.h"
#include "events/event_table.h"
#include "events/scap_metadata_blocks.h"

namespace vedetta::events {
namespace {

// Block types of the capture format.
constexpr uint32_t kSectionHeader = 0x0A0D0D0A;
constexpr uint32_t kByteOrderMagic = 0x1A2B3C4D;
constexpr uint32_t kMachineInfo = 0x201;
constexpr uint32_t kFdListV1 = 0x203, kFdListV2 = 0x218;
constexpr uint32_t kEventV1 = 0x204, kEventFlagsV1 = 0x208;
constexpr uint32_t kEventV2 = 0x216, kEventFlagsV2 = 0x217;
constexpr uint32_t kEventV2Large = 0x221, kEventFlagsV2Large = 0x222;
constexpr uint32_t kUserListV1 = 0x206, kUserListV2 = 0x220;
// Process lists v1..v9: 0x202, 0x207, 0x209, 0x210..0x215.
constexpr uint32_t kProcListV1 = 0x202, kProcListV2 = 0x207, kProcListV3 = 0x209;
constexpr uint32_t kProcListV4 = 0x210, kProcListV9 = 0x215;

constexpr uint32_t kMaxBlockLength = 1u << 30;  // a longer block means a damaged file
constexpr size_t kEventHeaderV1 = 22;           // ts, tid, len, type
constexpr size_t kEventHeaderV2 = 26;           // + nparams

class GzSource : public ByteSource {
 public:
  explicit GzSource(gzFile f) : f_(f) {}
  ~GzSource() override { gzclose(f_); }
  long read(void* buf, size_t n) override {
    int r = gzread(f_, buf, static_cast<unsigned>(n));
    return r < 0 ? -1 : r;
  }

 private:
  gzFile f_;
};

class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  long read(void* buf, size_t n) override {
    size_t k = std::min(n, bytes_.size() - pos_);
    if (k) std::memcpy(buf, bytes_.data() + pos_, k);
    pos_ += k;
    return static_cast<long>(k);
  }

 private:
  std::vector<uint8_t> bytes_;
  size_t pos_ = 0;
};

// Reads until n bytes or the end; returns the count, -1 on an I/O error.
long read_fully(ByteSource& src, void* buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    long r = src.read(static_cast<uint8_t*>(buf) + got, n - got);
    if (r < 0) return -1;
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  return static_cast<long>(got);
}

bool is_event_block(uint32_t t) {
  return t == kEventV1 || t == kEventFlagsV1 || t == kEventV2 || t == kEventFlagsV2 ||
         t == kEventV2Large || t == kEventFlagsV2Large;
}

bool is_process_list(uint32_t t) {
  return t == kProcListV1 || t == kProcListV2 || t == kProcListV3 ||
         (t >= kProcListV4 && t <= kProcListV9);
}

// Events whose parameter lengths may be u32 (large payloads) outside large blocks too.
bool has_large_params(uint16_t type) { return type == 322 || type == 324; }

}  // namespace

std::unique_ptr<ScapReader> ScapReader::open_file(const std::string& path, std::string* error) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) {
    *error = format("cannot open '%s': %s", path.c_str(), std::strerror(errno));
    return nullptr;
  }
  gzbuffer(f, 1 << 17);
  std::unique_ptr<ScapReader> r(new ScapReader(std::make_unique<GzSource>(f)));
  if (!r->start(error)) {
    *error = path + ": " + *error;
    return nullptr;
  }
  return r;
}

std::unique_ptr<ScapReader> ScapReader::open_bytes(std::vector<uint8_t> bytes, std::string* error) {
  std::unique_ptr<ScapReader> r(new ScapReader(std::make_unique<MemorySource>(std::move(bytes))));
  if (!r->start(error)) return nullptr;
  return r;
}

ScapReader::Status ScapReader::fail(uint64_t offset, const std::string& what) {
  status_ = Status::kError;
  error_offset_ = offset;
  error_ = format("byte %llu: ", static_cast<unsigned long long>(offset)) + what;
  return status_;
}

bool ScapReader::start(std::string* error) {
  if (!read_block()) {
    *error = status_ == Status::kError ? "not a .scap capture (" + error_ + ")"
                                       : "empty file, not a .scap capture";
    return false;
  }
  if (block_type_ != kSectionHeader || block_.size() < 4) {
    *error = "not a .scap capture (no section header block)";
    return false;
  }
  uint32_t magic = ByteCursor(block_).get<uint32_t>();
  if (magic != kByteOrderMagic) {
    *error = magic == __builtin_bswap32(kByteOrderMagic)
                 ? "a .scap capture of the other byte order: not supported"
                 : "not a .scap capture (bad byte-order magic in the section header)";
    return false;
  }
  // Metadata blocks up to the first event (kept for next()).
  while (read_block()) {
    if (is_event_block(block_type_)) {
      have_pending_event_ = true;
      return true;
    }
    if (block_type_ == kMachineInfo)
      parse_machine_info(block_, metadata_, counters_);
    else if (is_process_list(block_type_))
      parse_process_list(block_type_, block_, metadata_, counters_);
    else if (block_type_ == kFdListV1 || block_type_ == kFdListV2)
      parse_fd_list(block_type_, block_, metadata_, counters_);
    else if (block_type_ == kUserListV1 || block_type_ == kUserListV2)
      parse_user_list(block_type_, block_, metadata_, counters_);
    else
      ++counters_.skipped_blocks;
  }
  // A file with metadata only is fine; a damaged one fails on the first next().
  return true;
}

bool ScapReader::read_block() {
  if (status_ != Status::kEvent) return false;
  block_offset_ = offset_;
  uint32_t header[2];
  long got = read_fully(*source_, header, sizeof header);
  if (got < 0) return fail(offset_, "read error (corrupt compressed data?)"), false;
  if (got == 0) {
    status_ = Status::kEnd;
    return false;
  }
  if (got < static_cast<long>(sizeof header)) return fail(offset_, "truncated block header"), false;
  block_type_ = header[0];
  uint32_t total = header[1];
  if (total < 12 || total > kMaxBlockLength || total % 4 != 0)
    return fail(offset_, format("bad block length %u (block type 0x%x)", total, block_type_)),
           false;
  // Grow the buffer as bytes arrive: a damaged length must not allocate a gigabyte.
  const size_t body = total - 12;
  constexpr size_t kChunk = 1 << 20;
  block_.clear();
  got = 0;
  while (block_.size() < body) {
    size_t want = std::min(kChunk, body - block_.size());
    size_t old = block_.size();
    block_.resize(old + want);
    long r = read_fully(*source_, block_.data() + old, want);
    if (r < 0) return fail(offset_, "read error (corrupt compressed data?)"), false;
    got += r;
    if (static_cast<size_t>(r) < want) {
      block_.resize(old + static_cast<size_t>(r));
      break;
    }
  }
  uint32_t trailer = 0;
  const bool complete = block_.size() == body;
  long got2 = complete ? read_fully(*source_, &trailer, 4) : 0;
  if (got2 < 0) return fail(offset_, "read error (corrupt compressed data?)"), false;
  if (!complete || got2 != 4)
    return fail(offset_, format("truncated block (type 0x%x, %u bytes long, the file ends %ld "
                                "bytes into it)",
                                block_type_, total, 8 + got + got2)),
           false;
  if (trailer != total)
    return fail(offset_, format("block trailer length %u differs from header %u (type 0x%x)",
                                trailer, total, block_type_)),
           false;
  offset_ += total;
  ++counters_.blocks;
  return true;
}

ScapReader::Status ScapReader::next(Event& event) {
  if (have_pending_event_) {
    have_pending_event_ = false;
    if (!parse_event_block(event)) return status_;
    if (is_readable_type(event.type)) return Status::kEvent;
    ++counters_.unknown_events;
  }
  while (read_block()) {
    if (is_event_block(block_type_)) {
      if (!parse_event_block(event)) return status_;
      if (!is_readable_type(event.type)) {
        ++counters_.unknown_events;
        continue;
      }
      return Status::kEvent;
    }
    // Metadata after the first event: the state tracker has been seeded
    // already; it learns from events from here on.
    ++counters_.skipped_blocks;
  }
  return status_;
}

bool ScapReader::parse_event_block(Event& event) {
  ByteCursor c(block_);
  event.cpu = c.get<uint16_t>();
  bool with_flags = block_type_ == kEventFlagsV1 || block_type_ == kEventFlagsV2 ||
                    block_type_ == kEventFlagsV2Large;
  bool v1 = block_type_ == kEventV1 || block_type_ == kEventFlagsV1;
  bool large = block_type_ == kEventV2Large || block_type_ == kEventFlagsV2Large;
  event.flags = with_flags ? c.get<uint32_t>() : 0;
  size_t start = c.pos();
  event.ts_ns = c.get<uint64_t>();
  event.tid = c.get<int64_t>();
  uint32_t len = c.get<uint32_t>();
  event.type = c.get<uint16_t>();
  size_t header = v1 ? kEventHeaderV1 : kEventHeaderV2;
  if (!c.good() || len < header || len > block_.size() - start) {
    fail(block_offset_, format("malformed event header (event length %u, block holds %zu)", len,
                               block_.size() - start));
    return false;
  }
  size_t body = len - header;  // length array + parameter data
  const uint8_t* lens = block_.data() + start + header;
  size_t len_size = large ? 4 : 2;
  auto len_at = [&](size_t i) -> size_t {
    if (len_size == 4) {
      uint32_t v;
      std::memcpy(&v, lens + 4 * i, 4);
      return v;
    }
    uint16_t v;
    std::memcpy(&v, lens + 2 * i, 2);
    return v;
  };
  // Bytes the length array and the parameters take; SIZE_MAX if they overflow the event.
  auto layout_size = [&](size_t n) -> size_t {
    if (n * len_size > body) return SIZE_MAX;
    size_t total = n * len_size;
    for (size_t i = 0; i < n; ++i) total += len_at(i);
    return total;
  };
  size_t nparams = 0;
  if (!v1) {
    nparams = c.get<uint32_t>();
    if (nparams > 64) {
      fail(block_offset_, format("malformed event: %zu parameters", nparams));
      return false;
    }
    // Large-payload events (plugin data, container JSON) have u32 lengths in
    // newer writers' plain blocks, u16 in older ones: take what fills the event.
    if (!large && has_large_params(event.type) && layout_size(nparams) != body) {
      len_size = 4;
      if (layout_size(nparams) > body) len_size = 2;
    }
    if (layout_size(nparams) > body) {
      fail(block_offset_, "malformed event: parameters longer than the event");
      return false;
    }
  } else {
    // v1 headers lack the count: take the largest count whose lengths fill the event exactly
    // (old writers had fewer parameters than the current table for some events).
    const EventInfo* info = event_info(event.type);
    size_t max = info ? info->params.size() : 32;
    bool found = false;
    for (size_t n = std::min(max, body / 2) + 1; n-- > 0;) {
      size_t total = 2 * n;
      for (size_t i = 0; i < n; ++i) total += len_at(i);
      if (total == body) {
        nparams = n;
        found = true;
        break;
      }
    }
    if (!found) {
      fail(block_offset_, format("malformed v1 event of type %u: parameter lengths do not add "
                                 "up to the event length %u",
                                 event.type, len));
      return false;
    }
  }
  const uint8_t* data = lens + nparams * len_size;
  size_t data_size = body - nparams * len_size;
  event.bytes.assign(data, data + data_size);
  event.spans.clear();
  uint32_t off = 0;
  for (size_t i = 0; i < nparams; ++i) {
    uint32_t l = static_cast<uint32_t>(len_at(i));
    event.spans.emplace_back(off, l);
    off += l;
  }
  if (is_readable_type(event.type)) event.num = ++events_read_;
  return true;
}

}  // namespace vedetta::events
