#include "collect/netflow_input.h"

#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "common/user_error.h"

namespace vedetta::collect {
namespace {

constexpr std::string_view kNetflowScheme = "netflow://", kIpfixScheme = "ipfix://";
constexpr size_t kMaxDatagram = 65535;
constexpr size_t kMaxReadsPerCall = 4096;  // then other inputs get their turn
constexpr size_t kMaxSources = 4096;       // sequence tracking beyond this is skipped
// Datagrams a v9 sequence (packets) or a v5/IPFIX one (records) may arrive
// late without being taken for a restart.
constexpr int32_t kLatePackets = 16, kLateRecords = 1000;

double now_s() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

bool is_netflow_url(std::string_view url) {
  return url.starts_with(kNetflowScheme) || url.starts_with(kIpfixScheme);
}

NetflowListenAddress parse_netflow_url(std::string_view url) {
  NetflowListenAddress a;
  std::string_view rest;
  if (url.starts_with(kNetflowScheme)) {
    rest = url.substr(kNetflowScheme.size());
  } else if (url.starts_with(kIpfixScheme)) {
    rest = url.substr(kIpfixScheme.size());
    a.ipfix_only = true;
  } else {
    throw UserError(format("-i '%.*s': not a netflow:// or ipfix:// URL", int(url.size()),
                           url.data()));
  }
  if (!rest.empty() && !split_host_port(rest, a.host, a.port)) {
    std::string scheme(a.ipfix_only ? kIpfixScheme : kNetflowScheme);
    const char* port = a.ipfix_only ? "4739" : "2055";
    throw UserError(format("-i '%.*s': expected %s[ADDRESS]:PORT, e.g. %s:%s, %s0.0.0.0:%s or "
                           "%s[::1]:%s",
                           int(url.size()), url.data(), scheme.c_str(), scheme.c_str(), port,
                           scheme.c_str(), port, scheme.c_str(), port));
  }
  if (a.host.empty()) a.host = "127.0.0.1";
  if (a.port.empty()) a.port = a.ipfix_only ? "4739" : "2055";
  return a;
}

std::unique_ptr<FlowInput> open_netflow_input(std::string_view url) {
  return std::make_unique<NetflowInput>(url);
}

NetflowInput::NetflowInput(std::string_view url) : url_(url), buffer_(kMaxDatagram) {
  NetflowListenAddress a = parse_netflow_url(url);
  ipfix_only_ = a.ipfix_only;
  std::string error;
  if (!resolve_udp(a.host, a.port, bound_, error))
    throw UserError(format("-i '%s': %s", url_.c_str(), error.c_str()));
  fd_ = ::socket(bound_.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0 || ::bind(fd_, bound_.get(), bound_.length) != 0) {
    std::string why = strerror(errno);
    if (fd_ >= 0) ::close(fd_);
    throw UserError(format("-i '%s': cannot listen on UDP %s: %s", url_.c_str(),
                           address_text(bound_.get()).c_str(), why.c_str()));
  }
  bound_.length = sizeof bound_.storage;  // the port the kernel chose for port 0
  getsockname(fd_, reinterpret_cast<sockaddr*>(&bound_.storage), &bound_.length);
  // Root may go past net.core.rmem_max (FORCE); others get what it allows.
  int want = kWantedReceiveBuffer;
  forced_buffer_ = setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof want) == 0;
  if (!forced_buffer_) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &want, sizeof want);
  socklen_t len = sizeof receive_buffer_;
  getsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_, &len);
  int on = 1;  // each datagram then carries the socket's drop count
  setsockopt(fd_, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on);
}

NetflowInput::~NetflowInput() {
  if (fd_ >= 0) ::close(fd_);
}

std::string NetflowInput::opened_note() const {
  return format("%s: listening on UDP %s (%s); receive buffer: asked %d bytes, the kernel "
                "reports %d (it doubles what it grants, for bookkeeping)%s",
                url_.c_str(), address_text(bound_.get()).c_str(),
                ipfix_only_ ? "IPFIX" : "NetFlow v5/v9 and IPFIX", kWantedReceiveBuffer,
                receive_buffer_,
                forced_buffer_ ? "" : "; capped by net.core.rmem_max (no CAP_NET_ADMIN)");
}

void NetflowInput::poll_items(std::vector<zmq_pollitem_t>& items) {
  items.push_back(zmq_pollitem_t{nullptr, fd_, ZMQ_POLLIN, 0});
}

