#include "events/param_text.h"

#include <cinttypes>
#include <cstring>
#include <vector>

#include "common/user_error.h"
#include "events/socket_names.h"

namespace vedetta::events {
namespace {

// sysdig cuts long buffers to this many characters, ending them with "...".
constexpr size_t kMaxBufferText = 80;
constexpr int64_t kAtFdcwd = -100;

template <typename T>
T load(std::span<const uint8_t> b) {
  T v{};
  if (!b.empty()) std::memcpy(&v, b.data(), std::min(sizeof(T), b.size()));
  return v;
}

std::string numeric(std::span<const uint8_t> b, ParamType type, PrintFormat fmt) {
  // Each width prints with the driver's conventions: hex uppercase without 0x,
  // octal with a leading 0, u32/u64 decimal through a signed conversion (as sysdig does).
  auto pick = [&](const char* dec, const char* hex, const char* oct) {
    return fmt == PrintFormat::kHex ? hex : fmt == PrintFormat::kOct ? oct : dec;
  };
  switch (type) {
    case ParamType::kInt8:
      return format(pick("%" PRId8, "%" PRIX8, "%#" PRIo8), load<int8_t>(b));
    case ParamType::kInt16:
      return format(pick("%" PRId16, "%" PRIX16, "%#" PRIo16), load<int16_t>(b));
    case ParamType::kInt32:
      return format(pick("%" PRId32, "%" PRIX32, "%#" PRIo32), load<int32_t>(b));
    case ParamType::kInt64:
      return format(pick("%" PRId64, "%" PRIX64, "%#" PRIo64), load<int64_t>(b));
    case ParamType::kUint8:
      return format(pick("%" PRIu8, "%" PRIX8, "%#" PRIo8), load<uint8_t>(b));
    case ParamType::kUint16:
      return format(pick("%" PRIu16, "%" PRIX16, "%#" PRIo16), load<uint16_t>(b));
    case ParamType::kUint32:  // decimal through a signed conversion, as sysdig does
      return format(pick("%" PRId32, "%" PRIX32, "%#" PRIo32), load<uint32_t>(b));
    case ParamType::kUint64:
      return format(pick("%" PRId64, "%" PRIX64, "%#" PRIo64), load<int64_t>(b));
    default:
      return {};
  }
}

std::string c_string(std::span<const uint8_t> b) {
  if (b.empty()) return {};
  const char* p = reinterpret_cast<const char*>(b.data());
  return std::string(p, strnlen(p, b.size()));
}



std::string flag_names(uint32_t value, std::span<const FlagName> flags) {
  // Walk the table in order; an entry equal to the whole value ends the walk
  // and is appended; others are appended when all their bits are set.
  std::string out;
  const char* sep = "";
  uint32_t rest = value;
  size_t i = 0;
  for (; i < flags.size() && flags[i].value != value; ++i) {
    const FlagName& f = flags[i];
    if ((f.value == 0 && value == 0) ||
        (f.value != 0 && (rest & f.value) == f.value && rest != 0)) {
      out += sep;
      out += f.name;
      sep = "|";
      rest &= ~f.value;
    }
  }
  if (i < flags.size()) {
    out += sep;
    out += flags[i].name;
  }
  return out;
}

std::string fd_text(int64_t fd, const ThreadTable& threads, int64_t tid, std::string* resolved) {
  std::string value = std::to_string(fd);
  if (!threads.find(tid)) return value;  // no thread: the number only
  if (fd >= 0) {
    if (const FdInfo* info = threads.find_fd(tid, fd))
      *resolved = std::string("<") + fd_type_char(info->type) + l4_char(info->type, info->l4) +
                  ">" + sanitized(info->name);
  } else if (fd == kAtFdcwd) {
    *resolved = "AT_FDCWD";
  } else {
    *resolved = errno_name(-fd);
  }
  return value;
}

std::string sockaddr_text(std::span<const uint8_t> b) {
  uint8_t family = b[0];
  if (family == 1) return sanitized(c_string(b.subspan(1)));
  if (family == 2) {
    if (b.size() != 7) return "INVALID IPv4";
    return endpoint_text(ipv4_text(b.data() + 1), load<uint16_t>(b.subspan(5)));
  }
  if (family == 10) {
    if (b.size() != 19) return "INVALID IPv6";
    return endpoint_text(ipv6_text(b.data() + 1), load<uint16_t>(b.subspan(17)));
  }
  return format("family %d", static_cast<int>(family));
}

std::string socktuple_text(std::span<const uint8_t> b) {
  uint8_t family = b[0];
  if (family == 2) {
    if (b.size() != 13) return "INVALID IPv4";
    return tuple_text(ipv4_text(b.data() + 1), load<uint16_t>(b.subspan(5)),
                      ipv4_text(b.data() + 7), load<uint16_t>(b.subspan(11)));
  }
  if (family == 10) {
    if (b.size() != 37) return "INVALID IPv6";
    const uint8_t* sip = b.data() + 1;
    const uint8_t* dip = b.data() + 19;
    uint16_t sport = load<uint16_t>(b.subspan(17)), dport = load<uint16_t>(b.subspan(35));
    if (is_ipv4_mapped(sip) && is_ipv4_mapped(dip))
      return tuple_text(ipv4_text(sip + 12), sport, ipv4_text(dip + 12), dport);
    return tuple_text(ipv6_text(sip), sport, ipv6_text(dip), dport);
  }
  if (family == 1) {
    if (b.size() < 17) return "INVALID UNIX";
    return format("%" PRIx64 "->%" PRIx64 " ", load<uint64_t>(b.subspan(1)),
                  load<uint64_t>(b.subspan(9))) +
           sanitized(c_string(b.subspan(17)));
  }
  return format("family %d", static_cast<int>(family));
}

std::string fdlist_text(std::span<const uint8_t> b, const ThreadTable& threads, int64_t tid) {
  if (!threads.find(tid) || b.size() < 2) return {};
  uint16_t n = load<uint16_t>(b);
  std::string out;
  size_t pos = 2;
  for (uint16_t j = 0; j < n && pos + 10 <= b.size(); ++j, pos += 10) {
    int64_t fd = load<int64_t>(b.subspan(pos));
    int16_t flags = load<int16_t>(b.subspan(pos + 8));
    const FdInfo* info = threads.find_fd(tid, fd);
    char tch = info ? fd_type_char(info->type) : '?';
    if (j) out += ' ';
    out += format("%" PRIu64 ":%c%x", static_cast<uint64_t>(fd), tch, static_cast<uint32_t>(flags));
  }
  return out;
}

std::string reltime_resolved(uint64_t ns) { return format("%gs", static_cast<double>(ns) / 1e9); }

std::string id_text(uint32_t id, const std::map<uint32_t, std::string>& names, bool has_thread,
                    std::string* resolved) {
  if (id == UINT32_MAX) {
    *resolved = "<NONE>";
    return "-1";
  }
  auto it = names.find(id);
  *resolved = (has_thread && it != names.end()) ? sanitized(it->second) : "<NA>";
  return std::to_string(static_cast<int32_t>(id));
}

}  // namespace

std::string errno_name(int64_t err) {
  // Kernel-internal restart codes leak into syscall results; glibc has no names for them.
  switch (err) {
    case 512:
      return "ERESTARTSYS";
    case 513:
      return "ERESTARTNOINTR";
    case 514:
      return "ERESTARTNOHAND";
    case 515:
      return "ENOIOCTLCMD";
    case 516:
      return "ERESTART_RESTARTBLOCK";
    case 517:
      return "EPROBE_DEFER";
    case 518:
      return "EOPENSTALE";
    case 521:
      return "EBADHANDLE";
    case 522:
      return "ENOTSYNC";
    case 523:
      return "EBADCOOKIE";
    case 524:
      return "ENOTSUPP";
    case 525:
      return "ETOOSMALL";
    case 526:
      return "ESERVERFAULT";
    case 527:
      return "EBADTYPE";
    case 528:
      return "EJUKEBOX";
    case 529:
      return "EIOCBQUEUED";
    default:
      break;
  }
  if (err <= 0 || err > 4095) return {};
  const char* name = strerrorname_np(static_cast<int>(err));
  return name ? name : "";
}

std::string signal_name(uint32_t sig) {
  // sysdig's names (SIGIO, not glibc's SIGPOLL); real-time signals have none.
  static constexpr const char* kNames[] = {
      "",          "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
      "SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
      "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
      "SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS"};
  return sig < std::size(kNames) ? kNames[sig] : "";
}

std::string resolve_path(const std::string& base, const std::string& path) {
  // sysdig's path joining, which works on the text: a relative path is
  // appended to the base as it is (no '/' added), "./" and "//" are dropped,
  // "../" rewinds to the previous '/' of the text so far (possibly into the
  // base, never before its start), control characters are dropped, and a
  // final '/' goes (except for "/" itself).
  bool absolute = !path.empty() && path[0] == '/';
  std::string out = absolute ? "" : base;
  size_t i = 0;
  auto at = [&](size_t k) { return k < path.size() ? path[k] : '\0'; };
  while (i < path.size()) {
    char c = path[i];
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      ++i;
    } else if (c == '.' && at(i + 1) == '.' && (at(i + 2) == '/' || at(i + 2) == '\0')) {
      if (out.size() > 1) {
        size_t k = out.size() - 2;  // skip the '/' that ends the last component
        while (k != std::string::npos && out[k] != '/') --k;
        out.resize(k == std::string::npos ? 0 : k + 1);
      }
      i += at(i + 2) == '/' ? 3 : 2;
    } else if (c == '.' && (at(i + 1) == '/' || at(i + 1) == '\0')) {
      i += at(i + 1) == '/' ? 2 : 1;
    } else if (c == '/' && at(i + 1) == '/') {
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

ParamText param_text(const ParamInfo& info, std::span<const uint8_t> b, const ThreadTable& threads,
                     int64_t tid, int64_t dirfd, bool truncate) {
  ParamText t;
  if (b.empty()) {
    // sysdig prints an absent address as NULL, other absent values as nothing.
    if (info.type == ParamType::kSockTuple || info.type == ParamType::kSockAddr) t.value = "NULL";
    return t;
  }
  ParamType type = info.type;
  if (type == ParamType::kDyn) {
    uint8_t idx = b[0];
    if (idx < info.dyn_types.size()) {
      type = info.dyn_types[idx];
      b = b.subspan(1);
      if (b.empty() && type != ParamType::kByteBuf) return t;
    }
  }
  switch (type) {
    case ParamType::kInt8:
    case ParamType::kInt16:
    case ParamType::kInt32:
    case ParamType::kInt64:
    case ParamType::kUint8:
    case ParamType::kUint16:
    case ParamType::kUint32:
    case ParamType::kUint64:
      t.value = numeric(b, type, info.format);
      break;
    case ParamType::kFd:
      t.value = fd_text(load<int64_t>(b), threads, tid, &t.resolved);
      break;
    case ParamType::kPid: {
      int64_t pid = load<int64_t>(b);
      t.value = std::to_string(pid);
      if (const ThreadInfo* th = threads.find(pid)) t.resolved = th->comm;
      break;
    }
    case ParamType::kErrno: {
      int64_t v = load<int64_t>(b);
      t.value = std::to_string(v);
      if (v < 0) t.resolved = errno_name(-v);
      break;
    }
    case ParamType::kCharBuf:
      t.value = c_string(b);
      break;
    case ParamType::kFsPath:
    case ParamType::kFsRelPath: {
      t.value = sanitized(c_string(b));
      const ThreadInfo* th = threads.find(tid);
      if (th && t.value != "<NA>") {
        // Relative paths start at the cwd, or at the directory the dirfd names.
        std::string base = th->cwd;
        if (type == ParamType::kFsRelPath && dirfd != kAtFdcwd) {
          const FdInfo* dir = dirfd >= 0 ? threads.find_fd(tid, dirfd) : nullptr;
          base = dir && !dir->name.empty() ? sanitized(dir->name) + "/" : "";
        }
        // sysdig resolves relative paths only (then even when nothing changes).
        if (t.value.empty() || t.value[0] != '/') t.resolved = resolve_path(base, t.value);
      }
      break;
    }
    case ParamType::kByteBuf:
      t.value = buffer_text(b, truncate ? kMaxBufferText : SIZE_MAX);
      break;
    case ParamType::kSockAddr:
      t.value = sockaddr_text(b);
      break;
    case ParamType::kSockTuple:
      t.value = socktuple_text(b);
      break;
    case ParamType::kFdList:
      t.value = fdlist_text(b, threads, tid);
      break;
    case ParamType::kSyscallId: {
      uint16_t id = load<uint16_t>(b);
      t.value = std::to_string(id);
      t.resolved = std::string(syscall_name(id));
      break;
    }
    case ParamType::kSigType: {
      uint8_t sig = load<uint8_t>(b);
      t.value = std::to_string(sig);
      t.resolved = signal_name(sig);
      break;
    }
    case ParamType::kRelTime: {
      uint64_t ns = load<uint64_t>(b);
      if (ns == UINT64_MAX) {
        t.value = "none";
      } else {
        t.value = std::to_string(ns);
        t.resolved = reltime_resolved(ns);
      }
      break;
    }
    case ParamType::kAbsTime: {
      uint64_t ns = load<uint64_t>(b);
      time_t sec = static_cast<time_t>(ns / 1000000000ULL);
      struct tm tm;
      localtime_r(&sec, &tm);
      char buf[64];
      strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
      char zone[16];
      strftime(zone, sizeof zone, "%z", &tm);
      t.value =
          format("%s.%09llu %s", buf, static_cast<unsigned long long>(ns % 1000000000ULL), zone);
      break;
    }
    case ParamType::kFlags8:
    case ParamType::kFlags16:
    case ParamType::kFlags32: {
      uint32_t v = type == ParamType::kFlags8    ? load<uint8_t>(b)
                   : type == ParamType::kFlags16 ? load<uint16_t>(b)
                                                 : load<uint32_t>(b);
      t.value = std::to_string(v);
      t.resolved = flag_names(v, info.flags);
      break;
    }
    case ParamType::kMode: {
      uint32_t v = load<uint32_t>(b);
      t.value = numeric(b.first(std::min<size_t>(4, b.size())), ParamType::kUint32, info.format);
      t.resolved = flag_names(v, info.flags);
      break;
    }
    case ParamType::kUid:
      t.value = id_text(load<uint32_t>(b), threads.users(), threads.find(tid), &t.resolved);
      break;
    case ParamType::kGid:
      t.value = id_text(load<uint32_t>(b), threads.groups(), threads.find(tid), &t.resolved);
      break;
    case ParamType::kSigSet: {
      uint32_t v = load<uint32_t>(b);
      for (uint32_t sig = 0; sig < 32; ++sig) {
        if (!(v & (1u << sig))) continue;
        std::string name = signal_name(sig + 1);
        if (name.empty()) continue;
        if (!t.value.empty()) t.value += ' ';
        t.value += name;
      }
      break;
    }
    case ParamType::kDyn:
      t.value = "INVALID DYNAMIC PARAMETER";
      break;
    default:
      t.value = "(n.a.)";
      break;
  }
  return t;
}

std::string buffer_text(std::span<const uint8_t> bytes, size_t max_chars) {
  std::string out;
  out.reserve(bytes.size());
  for (uint8_t c : bytes) out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
  if (out.size() > max_chars && max_chars >= 3) {
    out.resize(max_chars);
    out.replace(max_chars - 3, 3, "...");
  }
  return out;
}

std::string sanitized(std::string s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
  return out;
}

}  // namespace vedetta::events
