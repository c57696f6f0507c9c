#pragma once
// Reading netlink answers, shared by sock_diag (sockets) and rtnetlink
// (links, addresses, namespace ids): every data message of a reply, until
// the kernel says the dump is done or fails.
#include <linux/netlink.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "common/user_error.h"

namespace vedetta {

// A netlink request that failed: `code` is the errno (0: a malformed answer).
class NetlinkError : public UserError {
 public:
  NetlinkError(const std::string& what, int code) : UserError(what), code(code) {}
  int code;
};

using NetlinkMessageHandler = std::function<void(const nlmsghdr&)>;

// Walks the messages of one received buffer, calling `on_message` for each
// data message. Returns true at NLMSG_DONE (the end of a dump) and at an
// acknowledgement (NLMSG_ERROR with code 0). Throws NetlinkError naming `what`
// on an error code (in NLMSG_ERROR, or in NLMSG_DONE: a dump that failed),
// and on a message whose stated length runs past the buffer or is shorter
// than its header.
bool walk_netlink_messages(std::span<const uint8_t> buffer, const char* what,
                           const NetlinkMessageHandler& on_message);

// Receives the answer to one request on `fd` until NLMSG_DONE (a dump) or,
// with `single`, after the first buffer that holds a message. Throws
// NetlinkError naming `what` when recv fails or an answer did not fit.
void read_netlink_answer(int fd, const char* what, const NetlinkMessageHandler& on_message,
                         bool single = false);

// Sends one request to the kernel; throws UserError naming `what`.
void send_netlink_request(int fd, const void* request, size_t length, const char* what);

}  // namespace vedetta