void NetflowInput::read_ready(RecordHandler& handler) {
  sockaddr_storage from;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(uint32_t))];
  for (size_t i = 0; i < kMaxReadsPerCall; ++i) {
    iovec iov{buffer_.data(), buffer_.size()};
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(fd_, &msg, MSG_DONTWAIT);
    if (n < 0) {  // EAGAIN: all read; other errors: try again at the next poll
      update_kernel_drops();
      return;
    }
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
        uint32_t dropped;
        std::memcpy(&dropped, CMSG_DATA(c), sizeof dropped);
        // The socket's running total (as of this datagram's queueing).
        stats_.kernel_drops = std::max<uint64_t>(stats_.kernel_drops, dropped);
      }
    if (msg.msg_flags & MSG_TRUNC) {
      ++stats_.bad_messages;
      complain(address_text(reinterpret_cast<sockaddr*>(&from)),
               "datagram larger than 64 KiB, cut by the kernel");
      continue;
    }
    handle_datagram(reinterpret_cast<sockaddr*>(&from), buffer_.data(), size_t(n), handler);
  }
}

// A datagram's SO_RXQ_OVFL count is the socket's as it was when the
// datagram was queued: drops after the last queued datagram (a full buffer
// queues nothing more) show only in the socket's current count (SO_MEMINFO).
void NetflowInput::update_kernel_drops() {
  uint32_t meminfo[SK_MEMINFO_VARS] = {};
  socklen_t len = sizeof meminfo;
  if (getsockopt(fd_, SOL_SOCKET, SO_MEMINFO, meminfo, &len) == 0 &&
      len > SK_MEMINFO_DROPS * sizeof(uint32_t) && meminfo[SK_MEMINFO_DROPS] > stats_.kernel_drops)
    stats_.kernel_drops = meminfo[SK_MEMINFO_DROPS];
}

void NetflowInput::handle_datagram(const sockaddr* from, const uint8_t* data, size_t size,
                                   RecordHandler& handler) {
  std::string exporter = address_text(from);
  if (ipfix_only_ && size >= 2 && (data[0] != 0 || data[1] != 10)) {
    ++stats_.bad_messages;
    complain(exporter, format("version %u packet on an ipfix:// input (IPFIX only; netflow:// "
                              "takes v5, v9 and IPFIX)",
                              unsigned(data[0]) << 8 | data[1]));
    return;
  }
  records_.clear();
  wire::NetflowPacketInfo info;
  std::string error;
  bool ok = decoder_.decode(exporter, data, size, records_, info, error);
  stats_.unknown_templates += info.unknown_template_sets;
  if (ok) {
    ++stats_.messages;
    track_sequence(exporter + " v" + std::to_string(info.version) + " id " +
                       std::to_string(info.source_id),
                   info);
  } else {
    ++stats_.bad_messages;
    complain(exporter, error);
  }
  FlowOrigin origin{exporter, info.source_id};
  for (wire::FlowRecord& r : records_) {
    ++stats_.flows;
    handler.flow(origin, std::move(r));
  }
}

void NetflowInput::track_sequence(const std::string& key, const wire::NetflowPacketInfo& info) {
  auto it = sources_.find(key);
  if (it == sources_.end()) {
    if (sources_.size() >= kMaxSources) return;
    it = sources_.emplace(key, Source{}).first;
  }
  Source& s = it->second;
  s.version = info.version;
  ++s.packets;
  s.flows += info.flows;
  bool uptime_back = info.version != 10 && s.packets > 1 && info.sys_uptime_ms < s.last_uptime;
  s.last_uptime = info.sys_uptime_ms;
  if (s.expecting) {
    int32_t delta = static_cast<int32_t>(info.sequence - s.expected);
    int32_t late = info.version == 9 ? kLatePackets : kLateRecords;
    if (uptime_back || delta < -late) {
      ++s.restarts;
      ++stats_.source_restarts;
    } else if (delta < 0) {
      return;  // arrived late: its gap was counted already
    } else {
      s.lost += uint32_t(delta);
      stats_.lost_messages += uint32_t(delta);
    }
  }
  // After data of unknown templates, the record count (v5/IPFIX) is unknown.
  s.expecting = info.sequence_known || info.version == 9;
  s.expected = info.sequence_next;
}

void NetflowInput::complain(const std::string& from, const std::string& error) {
  // At most one line a second: a flood of garbage must not flood the log.
  double t = now_s();
  if (t < last_complaint_ + 1) {
    ++unreported_complaints_;
    return;
  }
  std::string more = unreported_complaints_
                         ? format(" (and %llu more bad datagrams since the last message)",
                                  (unsigned long long)unreported_complaints_)
                         : "";
  std::fprintf(stderr, "vedetta: %s: bad datagram from %s: %s%s\n", url_.c_str(), from.c_str(),
               error.c_str(), more.c_str());
  last_complaint_ = t;
  unreported_complaints_ = 0;
}

std::vector<std::string> NetflowInput::source_lines() const {
  std::vector<std::string> lines{opened_note()};
  for (const auto& [key, s] : sources_) {
    const char* unit = s.version == 9 ? "packets" : "records";
    lines.push_back(format("%s: %llu packets, %llu flows, %llu %s lost (sequence gaps), %llu "
                           "restarts",
                           key.c_str(), (unsigned long long)s.packets, (unsigned long long)s.flows,
                           (unsigned long long)s.lost, unit, (unsigned long long)s.restarts));
  }
  return lines;
}

}  // namespace vedetta::collect
