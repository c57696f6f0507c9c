#pragma once
// Builds small .scap captures byte by byte for the tests: a section header,
// metadata blocks and events in either block version, with fields chosen
// by the test (the library's ScapWriter writes only what metadata holds, and
// only v2 blocks).
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "events/scap_block_encoding.h"
#include "events/event.h"

namespace vedetta::events::test {

// Field by field, as the library's writer does.
using Bytes = ByteBuilder;

// A parameter's bytes.
inline std::vector<uint8_t> p_u64(uint64_t v) { return Bytes().put(v).data; }
inline std::vector<uint8_t> p_u32(uint32_t v) { return Bytes().put(v).data; }
inline std::vector<uint8_t> p_u16(uint16_t v) { return Bytes().put(v).data; }
inline std::vector<uint8_t> p_u8(uint8_t v) { return Bytes().put(v).data; }
inline std::vector<uint8_t> p_str(const std::string& s) {
  std::vector<uint8_t> b(s.begin(), s.end());
  b.push_back(0);
  return b;
}
inline std::vector<uint8_t> p_buf(const std::string& s) { return {s.begin(), s.end()}; }
inline std::vector<uint8_t> p_tuple4(const uint8_t sip[4], uint16_t sport, const uint8_t dip[4],
                                     uint16_t dport) {
  Bytes b;
  b.put<uint8_t>(2);
  b.raw(std::span<const uint8_t>(sip, 4)).put(sport);
  b.raw(std::span<const uint8_t>(dip, 4)).put(dport);
  return b.data;
}

struct TestEvent {
  uint64_t ts_ns;
  int64_t tid;
  uint16_t type;
  std::vector<std::vector<uint8_t>> params;
  uint16_t cpu = 0;
};

// The event a reader would return for `t`, for tests that skip the file.
inline Event make_event(const TestEvent& t, uint64_t num = 1) {
  Event e;
  e.num = num;
  e.ts_ns = t.ts_ns;
  e.tid = t.tid;
  e.type = t.type;
  e.cpu = t.cpu;
  for (const auto& p : t.params) {
    e.spans.emplace_back(static_cast<uint32_t>(e.bytes.size()), static_cast<uint32_t>(p.size()));
    e.bytes.insert(e.bytes.end(), p.begin(), p.end());
  }
  return e;
}

class ScapBuilder {
 public:
  ScapBuilder() { block(scap_block::kSectionHeader, section_header_body()); }

  // A whole block: type, length, body padded to 4, length.
  ScapBuilder& block(uint32_t type, const std::vector<uint8_t>& body) {
    append_block(bytes, type, body);
    return *this;
  }

  // Process list v9 with one thread.
  ScapBuilder& thread(int64_t tid, int64_t pid, const std::string& comm, const std::string& cwd) {
    Bytes t;
    t.put<int64_t>(tid).put<int64_t>(pid).put<int64_t>(1).put<int64_t>(pid).put<int64_t>(pid);
    t.str16(comm).str16("/usr/bin/" + comm).str16("/usr/bin/" + comm).str16("").str16(cwd);
    t.put<uint64_t>(1024).put<uint32_t>(0).put<uint32_t>(0).put<uint32_t>(0);
    t.put<uint32_t>(0).put<uint32_t>(0).put<uint32_t>(0).put<uint64_t>(0).put<uint64_t>(0);
    t.str16("").put<int64_t>(tid).put<int64_t>(pid).str16("").str16("/");
    return block(0x215, Bytes().entry(t).data);
  }

  // fd list v2 with one file fd.
  ScapBuilder& file_fd(int64_t tid, int64_t fd, const std::string& path) {
    Bytes f;
    f.put<int64_t>(fd).put<uint64_t>(7).put<uint8_t>(1).str16(path);
    Bytes body;
    body.put<int64_t>(tid).entry(f);
    return block(0x218, body.data);
  }

  ScapBuilder& user(uint32_t uid, const std::string& name) {
    Bytes u;
    u.put<uint8_t>(0).put(uid).put<uint32_t>(uid).str16(name).str16("/home").str16("/bin/sh");
    return block(0x220, Bytes().entry(u).data);
  }

  // Event in a v2 block (0x216) or, with v1 = true, a v1 block (0x204, no nparams).
  ScapBuilder& event(const TestEvent& e, bool v1 = false) {
    Bytes ev;
    size_t header = v1 ? 22 : 26;
    size_t len = header + 2 * e.params.size();
    for (const auto& p : e.params) len += p.size();
    ev.put<uint16_t>(e.cpu).put<uint64_t>(e.ts_ns).put<int64_t>(e.tid);
    ev.put<uint32_t>(static_cast<uint32_t>(len)).put<uint16_t>(e.type);
    if (!v1) ev.put<uint32_t>(static_cast<uint32_t>(e.params.size()));
    for (const auto& p : e.params) ev.put<uint16_t>(static_cast<uint16_t>(p.size()));
    for (const auto& p : e.params) ev.raw(p);
    return block(v1 ? 0x204 : 0x216, ev.data);
  }

  std::vector<uint8_t> bytes;
};

}  // namespace vedetta::events::test
