// Socket fds in the state tracker: socket, bind, connect, accept, and the
// tuples of sendto/recvfrom, named and typed the way sysdig shows them.
#include <cstring>

#include "events/event_params.h"
#include "events/event_table.h"
#include "events/param_text.h"
#include "events/socket_names.h"
#include "events/state_tracker.h"

namespace vedetta::events {
namespace {

constexpr uint8_t kAfUnix = 1, kAfInet = 2, kAfInet6 = 10;
constexpr uint32_t kAfNetlink = 16;
constexpr int64_t kEinprogress = -115;

// Where a new socket's layer-4 protocol comes from: protocol, else socket type.
L4Proto l4_of(uint32_t sock_type, uint32_t proto) {
  uint32_t base = sock_type & 0xf;
  if (base == 3) return L4Proto::kRaw;  // SOCK_RAW
  switch (proto) {
    case 6:
      return L4Proto::kTcp;
    case 17:
      return L4Proto::kUdp;
    case 1:
    case 58:
      return L4Proto::kIcmp;
    default:
      break;
  }
  if (base == 1) return L4Proto::kTcp;  // SOCK_STREAM
  if (base == 2) return L4Proto::kUdp;  // SOCK_DGRAM
  return L4Proto::kUnknown;
}

// The two ends of an IPv4/IPv6 socket tuple parameter, as text.
struct Endpoints {
  bool v4 = true;
  std::string sip, dip;
  uint16_t sport = 0, dport = 0;
};

bool tuple_ends(std::span<const uint8_t> t, Endpoints* out) {
  auto port = [&](size_t at) {
    uint16_t p;
    std::memcpy(&p, t.data() + at, 2);
    return p;
  };
  if (t[0] == kAfInet && t.size() == 13) {
    *out = {true, ipv4_text(t.data() + 1), ipv4_text(t.data() + 7), port(5), port(11)};
    return true;
  }
  if (t[0] == kAfInet6 && t.size() == 37) {
    const uint8_t* sip = t.data() + 1;
    const uint8_t* dip = t.data() + 19;
    if (is_ipv4_mapped(sip) && is_ipv4_mapped(dip))
      *out = {true, ipv4_text(sip + 12), ipv4_text(dip + 12), port(17), port(35)};
    else
      *out = {false, ipv6_text(sip), ipv6_text(dip), port(17), port(35)};
    return true;
  }
  return false;
}

// A tuple renames a file, pipe... fd but does not make it a socket.
FdType socket_type(FdType current, bool v4) {
  bool socket_or_unknown = current == FdType::kUnknown || current == FdType::kIpv4Sock ||
                           current == FdType::kIpv6Sock || current == FdType::kIpv4ServSock ||
                           current == FdType::kIpv6ServSock || current == FdType::kUnixSock;
  if (!socket_or_unknown) return current;
  return v4 ? FdType::kIpv4Sock : FdType::kIpv6Sock;
}

bool same_connection(const FdInfo& fi, const Endpoints& e) {
  return fi.has_tuple &&
         ((e.sip == fi.sip && e.sport == fi.sport && e.dip == fi.dip && e.dport == fi.dport) ||
          (e.sip == fi.dip && e.sport == fi.dport && e.dip == fi.sip && e.dport == fi.sport));
}

}  // namespace

void StateTracker::on_sendto_enter(const Event& e, ThreadInfo& th) {
  // sendto with an address on an fd sysdig has not seen: it files
  // the fd as a socket of the address's family, nameless until the exit.
  if (e.param_count() < 3) return;
  int64_t fd = param_num<int64_t>(e, 0);
  auto t = e.param(2);
  if (fd < 0 || th.fds->count(fd) || t.empty() || (t[0] != kAfInet && t[0] != kAfInet6)) return;
  FdInfo fi;
  fi.type = t[0] == kAfInet ? FdType::kIpv4Sock : FdType::kIpv6Sock;
  (*th.fds)[fd] = fi;
}

void StateTracker::on_connect_enter(const Event& e, ThreadInfo& th) {
  // A non-IP socket is named after the address it connects to (a unix path)
  // before the call returns; IP sockets wait for the exit's tuple.
  if (e.param_count() < 2) return;
  auto a = e.param(1);
  auto it = th.fds->find(param_num<int64_t>(e, 0));
  if (it == th.fds->end() || a.empty()) return;
  FdInfo& fi = it->second;
  uint16_t port;
  if (a[0] == kAfInet && a.size() == 7) {
    // The destination is noted (a later recvfrom tuple completes it); the
    // shown name waits for the exit's tuple.
    fi.type = FdType::kIpv4Sock;
    std::memcpy(&port, a.data() + 5, 2);
    fi.dip = ipv4_text(a.data() + 1);
    fi.dport = port;
  } else if (a[0] == kAfInet6 && a.size() == 19) {
    bool mapped = is_ipv4_mapped(a.data() + 1);
    fi.type = mapped ? FdType::kIpv4Sock : FdType::kIpv6Sock;
    std::memcpy(&port, a.data() + 17, 2);
    fi.dip = mapped ? ipv4_text(a.data() + 13) : ipv6_text(a.data() + 1);
    fi.dport = port;
  } else if (a[0] != kAfInet && a[0] != kAfInet6) {
    ParamInfo addr;
    addr.type = ParamType::kSockAddr;
    fi.name = param_text(addr, a, threads_, e.tid).value;
  }
}

void StateTracker::on_socket_update(const Event& e, ThreadInfo& th) {
  const Event* enter =
      th.has_last_enter && th.last_enter.type == e.type - 1 ? &th.last_enter : nullptr;
  switch (e.type) {
    case ppme::kSocketX: {  // exit: fd[, domain, type, proto]; enter: domain, type, proto
      int64_t fd = param_num<int64_t>(e, 0);
      auto domain_p = enter_or_exit<uint32_t>(enter, 0, e, 1);
      auto type_p = enter_or_exit<uint32_t>(enter, 1, e, 2);
      auto proto_p = enter_or_exit<uint32_t>(enter, 2, e, 3);
      if (fd < 0 || !domain_p || !type_p || !proto_p) break;
      uint32_t domain = *domain_p;
      FdInfo fi;
      L4Proto l4 = l4_of(*type_p, *proto_p);
      // sysdig shows a new socket's protocol only once connect/bind/sendto
      // give it an address: until then it is kept as a hint.
      if (domain == kAfUnix)
        fi.type = FdType::kUnixSock;
      else if (domain == kAfInet)
        fi.type = FdType::kIpv4Sock;
      else if (domain == kAfInet6)
        fi.type = FdType::kIpv6Sock;
      else if (domain == kAfNetlink)
        fi.type = FdType::kNetlink;
      else
        fi.type = FdType::kUnknown;
      fi.proto_hint = l4;
      fi.hint_v6 = domain == kAfInet6;
      (*th.fds)[fd] = fi;
      break;
    }
    case ppme::kBindX: {  // exit: res, addr[, fd]; enter: fd
      auto fd = enter_or_exit<int64_t>(enter, 0, e, 2);
      if (e.param_count() < 2 || !fd || param_num<int64_t>(e, 0) < 0) break;
      auto it = th.fds->find(*fd);
      auto a = e.param(1);
      if (it == th.fds->end() || a.empty()) break;
      FdInfo& fi = it->second;
      if (a[0] == kAfInet && a.size() == 7) {
        uint16_t port;
        std::memcpy(&port, a.data() + 5, 2);
        fi.name = endpoint_text(ipv4_text(a.data() + 1), port);
        if (port != 0) {
          fi.type = FdType::kIpv4ServSock;
          fi.l4 = fi.hint_v6 ? L4Proto::kUnknown : fi.proto_hint;
        }
      } else if (a[0] == kAfInet6 && a.size() == 19) {
        uint16_t port;
        std::memcpy(&port, a.data() + 17, 2);
        fi.name = endpoint_text(ipv6_text(a.data() + 1), port);
        if (port != 0) {
          // Listening on any address (or a mapped IPv4 one) serves IPv4 too:
          // sysdig files the socket as an IPv4 server.
          static const uint8_t kAny[16] = {};
          bool v4_too = std::memcmp(a.data() + 1, kAny, 16) == 0 || is_ipv4_mapped(a.data() + 1);
          fi.type = v4_too ? FdType::kIpv4ServSock : FdType::kIpv6ServSock;
          fi.l4 = fi.hint_v6 ? fi.proto_hint : L4Proto::kUnknown;
        }
      } else if (a[0] != kAfInet && a[0] != kAfInet6) {  // unix path, or "family N"
        ParamInfo addr;
        addr.type = ParamType::kSockAddr;
        fi.name = param_text(addr, a, threads_, e.tid).value;
      }
      break;
    }
    case ppme::kConnectX: {  // exit: res, tuple[, fd]; enter: fd, addr
      auto fd = enter_or_exit<int64_t>(enter, 0, e, 2);
      if (e.param_count() < 2 || !fd) break;
      int64_t res = param_num<int64_t>(e, 0);
      if (res < 0 && res != kEinprogress) break;
      set_from_tuple(th, *fd, e.param(1));
      // A connect still in progress leaves the role open, as in sysdig.
      if (auto it = th.fds->find(*fd); it != th.fds->end() && res >= 0) it->second.client_role = true;
      break;
    }
    case ppme::kSendtoX:
    case ppme::kSendmsgX: {  // exit: res, data[, fd, size, tuple]; enter: fd, size, tuple
      auto fd = enter_or_exit<int64_t>(enter, 0, e, 2);
      auto tuple = enter ? enter->param(2) : e.param(4);
      if (!fd || param_num<int64_t>(e, 0) < 0) break;
      if (th.fds->count(*fd)) set_from_tuple(th, *fd, tuple, true);
      break;
    }
    case ppme::kRecvfromX:   // exit: res, data, tuple[, fd, size]; enter: fd, size
    case ppme::kRecvmsgX: {  // exit: res, size, data, tuple; enter: fd
      size_t tuple_idx = e.type == ppme::kRecvfromX ? 2 : 3;
      auto fd = e.type == ppme::kRecvfromX ? enter_or_exit<int64_t>(enter, 0, e, 3)
                                           : enter_or_exit<int64_t>(enter, 0, e, SIZE_MAX);
      if (!fd || e.param_count() <= tuple_idx || param_num<int64_t>(e, 0) < 0) break;
      if (th.fds->count(*fd)) set_source_from_tuple(th, *fd, e.param(tuple_idx));
      break;
    }
    case ppme::kAcceptX:
    case ppme::kAccept4X:
    case ppme::kAccept5X:
    case ppme::kAccept45X: {  // fd, tuple, ...
      if (e.param_count() < 2) break;
      int64_t fd = param_num<int64_t>(e, 0);
      auto t = e.param(1);
      // Without a usable tuple sysdig leaves the fd table alone.
      if (fd < 0 || t.empty() || (t[0] != kAfInet && t[0] != kAfInet6 && t[0] != kAfUnix)) break;
      FdInfo fi;  // accepted sockets are TCP
      fi.l4 = fi.proto_hint = L4Proto::kTcp;
      (*th.fds)[fd] = fi;
      set_from_tuple(th, fd, e.param(1));
      (*th.fds)[fd].server_role = true;
      break;
    }
    default:
      break;
  }
}

void StateTracker::settle_protocol(FdInfo& fi, bool datagram) {
  bool ip = fi.type == FdType::kIpv4Sock || fi.type == FdType::kIpv6Sock;
  if (datagram && ip && fi.proto_hint == L4Proto::kUnknown) fi.proto_hint = L4Proto::kUdp;
  if (fi.proto_hint != L4Proto::kUnknown) fi.l4 = fi.proto_hint;
}

void StateTracker::set_from_tuple(ThreadInfo& th, int64_t fd, std::span<const uint8_t> t,
                                  bool datagram) {
  if (fd < 0 || t.empty()) return;
  FdInfo& fi = (*th.fds)[fd];
  Endpoints ends;
  if (t[0] == kAfUnix && t.size() >= 17) {
    // Unix sockets are named after the whole tuple: "<src>-><dst> <path>".
    fi.type = FdType::kUnixSock;
    uint64_t src, dst;
    std::memcpy(&src, t.data() + 1, 8);
    std::memcpy(&dst, t.data() + 9, 8);
    const char* p = reinterpret_cast<const char*>(t.data() + 17);
    char hex[48];
    snprintf(hex, sizeof hex, "%llx->%llx ", static_cast<unsigned long long>(src),
             static_cast<unsigned long long>(dst));
    fi.name = hex + std::string(p, strnlen(p, t.size() - 17));
    return;
  }
  if (!tuple_ends(t, &ends)) return;
  if (same_connection(fi, ends)) return;  // either direction: nothing changes
  fi.type = socket_type(fi.type, ends.v4);
  fi.has_tuple = true;
  fi.sip = ends.sip;
  fi.sport = ends.sport;
  fi.dip = ends.dip;
  fi.dport = ends.dport;
  fi.name = tuple_text(fi.sip, fi.sport, fi.dip, fi.dport);
  settle_protocol(fi, datagram);
}

void StateTracker::set_source_from_tuple(ThreadInfo& th, int64_t fd, std::span<const uint8_t> t) {
  Endpoints ends;
  if (t.empty() || !tuple_ends(t, &ends)) return;
  FdInfo& fi = (*th.fds)[fd];
  if (same_connection(fi, ends)) return;
  if (fi.dip.empty()) {  // no destination known yet (connect enter or a tuple)
    fi.dip = ends.v4 ? "0.0.0.0" : "::";
    fi.dport = 0;
  }
  fi.type = socket_type(fi.type, ends.v4);
  fi.has_tuple = true;
  fi.sip = ends.sip;
  fi.sport = ends.sport;
  fi.name = tuple_text(fi.sip, fi.sport, fi.dip, fi.dport);
  settle_protocol(fi, true);
}

}  // namespace vedetta::events
