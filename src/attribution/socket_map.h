#pragma once
// (network namespace, L4 protocol, local endpoint, remote endpoint) → the
// process that used the socket, fed by the kernel's socket events (connect,
// accept, send/receive, read/write on sockets, close). A flow looks up its
// client side and its server side here.
//
// Unspecified parts are wildcards: a socket bound to 0.0.0.0 or [::] matches
// any local address, an unconnected UDP socket any peer. IPv4-mapped IPv6
// addresses (a dual-stack [::] listener accepting IPv4 clients) are stored as
// IPv4, which is what the packets show.
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "attribution/process_info.h"
#include "attribution/process_table.h"
#include "ebpf/syscall_event.h"
#include "flow/flow_key.h"

namespace vedetta {

struct SocketOwner {
  ProcessRef process;              // as it was at the last call on the socket
  uint32_t tid = 0;
  int32_t fd = -1;
  uint64_t first_ns = 0;           // boot clock of the first call seen on this socket
  uint64_t last_ns = 0;            // boot clock of that call
  bool closed = false;
  bool from_scan = false;          // found by a socket scan, not named by an event
  // Closed sockets that had the same tuple before this one (a client port
  // reused at once by another process), newest first, at most kEarlierKept.
  std::vector<SocketOwner> earlier;
  std::vector<uint32_t> others;    // other processes that used it (forked children...)
};

struct SocketMapStats {
  uint64_t events = 0;       // socket events applied
  uint64_t entries = 0;      // sockets known now
  uint64_t lookups = 0;
  uint64_t found = 0;
};

class SocketMap {
 public:
  explicit SocketMap(ProcessTable& processes) : processes_(processes) {}

  void on_syscall_event(const vedetta_syscall_event& e);

  // A socket found by a scan (sock_diag + /proc/PID/fd) instead of an
  // event. An owner an event named is kept (events are exact and newer);
  // one a previous scan found is replaced.
  void seed(uint32_t netns, uint8_t l4_proto, const Endpoint& local, const Endpoint& remote,
            ProcessRef process, int32_t fd, uint64_t now_ns);
  // A scanned socket that is gone.
  void mark_closed(uint32_t netns, uint8_t l4_proto, const Endpoint& local,
                   const Endpoint& remote, uint64_t now_ns);

  // The owner of the socket whose local end is `local` and remote end
  // `remote`, or null. `netns` 0 = any namespace. `at_ns` (boot clock, 0 =
  // now): when the flow started, so that a tuple used by successive
  // sockets names the one that lived then.
  const SocketOwner* find(uint8_t l4_proto, const Endpoint& local, const Endpoint& remote,
                          uint32_t netns = 0, uint64_t at_ns = 0);

  // Pids of the processes holding an open socket (each once), appended.
  void open_owners(std::vector<uint32_t>& out) const;
  // Drops closed sockets idle for longer than `keep_ns`.
  void expire(uint64_t now_ns, uint64_t keep_ns);
  SocketMapStats stats() const;

 private:
  struct Key {
    uint32_t netns = 0;
    uint8_t l4_proto = 0;
    Endpoint local, remote;  // addr.version 0 / port 0 = wildcard
    friend bool operator==(const Key&, const Key&) = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };

  void record(const Key& key, const vedetta_syscall_event& e, bool closing);
  // Keeps open_by_pid_ true: call with false before changing an owner's
  // process or state, with true after.
  void count_open(const SocketOwner& o, bool add);
  void close_key(const Key& key, uint64_t ts_ns);
  void note_namespace(uint32_t netns);

 public:
  // Where the same tuple is in use in several namespaces (containers with
  // the same addresses), `netns` (the probe's own: its captures see its
  // loopback and its side of veth pairs) is searched first.
  void prefer_namespace(uint32_t netns);
  // Lookups without a namespace search `netns` only: a probe that runs in
  // one host's namespace names that host's processes and no other's.
  void scope_to_namespace(uint32_t netns) { scope_ = netns; }

 private:
  const SocketOwner* lookup(const Key& key, uint64_t at_ns);
  void complete(SocketOwner& o);
  static constexpr size_t kEarlierKept = 4;
  // Packet and event clocks are read apart: a socket's first call may come
  // a little after the flow's first packet (the SYN is sent inside connect).
  static constexpr uint64_t kStartSlackNs = 5'000'000;

  ProcessTable& processes_;
  std::unordered_map<Key, SocketOwner, KeyHash> sockets_;
  // Open sockets by owner pid: the resource sampler asks every second, and
  // closed sockets, kept for late flows, far outnumber open ones.
  std::unordered_map<uint32_t, uint32_t> open_by_pid_;
  // Namespaces seen, so that a lookup without one can try each.
  std::vector<uint32_t> namespaces_;
  uint32_t scope_ = 0;  // 0: every namespace
  SocketMapStats stats_;
};

// Endpoint of a kernel address (family AF_INET/AF_INET6), IPv4-mapped IPv6
// turned into IPv4, all-zero address turned into the wildcard.
Endpoint endpoint_of(uint16_t family, const uint8_t* addr, uint16_t port);

}  // namespace vedetta
