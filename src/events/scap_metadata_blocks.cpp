#include "events/scap_metadata_blocks.h"

#include <cstring>

#include "events/byte_cursor.h"
#include "events/socket_names.h"

namespace vedetta::events {
namespace {

constexpr uint32_t kFdListV2 = 0x218;
constexpr uint32_t kUserListV2 = 0x220;
// Process lists v1..v9: 0x202, 0x207, 0x209, 0x210..0x215.
constexpr uint32_t kProcListV1 = 0x202, kProcListV2 = 0x207, kProcListV3 = 0x209;
constexpr uint32_t kProcListV4 = 0x210, kProcListV6 = 0x212;
constexpr uint32_t kProcListV7 = 0x213, kProcListV8 = 0x214, kProcListV9 = 0x215;

void set_tuple(FdEntry& fd, std::string sip, uint16_t sport, std::string dip, uint16_t dport) {
  fd.name = tuple_text(sip, sport, dip, dport);
  fd.has_tuple = true;
  fd.local_ip = std::move(sip);
  fd.local_port = sport;
  fd.remote_ip = std::move(dip);
  fd.remote_port = dport;
}

// Reads one fd entry's type-specific data and fills name/l4 like sysdig.
bool read_fd_details(ByteCursor& c, FdEntry& fd) {
  switch (fd.type) {
    case FdType::kIpv4Sock: {
      auto sip = c.bytes(4), dip = c.bytes(4);
      uint16_t sport = c.get<uint16_t>(), dport = c.get<uint16_t>();
      fd.l4 = static_cast<L4Proto>(c.get<uint8_t>());
      if (!c.good()) return false;
      set_tuple(fd, ipv4_text(sip.data()), sport, ipv4_text(dip.data()), dport);
      return true;
    }
    case FdType::kIpv6Sock: {
      auto sip = c.bytes(16), dip = c.bytes(16);
      uint16_t sport = c.get<uint16_t>(), dport = c.get<uint16_t>();
      fd.l4 = static_cast<L4Proto>(c.get<uint8_t>());
      if (!c.good()) return false;
      if (is_ipv4_mapped(sip.data()) && is_ipv4_mapped(dip.data())) {
        fd.type = FdType::kIpv4Sock;
        set_tuple(fd, ipv4_text(sip.data() + 12), sport, ipv4_text(dip.data() + 12), dport);
      } else {
        set_tuple(fd, ipv6_text(sip.data()), sport, ipv6_text(dip.data()), dport);
      }
      return true;
    }
    case FdType::kIpv4ServSock: {
      auto ip = c.bytes(4);
      uint16_t port = c.get<uint16_t>();
      fd.l4 = static_cast<L4Proto>(c.get<uint8_t>());
      if (!c.good()) return false;
      fd.name = endpoint_text(ipv4_text(ip.data()), port);
      return true;
    }
    case FdType::kIpv6ServSock: {
      auto ip = c.bytes(16);
      uint16_t port = c.get<uint16_t>();
      fd.l4 = static_cast<L4Proto>(c.get<uint8_t>());
      if (!c.good()) return false;
      fd.name = endpoint_text(ipv6_text(ip.data()), port);
      return true;
    }
    case FdType::kUnixSock:
      c.skip(16);  // source and destination socket addresses
      fd.name = c.str16();
      return c.good();
    case FdType::kFileV2:
      c.skip(4);  // open flags
      fd.name = c.str16();
      return c.good();  // v2 lists may append fields: skipped by the entry length
    case FdType::kUnknown:
    case FdType::kFile:
    case FdType::kDirectory:
    case FdType::kFifo:
    case FdType::kEvent:
    case FdType::kUnsupported:
    case FdType::kSignalfd:
    case FdType::kEventpoll:
    case FdType::kInotify:
    case FdType::kTimerfd:
    case FdType::kNetlink:
    case FdType::kBpf:
    case FdType::kUserfaultfd:
    case FdType::kIoUring:
    case FdType::kMemfd:
    case FdType::kPidfd:
      fd.name = c.str16();
      return c.good();
  }
  return false;
}

}  // namespace

void parse_machine_info(std::span<const uint8_t> block, CaptureMetadata& metadata,
                        ReaderCounters& counters) {
  ByteCursor c(block);
  metadata.num_cpus = c.get<uint32_t>();
  c.skip(8 + 8);  // memory bytes, max pid
  auto host = c.bytes(128);
  if (!c.good()) {
    ++counters.malformed_entries;
    return;
  }
  metadata.hostname.assign(reinterpret_cast<const char*>(host.data()),
                           strnlen(reinterpret_cast<const char*>(host.data()), host.size()));
}

void parse_process_list(uint32_t block_type, std::span<const uint8_t> block,
                        CaptureMetadata& metadata, ReaderCounters& counters) {
  const uint32_t t = block_type;
  const bool sized = t == kProcListV9;  // per-thread length prefix
  const bool has_sid = t >= kProcListV6 && t <= kProcListV9;
  const bool has_exepath = t >= kProcListV7 && t <= kProcListV9;
  const bool has_vpgid = t >= kProcListV8 && t <= kProcListV9;
  const bool has_vm = t != kProcListV1;
  const bool has_env = t != kProcListV1 && t != kProcListV2;
  const bool has_vtid = has_env && t != kProcListV3;
  const bool has_root = has_vtid && t != kProcListV4;
  // Reads one thread from `e`; false if the fields up to the cwd are not all
  // there. What follows (ids, sizes, environment...) may be missing: older
  // writers of the same block version wrote fewer fields.
  auto read_thread = [&](ByteCursor& e, ThreadEntry& th) {
    th.tid = e.get<int64_t>();
    th.pid = e.get<int64_t>();
    th.ptid = e.get<int64_t>();
    if (has_sid) e.skip(8);
    if (has_vpgid) e.skip(8);
    th.comm = e.str16();
    th.exe = e.str16();
    th.exepath = has_exepath ? e.str16() : th.exe;
    th.args = e.str16();
    th.cwd = e.str16();
    if (!e.good()) return false;
    e.skip(8);  // fdlimit
    th.flags = e.get<uint32_t>();
    uint32_t uid = e.get<uint32_t>(), gid = e.get<uint32_t>();
    if (e.good()) th.uid = uid, th.gid = gid;
    if (has_vm) e.skip(4 * 3 + 8 * 2);  // vmsize, vmrss, vmswap, pfmajor, pfminor
    if (has_env) e.str16();
    if (has_vtid) e.skip(16);  // vtid, vpid
    if (has_vtid) e.str16();   // cgroups
    if (has_root) e.str16();
    return true;
  };
  ByteCursor c(block);
  while (c.remaining() >= 4) {
    ThreadEntry th;
    if (sized) {
      // v9: each thread says its length, so newer writers may append fields.
      uint32_t entry_len = c.get<uint32_t>();
      if (entry_len < 4 || entry_len - 4 > c.remaining()) {
        ++counters.malformed_entries;
        return;
      }
      ByteCursor entry(c.bytes(entry_len - 4));
      if (!read_thread(entry, th)) {
        ++counters.malformed_entries;
        continue;  // the next thread's place is known: keep going
      }
    } else if (!read_thread(c, th) || !c.good()) {
      // Older versions have no lengths: a damaged thread ends the list.
      ++counters.malformed_entries;
      return;
    }
    metadata.threads.push_back(std::move(th));
  }
}

void parse_fd_list(uint32_t block_type, std::span<const uint8_t> block, CaptureMetadata& metadata,
                   ReaderCounters& counters) {
  const bool v2 = block_type == kFdListV2;
  ByteCursor c(block);
  int64_t tid = c.get<int64_t>();
  if (!c.good()) {
    ++counters.malformed_entries;
    return;
  }
  // fds belong to the thread entry of the same tid (the last one, if listed twice).
  ThreadEntry* owner = nullptr;
  for (auto it = metadata.threads.rbegin(); it != metadata.threads.rend(); ++it)
    if (it->tid == tid) {
      owner = &*it;
      break;
    }
  auto read_fd = [](ByteCursor& e, FdEntry& fd) {
    fd.fd = e.get<int64_t>();
    e.skip(8);  // inode
    fd.type = static_cast<FdType>(e.get<uint8_t>());
    return e.good() && read_fd_details(e, fd);
  };
  std::vector<FdEntry> fds;
  while (c.remaining() >= (v2 ? 4u : 17u)) {
    FdEntry fd;
    if (v2) {
      // v2: each fd says its length; fields after the known ones are skipped.
      uint32_t entry_len = c.get<uint32_t>();
      if (entry_len < 4 || entry_len - 4 > c.remaining()) {
        ++counters.malformed_entries;
        break;
      }
      ByteCursor entry(c.bytes(entry_len - 4));
      if (!read_fd(entry, fd)) {
        ++counters.malformed_entries;
        continue;
      }
    } else if (!read_fd(c, fd)) {
      // v1 entries have no length: an unknown layout ends this list.
      ++counters.malformed_entries;
      break;
    }
    fds.push_back(std::move(fd));
  }
  if (owner) {
    for (auto& fd : fds) owner->fds.push_back(std::move(fd));
  } else {
    ++counters.orphan_fd_lists;
  }
}

void parse_user_list(uint32_t block_type, std::span<const uint8_t> block, CaptureMetadata& metadata,
                     ReaderCounters& counters) {
  const bool v2 = block_type == kUserListV2;
  auto read_entry = [&](ByteCursor& e) {
    uint8_t kind = e.get<uint8_t>();
    if (kind == 0) {  // a user: uid, gid, name, home, shell
      uint32_t uid = e.get<uint32_t>();
      e.skip(4);
      std::string name = e.str16();
      e.str16();
      e.str16();
      if (e.good()) metadata.users.emplace(uid, std::move(name));
    } else {  // a group: gid, name
      uint32_t gid = e.get<uint32_t>();
      std::string name = e.str16();
      if (e.good()) metadata.groups.emplace(gid, std::move(name));
    }
    return e.good();
  };
  ByteCursor c(block);
  // Fewer than 4 bytes left is the block's padding.
  while (c.remaining() >= (v2 ? 5u : 4u)) {
    if (v2) {
      uint32_t entry_len = c.get<uint32_t>();
      if (entry_len < 5 || entry_len - 4 > c.remaining()) {
        ++counters.malformed_entries;
        return;
      }
      ByteCursor entry(c.bytes(entry_len - 4));
      if (!read_entry(entry)) ++counters.malformed_entries;
    } else if (!read_entry(c)) {
      ++counters.malformed_entries;
      return;
    }
  }
}

}  // namespace vedetta::events
