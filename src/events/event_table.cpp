#include "events/event_table.h"

#include <array>
#include <charconv>
#include <deque>
#include <string>

#include "events/flag_tables.h"

namespace vedetta::events {
namespace {

constexpr std::string_view kSpec =
#include "events/event_table_spec.inc"
    ;

// Syscall names by system-independent code (PPM_SC_*), for generic events, as
// sysdig 0.29 names them (its table ends before open_by_handle_at, code 329).
constexpr std::string_view kSyscallNames =
    "<unknown> restart_syscall exit read write open close creat link unlink chdir time mknod chmod "
    "stat lseek getpid mount ptrace alarm fstat pause utime access sync kill rename mkdir rmdir "
    "dup pipe times brk acct ioctl fcntl setpgid umask chroot ustat dup2 getppid getpgrp setsid "
    "sethostname setrlimit getrusage gettimeofday settimeofday symlink lstat readlink uselib "
    "swapon reboot mmap munmap truncate ftruncate fchmod getpriority setpriority statfs fstatfs "
    "syslog setitimer getitimer uname vhangup wait4 swapoff sysinfo fsync setdomainname adjtimex "
    "mprotect init_module delete_module quotactl getpgid fchdir sysfs personality getdents "
    "select flock msync readv writev getsid fdatasync mlock munlock mlockall munlockall "
    "sched_setparam sched_getparam sched_setscheduler sched_getscheduler sched_yield "
    "sched_get_priority_max sched_get_priority_min sched_rr_get_interval nanosleep mremap poll "
    "prctl rt_sigaction rt_sigprocmask rt_sigpending rt_sigtimedwait rt_sigqueueinfo "
    "rt_sigsuspend getcwd capget capset sendfile getrlimit lchown getuid getgid geteuid getegid "
    "setreuid setregid getgroups setgroups fchown setresuid getresuid setresgid getresgid chown "
    "setuid setgid setfsuid setfsgid pivot_root mincore madvise gettid setxattr lsetxattr "
    "fsetxattr getxattr lgetxattr fgetxattr listxattr llistxattr flistxattr removexattr "
    "lremovexattr fremovexattr tkill futex sched_setaffinity sched_getaffinity set_thread_area "
    "get_thread_area io_setup io_destroy io_getevents io_submit io_cancel exit_group "
    "epoll_create epoll_ctl epoll_wait remap_file_pages set_tid_address timer_create "
    "timer_settime timer_gettime timer_getoverrun timer_delete clock_settime clock_gettime "
    "clock_getres clock_nanosleep tgkill utimes mq_open mq_unlink mq_timedsend mq_timedreceive "
    "mq_notify mq_getsetattr kexec_load waitid add_key request_key keyctl ioprio_set ioprio_get "
    "inotify_init inotify_add_watch inotify_rm_watch openat mkdirat mknodat fchownat futimesat "
    "unlinkat renameat linkat symlinkat readlinkat fchmodat faccessat pselect6 ppoll unshare "
    "set_robust_list get_robust_list splice tee vmsplice getcpu epoll_pwait utimensat signalfd "
    "timerfd_create eventfd timerfd_settime timerfd_gettime signalfd4 eventfd2 epoll_create1 "
    "dup3 pipe2 inotify_init1 preadv pwritev rt_tgsigqueueinfo perf_event_open fanotify_init "
    "prlimit64 clock_adjtime syncfs setns getdents64 socket bind connect listen accept "
    "getsockname getpeername socketpair sendto recvfrom shutdown setsockopt getsockopt sendmsg "
    "sendmmsg recvmsg recvmmsg accept4 semop semget semctl msgsnd msgrcv msgget msgctl shmdt "
    "shmget shmctl statfs64 fstatfs64 fstatat64 sendfile64 ugetrlimit bdflush sigprocmask ipc "
    "socketcall stat64 lstat64 fstat64 fcntl64 mmap2 newselect sgetmask ssetmask sigpending "
    "olduname umount signal nice stime llseek waitpid pread64 pwrite64 arch_prctl shmat "
    "sigreturn fallocate newfstatat process_vm_readv process_vm_writev fork vfork setuid getuid "
    "setgid geteuid getgid setresuid setresgid getresuid getresgid "
    "finit_module bpf seccomp sigaltstack getrandom fadvise64 renameat2 userfaultfd openat2 "
    "umount2 execve execveat copy_file_range clone clone3";

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find(sep, i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

ParamInfo parse_param(std::string_view token, std::deque<std::string>& names) {
  ParamInfo p;
  size_t colon = token.find(':');
  std::string_view name = token.substr(0, colon);
  std::string_view type = token.substr(colon + 1);
  if (name.find('~') != std::string_view::npos) {
    std::string n(name);
    for (char& c : n)
      if (c == '~') c = ' ';
    names.push_back(std::move(n));
    name = names.back();
  }
  p.name = name;
  std::string_view table;
  if (size_t slash = type.find('/'); slash != std::string_view::npos) {
    table = type.substr(slash + 1);
    type = type.substr(0, slash);
  }
  if (size_t at = type.find('@'); at != std::string_view::npos) {
    std::from_chars(type.data() + at + 1, type.data() + type.size(), p.dirfd_param);
    type = type.substr(0, at);
  }
  struct Numeric {
    std::string_view code;
    ParamType type;
  };
  static constexpr Numeric kNumeric[] = {{"u8", ParamType::kUint8},   {"u16", ParamType::kUint16},
                                         {"u32", ParamType::kUint32}, {"u64", ParamType::kUint64},
                                         {"i8", ParamType::kInt8},    {"i16", ParamType::kInt16},
                                         {"i32", ParamType::kInt32},  {"i64", ParamType::kInt64}};
  for (const auto& n : kNumeric) {
    if (type.substr(0, n.code.size()) != n.code) continue;
    std::string_view suffix = type.substr(n.code.size());
    if (suffix.empty() || suffix == "x" || suffix == "o") {
      p.type = n.type;
      p.format = suffix == "x"   ? PrintFormat::kHex
                 : suffix == "o" ? PrintFormat::kOct
                                 : PrintFormat::kDec;
      return p;
    }
  }
  struct Named {
    std::string_view code;
    ParamType type;
  };
  static constexpr Named kNamed[] = {{"fd", ParamType::kFd},
                                     {"pid", ParamType::kPid},
                                     {"err", ParamType::kErrno},
                                     {"path", ParamType::kFsPath},
                                     {"rel", ParamType::kFsRelPath},
                                     {"str", ParamType::kCharBuf},
                                     {"buf", ParamType::kByteBuf},
                                     {"addr", ParamType::kSockAddr},
                                     {"tuple", ParamType::kSockTuple},
                                     {"fdlist", ParamType::kFdList},
                                     {"sc", ParamType::kSyscallId},
                                     {"sig", ParamType::kSigType},
                                     {"rel", ParamType::kRelTime},
                                     {"abs", ParamType::kAbsTime},
                                     {"uid", ParamType::kUid},
                                     {"gid", ParamType::kGid},
                                     {"sigset", ParamType::kSigSet},
                                     {"f8", ParamType::kFlags8},
                                     {"f16", ParamType::kFlags16},
                                     {"f32", ParamType::kFlags32},
                                     {"mode", ParamType::kMode},
                                     {"dyn", ParamType::kDyn},
                                     {"cba", ParamType::kCharBufArray},
                                     {"cbpa", ParamType::kCharBufPairArray}};
  for (const auto& n : kNamed) {
    if (type != n.code) continue;
    p.type = n.type;
    // "rel" is a relative path when it names its dirfd, else a relative time.
    if (type == "rel" && p.dirfd_param < 0) p.type = ParamType::kRelTime;
    break;
  }
  if (p.type == ParamType::kMode) p.format = PrintFormat::kOct;
  if (p.type == ParamType::kDyn) {
    p.dyn_types = dyn_table(table);
    if (table == "ptrace") p.format = PrintFormat::kHex;
  } else if (!table.empty()) {
    p.flags = flag_table(table);
  }
  return p;
}

struct Table {
  std::vector<EventInfo> events;
  std::vector<std::string_view> syscalls;
  std::deque<std::string> owned_names;

  Table() {
    syscalls = split(kSyscallNames, ' ');
    for (std::string_view line : split(kSpec, '\n')) {
      size_t colon = line.find(" : ");
      if (colon == std::string_view::npos) continue;
      std::vector<std::string_view> head = split(line.substr(0, colon), ' ');
      std::string_view body = line.substr(colon + 3);
      size_t bar = body.find('|');
      std::string_view enter = body.substr(0, bar), exit = body.substr(bar + 1);
      std::string_view name = head[0], exit_name = head[0];
      if (size_t slash = name.find('/'); slash != std::string_view::npos) {
        exit_name = name.substr(slash + 1);
        name = name.substr(0, slash);
      }
      uint16_t flags = 0;
      for (size_t i = 1; i < head.size(); ++i) {
        if (head[i] == "!I") flags |= kInternal;
        if (head[i] == "!U") flags |= kUnused;
        if (head[i] == "!O") flags |= kOldVersion;
        if (head[i] == "!N") flags |= kNewerThanSysdig;
      }
      EventInfo e{name, flags, {}};
      for (auto tok : split(enter, ' ')) e.params.push_back(parse_param(tok, owned_names));
      EventInfo x{exit_name, flags, {}};
      if (exit_name != name) x.flags |= kUnused;
      for (auto tok : split(exit, ' ')) x.params.push_back(parse_param(tok, owned_names));
      events.push_back(std::move(e));
      events.push_back(std::move(x));
    }
  }
};

const Table& table() {
  static const Table t;
  return t;
}

}  // namespace

const EventInfo* event_info(uint16_t type) {
  const auto& events = table().events;
  return type < events.size() ? &events[type] : nullptr;
}

bool is_readable_type(uint16_t type) {
  const EventInfo* info = event_info(type);
  return info && !(info->flags & kNewerThanSysdig);
}

uint16_t event_type_count() { return static_cast<uint16_t>(table().events.size()); }

std::string_view syscall_name(uint16_t code) {
  const auto& names = table().syscalls;
  return code < names.size() ? names[code] : std::string_view{};
}

}  // namespace vedetta::events
