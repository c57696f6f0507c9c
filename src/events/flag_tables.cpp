#include "events/flag_tables.h"

#include <array>
#include <utility>

namespace vedetta::events {
namespace {

// Values are the driver's own (PPM_*) constants, not the kernel's.
constexpr FlagName kSocketFamilies[] = {
    {"AF_NFC", 39},       {"AF_ALG", 38},      {"AF_CAIF", 37},    {"AF_IEEE802154", 36},
    {"AF_PHONET", 35},    {"AF_ISDN", 34},     {"AF_RXRPC", 33},   {"AF_IUCV", 32},
    {"AF_BLUETOOTH", 31}, {"AF_TIPC", 30},     {"AF_CAN", 29},     {"AF_LLC", 26},
    {"AF_WANPIPE", 25},   {"AF_PPPOX", 24},    {"AF_IRDA", 23},    {"AF_SNA", 22},
    {"AF_RDS", 21},       {"AF_ATMSVC", 20},   {"AF_ECONET", 19},  {"AF_ASH", 18},
    {"AF_PACKET", 17},    {"AF_ROUTE", 16},    {"AF_NETLINK", 16}, {"AF_KEY", 15},
    {"AF_SECURITY", 14},  {"AF_NETBEUI", 13},  {"AF_DECnet", 12},  {"AF_ROSE", 11},
    {"AF_INET6", 10},     {"AF_X25", 9},       {"AF_ATMPVC", 8},   {"AF_BRIDGE", 7},
    {"AF_NETROM", 6},     {"AF_APPLETALK", 5}, {"AF_IPX", 4},      {"AF_AX25", 3},
    {"AF_INET", 2},       {"AF_LOCAL", 1},     {"AF_UNIX", 1},     {"AF_UNSPEC", 0}};

constexpr FlagName kFileFlags[] = {{"O_LARGEFILE", 1 << 11},
                                   {"O_DIRECTORY", 1 << 10},
                                   {"O_DIRECT", 1 << 9},
                                   {"O_TRUNC", 1 << 8},
                                   {"O_SYNC", 1 << 7},
                                   {"O_NONBLOCK", 1 << 6},
                                   {"O_EXCL", 1 << 5},
                                   {"O_DSYNC", 1 << 4},
                                   {"O_APPEND", 1 << 3},
                                   {"O_CREAT", 1 << 2},
                                   {"O_RDWR", 3},
                                   {"O_WRONLY", 1 << 1},
                                   {"O_RDONLY", 1 << 0},
                                   {"O_CLOEXEC", 1 << 12},
                                   {"O_NONE", 0},
                                   {"O_TMPFILE", 1 << 13}};

constexpr FlagName kFlockFlags[] = {
    {"LOCK_SH", 1}, {"LOCK_EX", 2}, {"LOCK_NB", 4}, {"LOCK_UN", 8}, {"LOCK_NONE", 0}};

constexpr FlagName kCloneFlags[] = {{"CLONE_FILES", 1u << 0},
                                    {"CLONE_FS", 1u << 1},
                                    {"CLONE_IO", 1u << 2},
                                    {"CLONE_NEWIPC", 1u << 3},
                                    {"CLONE_NEWNET", 1u << 4},
                                    {"CLONE_NEWNS", 1u << 5},
                                    {"CLONE_NEWPID", 1u << 6},
                                    {"CLONE_NEWUTS", 1u << 7},
                                    {"CLONE_PARENT", 1u << 8},
                                    {"CLONE_PARENT_SETTID", 1u << 9},
                                    {"CLONE_PTRACE", 1u << 10},
                                    {"CLONE_SIGHAND", 1u << 11},
                                    {"CLONE_SYSVSEM", 1u << 12},
                                    {"CLONE_THREAD", 1u << 13},
                                    {"CLONE_UNTRACED", 1u << 14},
                                    {"CLONE_VM", 1u << 15},
                                    {"CLONE_INVERTED", 1u << 16},
                                    {"NAME_CHANGED", 1u << 17},
                                    {"CLOSED", 1u << 18},
                                    {"CLONE_NEWUSER", 1u << 20},
                                    {"CLONE_CHILD_CLEARTID", 1u << 23},
                                    {"CLONE_CHILD_SETTID", 1u << 24},
                                    {"CLONE_SETTLS", 1u << 25},
                                    {"CLONE_STOPPED", 1u << 26},
                                    {"CLONE_VFORK", 1u << 27},
                                    {"CLONE_NEWCGROUP", 1u << 28}};

constexpr FlagName kFutexOperations[] = {{"FUTEX_CLOCK_REALTIME", 256},
                                         {"FUTEX_PRIVATE_FLAG", 128},
                                         {"FUTEX_CMP_REQUEUE_PI", 12},
                                         {"FUTEX_WAIT_REQUEUE_PI", 11},
                                         {"FUTEX_WAKE_BITSET", 10},
                                         {"FUTEX_WAIT_BITSET", 9},
                                         {"FUTEX_TRYLOCK_PI", 8},
                                         {"FUTEX_UNLOCK_PI", 7},
                                         {"FUTEX_LOCK_PI", 6},
                                         {"FUTEX_WAKE_OP", 5},
                                         {"FUTEX_CMP_REQUEUE", 4},
                                         {"FUTEX_REQUEUE", 3},
                                         {"FUTEX_FD", 2},
                                         {"FUTEX_WAKE", 1},
                                         {"FUTEX_WAIT", 0}};

constexpr FlagName kMountFlags[] = {
    {"RDONLY", 1u << 0},      {"NOSUID", 1u << 1},       {"NODEV", 1u << 2},
    {"NOEXEC", 1u << 3},      {"SYNCHRONOUS", 1u << 4},  {"REMOUNT", 1u << 5},
    {"MANDLOCK", 1u << 6},    {"DIRSYNC", 1u << 7},      {"NOATIME", 1u << 10},
    {"NODIRATIME", 1u << 11}, {"BIND", 1u << 12},        {"MOVE", 1u << 13},
    {"REC", 1u << 14},        {"SILENT", 1u << 15},      {"POSIXACL", 1u << 16},
    {"UNBINDABLE", 1u << 17}, {"PRIVATE", 1u << 18},     {"SLAVE", 1u << 19},
    {"SHARED", 1u << 20},     {"RELATIME", 1u << 21},    {"KERNMOUNT", 1u << 22},
    {"I_VERSION", 1u << 23},  {"STRICTATIME", 1u << 24}, {"LAZYTIME", 1u << 25},
    {"NOSEC", 1u << 28},      {"BORN", 1u << 29},        {"ACTIVE", 1u << 30},
    {"NOUSER", 1u << 31}};

constexpr FlagName kUmountFlags[] = {{"FORCE", 1}, {"DETACH", 2}, {"EXPIRE", 4}, {"NOFOLLOW", 8}};
constexpr FlagName kLseekWhence[] = {{"SEEK_END", 2}, {"SEEK_CUR", 1}, {"SEEK_SET", 0}};
constexpr FlagName kShutdownHow[] = {{"SHUT_RDWR", 2}, {"SHUT_WR", 1}, {"SHUT_RD", 0}};

constexpr FlagName kRlimitResources[] = {
    {"RLIMIT_UNKNOWN", 255}, {"RLIMIT_RTTIME", 15},     {"RLIMIT_RTPRIO", 14}, {"RLIMIT_NICE", 13},
    {"RLIMIT_MSGQUEUE", 12}, {"RLIMIT_SIGPENDING", 11}, {"RLIMIT_LOCKS", 10},  {"RLIMIT_AS", 9},
    {"RLIMIT_MEMLOCK", 8},   {"RLIMIT_NOFILE", 7},      {"RLIMIT_NPROC", 6},   {"RLIMIT_RSS", 5},
    {"RLIMIT_CORE", 4},      {"RLIMIT_STACK", 3},       {"RLIMIT_DATA", 2},    {"RLIMIT_FSIZE", 1},
    {"RLIMIT_CPU", 0}};

constexpr FlagName kFcntlCommands[] = {
    {"F_GETPIPE_SZ", 29}, {"F_SETPIPE_SZ", 28}, {"F_NOTIFY", 27},    {"F_DUPFD_CLOEXEC", 26},
    {"F_CANCELLK", 25},   {"F_GETLEASE", 24},   {"F_SETLEASE", 23},  {"F_GETOWN_EX", 22},
    {"F_SETOWN_EX", 21},  {"F_GETSIG", 15},     {"F_SETSIG", 13},    {"F_GETOWN", 12},
    {"F_SETOWN", 10},     {"F_SETLKW", 9},      {"F_SETLK", 8},      {"F_GETLK", 6},
    {"F_SETFL", 5},       {"F_GETFL", 4},       {"F_SETFD", 3},      {"F_GETFD", 2},
    {"F_DUPFD", 1},       {"F_OFD_GETLK", 30},  {"F_OFD_SETLK", 31}, {"F_OFD_SETLKW", 32},
    {"UNKNOWN", 0}};

constexpr FlagName kSockoptLevels[] = {{"SOL_SOCKET", 1}, {"SOL_TCP", 2}, {"UNKNOWN", 0}};

constexpr FlagName kSockoptOptions[] = {{"SO_COOKIE", 53},
                                        {"SO_MEMINFO", 52},
                                        {"SO_PEERGROUPS", 51},
                                        {"SO_ATTACH_BPF", 50},
                                        {"SO_INCOMING_CPU", 49},
                                        {"SO_BPF_EXTENSIONS", 48},
                                        {"SO_MAX_PACING_RATE", 47},
                                        {"SO_BUSY_POLL", 46},
                                        {"SO_SELECT_ERR_QUEUE", 45},
                                        {"SO_LOCK_FILTER", 44},
                                        {"SO_NOFCS", 43},
                                        {"SO_PEEK_OFF", 42},
                                        {"SO_WIFI_STATUS", 41},
                                        {"SO_RXQ_OVFL", 40},
                                        {"SO_DOMAIN", 39},
                                        {"SO_PROTOCOL", 38},
                                        {"SO_TIMESTAMPING", 37},
                                        {"SO_MARK", 36},
                                        {"SO_TIMESTAMPNS", 35},
                                        {"SO_PASSSEC", 34},
                                        {"SO_PEERSEC", 31},
                                        {"SO_ACCEPTCONN", 30},
                                        {"SO_TIMESTAMP", 29},
                                        {"SO_PEERNAME", 28},
                                        {"SO_DETACH_FILTER", 27},
                                        {"SO_ATTACH_FILTER", 26},
                                        {"SO_BINDTODEVICE", 25},
                                        {"SO_SECURITY_ENCRYPTION_NETWORK", 24},
                                        {"SO_SECURITY_ENCRYPTION_TRANSPORT", 23},
                                        {"SO_SECURITY_AUTHENTICATION", 22},
                                        {"SO_SNDTIMEO", 21},
                                        {"SO_RCVTIMEO", 20},
                                        {"SO_SNDLOWAT", 19},
                                        {"SO_RCVLOWAT", 18},
                                        {"SO_PEERCRED", 17},
                                        {"SO_PASSCRED", 16},
                                        {"SO_REUSEPORT", 15},
                                        {"SO_BSDCOMPAT", 14},
                                        {"SO_LINGER", 13},
                                        {"SO_PRIORITY", 12},
                                        {"SO_NO_CHECK", 11},
                                        {"SO_OOBINLINE", 10},
                                        {"SO_KEEPALIVE", 9},
                                        {"SO_RCVBUFFORCE", 33},
                                        {"SO_SNDBUFFORCE", 32},
                                        {"SO_RCVBUF", 8},
                                        {"SO_SNDBUF", 7},
                                        {"SO_BROADCAST", 6},
                                        {"SO_DONTROUTE", 5},
                                        {"SO_ERROR", 4},
                                        {"SO_TYPE", 3},
                                        {"SO_REUSEADDR", 2},
                                        {"SO_DEBUG", 1},
                                        {"UNKNOWN", 0}};

constexpr FlagName kPtraceRequests[] = {{"PTRACE_SINGLEBLOCK", 38},
                                        {"PTRACE_SYSEMU_SINGLESTEP", 37},
                                        {"PTRACE_SYSEMU", 36},
                                        {"PTRACE_ARCH_PRCTL", 35},
                                        {"PTRACE_SET_THREAD_AREA", 34},
                                        {"PTRACE_GET_THREAD_AREA", 33},
                                        {"PTRACE_OLDSETOPTIONS", 32},
                                        {"PTRACE_SETFPXREGS", 31},
                                        {"PTRACE_GETFPXREGS", 30},
                                        {"PTRACE_SETFPREGS", 29},
                                        {"PTRACE_GETFPREGS", 28},
                                        {"PTRACE_SETREGS", 27},
                                        {"PTRACE_GETREGS", 26},
                                        {"PTRACE_SETSIGMASK", 25},
                                        {"PTRACE_GETSIGMASK", 24},
                                        {"PTRACE_PEEKSIGINFO", 23},
                                        {"PTRACE_LISTEN", 22},
                                        {"PTRACE_INTERRUPT", 21},
                                        {"PTRACE_SEIZE", 20},
                                        {"PTRACE_SETREGSET", 19},
                                        {"PTRACE_GETREGSET", 18},
                                        {"PTRACE_SETSIGINFO", 17},
                                        {"PTRACE_GETSIGINFO", 16},
                                        {"PTRACE_GETEVENTMSG", 15},
                                        {"PTRACE_SETOPTIONS", 14},
                                        {"PTRACE_SYSCALL", 13},
                                        {"PTRACE_DETACH", 12},
                                        {"PTRACE_ATTACH", 11},
                                        {"PTRACE_SINGLESTEP", 10},
                                        {"PTRACE_KILL", 9},
                                        {"PTRACE_CONT", 8},
                                        {"PTRACE_POKEUSR", 7},
                                        {"PTRACE_POKEDATA", 6},
                                        {"PTRACE_POKETEXT", 5},
                                        {"PTRACE_PEEKUSR", 4},
                                        {"PTRACE_PEEKDATA", 3},
                                        {"PTRACE_PEEKTEXT", 2},
                                        {"PTRACE_TRACEME", 1},
                                        {"PTRACE_UNKNOWN", 0}};

constexpr FlagName kProtFlags[] = {{"PROT_READ", 1 << 0},      {"PROT_WRITE", 1 << 1},
                                   {"PROT_EXEC", 1 << 2},      {"PROT_SEM", 1 << 3},
                                   {"PROT_GROWSDOWN", 1 << 4}, {"PROT_GROWSUP", 1 << 5},
                                   {"PROT_SAO", 1 << 6},       {"PROT_NONE", 0}};

constexpr FlagName kMmapFlags[] = {
    {"MAP_SHARED", 1 << 0},    {"MAP_PRIVATE", 1 << 1},    {"MAP_FIXED", 1 << 2},
    {"MAP_ANONYMOUS", 1 << 3}, {"MAP_32BIT", 1 << 4},      {"MAP_RENAME", 1 << 5},
    {"MAP_NORESERVE", 1 << 6}, {"MAP_POPULATE", 1 << 7},   {"MAP_NONBLOCK", 1 << 8},
    {"MAP_GROWSDOWN", 1 << 9}, {"MAP_DENYWRITE", 1 << 10}, {"MAP_EXECUTABLE", 1 << 11},
    {"MAP_INHERIT", 1 << 12},  {"MAP_FILE", 1 << 13},      {"MAP_LOCKED", 1 << 14}};

constexpr FlagName kSpliceFlags[] = {
    {"SPLICE_F_MOVE", 1}, {"SPLICE_F_NONBLOCK", 2}, {"SPLICE_F_MORE", 4}, {"SPLICE_F_GIFT", 8}};

constexpr FlagName kQuotactlDqiFlags[] = {{"DQF_NONE", 1}, {"V1_DQF_RSQUASH", 2}};
constexpr FlagName kQuotactlCmds[] = {
    {"Q_QUOTAON", 1 << 0},    {"Q_QUOTAOFF", 1 << 1},   {"Q_GETFMT", 1 << 2},
    {"Q_GETINFO", 1 << 3},    {"Q_SETINFO", 1 << 4},    {"Q_GETQUOTA", 1 << 5},
    {"Q_SETQUOTA", 1 << 6},   {"Q_SYNC", 1 << 7},       {"Q_XQUOTAON", 1 << 8},
    {"Q_XQUOTAOFF", 1 << 9},  {"Q_XGETQUOTA", 1 << 10}, {"Q_XSETQLIM", 1 << 11},
    {"Q_XGETQSTAT", 1 << 12}, {"Q_XQUOTARM", 1 << 13},  {"Q_XQUOTASYNC", 1 << 14}};
constexpr FlagName kQuotactlTypes[] = {{"USRQUOTA", 1}, {"GRPQUOTA", 2}};
constexpr FlagName kQuotactlQuotaFmts[] = {
    {"QFMT_NOT_USED", 1}, {"QFMT_VFS_OLD", 2}, {"QFMT_VFS_V0", 4}, {"QFMT_VFS_V1", 8}};

constexpr FlagName kSemopFlags[] = {{"IPC_NOWAIT", 1}, {"SEM_UNDO", 2}};
constexpr FlagName kSemgetFlags[] = {{"IPC_EXCL", 1 << 14}, {"IPC_CREAT", 1 << 13}};
constexpr FlagName kSemctlCommands[] = {
    {"IPC_STAT", 1 << 0}, {"IPC_SET", 1 << 1},  {"IPC_RMID", 1 << 2}, {"IPC_INFO", 1 << 3},
    {"SEM_INFO", 1 << 4}, {"SEM_STAT", 1 << 5}, {"GETALL", 1 << 6},   {"GETNCNT", 1 << 7},
    {"GETPID", 1 << 8},   {"GETVAL", 1 << 9},   {"GETZCNT", 1 << 10}, {"SETALL", 1 << 11},
    {"SETVAL", 1 << 12}};

constexpr FlagName kAccessFlags[] = {{"F_OK", 0}, {"R_OK", 4}, {"W_OK", 2}, {"X_OK", 1}};

constexpr FlagName kPfFlags[] = {{"PROTECTION_VIOLATION", 1 << 0}, {"PAGE_NOT_PRESENT", 1 << 1},
                                 {"WRITE_ACCESS", 1 << 2},         {"READ_ACCESS", 1 << 3},
                                 {"USER_FAULT", 1 << 4},           {"SUPERVISOR_FAULT", 1 << 5},
                                 {"RESERVED_PAGE", 1 << 6},        {"INSTRUCTION_FETCH", 1 << 7}};

constexpr FlagName kUnlinkatFlags[] = {{"AT_REMOVEDIR", 0x200}};
constexpr FlagName kLinkatFlags[] = {{"AT_SYMLINK_FOLLOW", 0x400}, {"AT_EMPTY_PATH", 0x1000}};

constexpr FlagName kChmodMode[] = {{"S_IXOTH", 1 << 0}, {"S_IWOTH", 1 << 1},  {"S_IROTH", 1 << 2},
                                   {"S_IXGRP", 1 << 3}, {"S_IWGRP", 1 << 4},  {"S_IRGRP", 1 << 5},
                                   {"S_IXUSR", 1 << 6}, {"S_IWUSR", 1 << 7},  {"S_IRUSR", 1 << 8},
                                   {"S_ISVTX", 1 << 9}, {"S_ISGID", 1 << 10}, {"S_ISUID", 1 << 11}};

constexpr FlagName kRenameat2Flags[] = {
    {"RENAME_NOREPLACE", 1}, {"RENAME_EXCHANGE", 2}, {"RENAME_WHITEOUT", 4}};
constexpr FlagName kOpenat2Flags[] = {{"RESOLVE_BENEATH", 1},       {"RESOLVE_IN_ROOT", 2},
                                      {"RESOLVE_NO_MAGICLINKS", 4}, {"RESOLVE_NO_SYMLINKS", 8},
                                      {"RESOLVE_NO_XDEV", 16},      {"RESOLVE_CACHED", 32}};
constexpr FlagName kExecveFlags[] = {{"EXE_WRITABLE", 1}};
constexpr FlagName kExecveatFlags[] = {{"AT_EMPTY_PATH", 1}, {"AT_SYMLINK_NOFOLLOW", 2}};
constexpr FlagName kMlockallFlags[] = {{"MCL_CURRENT", 1}, {"MCL_FUTURE", 2}, {"MCL_ONFAULT", 4}};
constexpr FlagName kIoUringSetupFlags[] = {
    {"IORING_SETUP_IOPOLL", 1},     {"IORING_SETUP_SQPOLL", 2},      {"IORING_SQ_NEED_WAKEUP", 4},
    {"IORING_SETUP_SQ_AFF", 8},     {"IORING_SETUP_CQSIZE", 16},     {"IORING_SETUP_CLAMP", 32},
    {"IORING_SETUP_ATTACH_RW", 64}, {"IORING_SETUP_R_DISABLED", 128}};
constexpr FlagName kIoUringFeats[] = {
    {"IORING_FEAT_SINGLE_MMAP", 1},      {"IORING_FEAT_NODROP", 2},
    {"IORING_FEAT_SUBMIT_STABLE", 4},    {"IORING_FEAT_RW_CUR_POS", 8},
    {"IORING_FEAT_CUR_PERSONALITY", 16}, {"IORING_FEAT_FAST_POLL", 32},
    {"IORING_FEAT_POLL_32BITS", 64},     {"IORING_FEAT_SQPOLL_NONFIXED", 128},
    {"IORING_FEAT_ENTER_EXT_ARG", 256},  {"IORING_FEAT_NATIVE_WORKERS", 512},
    {"IORING_FEAT_RSRC_TAGS", 1024}};
constexpr FlagName kIoUringEnterFlags[] = {{"IORING_ENTER_GETEVENTS", 1},
                                           {"IORING_ENTER_SQ_WAKEUP", 2},
                                           {"IORING_ENTER_SQ_WAIT", 4},
                                           {"IORING_ENTER_EXT_ARG", 8}};
constexpr FlagName kIoUringRegister[] = {
    {"IORING_REGISTER_BUFFERS", 1},        {"IORING_UNREGISTER_BUFFERS", 2},
    {"IORING_REGISTER_FILES", 3},          {"IORING_UNREGISTER_FILES", 4},
    {"IORING_REGISTER_EVENTFD", 5},        {"IORING_UNREGISTER_EVENTFD", 6},
    {"IORING_REGISTER_FILES_UPDATE", 7},   {"IORING_REGISTER_EVENTFD_ASYNC", 8},
    {"IORING_REGISTER_PROBE", 9},          {"IORING_REGISTER_PERSONALITY", 10},
    {"IORING_UNREGISTER_PERSONALITY", 11}, {"IORING_REGISTER_RESTRICTIONS", 12},
    {"IORING_REGISTER_ENABLE_RINGS", 13}};

struct NamedTable {
  std::string_view name;
  std::span<const FlagName> flags;
};

constexpr NamedTable kTables[] = {{"socket_families", kSocketFamilies},
                                  {"file", kFileFlags},
                                  {"flock", kFlockFlags},
                                  {"clone", kCloneFlags},
                                  {"futex_operations", kFutexOperations},
                                  {"mount", kMountFlags},
                                  {"umount", kUmountFlags},
                                  {"lseek_whence", kLseekWhence},
                                  {"shutdown_how", kShutdownHow},
                                  {"rlimit_resources", kRlimitResources},
                                  {"fcntl_commands", kFcntlCommands},
                                  {"sockopt_levels", kSockoptLevels},
                                  {"sockopt_options", kSockoptOptions},
                                  {"ptrace_requests", kPtraceRequests},
                                  {"prot", kProtFlags},
                                  {"mmap", kMmapFlags},
                                  {"splice", kSpliceFlags},
                                  {"quotactl_dqi_flags", kQuotactlDqiFlags},
                                  {"quotactl_cmds", kQuotactlCmds},
                                  {"quotactl_types", kQuotactlTypes},
                                  {"quotactl_quota_fmts", kQuotactlQuotaFmts},
                                  {"semop", kSemopFlags},
                                  {"semget", kSemgetFlags},
                                  {"semctl_commands", kSemctlCommands},
                                  {"access", kAccessFlags},
                                  {"pf", kPfFlags},
                                  {"unlinkat", kUnlinkatFlags},
                                  {"linkat", kLinkatFlags},
                                  {"chmod", kChmodMode},
                                  {"renameat2", kRenameat2Flags},
                                  {"openat2", kOpenat2Flags},
                                  {"execve", kExecveFlags},
                                  {"execveat", kExecveatFlags},
                                  {"mlockall", kMlockallFlags},
                                  {"io_uring_setup", kIoUringSetupFlags},
                                  {"io_uring_feats", kIoUringFeats},
                                  {"io_uring_enter", kIoUringEnterFlags},
                                  {"io_uring_register", kIoUringRegister}};

// Dynamic parameters: a u8 index picks the type of the value that follows.
constexpr ParamType kSockoptDyn[] = {ParamType::kByteBuf, ParamType::kErrno, ParamType::kUint32,
                                     ParamType::kUint64, ParamType::kRelTime};
constexpr ParamType kPtraceDyn[] = {ParamType::kUint64, ParamType::kSigType};
constexpr ParamType kBpfDyn[] = {ParamType::kFd, ParamType::kErrno};

}  // namespace

std::span<const FlagName> flag_table(std::string_view name) {
  for (const auto& t : kTables)
    if (t.name == name) return t.flags;
  return {};
}

std::span<const ParamType> dyn_table(std::string_view name) {
  if (name == "sockopt") return kSockoptDyn;
  if (name == "ptrace") return kPtraceDyn;
  if (name == "bpf") return kBpfDyn;
  return {};
}

}  // namespace vedetta::events
