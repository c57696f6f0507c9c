#include "events/scap_block_encoding.h"

#include <arpa/inet.h>

#include <cstdlib>

#include "events/event_table.h"

namespace vedetta::events {
namespace {

constexpr uint32_t kByteOrderMagic = 0x1A2B3C4D;
constexpr size_t kHostnameSize = 128;

// The address bytes of `ip` ("10.0.0.1", "2001:db8::1"), zeros if it does not parse.
void put_ip(ByteBuilder& b, const std::string& ip, bool v6) {
  uint8_t bytes[16] = {};
  inet_pton(v6 ? AF_INET6 : AF_INET, ip.c_str(), bytes);
  b.raw(std::span<const uint8_t>(bytes, v6 ? 16 : 4));
}

// Server sockets keep only their name, "ip:port" (the port after the last colon).
void put_endpoint(ByteBuilder& b, const std::string& name, bool v6) {
  const size_t colon = name.rfind(':');
  uint16_t port = 0;
  std::string ip = name;
  if (colon != std::string::npos) {
    ip = name.substr(0, colon);
    port = static_cast<uint16_t>(std::strtoul(name.c_str() + colon + 1, nullptr, 10));
  }
  put_ip(b, ip, v6);
  b.put<uint16_t>(port);
}

// The type-specific part of an fd entry written as `type`, as the reader expects it.
void put_fd_details(ByteBuilder& b, const FdEntry& fd, FdType type) {
  switch (type) {
    case FdType::kIpv4Sock:
    case FdType::kIpv6Sock: {
      const bool v6 = type == FdType::kIpv6Sock;
      put_ip(b, fd.local_ip, v6);
      put_ip(b, fd.remote_ip, v6);
      b.put<uint16_t>(fd.local_port).put<uint16_t>(fd.remote_port);
      b.put<uint8_t>(static_cast<uint8_t>(fd.l4));
      return;
    }
    case FdType::kIpv4ServSock:
    case FdType::kIpv6ServSock:
      put_endpoint(b, fd.name, type == FdType::kIpv6ServSock);
      b.put<uint8_t>(static_cast<uint8_t>(fd.l4));
      return;
    case FdType::kUnixSock:
      b.put<uint64_t>(0).put<uint64_t>(0);  // kernel socket addresses: not kept
      b.str16(fd.name, scap_limits::kPath);
      return;
    case FdType::kFileV2:
      b.put<uint32_t>(0);  // open flags: not kept
      b.str16(fd.name, scap_limits::kPath);
      return;
    default:
      b.str16(fd.name, scap_limits::kPath);
      return;
  }
}

// sysdig 0.29.3 refuses a capture with an fd type newer than file v2 (16);
// it saw those fds as its own /proc scan did: memfds as files, the other
// anonymous inodes as "unsupported".
FdType type_sysdig_reads(FdType t) {
  switch (t) {
    case FdType::kMemfd:
      return FdType::kFileV2;
    case FdType::kBpf:
    case FdType::kUserfaultfd:
    case FdType::kIoUring:
    case FdType::kPidfd:
      return FdType::kUnsupported;
    default:
      return static_cast<uint8_t>(t) > static_cast<uint8_t>(FdType::kFileV2) ? FdType::kUnsupported
                                                                             : t;
  }
}

// Parameters of these events may exceed 64 KiB: their lengths are u32.
bool has_large_params(uint16_t type) {
  return type == ppme::kPluginEventE || type == ppme::kContainerJson2E;
}

}  // namespace

void append_block(std::vector<uint8_t>& out, uint32_t type, std::span<const uint8_t> body) {
  const size_t padded = (body.size() + 3) & ~size_t{3};
  const uint32_t total = static_cast<uint32_t>(12 + padded);
  ByteBuilder b;
  b.put(type).put(total);
  out.insert(out.end(), b.data.begin(), b.data.end());
  out.insert(out.end(), body.begin(), body.end());
  out.resize(out.size() + padded - body.size(), 0);
  b.data.clear();
  b.put(total);
  out.insert(out.end(), b.data.begin(), b.data.end());
}

std::vector<uint8_t> section_header_body() {
  ByteBuilder b;
  b.put<uint32_t>(kByteOrderMagic).put<uint16_t>(1).put<uint16_t>(2).put<int64_t>(-1);
  return std::move(b.data);
}

std::vector<uint8_t> machine_info_body(const CaptureMetadata& metadata) {
  ByteBuilder b;
  b.put<uint32_t>(metadata.num_cpus).put<uint64_t>(0).put<uint64_t>(0);  // memory, max pid
  std::string host = metadata.hostname.substr(0, kHostnameSize - 1);
  host.resize(kHostnameSize, '\0');
  b.raw(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(host.data()), host.size()));
  for (int i = 0; i < 4; ++i) b.put<uint64_t>(0);  // reserved
  return std::move(b.data);
}

