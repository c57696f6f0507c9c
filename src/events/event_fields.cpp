#include "events/event_fields.h"

#include <cstring>
#include <ctime>

#include "common/user_error.h"
#include "events/event_formatter.h"
#include "events/event_params.h"
#include "events/event_table.h"
#include "events/param_text.h"

namespace vedetta::events {

namespace {

using filter::FieldId;
using filter::FieldValue;

// The result of an exit event: its first parameter when that is a result.
std::optional<int64_t> result_of(const Event& e) {
  if (is_enter(e.type)) return std::nullopt;
  const EventInfo* info = event_info(e.type);
  if (!info || info->params.empty() || !e.param_count()) return std::nullopt;
  ParamType t = info->params[0].type;
  if (t != ParamType::kErrno && t != ParamType::kFd && t != ParamType::kPid &&
      info->params[0].name != "res")
    return std::nullopt;
  return param_num<int64_t>(e, 0);
}

// Whether a call works on an fd (sysdig's EF_USES_FD): its enter event
// names the fd first (read, connect, close; not mmap, whose fd comes later).
bool uses_fd(uint16_t enter_type) {
  const EventInfo* enter = event_info(enter_type);
  return enter && !enter->params.empty() && enter->params[0].name == "fd" &&
         enter->params[0].type == ParamType::kFd;
}

bool one_of(const std::string& name, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (name == n) return true;
  return false;
}

bool is_io_read(const std::string& type) {
  return one_of(type, {"read", "readv", "pread", "preadv", "recv", "recvfrom", "recvmsg",
                       "recvmmsg"});
}
bool is_io_write(const std::string& type) {
  return one_of(type, {"write", "writev", "pwrite", "pwritev", "send", "sendto", "sendmsg",
                       "sendmmsg"});
}

const char* fd_type_name(FdType t) {
  switch (t) {
    case FdType::kFile:
    case FdType::kFileV2:
      return "file";
    case FdType::kDirectory:
      return "directory";
    case FdType::kIpv4Sock:
    case FdType::kIpv4ServSock:
      return "ipv4";
    case FdType::kIpv6Sock:
    case FdType::kIpv6ServSock:
      return "ipv6";
    case FdType::kFifo:
      return "pipe";
    case FdType::kUnixSock:
      return "unix";
    case FdType::kEvent:
      return "event";
    case FdType::kSignalfd:
      return "signalfd";
    case FdType::kEventpoll:
      return "eventpoll";
    case FdType::kInotify:
      return "inotify";
    case FdType::kTimerfd:
      return "timerfd";
    case FdType::kNetlink:
      return "netlink";
    case FdType::kBpf:
      return "bpf";
    case FdType::kUserfaultfd:
      return "userfaultfd";
    case FdType::kIoUring:
      return "io_uring";
    case FdType::kMemfd:
      return "memfd";
    case FdType::kPidfd:
      return "pidfd";
    default:
      return nullptr;
  }
}

bool is_ip_socket(FdType t) {
  return t == FdType::kIpv4Sock || t == FdType::kIpv6Sock || t == FdType::kIpv4ServSock ||
         t == FdType::kIpv6ServSock;
}
bool is_server_socket(FdType t) {
  return t == FdType::kIpv4ServSock || t == FdType::kIpv6ServSock;
}

FieldValue address(const std::string& text) {
  IpAddress a;
  if (!IpAddress::parse(text, a)) return {};
  return FieldValue::ip(a);
}

// The ends of an IP socket fd: client and server, and which one is local.
struct Ends {
  bool known = false;
  std::string cip, sip;
  int64_t cport = 0, sport = 0;
  bool local_is_server = false;
};

Ends ends_of(const FdInfo& fd) {
  Ends e;
  if (!is_ip_socket(fd.type)) return e;
  if (fd.has_tuple) {
    e.known = true;
    e.cip = fd.sip;
    e.cport = fd.sport;
    e.sip = fd.dip;
    e.sport = fd.dport;
    e.local_is_server = fd.server_role;
  } else if (is_server_socket(fd.type)) {  // listening: its name is "address:port"
    size_t colon = fd.name.rfind(':');
    if (colon == std::string::npos) return e;
    auto port = filter::parse_integer(std::string_view(fd.name).substr(colon + 1));
    if (!port) return e;
    e.known = true;
    e.sip = fd.name.substr(0, colon);
    e.sport = *port;
    e.local_is_server = true;
  }
  return e;
}

std::string joined_args(const std::string& args) {
  std::string out;
  size_t start = 0;
  while (start < args.size()) {
    size_t end = args.find('\0', start);
    if (end == std::string::npos) end = args.size();
    if (!out.empty()) out += ' ';
    out.append(args, start, end - start);
    start = end + 1;
  }
  return out;
}

}  // namespace

void EventFields::before_apply(const Event& e) {
  event_ = &e;
  thread_ = threads_.find(e.tid);
  fd_num_.reset();
  fd_.reset();
  has_fd_before_ = false;
  enter_ts_ns_ = 0;
  if (e.type == ppme::kSwitch1E || e.type == ppme::kSwitch6E) {
    // a context switch is not a call: the thread's pending call stays pending
  } else if (is_enter(e.type)) {
    last_enter_[e.tid] = {e.type, e.ts_ns};
  } else if (auto it = last_enter_.find(e.tid);
             it != last_enter_.end() && it->second.first == e.type - 1) {
    enter_ts_ns_ = it->second.second;
  }

  const EventInfo* info = event_info(e.type);
  if (!info) return;
  if (e.type == ppme::kProcexitE || e.type == ppme::kProcexit1E) {
    last_fd_.erase(e.tid);
    last_enter_.erase(e.tid);
  }
  if (!is_enter(e.type) && !info->params.empty() && info->params[0].name == "fd" &&
      e.param_count()) {
    int64_t created = param_num<int64_t>(e, 0);  // socket, open, accept: the new fd
    if (created >= 0) fd_num_ = created;
  } else if (int fd1 = param_index(e, "fd1"); !is_enter(e.type) && fd1 >= 0) {
    fd_num_ = param_num<int64_t>(e, static_cast<size_t>(fd1));  // pipe, socketpair: the first
  } else if (is_enter(e.type) && uses_fd(e.type)) {
    fd_num_ = param_num<int64_t>(e, 0);
    last_fd_[e.tid] = *fd_num_;
  } else if (!is_enter(e.type) && uses_fd(static_cast<uint16_t>(e.type - 1))) {
    // An exit of a call on an fd uses the fd of its thread's last enter that
    // named one, even across events in between (a context switch), as
    // sysdig does.
    // A thread never seen entering a call on an fd counts as fd 0 (sysdig's
    // initial value).
    auto it = last_fd_.find(e.tid);
    if (it != last_fd_.end())
      fd_num_ = it->second;
    else if (thread_)
      fd_num_ = 0;
  }
  if (fd_num_) {
    if (const FdInfo* fd = threads_.find_fd(e.tid, *fd_num_)) {
      fd_before_ = *fd;
      has_fd_before_ = true;
    }
  }
}

void EventFields::after_apply(const Event& e) {
  event_ = &e;
  thread_ = threads_.find(e.tid);
  if (!fd_num_) return;
  if (const FdInfo* fd = threads_.find_fd(e.tid, *fd_num_))
    fd_ = *fd;
  else if (has_fd_before_)
    fd_ = fd_before_;
}

FieldValue EventFields::get(const filter::FieldRef& field) const {
  if (!event_ || !field.info) return {};
  std::string_view name = field.info->name;
  if (name.starts_with("evt.")) return event_field(field);
  if (name.starts_with("fd.")) return fd_field(field);
  return process_field(field);
}

FieldValue EventFields::event_field(const filter::FieldRef& field) const {
  const Event& e = *event_;
  switch (field.info->id) {
    case FieldId::EvtNum:
      return FieldValue::number(static_cast<int64_t>(e.num));
    case FieldId::EvtType:
      return FieldValue::string(event_type_name(e));
    case FieldId::EvtDir:
      return FieldValue::string(is_enter(e.type) ? ">" : "<");
    case FieldId::EvtCpu:
      return FieldValue::number(e.cpu);
    case FieldId::EvtTime:
    case FieldId::EvtOutputtime: {
      time_t sec = static_cast<time_t>(e.ts_ns / 1000000000ULL);
      struct tm tm;
      localtime_r(&sec, &tm);
      return FieldValue::string(format("%02d:%02d:%02d.%09llu", tm.tm_hour, tm.tm_min, tm.tm_sec,
                                       static_cast<unsigned long long>(e.ts_ns % 1000000000ULL)));
    }
    case FieldId::EvtRawtime:
      return FieldValue::number(static_cast<int64_t>(e.ts_ns));
    case FieldId::EvtLatency:
      // 0 for enter events and for exits whose enter was not seen.
      return FieldValue::number(!is_enter(e.type) && enter_ts_ns_ && e.ts_ns >= enter_ts_ns_
                                    ? static_cast<int64_t>(e.ts_ns - enter_ts_ns_)
                                    : 0);
    case FieldId::EvtRes: {
      auto r = result_of(e);
      if (!r) return {};
      if (*r >= 0) return FieldValue::string("SUCCESS");
      std::string n = errno_name(-*r);
      return FieldValue::string(n.empty() ? std::to_string(*r) : n);
    }
    case FieldId::EvtRawres: {
      auto r = result_of(e);
      return r ? FieldValue::number(*r) : FieldValue{};
    }
    case FieldId::EvtFailed: {
      auto r = result_of(e);
      return FieldValue::boolean(r && *r < 0);
    }
    case FieldId::EvtBuflen: {
      std::string type = event_type_name(e);
      // The bytes moved, on the exit of an I/O call.
      if (is_enter(e.type) || (!is_io_read(type) && !is_io_write(type))) return {};
      auto r = result_of(e);
      return r && *r >= 0 ? FieldValue::number(*r) : FieldValue{};
    }
    case FieldId::EvtIsIo: {
      std::string type = event_type_name(e);
      return FieldValue::boolean(is_io_read(type) || is_io_write(type));
    }
    case FieldId::EvtIsIoRead:
      return FieldValue::boolean(is_io_read(event_type_name(e)));
    case FieldId::EvtIsIoWrite:
      return FieldValue::boolean(is_io_write(event_type_name(e)));
    case FieldId::EvtCategory: {
      std::string type = event_type_name(e);
      if (is_io_read(type)) return FieldValue::string("io_read");
      if (is_io_write(type)) return FieldValue::string("io_write");
      if (one_of(type, {"socket", "connect", "accept", "accept4", "bind", "listen", "shutdown",
                        "socketpair", "getsockopt", "setsockopt"}))
        return FieldValue::string("net");
      if (one_of(type, {"open", "openat", "openat2", "creat", "close", "dup", "dup2", "dup3",
                        "fcntl", "pipe", "pipe2", "stat", "lstat", "fstat", "unlink", "rename"}))
        return FieldValue::string("file");
      if (one_of(type, {"clone", "clone3", "fork", "vfork", "execve", "execveat", "procexit"}))
        return FieldValue::string("process");
      return FieldValue::string("other");
    }
    case FieldId::EvtInfo:
    case FieldId::EvtArgs:
      return FieldValue::string(event_info_text(e, threads_));
    case FieldId::EvtArg:
      return argument(field, false);
    case FieldId::EvtRawarg:
      return argument(field, true);
    default:
      return {};
  }
}

// evt.arg.NAME / evt.arg[N]: the argument as printed (value and resolved
// form, "3(<4t>...)"); evt.rawarg: the bare value, a number when it is one.
FieldValue EventFields::argument(const filter::FieldRef& field, bool raw) const {
  const Event& e = *event_;
  const EventInfo* info = event_info(e.type);
  if (!info) return {};
  int i = field.index ? static_cast<int>(*field.index) : param_index(e, field.arg);
  if (i < 0 || static_cast<size_t>(i) >= std::min(info->params.size(), e.param_count())) return {};
  const ParamInfo& p = info->params[static_cast<size_t>(i)];
  int64_t dirfd = -100;
  if (p.type == ParamType::kFsRelPath && p.dirfd_param >= 0)
    dirfd = param_num<int64_t>(e, static_cast<size_t>(p.dirfd_param));
  ParamText t = param_text(p, e.param(static_cast<size_t>(i)), threads_, e.tid, dirfd);
  if (raw) {
    if (auto n = filter::parse_integer(t.value)) return FieldValue::number(*n);
    return FieldValue::string(t.value);
  }
  if (auto n = filter::parse_integer(t.value); n && t.resolved.empty()) return FieldValue::number(*n);
  return FieldValue::string(t.resolved.empty() ? t.value : t.value + "(" + t.resolved + ")");
}

const ThreadInfo* EventFields::main_thread(const ThreadInfo* th) const {
  const ThreadInfo* main = threads_.find(th->pid);
  return main ? main : th;
}

FieldValue EventFields::process_field(const filter::FieldRef& field) const {
  const Event& e = *event_;
  if (field.info->id == FieldId::ThreadTid) return FieldValue::number(e.tid);
  const ThreadInfo* th = thread_;
  if (field.info->id == FieldId::ContainerId)  // from the cgroups, as sysdig does
    return FieldValue::string(!th || th->container_id.empty() ? "host" : th->container_id);
  if (!th) return {};
  switch (field.info->id) {
    case FieldId::ProcName:
      return FieldValue::string(th->comm);
    case FieldId::ProcPid:
      return FieldValue::number(th->pid);
    case FieldId::ProcPpid:  // the parent of the process (its main thread's)
      return FieldValue::number(main_thread(th)->ptid);
    case FieldId::ProcPname: {  // the creating thread's name (sysdig mixes the two views)
      const ThreadInfo* p = threads_.find(th->ptid);
      return p ? FieldValue::string(p->comm) : FieldValue{};
    }
    case FieldId::ProcCmdline: {
      std::string args = joined_args(th->args);
      return FieldValue::string(args.empty() ? th->comm : th->comm + " " + args);
    }
    case FieldId::ProcExe:
      return FieldValue::string(th->exe);
    case FieldId::ProcExepath:
      return FieldValue::string(th->exe.starts_with('/') ? th->exe : "");
    case FieldId::ProcArgs:
      return FieldValue::string(joined_args(th->args));
    case FieldId::ProcCwd:
      return FieldValue::string(th->cwd);
    case FieldId::ProcAname:
    case FieldId::ProcApid: {
      // Ancestors by parent links; [0] is the process itself, as in sysdig.
      bool names = field.info->id == FieldId::ProcAname;
      auto value = [&](const ThreadInfo* t) {
        return names ? FieldValue::string(t->comm) : FieldValue::number(t->pid);
      };
      std::vector<FieldValue> chain;
      const ThreadInfo* t = threads_.find(th->pid);
      if (!t) t = th;
      for (int depth = 0; t && depth < 64; ++depth) {
        if (field.index && depth == *field.index) return value(t);
        if (depth > 0) chain.push_back(value(t));
        if (t->ptid == t->pid || t->ptid <= 0) break;
        const ThreadInfo* parent = threads_.find(t->ptid);
        t = parent ? threads_.find(parent->pid) : nullptr;
        if (!t) t = parent;
      }
      if (field.index) return {};
      return FieldValue::list(std::move(chain));
    }
    case FieldId::UserUid:
      return FieldValue::number(th->uid);
    case FieldId::UserName: {
      auto it = threads_.users().find(th->uid);
      return it == threads_.users().end() ? FieldValue{} : FieldValue::string(it->second);
    }
    case FieldId::GroupGid:
      return FieldValue::number(th->gid);
    case FieldId::GroupName: {
      auto it = threads_.groups().find(th->gid);
      return it == threads_.groups().end() ? FieldValue{} : FieldValue::string(it->second);
    }
    default:
      return {};  // proc.sid, proc.vmrss...: not tracked
  }
}

FieldValue EventFields::fd_field(const filter::FieldRef& field) const {
  if (field.info->id == FieldId::FdNum)
    return fd_num_ ? FieldValue::number(*fd_num_) : FieldValue{};
  if (!fd_) return {};
  const FdInfo& fd = *fd_;
  bool file = fd.type == FdType::kFile || fd.type == FdType::kFileV2 ||
              fd.type == FdType::kDirectory;
  Ends ends = ends_of(fd);
  auto ip = [&](bool server) { return ends.known ? address(server ? ends.sip : ends.cip) : FieldValue{}; };
  auto port = [&](bool server) {
    return ends.known ? FieldValue::number(server ? ends.sport : ends.cport) : FieldValue{};
  };
  auto both = [&](FieldValue a, FieldValue b) {
    std::vector<FieldValue> items;
    if (a.present()) items.push_back(std::move(a));
    if (b.present()) items.push_back(std::move(b));
    return items.empty() ? FieldValue{} : FieldValue::list(std::move(items));
  };
  bool listening = is_server_socket(fd.type) && !fd.has_tuple;
  switch (field.info->id) {
    case FieldId::FdName:
      return FieldValue::string(sanitized(fd.name));
    case FieldId::FdType: {
      const char* t = fd_type_name(fd.type);
      return t ? FieldValue::string(t) : FieldValue{};
    }
    case FieldId::FdTypechar:
      return FieldValue::string(std::string(1, fd_type_char(fd.type)));
    case FieldId::FdDirectory:
    case FieldId::FdFilename: {
      if (!file) return {};
      size_t slash = fd.name.rfind('/');
      if (slash == std::string::npos) return {};
      return FieldValue::string(field.info->id == FieldId::FdDirectory
                                    ? fd.name.substr(0, slash ? slash : 1)
                                    : fd.name.substr(slash + 1));
    }
    case FieldId::FdL4proto: {
      if (!is_ip_socket(fd.type)) return {};
      const char* c = l4_char(fd.type, fd.l4);
      static const std::pair<const char*, const char*> kNames[] = {
          {"t", "tcp"}, {"u", "udp"}, {"i", "icmp"}, {"r", "raw"}};
      for (auto [ch, name] : kNames)
        if (std::strcmp(c, ch) == 0) return FieldValue::string(name);
      return {};
    }
    case FieldId::FdSockfamily:
      if (is_ip_socket(fd.type)) return FieldValue::string("ip");
      if (fd.type == FdType::kUnixSock) return FieldValue::string("unix");
      return {};
    case FieldId::FdIsServer:
      // sysdig: an IP socket is the server's unless a connect made it the
      // client's; any other fd is not a server.
      return FieldValue::boolean(is_ip_socket(fd.type) && !fd.client_role);
    case FieldId::FdSip:
    case FieldId::FdSnet:
      return ip(true);
    case FieldId::FdCip:
    case FieldId::FdCnet:
      return listening ? FieldValue{} : ip(false);
    case FieldId::FdLip:  // a listening socket has no local end in sysdig's sense
    case FieldId::FdLnet:
      return listening ? FieldValue{} : ip(ends.local_is_server);
    case FieldId::FdRip:
    case FieldId::FdRnet:
      return listening ? FieldValue{} : ip(!ends.local_is_server);
    case FieldId::FdIp:
    case FieldId::FdNet:
      return both(listening ? FieldValue{} : ip(false), ip(true));
    case FieldId::FdSport:
      return port(true);
    case FieldId::FdCport:  // sysdig: 0 for listening sockets
      if (listening) return FieldValue::number(0);
      return port(false);
    case FieldId::FdLport:
      return listening ? FieldValue{} : port(ends.local_is_server);
    case FieldId::FdRport:
      return listening ? FieldValue{} : port(!ends.local_is_server);
    case FieldId::FdPort:
      return both(listening ? FieldValue{} : port(false), port(true));
    default:
      return {};
  }
}

std::string EventFields::text(const filter::FieldRef& field) const {
  FieldValue v = get(field);
  if (!v.present()) return "<NA>";
  if (field.info->type == filter::FieldType::Bool && v.kind() == FieldValue::Kind::Number)
    return v.num() ? "true" : "false";
  return v.to_string();
}

}  // namespace vedetta::events
