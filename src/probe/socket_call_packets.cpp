#include "probe/socket_call_packets.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "decode/decoded_packet.h"

namespace vedetta {
namespace {

// x86-64 numbers of the calls agent mode reads.
enum : int {
  kRead = 0, kWrite = 1, kClose = 3, kReadv = 19, kWritev = 20, kSendfile = 40, kConnect = 42,
  kAccept = 43, kSendto = 44, kRecvfrom = 45, kSendmsg = 46, kRecvmsg = 47, kBind = 49,
  kListen = 50, kSplice = 275, kAccept4 = 288, kRecvmmsg = 299, kSendmmsg = 307,
  kIoUringEnter = 426,
};

// A closed local end still names local receives this long (they may be
// released after the close).
constexpr uint64_t kClosedEndKeptNs = 2'000'000'000;
// Sockets and connections quiet this long are forgotten: their process may
// have exited (its fds closed without a close call).
constexpr uint64_t kIdleForgottenNs = 300'000'000'000;

bool is_send(int nr) { return nr == kWrite || nr == kWritev || nr == kSendto || nr == kSendmsg; }
bool is_receive(int nr) { return nr == kRead || nr == kReadv || nr == kRecvfrom || nr == kRecvmsg; }

template <class End>
std::pair<End, End> lower_first(const End& a, const End& b) {
  return a < b ? std::pair<End, End>{a, b} : std::pair<End, End>{b, a};
}

bool unspecified(const IpAddress& a) {
  return std::all_of(a.bytes.begin(), a.bytes.end(), [](uint8_t b) { return b == 0; });
}

IpAddress address_of(const vedetta_socket_info& s, const uint8_t* raw) {
  if (s.family == AF_INET) return IpAddress::v4(raw);
  if (is_ipv4_mapped(raw)) return IpAddress::v4(raw + 12);
  return IpAddress::v6(raw);
}

}  // namespace

const std::vector<int>& SocketCallPackets::syscalls() {
  static const std::vector<int> kCalls = {
      kRead,    kWrite,   kClose,  kReadv,  kWritev,  kSendfile, kConnect, kAccept, kSendto,
      kRecvfrom, kSendmsg, kRecvmsg, kSplice, kAccept4, kRecvmmsg, kSendmmsg,
      kBind, kListen,   // for attribution
      kIoUringEnter};   // counted in the kernel
  return kCalls;
}

void SocketCallPackets::on_event(const vedetta_syscall_event& e) {
  newest_ns_ = std::max<uint64_t>(newest_ns_, e.ts_ns);
  const vedetta_socket_info& s = e.sock;
  bool ip = (s.family == AF_INET || s.family == AF_INET6) &&
            (s.protocol == IPPROTO_TCP || s.protocol == IPPROTO_UDP);
  int nr = static_cast<int>(e.syscall);
  if (!e.exit) {
    if (nr == kClose && ip) add_activity(e, Kind::kClose, 0, nullptr, 0);
    else if (is_send(nr) && ip) send_data_[e.tid].assign(e.snap, e.snap + e.snap_len);
    return;
  }
  std::vector<uint8_t> sent;
  if (is_send(nr)) {
    auto it = send_data_.find(e.tid);
    if (it != send_data_.end()) {
      sent = std::move(it->second);
      send_data_.erase(it);
    }
  }
  if (!ip || e.ret < 0) {
    // A non-blocking connect goes on in the background: the handshake starts now.
    if (!(ip && nr == kConnect && e.ret == -EINPROGRESS)) return;
  }
  switch (nr) {
    case kConnect:
      if (s.protocol == IPPROTO_TCP)
        add_activity(e, e.ret == 0 ? Kind::kOpenAsClient : Kind::kConnecting, 0, nullptr, 0);
      break;
    case kAccept: case kAccept4:
      add_activity(e, Kind::kOpenAsServer, 0, nullptr, 0);
      break;
    case kSendfile:  // into the socket (args[0])
    case kSplice: {  // out of the socket, or into it (sock_is_out)
      stats_.dataless_calls++;
      stats_.dataless_bytes += e.ret;
      bool into = nr == kSendfile || e.sock_is_out;
      add_activity(e, into ? Kind::kSend : Kind::kReceive, e.ret, nullptr, 0);
      break;
    }
    case kSendmmsg: case kRecvmmsg:
      stats_.mmsg_calls++;
      stats_.mmsg_messages += e.ret;
      break;
    default:
      if (is_send(nr) && e.ret > 0) add_activity(e, Kind::kSend, e.ret, sent.data(), sent.size());
      if (is_receive(nr) && e.ret > 0) add_activity(e, Kind::kReceive, e.ret, e.snap, e.snap_len);
  }
}

void SocketCallPackets::add_activity(const vedetta_syscall_event& e, Kind kind, uint64_t bytes,
                               const uint8_t* snap, uint32_t snap_len) {
  const vedetta_socket_info& s = e.sock;
  Activity a{e.ts_ns, kind, static_cast<uint8_t>(s.protocol), {}, {}, bytes, {}};
  a.local = {address_of(s, s.local_addr), s.local_port};
  a.remote = {address_of(s, s.remote_addr), s.remote_port};
  // The local end is known at once (before the window releases a receive);
  // an unbound one stands for any address.
  if (a.local.port) {
    Endpoint end = a.local;
    if (unspecified(end.addr)) end.addr = IpAddress{};
    local_ends_[{a.l4_proto, end}] = LocalEnd{e.ts_ns, kind == Kind::kClose};
  }
  // Not connected and no peer given, or a connection that failed at once.
  if (a.remote.port == 0 || a.local.port == 0) return;
  // An unbound local address towards loopback leaves from loopback.
  if (unspecified(a.local.addr) && a.remote.addr.is_loopback()) {
    a.local.addr = IpAddress{};
    a.local.addr.version = a.remote.addr.version;
    if (a.local.addr.version == 4) a.local.addr.bytes[0] = 127, a.local.addr.bytes[3] = 1;
    else a.local.addr.bytes[15] = 1;
  }
  if (a.local.addr.version != a.remote.addr.version) return;  // v6 socket, v4 peer, v6 local
  if (snap) a.snap.assign(snap, snap + std::min<uint64_t>(snap_len, bytes));
  window_.emplace(e.ts_ns, std::move(a));
}

bool SocketCallPackets::local_peer(uint8_t l4_proto, const Endpoint& remote, uint64_t ts_ns) const {
  for (Endpoint end : {remote, Endpoint{IpAddress{}, remote.port}}) {
    auto it = local_ends_.find({l4_proto, end});
    if (it != local_ends_.end() &&
        (!it->second.closed || ts_ns < it->second.last_ns + kClosedEndKeptNs))
      return true;
  }
  return false;
}

SocketCallPackets::Connection& SocketCallPackets::connection(const Endpoint& from, const Endpoint& to,
                                                 bool create_from_is_client) {
  auto [it, created] = connections_.try_emplace(lower_first(from, to));
  if (created) {
    it->second.client = create_from_is_client ? from : to;
    it->second.server = create_from_is_client ? to : from;
  }
  return it->second;
}

void SocketCallPackets::emit(uint8_t l4_proto, const Endpoint& src, const Endpoint& dst, uint8_t flags,
                       uint64_t ts_ns, uint64_t bytes, const std::vector<uint8_t>* snap,
                       Connection* c, int dir) {
  SyntheticSegment seg;
  seg.src = src.addr;
  seg.dst = dst.addr;
  seg.src_port = src.port;
  seg.dst_port = dst.port;
  seg.l4_proto = l4_proto;
  seg.tcp_flags = flags;
  seg.ts_us = (ts_ns + epoch_offset_ns_) / 1000;
  uint32_t max = max_synthetic_payload(src.addr);
  bool first = true;
  do {  // one packet per 64 KiB: the IP length field is 16 bits
    uint32_t part = static_cast<uint32_t>(std::min<uint64_t>(bytes, max));
    seg.payload_len = part;
    seg.snap = first && snap ? snap->data() : nullptr;
    seg.snap_len = first && snap ? static_cast<uint32_t>(snap->size()) : 0;
    if (c) {
      c->last_ns = ts_ns;
      seg.tcp_seq = c->next_seq[dir];
      seg.tcp_ack = c->next_seq[1 - dir];
      c->next_seq[dir] += part + ((flags & (tcp_flag::kSyn | tcp_flag::kFin)) ? 1 : 0);
    }
    Built b;
    b.raw = build_synthetic_packet(seg, b.frame);
    ready_.push_back(std::move(b));
    bytes -= part;
    first = false;
  } while (bytes > 0);
}

void SocketCallPackets::turn_into_packets(const Activity& a) {
  bool tcp = a.l4_proto == IPPROTO_TCP;
  switch (a.kind) {
    case Kind::kConnecting: case Kind::kOpenAsClient: case Kind::kOpenAsServer:
      open(a);
      return;
    case Kind::kSend: case Kind::kReceive: {
      bool send = a.kind == Kind::kSend;
      if (!send && local_peer(a.l4_proto, a.remote, a.ts_ns)) {
        stats_.local_receives++;
        return;
      }
      stats_.calls++;
      const Endpoint& src = send ? a.local : a.remote;
      const Endpoint& dst = send ? a.remote : a.local;
      Connection* c = nullptr;
      if (tcp) {
        bool known = connections_.count(lower_first(src, dst)) > 0;
        c = &connection(src, dst, /*create_from_is_client=*/true);
        if (!known) c->established = true;  // begun before the agent: no handshake to make
        else if (!c->established) establish(*c, a.ts_ns);  // data flows: the connect succeeded
      }
      int dir = c && !(c->client == src) ? 1 : 0;
      emit(a.l4_proto, src, dst, tcp ? tcp_flag::kAck | tcp_flag::kPsh : 0, a.ts_ns, a.bytes,
           &a.snap, c, dir);
      return;
    }
    case Kind::kClose: {
      auto it = connections_.find(lower_first(a.local, a.remote));
      if (!tcp || it == connections_.end()) return;  // UDP, or never carried anything seen
      Connection& c = it->second;
      int dir = c.client == a.local ? 0 : 1;
      if (c.fin[dir] || !c.established) return;
      c.fin[dir] = true;
      emit(IPPROTO_TCP, a.local, a.remote, tcp_flag::kFin | tcp_flag::kAck, a.ts_ns, 0, nullptr,
           &c, dir);
      // A remote peer's FIN is never seen: nothing more to wait for.
      if ((c.fin[0] && c.fin[1]) || !local_peer(IPPROTO_TCP, a.remote, a.ts_ns))
        connections_.erase(it);
      return;
    }
  }
}

// The handshake, made once per connection whichever end is seen first.
void SocketCallPackets::open(const Activity& a) {
  auto it = connections_.find(lower_first(a.local, a.remote));
  if (it == connections_.end()) {
    Connection& c = connection(a.local, a.remote, a.kind != Kind::kOpenAsServer);
    c.next_seq[0] = static_cast<uint32_t>(a.ts_ns);  // any initial sequence number
    c.next_seq[1] = static_cast<uint32_t>(a.ts_ns >> 7);
    emit(IPPROTO_TCP, c.client, c.server, tcp_flag::kSyn, a.ts_ns, 0, nullptr, &c, 0);
    if (a.kind != Kind::kConnecting) establish(c, a.ts_ns);
  } else if (a.kind != Kind::kConnecting && !it->second.established) {
    establish(it->second, a.ts_ns);
  }
}

void SocketCallPackets::establish(Connection& c, uint64_t ts_ns) {
  using namespace tcp_flag;
  emit(IPPROTO_TCP, c.server, c.client, kSyn | kAck, ts_ns, 0, nullptr, &c, 1);
  emit(IPPROTO_TCP, c.client, c.server, kAck, ts_ns, 0, nullptr, &c, 0);
  c.established = true;
}

void SocketCallPackets::release(uint64_t up_to_ns) {
  while (!window_.empty() && window_.begin()->first <= up_to_ns) {
    turn_into_packets(window_.begin()->second);
    window_.erase(window_.begin());
  }
  if (up_to_ns > last_cleanup_ns_ + kClosedEndKeptNs) {
    forget_idle(up_to_ns);
    last_cleanup_ns_ = up_to_ns;
  }
}

void SocketCallPackets::forget_idle(uint64_t now_ns) {
  std::erase_if(local_ends_, [&](const auto& kv) {
    const LocalEnd& e = kv.second;
    return e.last_ns + (e.closed ? kClosedEndKeptNs : kIdleForgottenNs) < now_ns;
  });
  std::erase_if(connections_,
                [&](const auto& kv) { return kv.second.last_ns + kIdleForgottenNs < now_ns; });
}

bool SocketCallPackets::pop(RawPacket& out) {
  if (ready_.empty()) return false;
  current_ = std::move(ready_.front());
  ready_.pop_front();
  out = current_.raw;
  out.data = current_.frame.data();
  return true;
}

}  // namespace vedetta