std::vector<uint8_t> process_list_body(std::span<const ThreadEntry> threads) {
  ByteBuilder list;
  for (const ThreadEntry& th : threads) {
    ByteBuilder t;
    t.put<int64_t>(th.tid).put<int64_t>(th.pid).put<int64_t>(th.ptid);
    t.put<int64_t>(0).put<int64_t>(0);  // session id, process group: not kept
    using namespace scap_limits;
    t.str16(th.comm, kPath).str16(th.exe, kPath).str16(th.exepath, kPath);
    t.str16(th.args, kArgs).str16(th.cwd, kPath);
    // Threads sharing their process's fds say so (kCloneFiles): sysdig looks
    // them up in the main thread's list only then.
    t.put<uint64_t>(0);  // fd limit: not kept
    t.put<uint32_t>(th.flags);
    t.put<uint32_t>(th.uid).put<uint32_t>(th.gid);
    t.put<uint32_t>(0).put<uint32_t>(0).put<uint32_t>(0);  // vmsize, vmrss, vmswap (KiB)
    t.put<uint64_t>(0).put<uint64_t>(0);                   // page faults
    t.str16("");                                           // environment
    t.put<int64_t>(th.tid).put<int64_t>(th.pid);           // ids in its pid namespace
    t.str16("").str16("/");                                // cgroups, root
    list.entry(t);
  }
  return std::move(list.data);
}

std::vector<uint8_t> fd_list_body(const ThreadEntry& thread) {
  ByteBuilder b;
  b.put<int64_t>(thread.tid);
  for (const FdEntry& fd : thread.fds) {
    const FdType type = type_sysdig_reads(fd.type);
    ByteBuilder e;
    e.put<int64_t>(fd.fd).put<uint64_t>(0).put<uint8_t>(static_cast<uint8_t>(type));
    put_fd_details(e, fd, type);
    b.entry(e);
  }
  return std::move(b.data);
}

std::vector<uint8_t> user_list_body(const CaptureMetadata& metadata) {
  ByteBuilder b;
  for (const auto& [uid, name] : metadata.users) {
    ByteBuilder e;
    e.put<uint8_t>(0)
        .put<uint32_t>(uid)
        .put<uint32_t>(0)
        .str16(name, scap_limits::kCredentials)
        .str16("")
        .str16("");
    b.entry(e);
  }
  for (const auto& [gid, name] : metadata.groups) {
    ByteBuilder e;
    e.put<uint8_t>(1).put<uint32_t>(gid).str16(name, scap_limits::kCredentials);
    b.entry(e);
  }
  return std::move(b.data);
}

bool append_event_block(std::vector<uint8_t>& out, const Event& e) {
  const bool large = has_large_params(e.type);
  const uint64_t max_len = large ? UINT32_MAX : UINT16_MAX;
  const size_t n = e.param_count();
  uint64_t len = 26 + n * (large ? 4 : 2);
  for (size_t i = 0; i < n; ++i) {
    if (e.spans[i].second > max_len) return false;
    len += e.spans[i].second;
  }
  if (len > UINT32_MAX - 64) return false;
  ByteBuilder b;
  b.data.reserve(static_cast<size_t>(len) + 6);
  b.put<uint16_t>(e.cpu);
  if (e.flags) b.put<uint32_t>(e.flags);
  b.put<uint64_t>(e.ts_ns).put<int64_t>(e.tid).put<uint32_t>(static_cast<uint32_t>(len));
  b.put<uint16_t>(e.type).put<uint32_t>(static_cast<uint32_t>(n));
  for (size_t i = 0; i < n; ++i) {
    if (large)
      b.put<uint32_t>(e.spans[i].second);
    else
      b.put<uint16_t>(static_cast<uint16_t>(e.spans[i].second));
  }
  for (size_t i = 0; i < n; ++i) b.raw(e.param(i));
  append_block(out, e.flags ? scap_block::kEventFlagsV2 : scap_block::kEventV2, b.data);
  return true;
}

}  // namespace vedetta::events
