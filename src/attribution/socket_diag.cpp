#include "attribution/socket_diag.h"

#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "attribution/netlink_dump.h"
#include "attribution/socket_map.h"
#include "common/user_error.h"

namespace vedetta {
namespace {

constexpr uint32_t kAllStates = ~0u;

void request_dump(int fd, uint8_t family, uint8_t protocol) {
  struct {
    nlmsghdr header;
    inet_diag_req_v2 body;
  } req{};
  req.header.nlmsg_len = sizeof req;
  req.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  req.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.body.sdiag_family = family;
  req.body.sdiag_protocol = protocol;
  req.body.idiag_states = kAllStates;
  std::string what = format("sock_diag request (family %u, protocol %u)", family, protocol);
  send_netlink_request(fd, &req, sizeof req, what.c_str());
}

// Reads the answers to one dump request until NLMSG_DONE.
void read_dump(int fd, uint8_t protocol, std::vector<DiagSocket>& out) {
  std::string what = format("sock_diag answer (protocol %u)", protocol);
  read_netlink_answer(fd, what.c_str(), [&](const nlmsghdr& h) {
    if (h.nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) return;
    const auto* m = static_cast<const inet_diag_msg*>(NLMSG_DATA(&h));
    if (m->idiag_inode == 0) return;  // TIME_WAIT, request socket: no process holds it
    DiagSocket s;
    s.inode = m->idiag_inode;
    s.l4_proto = protocol;
    const auto* src = reinterpret_cast<const uint8_t*>(m->id.idiag_src);
    const auto* dst = reinterpret_cast<const uint8_t*>(m->id.idiag_dst);
    s.local = endpoint_of(m->idiag_family, src, ntohs(m->id.idiag_sport));
    s.remote = endpoint_of(m->idiag_family, dst, ntohs(m->id.idiag_dport));
    out.push_back(s);
  });
}

int open_diag_socket() {
  return socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
}

}  // namespace

std::vector<DiagSocket> dump_inet_sockets(int diag_fd) {
  std::vector<DiagSocket> out;
  for (uint8_t family : {AF_INET, AF_INET6})
    for (uint8_t protocol : {IPPROTO_TCP, IPPROTO_UDP}) {
      request_dump(diag_fd, family, protocol);
      read_dump(diag_fd, protocol, out);
    }
  return out;
}

uint32_t namespace_inode(const std::string& ns_path) {
  struct stat st;
  return stat(ns_path.c_str(), &st) == 0 ? static_cast<uint32_t>(st.st_ino) : 0;
}

NamespaceDiagSockets::NamespaceDiagSockets() {
  own_ns_fd_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  own_netns_ = namespace_inode("/proc/thread-self/ns/net");
}

NamespaceDiagSockets::~NamespaceDiagSockets() {
  for (auto& [ns, fd] : by_netns_) close(fd);
  if (own_ns_fd_ >= 0) close(own_ns_fd_);
}

int NamespaceDiagSockets::get(uint32_t netns, const std::string& ns_path, std::string& error) {
  if (auto it = by_netns_.find(netns); it != by_netns_.end()) return it->second;
  int fd = -1;
  if (netns == own_netns_) {
    fd = open_diag_socket();
    if (fd < 0) error = format("netlink sock_diag socket: %s", strerror(errno));
  } else if (own_ns_fd_ < 0) {
    error = "/proc/thread-self/ns/net could not be opened: no way back from another namespace";
  } else {
    int ns_fd = open(ns_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns_fd < 0) {
      error = format("'%s': %s", ns_path.c_str(), strerror(errno));
      return -1;
    }
    // Only this thread enters the namespace, and only to create the socket.
    if (setns(ns_fd, CLONE_NEWNET) != 0) {
      error = format("entering network namespace %u (%s): %s", netns, ns_path.c_str(),
                     strerror(errno));
    } else {
      fd = open_diag_socket();
      if (fd < 0) error = format("netlink sock_diag socket in namespace %u: %s", netns, strerror(errno));
      if (setns(own_ns_fd_, CLONE_NEWNET) != 0)
        throw UserError(format("cannot return to the own network namespace: %s", strerror(errno)));
    }
    close(ns_fd);
  }
  if (fd >= 0) by_netns_[netns] = fd;
  return fd;
}

void NamespaceDiagSockets::keep_only(const std::vector<uint32_t>& in_use) {
  for (auto it = by_netns_.begin(); it != by_netns_.end();) {
    if (std::find(in_use.begin(), in_use.end(), it->first) != in_use.end()) {
      ++it;
      continue;
    }
    close(it->second);
    it = by_netns_.erase(it);
  }
}

}  // namespace vedetta
