#include "events/live_events.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>

#include "events/socket_names.h"

namespace vedetta::events {
namespace {

// PPME_* ids emitted (event_table_spec.inc: line k holds ids 2k and 2k+1).
namespace id {
constexpr uint16_t kReadE = 6, kWriteE = 8, kCloseE = 4, kSocketE = 18, kBindE = 20, kConnectE = 22,
                   kListenE = 24, kSendtoE = 30, kRecvfromE = 34, kShutdownE = 36, kSendmsgE = 48,
                   kRecvmsgE = 52, kAcceptE = 246, kAccept4E = 248, kCloneX = 223, kExecveE = 292,
                   kExecveX = 293, kProcexitE = 186;
}  // namespace id

constexpr uint16_t kAfUnix = 1, kAfInet = 2, kAfInet6 = 10, kAfNetlink = 16;
// Clone flags in the drivers' encoding (flag_tables.cpp).
constexpr uint32_t kClFiles = 1u << 0, kClFs = 1u << 1, kClSighand = 1u << 11, kClThread = 1u << 13,
                   kClVm = 1u << 15;

bool is_ip(const vedetta_socket_info& s) { return s.family == kAfInet || s.family == kAfInet6; }

size_t addr_len(uint16_t family) { return family == kAfInet ? 4 : 16; }

std::string without_slash(std::string dir) {
  if (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

L4Proto l4_of(const vedetta_socket_info& s) {
  if (s.type == 3) return L4Proto::kRaw;  // SOCK_RAW
  if (s.protocol == 6) return L4Proto::kTcp;
  if (s.protocol == 17) return L4Proto::kUdp;
  if (s.protocol == 1 || s.protocol == 58) return L4Proto::kIcmp;
  if (s.type == 1) return L4Proto::kTcp;
  if (s.type == 2) return L4Proto::kUdp;
  return L4Proto::kUnknown;
}

std::string ip_text(const vedetta_socket_info& s, const uint8_t* addr) {
  if (s.family == kAfInet) return ipv4_text(addr);
  return is_ipv4_mapped(addr) ? ipv4_text(addr + 12) : ipv6_text(addr);
}

// Appends parameters to an event, encoded as in .scap files.
class Params {
 public:
  explicit Params(Event& e) : e_(e) {}
  void raw(const void* p, size_t n) {
    e_.spans.emplace_back(static_cast<uint32_t>(e_.bytes.size()), static_cast<uint32_t>(n));
    const auto* b = static_cast<const uint8_t*>(p);
    e_.bytes.insert(e_.bytes.end(), b, b + n);
  }
  template <typename T>
  void num(T v) {
    raw(&v, sizeof v);
  }
  void str(const std::string& s) { raw(s.c_str(), s.size() + 1); }
  void empty() { raw(nullptr, 0); }
  // u8 family + address + port; empty when the socket is not IP.
  void sockaddr(const vedetta_socket_info& s, bool local) {
    if (!is_ip(s)) return empty();
    uint8_t b[19];
    size_t n = addr_len(s.family);
    b[0] = static_cast<uint8_t>(s.family);
    std::memcpy(b + 1, local ? s.local_addr : s.remote_addr, n);
    uint16_t port = local ? s.local_port : s.remote_port;
    std::memcpy(b + 1 + n, &port, 2);
    raw(b, 1 + n + 2);
  }
  // u8 family + client addr + port + server addr + port.
  void tuple(const vedetta_socket_info& s, bool local_is_client) {
    if (!is_ip(s)) return empty();
    uint8_t b[37];
    size_t n = addr_len(s.family);
    const uint8_t* a1 = local_is_client ? s.local_addr : s.remote_addr;
    const uint8_t* a2 = local_is_client ? s.remote_addr : s.local_addr;
    uint16_t p1 = local_is_client ? s.local_port : s.remote_port;
    uint16_t p2 = local_is_client ? s.remote_port : s.local_port;
    b[0] = static_cast<uint8_t>(s.family);
    std::memcpy(b + 1, a1, n);
    std::memcpy(b + 1 + n, &p1, 2);
    std::memcpy(b + 3 + n, a2, n);
    std::memcpy(b + 3 + 2 * n, &p2, 2);
    raw(b, 5 + 2 * n);
  }

 private:
  Event& e_;
};

bool has_fd_argument(uint32_t nr) {
  switch (nr) {
    case SYS_read:
    case SYS_write:
    case SYS_close:
    case SYS_bind:
    case SYS_connect:
    case SYS_listen:
    case SYS_sendto:
    case SYS_recvfrom:
    case SYS_sendmsg:
    case SYS_recvmsg:
    case SYS_shutdown:
      return true;
    default:
      return false;
  }
}

}  // namespace

LiveEvents::LiveEvents(ThreadTable& threads, int64_t boot_to_epoch_ns)
    : threads_(threads), offset_ns_(boot_to_epoch_ns) {}

namespace {

struct CapturedSyscall {
  int nr;
  std::string_view name;  // sysdig's evt.type
  bool keeps_state;       // changes the fd table: always captured
};

// Every syscall the live capture converts. sendto/recvfrom/sendmsg/recvmsg
// keep state: they name unconnected UDP sockets after their peer.
constexpr CapturedSyscall kCaptured[] = {
    {SYS_socket, "socket", true},     {SYS_connect, "connect", true},
    {SYS_accept, "accept", true},     {SYS_accept4, "accept4", true},
    {SYS_bind, "bind", true},         {SYS_listen, "listen", false},
    {SYS_sendto, "sendto", true},     {SYS_recvfrom, "recvfrom", true},
    {SYS_sendmsg, "sendmsg", true},   {SYS_recvmsg, "recvmsg", true},
    {SYS_read, "read", false},        {SYS_write, "write", false},
    {SYS_close, "close", true},       {SYS_shutdown, "shutdown", false},
};

}  // namespace

std::vector<int> LiveEvents::syscalls() {
  return syscalls_for([](std::string_view) { return true; });
}

std::vector<int> LiveEvents::syscalls_for(const std::function<bool(std::string_view)>& allowed) {
  std::vector<int> out;
  for (const auto& c : kCaptured)
    if (c.keeps_state || allowed(c.name)) out.push_back(c.nr);
  return out;
}

void LiveEvents::seed(const CaptureMetadata& metadata) {
  for (const auto& t : metadata.threads)
    if (t.tid == t.pid) procs_[t.pid] = {t.exe, t.args};
}

void LiveEvents::add(const vedetta_syscall_event& k) {
  ++counters_.syscall_events;
  if (k.exit) {
    // Complete the enter event with what the kernel knew only afterwards.
    auto p = pending_enter_.find(k.tid);
    if (p != pending_enter_.end()) {
      auto it = buffer_.find(p->second);
      pending_enter_.erase(p);
      auto* enter = it == buffer_.end() ? nullptr : std::get_if<vedetta_syscall_event>(&it->second);
      if (enter && enter->syscall == k.syscall) {
        vedetta_socket_info& s = enter->sock;
        if (!s.family && k.sock.family && k.syscall != SYS_accept && k.syscall != SYS_accept4 &&
            k.syscall != SYS_close)
          s = k.sock;
        if (s.family == k.sock.family && is_ip(s)) {
          if (!s.local_port && k.sock.local_port) {
            s.local_port = k.sock.local_port;
            std::memcpy(s.local_addr, k.sock.local_addr, 16);
          }
          if (!s.remote_port && k.sock.remote_port) {
            s.remote_port = k.sock.remote_port;
            std::memcpy(s.remote_addr, k.sock.remote_addr, 16);
          }
        }
        if ((k.syscall == SYS_write || k.syscall == SYS_sendto) && enter->snap_len) {
          vedetta_syscall_event x = k;
          x.snap_len = enter->snap_len;
          std::memcpy(x.snap, enter->snap, sizeof x.snap);
          buffer_.emplace(Key{k.ts_ns, ++arrivals_}, x);
          return;
        }
      }
    }
    buffer_.emplace(Key{k.ts_ns, ++arrivals_}, k);
    return;
  }
  Key key{k.ts_ns, ++arrivals_};
  buffer_.emplace(key, k);
  pending_enter_[k.tid] = key;
}

void LiveEvents::add(const vedetta_process_event& k) {
  ++counters_.process_events;
  buffer_.emplace(Key{k.ts_ns, ++arrivals_}, k);
}

void LiveEvents::release(uint64_t before_boot_ns, const Sink& sink) {
  while (!buffer_.empty() && buffer_.begin()->first.first < before_boot_ns) {
    auto node = buffer_.extract(buffer_.begin());
    std::visit([&](const auto& k) { convert(k, sink); }, node.mapped());
  }
  if (buffer_.empty()) pending_enter_.clear();
}

Event& LiveEvents::begin(uint16_t type, uint64_t boot_ns, int64_t tid, uint16_t cpu) {
  event_.type = type;
  event_.ts_ns = static_cast<uint64_t>(static_cast<int64_t>(boot_ns) + offset_ns_);
  event_.tid = tid;
  event_.cpu = cpu;
  event_.flags = 0;
  event_.bytes.clear();
  event_.spans.clear();
  return event_;
}

void LiveEvents::emit(const Sink& sink) {
  event_.num = ++counters_.events;
  sink(event_);
}

ThreadInfo& LiveEvents::prepare_thread(uint32_t tid, uint32_t tgid, const char* comm) {
  if (ThreadInfo* th = threads_.find(tid)) return *th;
  // First seen here (started between the /proc snapshot and the capture, or
  // its clone was lost): described from the kernel event, not "<NA>".
  std::string name(comm, strnlen(comm, 16));
  std::shared_ptr<FdTable> fds;
  if (tid != tgid) {
    ThreadInfo* leader = threads_.find(tgid);
    if (!leader) {
      leader = &threads_.add(tgid);
      leader->comm = name;
      auto p = procs_.find(tgid);
      leader->exe = p != procs_.end() ? p->second.exe : name;
    }
    fds = leader->fds;
  }
  ThreadInfo& th = threads_.add(tid, fds);
  th.pid = tgid;
  th.comm = name;
  auto p = procs_.find(tgid);
  th.exe = p != procs_.end() ? p->second.exe : name;
  char path[64], cwd[4096];
  snprintf(path, sizeof path, "/proc/%u/cwd", tgid);
  ssize_t n = readlink(path, cwd, sizeof cwd - 1);
  if (n > 0) th.cwd.assign(cwd, static_cast<size_t>(n));
  if (th.cwd.empty() || th.cwd.back() != '/') th.cwd.push_back('/');  // ends with '/'; gone: "/"
  return th;
}

void LiveEvents::prepare_fd(ThreadInfo& th, int64_t fd, const vedetta_socket_info& s) {
  if (fd < 0 || th.fds->count(fd)) return;
  // A socket opened before the capture (and missed by the /proc snapshot)
  // or by a call we do not capture: described from what the kernel read.
  FdInfo fi;
  if (is_ip(s)) {
    bool v4 = s.family == kAfInet ||
              (is_ipv4_mapped(s.local_addr) && (is_ipv4_mapped(s.remote_addr) || !s.remote_port));
    fi.l4 = fi.proto_hint = l4_of(s);
    fi.hint_v6 = s.family == kAfInet6;
    std::string local = ip_text(s, s.local_addr);
    if (s.local_port && s.remote_port) {
      fi.type = v4 ? FdType::kIpv4Sock : FdType::kIpv6Sock;
      fi.has_tuple = true;
      fi.sip = local;
      fi.sport = s.local_port;
      fi.dip = ip_text(s, s.remote_addr);
      fi.dport = s.remote_port;
      fi.name = tuple_text(fi.sip, fi.sport, fi.dip, fi.dport);
    } else if (s.local_port) {
      fi.type = v4 ? FdType::kIpv4ServSock : FdType::kIpv6ServSock;
      fi.name = endpoint_text(local, s.local_port);
    } else {
      fi.type = v4 ? FdType::kIpv4Sock : FdType::kIpv6Sock;
    }
  } else if (s.family == kAfUnix) {
    fi.type = FdType::kUnixSock;
  } else if (s.family == kAfNetlink) {
    fi.type = FdType::kNetlink;
  } else if (s.family) {
    fi.type = FdType::kUnknown;
  } else {
    // Not a socket: a file, pipe... opened by a call we do not capture. Its
    // /proc link, read now, may already name another file: left unnamed.
    return;
  }
  (*th.fds)[fd] = fi;
}

LiveEvents::ProcInfo LiveEvents::proc_info(int64_t pid, const ThreadInfo& th) const {
  auto p = procs_.find(pid);
  if (p != procs_.end()) return p->second;
  return {th.exe, {}};
}

void LiveEvents::convert(const vedetta_syscall_event& k, const Sink& sink) {
  uint32_t nr = k.syscall;
  const vedetta_socket_info& s = k.sock;
  int64_t fd = static_cast<int64_t>(static_cast<int32_t>(k.args[0]));
  auto u32 = [](uint64_t v) { return static_cast<uint32_t>(v); };
  auto snap = [&](Params& p, int64_t limit) {
    uint32_t n = k.snap_len > VEDETTA_SNAP_MAX ? VEDETTA_SNAP_MAX : k.snap_len;
    if (limit >= 0 && n > static_cast<uint64_t>(limit)) n = static_cast<uint32_t>(limit);
    p.raw(k.snap, n);
  };

  uint16_t type;
  switch (nr) {
    case SYS_read:
      type = id::kReadE;
      break;
    case SYS_write:
      type = id::kWriteE;
      break;
    case SYS_close:
      type = id::kCloseE;
      break;
    case SYS_socket:
      type = id::kSocketE;
      break;
    case SYS_bind:
      type = id::kBindE;
      break;
    case SYS_connect:
      type = id::kConnectE;
      break;
    case SYS_listen:
      type = id::kListenE;
      break;
    case SYS_sendto:
      type = id::kSendtoE;
      break;
    case SYS_recvfrom:
      type = id::kRecvfromE;
      break;
    case SYS_shutdown:
      type = id::kShutdownE;
      break;
    case SYS_sendmsg:
      type = id::kSendmsgE;
      break;
    case SYS_recvmsg:
      type = id::kRecvmsgE;
      break;
    case SYS_accept:
      type = id::kAcceptE;
      break;
    case SYS_accept4:
      type = id::kAccept4E;
      break;
    default:
      ++counters_.unsupported;
      return;
  }
  ThreadInfo& th = prepare_thread(k.tid, k.tgid, k.comm);
  // The fd the call works on, known before the line prints (close's exit
  // and accept's result are the state tracker's business).
  if (has_fd_argument(nr) && !(nr == SYS_close && k.exit)) prepare_fd(th, fd, s);

  Params p(begin(static_cast<uint16_t>(type + (k.exit ? 1 : 0)), k.ts_ns, k.tid, k.cpu));
  if (!k.exit) {
    switch (nr) {
      case SYS_read:
      case SYS_write:
        p.num<int64_t>(fd);
        p.num<uint32_t>(u32(k.args[2]));
        break;
      case SYS_close:
      case SYS_bind:
      case SYS_recvmsg:
        p.num<int64_t>(fd);
        break;
      case SYS_socket:
        p.num<uint32_t>(u32(k.args[0]));
        p.num<uint32_t>(u32(k.args[1]));
        p.num<uint32_t>(u32(k.args[2]));
        break;
      case SYS_connect:
        p.num<int64_t>(fd);
        p.sockaddr(s, false);
        break;
      case SYS_listen:
        p.num<int64_t>(fd);
        p.num<uint32_t>(u32(k.args[1]));
        break;
      case SYS_sendto:
        p.num<int64_t>(fd);
        p.num<uint32_t>(u32(k.args[2]));
        p.tuple(s, true);
        break;
      case SYS_sendmsg:
        p.num<int64_t>(fd);
        p.num<uint32_t>(0);  // the iovec's total: not read in the kernel
        p.tuple(s, true);
        break;
      case SYS_recvfrom:
        p.num<int64_t>(fd);
        p.num<uint32_t>(u32(k.args[2]));
        break;
      case SYS_shutdown:
        p.num<int64_t>(fd);
        p.num<uint8_t>(static_cast<uint8_t>(k.args[1]));
        break;
      case SYS_accept:
        break;
      case SYS_accept4:
        p.num<int32_t>(0);  // the Falco drivers never fill accept4's flags: always 0
        break;
    }
  } else {
    switch (nr) {
      case SYS_read:
      case SYS_write:
      case SYS_sendto:
        p.num<int64_t>(k.ret);
        snap(p, k.ret);
        break;
      case SYS_sendmsg:
        p.num<int64_t>(k.ret);
        p.empty();  // data: not copied in the kernel
        break;
      case SYS_close:
      case SYS_listen:
      case SYS_shutdown:
        p.num<int64_t>(k.ret);
        break;
      case SYS_socket:
        p.num<int64_t>(k.ret);
        break;
      case SYS_bind:
        p.num<int64_t>(k.ret);
        p.sockaddr(s, true);
        break;
      case SYS_connect:
        p.num<int64_t>(k.ret);
        p.tuple(s, true);
        break;
      case SYS_recvfrom:
        p.num<int64_t>(k.ret);
        snap(p, k.ret);
        p.tuple(s, false);
        break;
      case SYS_recvmsg:
        p.num<int64_t>(k.ret);
        p.num<uint32_t>(k.ret > 0 ? u32(k.ret) : 0);
        p.empty();  // data: not copied in the kernel
        p.tuple(s, false);
        break;
      case SYS_accept:
      case SYS_accept4:
        p.num<int64_t>(k.ret);
        p.tuple(s, false);
        p.num<uint8_t>(0);
        p.num<uint32_t>(0);
        p.num<uint32_t>(0);
        break;
    }
  }
  emit(sink);
}

void LiveEvents::convert(const vedetta_process_event& k, const Sink& sink) {
  switch (k.kind) {
    case VEDETTA_PROCESS_FORK: {
      ThreadInfo& parent = prepare_thread(k.tid, k.tgid, k.comm);
      bool thread = k.child_tgid == k.tgid;
      ProcInfo info = proc_info(k.tgid, parent);
      std::string cwd = without_slash(parent.cwd);
      std::string comm(k.comm, strnlen(k.comm, sizeof k.comm));
      uint32_t flags = thread ? (kClThread | kClFiles | kClVm | kClFs | kClSighand) : 0;
      if (!thread) procs_[k.child_tgid] = info;
      // The clone's exit in the parent (res = child), then in the child (res = 0).
      for (int side = 0; side < 2; ++side) {
        bool child = side == 1;
        int64_t tid = child ? k.child_tid : k.tid;
        int64_t pid = child ? k.child_tgid : k.tgid;
        int64_t ptid = child ? (thread ? k.ppid : k.tgid) : k.ppid;
        Params p(begin(id::kCloneX, k.ts_ns, tid, 0));
        p.num<int64_t>(child ? 0 : k.child_tid);  // res
        p.str(info.exe);
        p.raw(info.args.data(), info.args.size());
        p.num<int64_t>(tid);
        p.num<int64_t>(pid);
        p.num<int64_t>(ptid);
        p.str(cwd);
        p.num<int64_t>(0);   // fdlimit
        p.num<uint64_t>(0);  // pgft_maj
        p.num<uint64_t>(0);  // pgft_min
        p.num<uint32_t>(0);  // vm_size
        p.num<uint32_t>(0);  // vm_rss
        p.num<uint32_t>(0);  // vm_swap
        p.str(comm);
        p.empty();  // cgroups
        p.num<uint32_t>(flags);
        p.num<uint32_t>(k.uid);
        p.num<uint32_t>(k.gid);
        p.num<int64_t>(tid);  // vtid, vpid: no pid namespace seen here
        p.num<int64_t>(pid);
        emit(sink);
      }
      break;
    }
    case VEDETTA_PROCESS_EXEC: {
      ThreadInfo& th = prepare_thread(k.tid, k.tgid, k.comm);
      std::string filename(k.filename, strnlen(k.filename, sizeof k.filename));
      uint32_t n = k.args_len > VEDETTA_ARGS_MAX ? VEDETTA_ARGS_MAX : k.args_len;
      std::string argv(k.args, n);
      size_t nul = argv.find('\0');
      ProcInfo info{argv.substr(0, nul), nul == std::string::npos ? "" : argv.substr(nul + 1)};
      if (info.exe.empty()) info.exe = filename;
      procs_[k.tgid] = info;
      std::string comm(k.comm, strnlen(k.comm, sizeof k.comm));
      {
        Params p(begin(id::kExecveE, k.ts_ns, k.tid, 0));
        p.str(filename);
        emit(sink);
      }
      ThreadInfo* after = threads_.find(k.tid);  // the sink may have changed the table
      std::string cwd = without_slash(after ? after->cwd : th.cwd);
      Params p(begin(id::kExecveX, k.ts_ns, k.tid, 0));
      p.num<int64_t>(0);  // res
      p.str(info.exe);
      p.raw(info.args.data(), info.args.size());
      p.num<int64_t>(k.tid);
      p.num<int64_t>(k.tgid);
      p.num<int64_t>(k.ppid);
      p.str(cwd);
      p.num<uint64_t>(0);  // fdlimit
      p.num<uint64_t>(0);  // pgft_maj
      p.num<uint64_t>(0);  // pgft_min
      p.num<uint32_t>(0);  // vm_size
      p.num<uint32_t>(0);  // vm_rss
      p.num<uint32_t>(0);  // vm_swap
      p.str(comm);
      p.empty();           // cgroups
      p.empty();           // env
      p.num<int32_t>(0);   // tty
      p.num<int64_t>(0);   // pgid
      p.num<int32_t>(-1);  // loginuid
      p.num<uint32_t>(0);  // flags
      emit(sink);
      break;
    }
    case VEDETTA_PROCESS_EXIT: {
      prepare_thread(k.tid, k.tgid, k.comm);
      if (k.group_dead) procs_.erase(k.tgid);
      Params p(begin(id::kProcexitE, k.ts_ns, k.tid, 0));
      int64_t status = k.exit_code;
      p.num<int64_t>(status);
      p.num<int64_t>((status >> 8) & 0xff);
      p.num<uint8_t>(static_cast<uint8_t>(status & 0x7f));
      p.num<uint8_t>((status & 0x80) ? 1 : 0);
      emit(sink);
      break;
    }
    default:
      break;
  }
}

}  // namespace vedetta::events
