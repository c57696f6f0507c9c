#pragma once
// The kernel's list of TCP and UDP sockets (NETLINK_SOCK_DIAG, inet_diag),
// as `ss` reads it: one dump per network namespace, since a diag socket
// only sees the namespace it was created in. Dumping needs no privilege;
// creating a diag socket in another namespace needs setns (CAP_SYS_ADMIN).
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "flow/flow_key.h"

namespace vedetta {

struct DiagSocket {
  uint64_t inode = 0;  // as in /proc/PID/fd's "socket:[INODE]"
  uint8_t l4_proto = 0;
  Endpoint local, remote;  // endpoint_of(): unspecified = wildcard, IPv4-mapped as IPv4
};

// Every TCP and UDP socket, IPv4 and IPv6, that has an inode (not TIME_WAIT
// leftovers or half-open requests), of the namespace `diag_fd` belongs to.
// Throws UserError naming the failing request.
std::vector<DiagSocket> dump_inet_sockets(int diag_fd);

// Diag sockets by network namespace (its inode, as BPF and
// stat(/proc/PID/ns/net) give it), created on first use and closed when no
// process is in the namespace any more (an open socket would keep it alive).
class NamespaceDiagSockets {
 public:
  NamespaceDiagSockets();
  ~NamespaceDiagSockets();
  NamespaceDiagSockets(const NamespaceDiagSockets&) = delete;
  NamespaceDiagSockets& operator=(const NamespaceDiagSockets&) = delete;

  // The diag socket of namespace `netns`, entering it through `ns_path`
  // (/proc/PID/ns/net of a process inside) if it is not ours. -1 when that
  // fails; `error` then says why.
  int get(uint32_t netns, const std::string& ns_path, std::string& error);
  // Closes the sockets of namespaces not in `in_use`.
  void keep_only(const std::vector<uint32_t>& in_use);
  uint32_t own_netns() const { return own_netns_; }

 private:
  int own_ns_fd_ = -1;  // to come back after setns
  uint32_t own_netns_ = 0;
  std::unordered_map<uint32_t, int> by_netns_;
};

// Inode of a namespace file (/proc/PID/ns/net); 0 if unreadable.
uint32_t namespace_inode(const std::string& ns_path);

}  // namespace vedetta
