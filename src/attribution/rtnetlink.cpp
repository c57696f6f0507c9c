#include "attribution/rtnetlink.h"

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>

#include "attribution/netlink_dump.h"
#include "common/user_error.h"

#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif
#ifndef NETLINK_LISTEN_ALL_NSID
#define NETLINK_LISTEN_ALL_NSID 8
#endif

namespace vedetta {
namespace {

// Calls on_attribute(type, payload, length) for each attribute after the
// fixed header of `fixed` bytes; stops at the first one that runs past the
// message.
void for_each_attribute(const nlmsghdr& h, size_t fixed,
                        const std::function<void(uint16_t, const uint8_t*, size_t)>& on_attribute) {
  const auto* base = reinterpret_cast<const uint8_t*>(&h);
  size_t at = NLMSG_HDRLEN + NLMSG_ALIGN(fixed);
  while (at + sizeof(rtattr) <= h.nlmsg_len) {
    rtattr a;
    std::memcpy(&a, base + at, sizeof a);
    if (a.rta_len < sizeof(rtattr) || at + a.rta_len > h.nlmsg_len) return;
    on_attribute(a.rta_type & NLA_TYPE_MASK, base + at + RTA_LENGTH(0), a.rta_len - RTA_LENGTH(0));
    at += RTA_ALIGN(a.rta_len);
  }
}

template <typename T>
bool read_value(const uint8_t* p, size_t n, T& out) {
  if (n < sizeof(T)) return false;
  std::memcpy(&out, p, sizeof(T));
  return true;
}

template <typename Fixed>
bool has_fixed(const nlmsghdr& h, uint16_t type) {
  return h.nlmsg_type == type && h.nlmsg_len >= NLMSG_LENGTH(sizeof(Fixed));
}

template <typename Fixed>
Fixed fixed_header(const nlmsghdr& h) {
  Fixed f;
  std::memcpy(&f, reinterpret_cast<const uint8_t*>(&h) + NLMSG_HDRLEN, sizeof f);
  return f;
}

// A request: header, fixed part, then attributes appended in place.
struct Request {
  alignas(nlmsghdr) uint8_t bytes[256] = {};
  size_t length = 0;

  Request(uint16_t type, uint16_t flags, uint32_t seq, const void* fixed, size_t fixed_len) {
    auto* h = reinterpret_cast<nlmsghdr*>(bytes);
    h->nlmsg_type = type;
    h->nlmsg_flags = flags;
    h->nlmsg_seq = seq;
    std::memcpy(bytes + NLMSG_HDRLEN, fixed, fixed_len);
    length = NLMSG_HDRLEN + NLMSG_ALIGN(fixed_len);
    h->nlmsg_len = static_cast<uint32_t>(length);
  }
  template <typename T>
  void add(uint16_t type, const T& value) {
    rtattr a{static_cast<unsigned short>(RTA_LENGTH(sizeof(T))), type};
    std::memcpy(bytes + length, &a, sizeof a);
    std::memcpy(bytes + length + RTA_LENGTH(0), &value, sizeof(T));
    length += RTA_ALIGN(a.rta_len);
    reinterpret_cast<nlmsghdr*>(bytes)->nlmsg_len = static_cast<uint32_t>(length);
  }
};

}  // namespace

std::optional<LinkInfo> parse_link_message(const nlmsghdr& h) {
  if (!has_fixed<ifinfomsg>(h, RTM_NEWLINK)) return std::nullopt;
  LinkInfo link;
  link.ifindex = static_cast<uint32_t>(fixed_header<ifinfomsg>(h).ifi_index);
  for_each_attribute(h, sizeof(ifinfomsg), [&](uint16_t type, const uint8_t* p, size_t n) {
    if (type == IFLA_IFNAME)
      link.name.assign(reinterpret_cast<const char*>(p),
                       strnlen(reinterpret_cast<const char*>(p), n));
    else if (type == IFLA_MASTER)
      read_value(p, n, link.master);
    else if (type == IFLA_LINK_NETNSID)
      read_value(p, n, link.peer_netnsid);
  });
  return link;
}

std::optional<AddressInfo> parse_address_message(const nlmsghdr& h) {
  if (!has_fixed<ifaddrmsg>(h, RTM_NEWADDR)) return std::nullopt;
  ifaddrmsg m = fixed_header<ifaddrmsg>(h);
  size_t size = m.ifa_family == AF_INET ? 4 : m.ifa_family == AF_INET6 ? 16 : 0;
  if (!size) return std::nullopt;
  // IFA_LOCAL is the own address; IFA_ADDRESS is the peer's on a
  // point-to-point link, and the own one otherwise (IPv6 sends only it).
  const uint8_t *local = nullptr, *address = nullptr;
  for_each_attribute(h, sizeof(ifaddrmsg), [&](uint16_t type, const uint8_t* p, size_t n) {
    if (n < size) return;
    if (type == IFA_LOCAL)
      local = p;
    else if (type == IFA_ADDRESS)
      address = p;
  });
  const uint8_t* own = local ? local : address;
  if (!own) return std::nullopt;
  AddressInfo a;
  a.ifindex = m.ifa_index;
  a.address = size == 4 ? IpAddress::v4(own) : IpAddress::v6(own);
  return a;
}

std::optional<int32_t> parse_netnsid_message(const nlmsghdr& h) {
  if (!has_fixed<rtgenmsg>(h, RTM_NEWNSID)) return std::nullopt;
  int32_t id = kNoNetnsId;
  for_each_attribute(h, sizeof(rtgenmsg), [&](uint16_t type, const uint8_t* p, size_t n) {
    if (type == NETNSA_NSID) read_value(p, n, id);
  });
  return id;
}

RouteNetlink::RouteNetlink() {
  fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd_ < 0) throw UserError(format("netlink route socket: %s", strerror(errno)));
  // Strict checking is what makes the kernel honour IFA_TARGET_NETNSID.
  int one = 1;
  setsockopt(fd_, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof one);
}

