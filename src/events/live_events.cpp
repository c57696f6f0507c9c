#include "events/live_events.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "common/proc_files.h"
#include "events/live_params.h"
#include "events/live_syscall_params.h"
#include "events/native_flags.h"
#include "events/socket_names.h"

namespace vedetta::events {
namespace {

// /proc/PID/cgroup ("4:cpuset,cpu:/docker/ID" lines) as the "cgroups"
// parameter sysdig writes: "cpuset,cpu=/docker/ID", NUL-separated.
std::string cgroups_param(const std::string& proc_cgroup) {
  std::string out;
  size_t start = 0;
  while (start < proc_cgroup.size()) {
    size_t end = proc_cgroup.find('\n', start);
    if (end == std::string::npos) end = proc_cgroup.size();
    std::string line = proc_cgroup.substr(start, end - start);
    size_t c1 = line.find(':'), c2 = c1 == std::string::npos ? c1 : line.find(':', c1 + 1);
    if (c2 != std::string::npos) {
      std::string controllers = line.substr(c1 + 1, c2 - c1 - 1);
      out += (controllers.empty() ? "unified" : controllers) + "=" + line.substr(c2 + 1);
      out += '\0';
    }
    start = end + 1;
  }
  return out;
}

// PPME_* ids of the process events (event_table_spec.inc: line k holds ids
// 2k and 2k+1); syscall events: live_syscall_params.cpp.
namespace id {
constexpr uint16_t kCloneX = 223, kForkX = 225, kVforkX = 227, kClone3X = 335, kExecveE = 292,
                   kExecveX = 293, kExecveatE = 330, kExecveatX = 331, kProcexitE = 186;
}  // namespace id

constexpr uint64_t kAtEmptyPath = 0x1000;
constexpr uint32_t kCloseRangeUnshare = 1u << 1, kCloseRangeCloexec = 1u << 2;

constexpr uint16_t kAfUnix = 1, kAfInet = 2, kAfInet6 = 10, kAfNetlink = 16;
// Clone flags in the drivers' encoding (flag_tables.cpp).
constexpr uint32_t kClFiles = 1u << 0, kClFs = 1u << 1, kClSighand = 1u << 11, kClThread = 1u << 13,
                   kClVm = 1u << 15, kClVfork = 1u << 27;

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
    case SYS_readv:
    case SYS_writev:
    case SYS_dup:
    case SYS_dup2:
    case SYS_dup3:
    case SYS_fcntl:
      return true;
    default:
      return false;
  }
}

// Calls whose enter event prints what the kernel side copies only at exit
// (the path of open*: read once, after the kernel has used it).
bool enter_takes_exit_path(uint32_t nr) {
  return nr == SYS_open || nr == SYS_openat || nr == SYS_openat2;
}

// Calls whose exit prints the data copied at entry (what was sent).
bool exit_takes_enter_data(uint32_t nr) {
  return nr == SYS_write || nr == SYS_sendto || nr == SYS_writev || nr == SYS_sendmsg;
}

