#pragma once
// What the network chisels count, as sysdig's filter
//   evt.is_io=true and (fd.type=ipv4 or fd.type=ipv6)
// with evt.rawarg.res as the byte count: the exit event of a read or write
// family call (read, recvfrom, sendmsg, writev, sendfile...) on an IPv4 or
// IPv6 socket, listening sockets included.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "events/event.h"
#include "events/thread_table.h"

namespace vedetta::events::chisels {

enum class IoDirection { kNone, kRead, kWrite };

// sysdig's event category EC_IO_READ / EC_IO_WRITE, for both directions of the call.
IoDirection io_direction(uint16_t type);

struct NetworkIo {
  const ThreadInfo* thread = nullptr;
  const FdInfo* fd = nullptr;
  bool is_read = false;
  int64_t res = 0;  // evt.rawarg.res: bytes moved, or -errno
};

// Finds the network I/O exit events report. Exit events of these calls do
// not carry the fd: as sysdig does, it is the one the thread's last enter
// event named, context switches and bookkeeping events (procinfo...) not
// counting: a thread often leaves the CPU inside write().
class NetworkIoReader {
 public:
  // Give it every event, after the state tracker applied it.
  std::optional<NetworkIo> read(const Event& e, const ThreadTable& threads);

 private:
  std::unordered_map<int64_t, int64_t> last_fd_;  // tid -> fd of its pending I/O call, or -1
};

// fd.type = ipv4 or ipv6: connected and listening IP sockets.
bool is_ip_socket(FdType type);

// The ports fd.port matches: both ends of a connected socket, the port of a
// listening one.
std::vector<uint16_t> fd_ports(const FdInfo& fd);

// fd.l4proto: "tcp", "udp", "icmp", "raw", else "<NA>".
const char* l4proto_name(L4Proto l4);

// Splits "ip:port" (IPv6 without brackets: "::1:22") at its last colon.
bool split_endpoint(const std::string& text, std::string* ip, uint16_t* port);

}  // namespace vedetta::events::chisels
