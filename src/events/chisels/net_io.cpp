#include "events/chisels/net_io.h"

#include <charconv>
#include <string_view>

#include "events/event_params.h"
#include "events/event_table.h"

namespace vedetta::events::chisels {
namespace {

// Whether sysdig's parser leaves a thread's pending call alone for this event
// (EF_SKIPPARSERESET): context switches and bookkeeping events can come
// between a call's enter and exit.
bool keeps_pending_call(uint16_t type) {
  static constexpr std::string_view kNames[] = {"switch", "cpu_hotplug", "notification",
                                                "page_fault"};
  const EventInfo* info = event_info(type);
  if (!info || (info->flags & kInternal)) return true;
  for (auto n : kNames)
    if (info->name == n) return true;
  return false;
}

}  // namespace

bool is_ip_socket(FdType type) {
  return type == FdType::kIpv4Sock || type == FdType::kIpv6Sock ||
         type == FdType::kIpv4ServSock || type == FdType::kIpv6ServSock;
}

IoDirection io_direction(uint16_t type) {
  // sysdig 0.29's event table puts these calls in EC_IO_READ / EC_IO_WRITE.
  static constexpr std::string_view kReads[] = {"read",  "recv",  "recvfrom", "recvmsg",
                                                "recvmmsg", "pread", "readv", "preadv"};
  static constexpr std::string_view kWrites[] = {"write",  "send",   "sendto",  "sendmsg", "sendmmsg",
                                                 "pwrite", "writev", "pwritev", "sendfile"};
  const EventInfo* info = event_info(type);
  if (!info || (info->flags & (kInternal | kUnused))) return IoDirection::kNone;
  for (auto n : kReads)
    if (info->name == n) return IoDirection::kRead;
  for (auto n : kWrites)
    if (info->name == n) return IoDirection::kWrite;
  return IoDirection::kNone;
}

std::optional<NetworkIo> NetworkIoReader::read(const Event& e, const ThreadTable& threads) {
  IoDirection dir = io_direction(e.type);
  if (is_enter(e.type)) {
    if (keeps_pending_call(e.type)) return std::nullopt;
    if (e.type == ppme::kProcexitE || e.type == ppme::kProcexit1E) {
      last_fd_.erase(e.tid);  // live, threads come and go for days
      return std::nullopt;
    }
    last_fd_[e.tid] = dir != IoDirection::kNone && e.param_count() ? param_num<int64_t>(e, 0) : -1;
    return std::nullopt;
  }
  if (dir == IoDirection::kNone || e.param_count() == 0) return std::nullopt;
  auto fd_num = last_fd_.find(e.tid);
  const ThreadInfo* th = threads.find(e.tid);
  if (fd_num == last_fd_.end() || !th || !th->fds) return std::nullopt;
  auto it = th->fds->find(fd_num->second);
  if (it == th->fds->end() || !is_ip_socket(it->second.type)) return std::nullopt;
  NetworkIo io;
  io.thread = th;
  io.fd = &it->second;
  io.is_read = dir == IoDirection::kRead;
  io.res = param_num<int64_t>(e, 0);
  return io;
}

bool split_endpoint(const std::string& text, std::string* ip, uint16_t* port) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  uint16_t p = 0;
  auto r = std::from_chars(text.data() + colon + 1, text.data() + text.size(), p);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) return false;
  *ip = text.substr(0, colon);
  *port = p;
  return true;
}

std::vector<uint16_t> fd_ports(const FdInfo& fd) {
  if (fd.has_tuple) return {fd.sport, fd.dport};
  std::string ip;
  uint16_t port = 0;
  if ((fd.type == FdType::kIpv4ServSock || fd.type == FdType::kIpv6ServSock) &&
      split_endpoint(fd.name, &ip, &port))
    return {port};
  return {};
}

const char* l4proto_name(L4Proto l4) {
  switch (l4) {
    case L4Proto::kTcp:
      return "tcp";
    case L4Proto::kUdp:
      return "udp";
    case L4Proto::kIcmp:
      return "icmp";
    case L4Proto::kRaw:
      return "raw";
    default:
      return "<NA>";
  }
}

}  // namespace vedetta::events::chisels