// The parameters clone and execve exits start with: res, exe, args, tid,
// pid, ptid, cwd, fdlimit, page faults and memory (not kept: 0), comm,
// cgroups ("controller=path", NUL-separated).
void process_params(Params& p, int64_t res, const std::string& exe, const std::string& args,
                    int64_t tid, int64_t pid, int64_t ptid, const std::string& cwd,
                    const std::string& comm, const std::string& cgroups) {
  p.num<int64_t>(res);
  p.str(exe);
  p.raw(args.data(), args.size());
  p.num<int64_t>(tid);
  p.num<int64_t>(pid);
  p.num<int64_t>(ptid);
  p.str(cwd);
  p.num<uint64_t>(0);  // fdlimit
  p.num<uint64_t>(0);  // pgft_maj
  p.num<uint64_t>(0);  // pgft_min
  p.num<uint32_t>(0);  // vm_size
  p.num<uint32_t>(0);  // vm_rss
  p.num<uint32_t>(0);  // vm_swap
  p.str(comm);
  p.raw(cgroups.data(), cgroups.size());
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

// Every syscall the live capture converts, with sysdig's evt.type for it and
// whether it keeps the thread and fd tables true (then it is captured
// whatever the filter). sendto/recvfrom/sendmsg/recvmsg keep state: they
// name unconnected UDP sockets after their peer.
constexpr CapturedSyscall kCaptured[] = {
    {SYS_socket, "socket", true},         {SYS_connect, "connect", true},
    {SYS_accept, "accept", true},         {SYS_accept4, "accept4", true},
    {SYS_bind, "bind", true},             {SYS_listen, "listen", false},
    {SYS_sendto, "sendto", true},         {SYS_recvfrom, "recvfrom", true},
    {SYS_sendmsg, "sendmsg", true},       {SYS_recvmsg, "recvmsg", true},
    {SYS_sendmmsg, "sendmmsg", false},    {SYS_recvmmsg, "recvmmsg", false},
    {SYS_read, "read", false},            {SYS_write, "write", false},
    {SYS_readv, "readv", false},          {SYS_writev, "writev", false},
    {SYS_close, "close", true},           {SYS_shutdown, "shutdown", false},
    {SYS_socketpair, "socketpair", true}, {SYS_pipe, "pipe", true},
    {SYS_pipe2, "pipe", true},            {SYS_dup, "dup", true},
    {SYS_dup2, "dup", true},              {SYS_dup3, "dup", true},
    {SYS_fcntl, "fcntl", true},           {SYS_close_range, "<unknown>", true},
    {SYS_open, "open", true},             {SYS_openat, "openat", true},
    {SYS_openat2, "openat2", true},
    // Counted in the kernel, never reported: the -v io_uring line needs it.
    {SYS_io_uring_enter, "io_uring_enter", true},
};

}  // namespace

std::vector<int> LiveEvents::syscalls() {
  return syscalls_for([](std::string_view) { return true; });
}