RouteNetlink::~RouteNetlink() {
  if (fd_ >= 0) close(fd_);
}

std::vector<LinkInfo> RouteNetlink::links() {
  ifinfomsg fixed{};
  Request req(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, ++seq_, &fixed, sizeof fixed);
  send_netlink_request(fd_, req.bytes, req.length, "rtnetlink link dump request");
  std::vector<LinkInfo> out;
  read_netlink_answer(fd_, "rtnetlink link dump", [&](const nlmsghdr& h) {
    if (auto link = parse_link_message(h)) out.push_back(std::move(*link));
  });
  return out;
}

std::vector<AddressInfo> RouteNetlink::addresses(int32_t netnsid) {
  std::vector<AddressInfo> out;
  std::string what = netnsid == kNoNetnsId
                         ? std::string("rtnetlink address dump")
                         : format("rtnetlink address dump of the namespace with id %d", netnsid);
  for (uint8_t family : {AF_INET, AF_INET6}) {
    ifaddrmsg fixed{};
    fixed.ifa_family = family;
    Request req(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, ++seq_, &fixed, sizeof fixed);
    if (netnsid != kNoNetnsId) req.add(IFA_TARGET_NETNSID, netnsid);
    send_netlink_request(fd_, req.bytes, req.length, what.c_str());
    read_netlink_answer(fd_, what.c_str(), [&](const nlmsghdr& h) {
      if (auto a = parse_address_message(h)) out.push_back(*a);
    });
  }
  return out;
}

int32_t RouteNetlink::netnsid_of(int ns_fd) {
  rtgenmsg fixed{};
  fixed.rtgen_family = AF_UNSPEC;
  Request req(RTM_GETNSID, NLM_F_REQUEST, ++seq_, &fixed, sizeof fixed);
  req.add(NETNSA_FD, static_cast<uint32_t>(ns_fd));
  send_netlink_request(fd_, req.bytes, req.length, "rtnetlink namespace id request");
  int32_t id = kNoNetnsId;
  read_netlink_answer(
      fd_, "rtnetlink namespace id request",
      [&](const nlmsghdr& h) {
        if (auto got = parse_netnsid_message(h)) id = *got;
      },
      /*single=*/true);
  return id;
}

RouteChanges::RouteChanges() {
  fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
  if (fd_ < 0) return;
  sockaddr_nl groups{};
  groups.nl_family = AF_NETLINK;
  groups.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
  if (bind(fd_, reinterpret_cast<sockaddr*>(&groups), sizeof groups) != 0) {
    close(fd_);
    fd_ = -1;
    return;
  }
  int one = 1;
  all_namespaces_ = setsockopt(fd_, SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, &one, sizeof one) == 0;
}

RouteChanges::~RouteChanges() {
  if (fd_ >= 0) close(fd_);
}

bool RouteChanges::changed() {
  if (fd_ < 0) return true;
  bool any = false;
  alignas(nlmsghdr) uint8_t buffer[8192];
  for (;;) {
    ssize_t n = recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n > 0) {
      any = true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == ENOBUFS) {  // announcements were lost: assume a change
      any = true;
      continue;
    }
    return any;
  }
}

}  // namespace vedetta
