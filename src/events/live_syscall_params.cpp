#include "events/live_syscall_params.h"

#include <sys/syscall.h>

#include <cstring>
#include <vector>

#include "events/live_params.h"
#include "events/native_flags.h"

namespace vedetta::events {
namespace {

// PPME_* enter ids (event_table_spec.inc: line k holds ids 2k and 2k+1).
// sysdig 0.29's drivers report pipe2 as pipe and dup2/dup3 as dup; calls
// it has no event for (close_range) as a generic event.
struct SyscallType {
  uint32_t nr;
  uint16_t enter;
};
constexpr uint16_t kGenericE = 0;
constexpr SyscallType kTypes[] = {
    {SYS_open, 2},         {SYS_close, 4},       {SYS_read, 6},         {SYS_write, 8},
    {SYS_socket, 18},      {SYS_bind, 20},       {SYS_connect, 22},     {SYS_listen, 24},
    {SYS_sendto, 30},      {SYS_recvfrom, 34},   {SYS_shutdown, 36},    {SYS_socketpair, 42},
    {SYS_sendmsg, 48},     {SYS_sendmmsg, 50},   {SYS_recvmsg, 52},     {SYS_recvmmsg, 54},
    {SYS_pipe, 60},        {SYS_pipe2, 60},      {SYS_readv, 116},      {SYS_writev, 118},
    {SYS_dup, 124},        {SYS_dup2, 124},      {SYS_dup3, 124},       {SYS_fcntl, 150},
    {SYS_accept, 246},     {SYS_accept4, 248},   {SYS_openat, 306},     {SYS_openat2, 326},
    {SYS_close_range, kGenericE},
};

// Generic events carry the system-independent code (PPM_SC_UNKNOWN: sysdig
// 0.29's table has no name for these calls) and the native number.
constexpr uint16_t kScUnknown = 0;

size_t addr_len(uint16_t family) { return family == kLiveAfInet ? 4 : 16; }

class SyscallParams : public Params {
 public:
  SyscallParams(Event& e, const vedetta_syscall_event& k) : Params(e), k_(k) {}