std::vector<int> LiveEvents::state_syscalls() {
  std::vector<int> out;
  for (const auto& c : kCaptured)
    if (c.keeps_state) out.push_back(c.nr);
  return out;
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
        if (enter_takes_exit_path(k.syscall)) {
          enter->snap_len = k.snap_len;
          std::memcpy(enter->snap, k.snap, sizeof k.snap);
          if (k.syscall == SYS_openat2)  // open_how, read at exit
            std::memcpy(&enter->args[3], &k.args[3], 3 * sizeof k.args[0]);
        }
        if (exit_takes_enter_data(k.syscall) && enter->snap_len) {
          vedetta_syscall_event x = k;
          x.snap_len = enter->snap_len;
          x.io_size = enter->io_size;
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
  // A runtime moves a container's first process into its groups before the
  // exec: read them now, while the process most likely still runs (the
  // event is converted later, in time order).
  if (k.kind == VEDETTA_PROCESS_EXEC)
    exec_groups_[{k.tgid, k.ts_ns}] =
        cgroups_param(read_text_file("/proc/" + std::to_string(k.tgid) + "/cgroup"));
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
  std::optional<uint16_t> type = live_enter_type(k.syscall);
  if (!type) {
    ++counters_.unsupported;
    return;
  }
  ThreadInfo& th = prepare_thread(k.tid, k.tgid, k.comm);
  // The fd the call works on, known before the line prints (close's exit
  // and accept's result are the state tracker's business).
  int64_t fd = static_cast<int32_t>(k.args[0]);
  if (has_fd_argument(k.syscall) && !(k.syscall == SYS_close && k.exit)) prepare_fd(th, fd, k.sock);
  if (k.syscall == SYS_close_range && k.exit && k.ret == 0) close_fd_range(th, k);

  Event& e = begin(static_cast<uint16_t>(*type + (k.exit ? 1 : 0)), k.ts_ns, k.tid, k.cpu);
  append_syscall_params(k, e);
  emit(sink);
}

void LiveEvents::close_fd_range(ThreadInfo& th, const vedetta_syscall_event& k) {
  // sysdig 0.29 has no close_range event, and the generic event it gets
  // carries no range: the fd table is updated here instead of by the state
  // tracker. CLOEXEC only marks the fds; UNSHARE first gives this thread
  // its own copy of the table.
  uint32_t flags = static_cast<uint32_t>(k.args[2]);
  if (flags & kCloseRangeCloexec) return;
  if (flags & kCloseRangeUnshare) th.fds = std::make_shared<FdTable>(*th.fds);
  int64_t first = static_cast<uint32_t>(k.args[0]), last = static_cast<uint32_t>(k.args[1]);
  if (first <= last) th.fds->erase(th.fds->lower_bound(first), th.fds->upper_bound(last));
}

void LiveEvents::convert(const vedetta_process_event& k, const Sink& sink) {
  switch (k.kind) {
    case VEDETTA_PROCESS_FORK: {
      ThreadInfo& parent = prepare_thread(k.tid, k.tgid, k.comm);
      bool thread = k.child_tgid == k.tgid;
      ProcInfo info = proc_info(k.tgid, parent);
      std::string cwd = without_slash(parent.cwd);
      std::string comm(k.comm, strnlen(k.comm, sizeof k.comm));
      uint16_t type = id::kCloneX;
      uint32_t flags = thread ? (kClThread | kClFiles | kClVm | kClFs | kClSighand) : 0;
      switch (k.syscall) {  // the call the kernel side saw; else guessed as above
        case SYS_clone:
        case SYS_clone3:
          type = k.syscall == SYS_clone ? id::kCloneX : id::kClone3X;
          flags = clone_flags_to_ppm(k.clone_flags);
          break;
        case SYS_fork:
          type = id::kForkX;
          flags = 0;
          break;
        case SYS_vfork:
          type = id::kVforkX;
          flags = kClVm | kClVfork;  // what vfork() asks of clone
          break;
      }
      if (!thread) procs_[k.child_tgid] = info;
      // The clone's exit in the parent (res = child), then in the child (res = 0).
      for (int side = 0; side < 2; ++side) {
        bool child = side == 1;
        int64_t tid = child ? k.child_tid : k.tid;
        int64_t pid = child ? k.child_tgid : k.tgid;
        int64_t ptid = child ? (thread ? k.ppid : k.tgid) : k.ppid;
        Params p(begin(type, k.ts_ns, tid, 0));
        process_params(p, child ? 0 : k.child_tid, info.exe, info.args, tid, pid, ptid, cwd, comm, "");
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
      // execveat with a dirfd: the kernel names the file "/dev/fd/N" (with
      // AT_EMPTY_PATH) or "/dev/fd/N/path"; the caller's own arguments are
      // gone with its old memory when the event fires, so dirfd and flags
      // are read back from that name (AT_SYMLINK_NOFOLLOW cannot be).
      bool at = k.syscall == SYS_execveat && filename.rfind("/dev/fd/", 0) == 0;
      {
        Params p(begin(at ? id::kExecveatE : id::kExecveE, k.ts_ns, k.tid, 0));
        if (at) {
          char* rest = nullptr;
          int64_t dirfd = std::strtol(filename.c_str() + std::strlen("/dev/fd/"), &rest, 10);
          p.num<int64_t>(dirfd);
          p.str(filename);
          p.num<uint32_t>(execveat_flags_to_ppm(*rest == '\0' ? kAtEmptyPath : 0));
        } else {
          p.str(filename);
        }
        emit(sink);
      }
      ThreadInfo* after = threads_.find(k.tid);  // the sink may have changed the table
      std::string cwd = without_slash(after ? after->cwd : th.cwd);
      // The groups were read when the event arrived (add); gone already:
      // empty, and the parent's stay.
      std::string groups;
      if (auto g = exec_groups_.find({k.tgid, k.ts_ns}); g != exec_groups_.end()) {
        groups = std::move(g->second);
        exec_groups_.erase(g);
      }
      Params p(begin(at ? id::kExecveatX : id::kExecveX, k.ts_ns, k.tid, 0));
      process_params(p, 0, info.exe, info.args, k.tid, k.tgid, k.ppid, cwd, comm, groups);
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
