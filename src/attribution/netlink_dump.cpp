#include "attribution/netlink_dump.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/user_error.h"

namespace vedetta {

bool walk_netlink_messages(std::span<const uint8_t> buffer, const char* what,
                           const NetlinkMessageHandler& on_message) {
  size_t at = 0;
  while (buffer.size() - at >= sizeof(nlmsghdr)) {
    nlmsghdr h;
    std::memcpy(&h, buffer.data() + at, sizeof h);
    if (h.nlmsg_len < sizeof(nlmsghdr) || h.nlmsg_len > buffer.size() - at)
      throw NetlinkError(format("%s: malformed netlink answer (a message of %u bytes at offset "
                                "%zu of %zu)",
                                what, h.nlmsg_len, at, buffer.size()),
                         0);
    const auto* msg = reinterpret_cast<const nlmsghdr*>(buffer.data() + at);
    if (h.nlmsg_type == NLMSG_DONE || h.nlmsg_type == NLMSG_ERROR) {
      // Both carry an error code first: a dump that failed part-way ends
      // with it in NLMSG_DONE; 0 in NLMSG_ERROR is an acknowledgement.
      int error = 0;
      if (h.nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
        std::memcpy(&error, buffer.data() + at + NLMSG_HDRLEN, sizeof error);
      if (error < 0) throw NetlinkError(format("%s: %s", what, strerror(-error)), -error);
      return true;
    }
    if (h.nlmsg_type >= NLMSG_MIN_TYPE) on_message(*msg);
    at += NLMSG_ALIGN(h.nlmsg_len);
    if (at > buffer.size()) break;
  }
  return false;
}

void read_netlink_answer(int fd, const char* what, const NetlinkMessageHandler& on_message,
                         bool single) {
  // Large enough for the kernel's dump batches (it fills at most 32 KiB,
  // or a page more than what the reader took last time).
  std::vector<uint8_t> buffer(65536);
  for (;;) {
    iovec io{buffer.data(), buffer.size()};
    msghdr m{};
    m.msg_iov = &io;
    m.msg_iovlen = 1;
    ssize_t n = recvmsg(fd, &m, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw NetlinkError(format("%s: %s", what, strerror(errno)), errno);
    }
    if (m.msg_flags & MSG_TRUNC)
      throw NetlinkError(format("%s: an answer larger than %zu bytes", what, buffer.size()), 0);
    std::span<const uint8_t> got(buffer.data(), static_cast<size_t>(n));
    if (walk_netlink_messages(got, what, on_message) || single || n == 0) return;
  }
}

void send_netlink_request(int fd, const void* request, size_t length, const char* what) {
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd, request, length, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0)
    throw NetlinkError(format("%s: %s", what, strerror(errno)), errno);
}

}  // namespace vedetta