  void fd(uint64_t v) { num<int64_t>(static_cast<int32_t>(v)); }
  void u32(uint64_t v) { num<uint32_t>(static_cast<uint32_t>(v)); }
  void path() { str(snap_path(k_)); }
  // The data copied in the kernel, at most `limit` bytes (a read's result).
  void data(int64_t limit) {
    uint32_t n = k_.snap_len > VEDETTA_SNAP_MAX ? VEDETTA_SNAP_MAX : k_.snap_len;
    if (limit < 0) n = 0;
    if (limit >= 0 && n > static_cast<uint64_t>(limit)) n = static_cast<uint32_t>(limit);
    raw(k_.snap, n);
  }
  // u8 family + address + port; unix (connect, bind: snap holds the
  // address's path): u8 family + path; else empty.
  void sockaddr(bool local) {
    const vedetta_socket_info& s = k_.sock;
    if (s.family == kLiveAfUnix && k_.snap_len) {
      std::vector<uint8_t> b(1, kLiveAfUnix);
      append_path(b);
      return raw(b.data(), b.size());
    }
    if (!is_ip(s)) return empty();
    uint8_t b[19];
    size_t n = addr_len(s.family);
    b[0] = static_cast<uint8_t>(s.family);
    std::memcpy(b + 1, local ? s.local_addr : s.remote_addr, n);
    uint16_t port = local ? s.local_port : s.remote_port;
    std::memcpy(b + 1 + n, &port, 2);
    raw(b, 1 + n + 2);
  }
  // u8 family + client addr + port + server addr + port. Unix, when snap
  // holds the address's path (connect, accept): u8 family + the socket's
  // and its peer's kernel addresses + path.
  void tuple(bool local_is_client, bool snap_is_unix_path = false) {
    const vedetta_socket_info& s = k_.sock;
    if (s.family == kLiveAfUnix && snap_is_unix_path && k_.snap_len) {
      std::vector<uint8_t> b(17, 0);
      b[0] = kLiveAfUnix;
      std::memcpy(b.data() + 1, s.local_addr, 8);
      std::memcpy(b.data() + 9, s.remote_addr, 8);
      append_path(b);
      return raw(b.data(), b.size());
    }
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
  void append_path(std::vector<uint8_t>& b) {
    std::string p = snap_path(k_);
    b.insert(b.end(), p.begin(), p.end());
    b.push_back(0);
  }
  const vedetta_syscall_event& k_;
};

// The open family's arguments, enter and exit alike: [dirfd] name flags
// mode [resolve]. open(path, flags, mode), openat(dirfd, path, flags, mode),
// openat2(dirfd, path, how): the kernel side put how's fields in args[3..5].
void append_open(const vedetta_syscall_event& k, SyscallParams& p) {
  const __u64* a = k.args;
  size_t flags = k.syscall == SYS_open ? 1 : k.syscall == SYS_openat ? 2 : 3;
  if (k.syscall != SYS_open) p.fd(a[0]);
  p.path();
  p.u32(open_flags_to_ppm(a[flags]));
  p.u32(open_mode_to_ppm(a[flags], a[flags + 1]));
  if (k.syscall == SYS_openat2) p.u32(resolve_flags_to_ppm(a[5]));
}

void append_enter(const vedetta_syscall_event& k, SyscallParams& p) {
  const __u64* a = k.args;
  switch (k.syscall) {
    case SYS_read:
    case SYS_write:
    case SYS_recvfrom:
      p.fd(a[0]);
      p.u32(a[2]);
      break;
    case SYS_close:
    case SYS_bind:
    case SYS_recvmsg:
    case SYS_readv:
    case SYS_dup:
    case SYS_dup2:
    case SYS_dup3:
      p.fd(a[0]);
      break;
    case SYS_socket:
    case SYS_socketpair:
      p.u32(a[0]);
      p.u32(a[1]);
      p.u32(a[2]);
      break;
    case SYS_connect:
      p.fd(a[0]);
      p.sockaddr(false);
      break;
    case SYS_listen:
      p.fd(a[0]);
      p.u32(a[1]);
      break;
    case SYS_sendto:
      p.fd(a[0]);
      p.u32(a[2]);
      p.tuple(true);
      break;
    case SYS_sendmsg:
      p.fd(a[0]);
      p.u32(k.io_size);
      p.tuple(true);
      break;
    case SYS_writev:
      p.fd(a[0]);
      p.u32(k.io_size);
      break;
    case SYS_shutdown:
      p.fd(a[0]);
      p.num<uint8_t>(static_cast<uint8_t>(a[1]));
      break;
    case SYS_accept4:
      p.num<int32_t>(0);  // the Falco drivers never fill accept4's flags: always 0
      break;
    case SYS_fcntl:
      p.fd(a[0]);
      p.num<uint8_t>(fcntl_cmd_to_ppm(a[1]));
      break;
    case SYS_open:
    case SYS_openat:
    case SYS_openat2:
      append_open(k, p);
      break;
    case SYS_close_range:
      p.num<uint16_t>(kScUnknown);
      p.num<uint16_t>(static_cast<uint16_t>(k.syscall));
      break;
    default:  // accept, pipe, sendmmsg, recvmmsg: no parameters
      break;
  }
}

void append_exit(const vedetta_syscall_event& k, SyscallParams& p) {
  int64_t res = k.ret;
  p.num<int64_t>(res);  // res or fd: first in every exit but generic's
  switch (k.syscall) {
    case SYS_read:
    case SYS_write:
    case SYS_sendto:
    case SYS_sendmsg:
    case SYS_writev:
      p.data(res);
      break;
    case SYS_bind:
      p.sockaddr(true);
      break;
    case SYS_connect:
      p.tuple(true, true);
      break;
    case SYS_recvfrom:
      p.data(res);
      p.tuple(false);
      break;
    case SYS_recvmsg:
    case SYS_readv:
      p.u32(res >= 0 ? k.io_size : 0);
      p.data(res);
      if (k.syscall == SYS_recvmsg) p.tuple(false);
      break;
    case SYS_accept:
    case SYS_accept4:
      p.tuple(false, true);
      p.num<uint8_t>(0);
      p.num<uint32_t>(0);
      p.num<uint32_t>(0);
      break;
    case SYS_pipe:
    case SYS_pipe2: {  // res fd1 fd2 ino
      auto [fd1, fd2] = snap_fd_pair(k);
      p.num<int64_t>(fd1);
      p.num<int64_t>(fd2);
      p.num<uint64_t>(res == 0 ? k.file_ino : 0);
      break;
    }
    case SYS_socketpair: {  // res fd1 fd2 source peer
      auto [fd1, fd2] = snap_fd_pair(k);
      uint64_t self = 0, peer = 0;
      if (k.sock.family == kLiveAfUnix) {
        std::memcpy(&self, k.sock.local_addr, 8);
        std::memcpy(&peer, k.sock.remote_addr, 8);
      }
      p.num<int64_t>(fd1);
      p.num<int64_t>(fd2);
      p.num<uint64_t>(self);
      p.num<uint64_t>(peer);
      break;
    }
    case SYS_open:  // fd name flags mode dev
    case SYS_openat:  // fd dirfd name flags mode dev
    case SYS_openat2:  // fd dirfd name flags mode resolve
      append_open(k, p);
      if (k.syscall != SYS_openat2) p.u32(encode_dev(k.file_dev));
      break;
    default:  // close listen shutdown socket dup fcntl sendmmsg recvmmsg: res only
      break;
  }
}

}  // namespace

std::optional<uint16_t> live_enter_type(uint32_t nr) {
  for (const SyscallType& t : kTypes)
    if (t.nr == nr) return t.enter;
  return std::nullopt;
}

void append_syscall_params(const vedetta_syscall_event& k, Event& e) {
  SyscallParams p(e, k);
  if (e.type == kGenericE + 1) {  // generic exit: the code only
    p.num<uint16_t>(kScUnknown);
    return;
  }
  if (k.exit)
    append_exit(k, p);
  else
    append_enter(k, p);
}

std::string snap_path(const vedetta_syscall_event& k) {
  const char* p = reinterpret_cast<const char*>(k.snap);
  size_t max = k.snap_len < sizeof k.snap ? k.snap_len : sizeof k.snap;
  return std::string(p, strnlen(p, max));
}

std::pair<int64_t, int64_t> snap_fd_pair(const vedetta_syscall_event& k) {
  int32_t fds[2] = {0, 0};
  if (k.ret == 0 && k.snap_len >= sizeof fds) std::memcpy(fds, k.snap, sizeof fds);
  return {fds[0], fds[1]};
}

}  // namespace vedetta::events
