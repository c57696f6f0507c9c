#pragma once
// What rtnetlink (NETLINK_ROUTE) says about the probe's network namespace:
// its links (a veth's peer namespace, a bridge port's bridge), the
// addresses of a namespace (the own one, or one the own namespace knows by
// an id), and the id it gives another namespace. Dumps need no privilege;
// another namespace's addresses need CAP_NET_ADMIN.
#include <linux/netlink.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/ip_address.h"

namespace vedetta {

// The own namespace's id for a namespace it has none for, and for links
// without a peer elsewhere (IFLA_LINK_NETNSID absent).
constexpr int32_t kNoNetnsId = -1;

struct LinkInfo {
  uint32_t ifindex = 0;
  std::string name;
  uint32_t master = 0;                // IFLA_MASTER: the bridge (or bond) it is a port of
  int32_t peer_netnsid = kNoNetnsId;  // IFLA_LINK_NETNSID: where its peer (veth) lives
};

struct AddressInfo {
  uint32_t ifindex = 0;
  IpAddress address;
};

// One message of a dump: RTM_NEWLINK → LinkInfo, RTM_NEWADDR → AddressInfo
// (IPv4 and IPv6 only), RTM_NEWNSID → the id. nullopt for other messages
// and for ones too short for their fixed header; attributes that run past
// the message are ignored.
std::optional<LinkInfo> parse_link_message(const nlmsghdr& h);
std::optional<AddressInfo> parse_address_message(const nlmsghdr& h);
std::optional<int32_t> parse_netnsid_message(const nlmsghdr& h);

// A NETLINK_ROUTE socket of the calling thread's namespace. Every call
// throws UserError naming the request that failed.
class RouteNetlink {
 public:
  RouteNetlink();
  ~RouteNetlink();
  RouteNetlink(const RouteNetlink&) = delete;
  RouteNetlink& operator=(const RouteNetlink&) = delete;

  std::vector<LinkInfo> links();
  // The addresses of the own namespace (kNoNetnsId) or of the namespace
  // the own one calls `netnsid` (IFA_TARGET_NETNSID: Linux ≥ 5.0 and
  // CAP_NET_ADMIN there).
  std::vector<AddressInfo> addresses(int32_t netnsid = kNoNetnsId);
  // The id the own namespace gives the namespace open as `ns_fd`
  // (RTM_GETNSID), kNoNetnsId if it has none (no link between the two).
  int32_t netnsid_of(int ns_fd);

 private:
  int fd_ = -1;
  uint32_t seq_ = 0;
};

// Link and address changes the kernel announces (added, removed, moved):
// in the own namespace, and, when the socket was opened with
// CAP_NET_BROADCAST (root, before the privilege drop), in every namespace
// the own one has an id for, i.e. behind its veths (NETLINK_LISTEN_ALL_NSID).
class RouteChanges {
 public:
  RouteChanges();  // never throws: without a socket, changed() is always true
  ~RouteChanges();
  RouteChanges(const RouteChanges&) = delete;
  RouteChanges& operator=(const RouteChanges&) = delete;

  // Whether the peers' namespaces' changes are announced too.
  bool all_namespaces() const { return all_namespaces_; }
  // Whether anything was announced since the last call; never blocks. A
  // queue that overflowed counts as a change.
  bool changed();

 private:
  int fd_ = -1;
  bool all_namespaces_ = false;
};

}  // namespace vedetta
