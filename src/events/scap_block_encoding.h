#pragma once
// Builds the blocks of a .scap capture in memory, the inverse of the reader:
// little-endian fields, u16-prefixed strings, and whole blocks (type, length,
// body padded to 4, length). The writer and the tests' capture builder both
// use it. Block versions are ones Debian's sysdig 0.29.3 reads: section header,
// machine info 0x201, process list v9 0x215, fd list v2 0x218, user list v2
// 0x220, events 0x216 (0x217 when the event has dump flags). fd types newer
// than sysdig 0.29.3's (bpf, memfd, pidfd...) are written as it saw them.
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "events/capture_metadata.h"
#include "events/event.h"

namespace vedetta::events {

class ByteBuilder {
 public:
  template <typename T>
  ByteBuilder& put(T v) {
    uint8_t b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    data.insert(data.end(), b, b + sizeof(T));
    return *this;
  }
  // The format's strings: u16 length, then the bytes (no NUL). Longer
  // strings are cut at 65535 bytes, the most the length can say.
  // `limit` is a reader's own bound where it has one (see scap_limits).
  ByteBuilder& str16(const std::string& s, size_t limit = 0xFFFF) {
    const size_t n = s.size() < limit ? s.size() : limit;
    put<uint16_t>(static_cast<uint16_t>(n));
    data.insert(data.end(), s.begin(), s.begin() + static_cast<std::ptrdiff_t>(n));
    return *this;
  }
  ByteBuilder& raw(std::span<const uint8_t> b) {
    data.insert(data.end(), b.begin(), b.end());
    return *this;
  }
  // A nested entry of the v2 lists: u32 length (itself included), then the entry.
  ByteBuilder& entry(const ByteBuilder& e) {
    put<uint32_t>(static_cast<uint32_t>(4 + e.data.size()));
    return raw(e.data);
  }
  std::vector<uint8_t> data;
};

// The longest strings libscap (sysdig 0.29.3) accepts in the metadata blocks:
// one longer string and it refuses the whole capture ("invalid argslen").
// One byte under its buffers, which hold the bytes and a NUL.
namespace scap_limits {
inline constexpr size_t kPath = 1024 - 1;  // comm, exe, exepath, cwd, root, fd names
inline constexpr size_t kArgs = 4096 - 1;
inline constexpr size_t kCredentials = 256 - 1;  // user and group names
}  // namespace scap_limits

namespace scap_block {
inline constexpr uint32_t kSectionHeader = 0x0A0D0D0A;
inline constexpr uint32_t kMachineInfo = 0x201;
inline constexpr uint32_t kProcessListV9 = 0x215;
inline constexpr uint32_t kFdListV2 = 0x218;
inline constexpr uint32_t kUserListV2 = 0x220;
inline constexpr uint32_t kEventV2 = 0x216, kEventFlagsV2 = 0x217;
}  // namespace scap_block

// Appends a whole block to `out`.
void append_block(std::vector<uint8_t>& out, uint32_t type, std::span<const uint8_t> body);

// Block bodies (without the block's header and trailer).
std::vector<uint8_t> section_header_body();
std::vector<uint8_t> machine_info_body(const CaptureMetadata& metadata);
std::vector<uint8_t> process_list_body(std::span<const ThreadEntry> threads);
std::vector<uint8_t> fd_list_body(const ThreadEntry& thread);
std::vector<uint8_t> user_list_body(const CaptureMetadata& metadata);

// An event block (0x216, or 0x217 when e.flags is set) appended to `out`.
// False, with nothing appended, if a parameter is longer than its length
// field can say (65535 bytes; 4 GiB for the large-payload events).
bool append_event_block(std::vector<uint8_t>& out, const Event& e);

}  // namespace vedetta::events
