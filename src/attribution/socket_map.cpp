#include "attribution/socket_map.h"

#include <sys/socket.h>
#include <sys/syscall.h>

#include <algorithm>
#include <cstring>
#include <span>

namespace vedetta {
namespace {

bool all_zero(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (p[i]) return false;
  return true;
}

// Calls after which the socket's owner is known (exit events).
bool uses_socket(uint32_t nr) {
  switch (nr) {
    case SYS_connect: case SYS_accept: case SYS_accept4: case SYS_sendto: case SYS_recvfrom:
    case SYS_sendmsg: case SYS_recvmsg: case SYS_read: case SYS_write: case SYS_readv:
    case SYS_writev: case SYS_sendmmsg: case SYS_recvmmsg: case SYS_bind: case SYS_listen:
      return true;
    default:
      return false;
  }
}

constexpr int64_t kEinProgress = -115;

}  // namespace

Endpoint endpoint_of(uint16_t family, const uint8_t* addr, uint16_t port) {
  Endpoint ep;
  ep.port = port;
  if (family == AF_INET) {
    if (!all_zero(addr, 4)) ep.addr = IpAddress::v4(addr);
  } else if (family == AF_INET6) {
    if (is_ipv4_mapped(addr)) ep.addr = IpAddress::v4(addr + 12);
    else if (!all_zero(addr, 16)) ep.addr = IpAddress::v6(addr);
  }
  return ep;
}

size_t SocketMap::KeyHash::operator()(const Key& k) const {
  uint64_t h = (uint64_t(k.netns) << 8) ^ k.l4_proto;
  auto mix = [&h](const Endpoint& e) {
    uint64_t a, b;
    std::memcpy(&a, e.addr.bytes.data(), 8);
    std::memcpy(&b, e.addr.bytes.data() + 8, 8);
    h = (h ^ a) * 0x9e3779b97f4a7c15ULL;
    h = (h ^ b ^ (uint64_t(e.port) << 8 | e.addr.version)) * 0xff51afd7ed558ccdULL;
  };
  mix(k.local);
  mix(k.remote);
  return static_cast<size_t>(h ^ (h >> 31));
}

void SocketMap::count_open(const SocketOwner& o, bool add) {
  if (o.closed || !o.process) return;
  uint32_t pid = o.process->pid;
  if (add) {
    ++open_by_pid_[pid];
  } else if (auto it = open_by_pid_.find(pid); it != open_by_pid_.end() && --it->second == 0) {
    open_by_pid_.erase(it);
  }
}

void SocketMap::record(const Key& key, const vedetta_syscall_event& e, bool closing) {
  SocketOwner& o = sockets_[key];
  count_open(o, false);
  // A new socket on the tuple of a closed one (connect/accept/bind start a
  // socket's life): the old one is kept for flows that started before.
  bool starts = e.syscall == SYS_connect || e.syscall == SYS_accept || e.syscall == SYS_accept4 ||
                e.syscall == SYS_bind;
  if (o.process && o.closed && starts) {
    SocketOwner old = std::move(o);
    o = SocketOwner{};
    o.earlier = std::move(old.earlier);
    old.earlier.clear();
    o.earlier.insert(o.earlier.begin(), std::move(old));
    if (o.earlier.size() > kEarlierKept) o.earlier.pop_back();
  }
  if (!o.process || o.from_scan) o.first_ns = e.ts_ns;
  if (o.process && o.process->pid != e.tgid &&
      std::find(o.others.begin(), o.others.end(), o.process->pid) == o.others.end())
    o.others.push_back(o.process->pid);  // another process shares the socket
  o.others.erase(std::remove(o.others.begin(), o.others.end(), e.tgid), o.others.end());
  o.process = processes_.get(e.tgid, e.comm);
  o.tid = e.tid;
  o.fd = static_cast<int32_t>(e.exit && (e.syscall == SYS_accept || e.syscall == SYS_accept4)
                                  ? e.ret
                                  : static_cast<int64_t>(e.args[0]));
  o.last_ns = e.ts_ns;
  o.closed = closing;
  o.from_scan = false;
  count_open(o, true);
  note_namespace(key.netns);
}

void SocketMap::prefer_namespace(uint32_t netns) {
  namespaces_.erase(std::remove(namespaces_.begin(), namespaces_.end(), netns), namespaces_.end());
  namespaces_.insert(namespaces_.begin(), netns);
}

void SocketMap::note_namespace(uint32_t netns) {
  if (std::find(namespaces_.begin(), namespaces_.end(), netns) == namespaces_.end())
    namespaces_.push_back(netns);
}

void SocketMap::close_key(const Key& key, uint64_t ts_ns) {
  auto it = sockets_.find(key);
  if (it == sockets_.end()) return;
  count_open(it->second, false);
  it->second.closed = true;
  it->second.last_ns = ts_ns;
}

void SocketMap::seed(uint32_t netns, uint8_t l4_proto, const Endpoint& local,
                     const Endpoint& remote, ProcessRef process, int32_t fd, uint64_t now_ns) {
  auto [it, added] = sockets_.try_emplace(Key{netns, l4_proto, local, remote});
  SocketOwner& o = it->second;
  if (!added && !o.from_scan && !o.closed) return;
  count_open(o, false);
  o = SocketOwner{};
  o.process = std::move(process);
  o.tid = o.process ? o.process->pid : 0;
  o.fd = fd;
  o.last_ns = now_ns;
  o.from_scan = true;
  count_open(o, true);
  note_namespace(netns);
}

void SocketMap::mark_closed(uint32_t netns, uint8_t l4_proto, const Endpoint& local,
                            const Endpoint& remote, uint64_t now_ns) {
  Key k{netns, l4_proto, local, remote};
  auto it = sockets_.find(k);
  if (it != sockets_.end() && it->second.from_scan) close_key(k, now_ns);
}

void SocketMap::on_syscall_event(const vedetta_syscall_event& e) {
  const vedetta_socket_info& s = e.sock;
  if (s.family != AF_INET && s.family != AF_INET6) return;
  bool closing = !e.exit && e.syscall == SYS_close;
  if (!closing) {
    if (!e.exit || !uses_socket(e.syscall)) return;
    bool ok = e.ret >= 0 || (e.syscall == SYS_connect && e.ret == kEinProgress);
    if (!ok) return;
  }
  Key k;
  k.netns = s.netns;
  k.l4_proto = static_cast<uint8_t>(s.protocol);
  k.local = endpoint_of(s.family, s.local_addr, s.local_port);
  k.remote = endpoint_of(s.family, s.remote_addr, s.remote_port);
  ++stats_.events;
  if (closing) {
    close_key(k, e.ts_ns);
    return;
  }
  record(k, e, false);
}

// A socket event read before its process's fork/exec events (two ring
// buffers) left a placeholder: the process as those events describe it.
// And an exec read after the socket's first call but made before it (the two
// rings are read one after the other) gives the program the socket really had.
void SocketMap::complete(SocketOwner& o) {
  if (!o.process) return;
  ProcessRef known = processes_.find(o.process->pid);
  if (!known || known == o.process || known->placeholder) return;
  bool exec_before = known->exec_ns > o.process->exec_ns && known->exec_ns <= o.first_ns;
  if (o.process->placeholder || exec_before) o.process = std::move(known);
}

const SocketOwner* SocketMap::lookup(const Key& key, uint64_t at_ns) {
  auto it = sockets_.find(key);
  if (it == sockets_.end()) return nullptr;
  SocketOwner& o = it->second;
  complete(o);
  for (SocketOwner& e : o.earlier) complete(e);
  // The flow started before this socket's first call: an earlier socket
  // with the same tuple, closed after the flow started, carried it.
  if (at_ns && o.first_ns > at_ns + kStartSlackNs)
    for (const SocketOwner& e : o.earlier)
      if (e.first_ns <= at_ns + kStartSlackNs && e.last_ns + kStartSlackNs >= at_ns) return &e;
  return &o;
}

const SocketOwner* SocketMap::find(uint8_t l4_proto, const Endpoint& local,
                                   const Endpoint& remote, uint32_t netns, uint64_t at_ns) {
  ++stats_.lookups;
  Endpoint any_local{IpAddress{}, local.port};
  Endpoint any_remote{};
  // Most specific first: connected socket, then bound to any address, then
  // unconnected (any peer).
  const Endpoint* locals[2] = {&local, &any_local};
  const Endpoint* remotes[2] = {&remote, &any_remote};
  if (!netns) netns = scope_;
  std::span<const uint32_t> spaces =
      netns ? std::span<const uint32_t>(&netns, 1) : std::span<const uint32_t>(namespaces_);
  for (const Endpoint* r : remotes)
    for (const Endpoint* l : locals)
      for (uint32_t ns : spaces) {
        Key k{ns, l4_proto, *l, *r};
        if (const SocketOwner* o = lookup(k, at_ns)) {
          ++stats_.found;
          return o;
        }
      }
  return nullptr;
}

void SocketMap::expire(uint64_t now_ns, uint64_t keep_ns) {
  for (auto it = sockets_.begin(); it != sockets_.end();) {
    if (it->second.closed && it->second.last_ns + keep_ns < now_ns) it = sockets_.erase(it);
    else ++it;
  }
}

void SocketMap::open_owners(std::vector<uint32_t>& out) const {
  for (const auto& [pid, sockets] : open_by_pid_) out.push_back(pid);
}

SocketMapStats SocketMap::stats() const {
  SocketMapStats s = stats_;
  s.entries = sockets_.size();
  return s;
}

}  // namespace vedetta
