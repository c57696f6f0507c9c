// Live test of the raw-tracepoint capture: this process makes known system
// calls on loopback and must see each of them, entry and exit, with the
// right arguments and results, and no drops.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include <cstring>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/user_error.h"
#include "ebpf/syscall_capture.h"
#include "support/live_prerequisite.h"

namespace vedetta {
namespace {

using test_support::skip_or_fail;

TEST(SyscallCapture, SeesOwnConnectAndCloseOnLoopback) {
  if (geteuid() != 0) return skip_or_fail("needs root to load BPF programs");
  std::unique_ptr<SyscallCapture> cap;
  try {
    SyscallCaptureOptions o;
    o.syscalls = {SYS_connect, SYS_close};
    o.only_pid = static_cast<uint32_t>(getpid());
    o.include_self = true;
    cap = SyscallCapture::open(o);
  } catch (const UserError& e) {
    return skip_or_fail(std::string("BPF unavailable: ") + e.what());
  }

  int server = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(server, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(server, 4), 0);
  socklen_t len = sizeof a;
  getsockname(server, reinterpret_cast<sockaddr*>(&a), &len);
  int client = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  close(client);
  close(server);

  std::vector<vedetta_syscall_event> seen;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (seen.size() < 6 && std::chrono::steady_clock::now() < deadline)
    cap->poll(100, [&](const vedetta_syscall_event& e) { seen.push_back(e); });

  bool connect_enter = false, connect_exit = false, close_client = false, close_server = false;
  for (const auto& e : seen) {
    EXPECT_EQ(e.tgid, static_cast<uint32_t>(getpid()));
    if (e.syscall == SYS_connect && !e.exit && e.args[0] == uint64_t(client)) connect_enter = true;
    if (e.syscall == SYS_connect && e.exit && e.ret == 0) connect_exit = true;
    if (e.syscall == SYS_close && !e.exit && e.args[0] == uint64_t(client)) close_client = true;
    if (e.syscall == SYS_close && !e.exit && e.args[0] == uint64_t(server)) close_server = true;
  }
  EXPECT_TRUE(connect_enter);
  EXPECT_TRUE(connect_exit);
  EXPECT_TRUE(close_client);
  EXPECT_TRUE(close_server);
  EXPECT_EQ(cap->drops().ringbuf_full, 0u);
}

// Opens a capture of this process only, or skips/fails with the reason.
std::unique_ptr<SyscallCapture> open_self(std::vector<int> syscalls) {
  if (geteuid() != 0) {
    skip_or_fail("needs root to load BPF programs");
    return nullptr;
  }
  try {
    SyscallCaptureOptions o;
    o.syscalls = std::move(syscalls);
    o.only_pid = static_cast<uint32_t>(getpid());
    o.include_self = true;
    return SyscallCapture::open(o);
  } catch (const UserError& e) {
    skip_or_fail(std::string("BPF unavailable: ") + e.what());
    return nullptr;
  }
}

std::vector<vedetta_syscall_event> drain(SyscallCapture& cap, size_t at_least) {
  std::vector<vedetta_syscall_event> seen;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (seen.size() < at_least && std::chrono::steady_clock::now() < deadline)
    cap.poll(100, [&](const vedetta_syscall_event& e) { seen.push_back(e); });
  cap.poll(50, [&](const vedetta_syscall_event& e) { seen.push_back(e); });
  return seen;
}

uint64_t netns_inode() {
  struct stat st;
  stat("/proc/self/ns/net", &st);
  return st.st_ino;
}

uint16_t port_of(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
}

TEST(SyscallCapture, TcpTuplesReadInTheKernelForConnectAcceptWriteClose) {
  auto cap = open_self({SYS_connect, SYS_accept, SYS_accept4, SYS_write, SYS_close});
  if (!cap) return;
  int server = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(server, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(server, 4), 0);
  socklen_t len = sizeof a;
  getsockname(server, reinterpret_cast<sockaddr*>(&a), &len);
  uint16_t server_port = ntohs(a.sin_port);
  int client = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  uint16_t client_port = port_of(client);
  int conn = accept(server, nullptr, nullptr);
  ASSERT_GE(conn, 0);
  const char msg[] = "GET / HTTP/1.1\r\n";
  ASSERT_EQ(write(client, msg, sizeof msg - 1), ssize_t(sizeof msg - 1));
  close(client);
  close(conn);
  close(server);

  auto seen = drain(*cap, 10);
  const uint8_t lo[4] = {127, 0, 0, 1};
  bool connect_exit = false, accept_exit = false, write_enter = false, close_enter = false;
  for (const auto& e : seen) {
    const auto& s = e.sock;
    if (e.syscall == SYS_connect && e.exit) {
      connect_exit = true;
      EXPECT_EQ(s.family, AF_INET);
      EXPECT_EQ(s.protocol, IPPROTO_TCP);
      EXPECT_EQ(s.local_port, client_port);
      EXPECT_EQ(s.remote_port, server_port);
      EXPECT_EQ(std::memcmp(s.remote_addr, lo, 4), 0);
      EXPECT_EQ(s.netns, netns_inode());
      EXPECT_NE(s.inode, 0u);
    }
    if ((e.syscall == SYS_accept || e.syscall == SYS_accept4) && e.exit) {
      accept_exit = true;
      EXPECT_EQ(e.ret, conn);
      EXPECT_EQ(s.local_port, server_port);  // the accepted socket: server side
      EXPECT_EQ(s.remote_port, client_port);
    }
    if (e.syscall == SYS_write && !e.exit && e.args[0] == uint64_t(client)) {
      write_enter = true;
      ASSERT_EQ(e.snap_len, sizeof msg - 1);
      EXPECT_EQ(std::memcmp(e.snap, msg, sizeof msg - 1), 0);
    }
    if (e.syscall == SYS_close && !e.exit && e.args[0] == uint64_t(client)) {
      close_enter = true;  // the fd is still there at entry
      EXPECT_EQ(s.local_port, client_port);
    }
  }
  EXPECT_TRUE(connect_exit);
  EXPECT_TRUE(accept_exit);
  EXPECT_TRUE(write_enter);
  EXPECT_TRUE(close_enter);
}

TEST(SyscallCapture, UnconnectedUdpPeerComesFromTheCallsAddress) {
  auto cap = open_self({SYS_sendto, SYS_recvfrom});
  if (!cap) return;
  int rx = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(rx, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  getsockname(rx, reinterpret_cast<sockaddr*>(&a), &len);
  int tx = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_EQ(sendto(tx, "ping", 4, 0, reinterpret_cast<sockaddr*>(&a), sizeof a), 4);
  sockaddr_in from{};
  socklen_t from_len = sizeof from;
  char buf[16];
  ASSERT_EQ(recvfrom(rx, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &from_len), 4);
  uint16_t tx_port = port_of(tx);
  close(tx);
  close(rx);

  auto seen = drain(*cap, 4);
  bool sent = false, received = false;
  for (const auto& e : seen) {
    if (e.syscall == SYS_sendto && !e.exit) {
      sent = true;
      EXPECT_EQ(e.sock.protocol, IPPROTO_UDP);
      EXPECT_EQ(e.sock.remote_port, ntohs(a.sin_port));  // from the sockaddr argument
      EXPECT_EQ(e.snap_len, 4u);
    }
    if (e.syscall == SYS_recvfrom && e.exit) {
      received = true;
      EXPECT_EQ(e.ret, 4);
      EXPECT_EQ(e.sock.local_port, ntohs(a.sin_port));
      EXPECT_EQ(e.sock.remote_port, tx_port);  // read from the user's buffer after the call
      EXPECT_EQ(std::memcmp(e.snap, "ping", 4), 0);
    }
  }
  EXPECT_TRUE(sent);
  EXPECT_TRUE(received);
}

TEST(SyscallCapture, Ipv6LoopbackTuple) {
  auto cap = open_self({SYS_connect});
  if (!cap) return;
  int server = socket(AF_INET6, SOCK_STREAM, 0);
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  if (bind(server, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    return skip_or_fail("no IPv6 loopback here");
  ASSERT_EQ(listen(server, 1), 0);
  socklen_t len = sizeof a;
  getsockname(server, reinterpret_cast<sockaddr*>(&a), &len);
  int client = socket(AF_INET6, SOCK_STREAM, 0);
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  close(client);
  close(server);
  auto seen = drain(*cap, 2);
  bool found = false;
  for (const auto& e : seen)
    if (e.syscall == SYS_connect && e.exit) {
      found = true;
      EXPECT_EQ(e.sock.family, AF_INET6);
      EXPECT_EQ(e.sock.remote_port, ntohs(a.sin6_port));
      EXPECT_EQ(std::memcmp(e.sock.remote_addr, &in6addr_loopback, 16), 0);
      EXPECT_EQ(std::memcmp(e.sock.local_addr, &in6addr_loopback, 16), 0);
    }
  EXPECT_TRUE(found);
}

// A child that connects and exits within a millisecond: its connect carries
// the tuple and its pid, its exec the program and arguments, its exit the
// totals, all from the kernel, although the process is gone when we read.
TEST(SyscallCapture, ShortLivedProcessIsFullyDescribed) {
  auto cap = open_self({SYS_connect});
  if (!cap) return;
  int server = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(server, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(server, 4), 0);
  socklen_t len = sizeof a;
  getsockname(server, reinterpret_cast<sockaddr*>(&a), &len);
  std::string port = std::to_string(ntohs(a.sin_port));

  // bash's /dev/tcp connects; exec keeps the pid, so only_pid must follow
  // the child: capture every process for connect and filter here.
  cap.reset();
  SyscallCaptureOptions o;
  o.syscalls = {SYS_connect};
  cap = SyscallCapture::open(o);
  pid_t child = fork();
  if (child == 0) {
    execl("/bin/bash", "bash", "-c", ("exec 3<>/dev/tcp/127.0.0.1/" + port).c_str(), nullptr);
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  bool exec_seen = false, exit_seen = false, connect_seen = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!(exec_seen && exit_seen && connect_seen) && std::chrono::steady_clock::now() < deadline) {
    cap->poll(
        100,
        [&](const vedetta_syscall_event& e) {
          // bash may first try a unix socket (nscd, sssd) for user lookups:
          // only the TCP connect is the one under test.
          if (e.tgid != uint32_t(child) || !e.exit || e.sock.family != AF_INET) return;
          connect_seen = true;
          EXPECT_EQ(e.ret, 0);
          EXPECT_EQ(e.sock.remote_port, ntohs(a.sin_port));
          EXPECT_STREQ(e.comm, "bash");
        },
        [&](const vedetta_process_event& p) {
          if (p.tgid != uint32_t(child)) return;
          if (p.kind == VEDETTA_PROCESS_EXEC) {
            exec_seen = true;
            EXPECT_STREQ(p.filename, "/bin/bash");
            EXPECT_EQ(p.ppid, uint32_t(getpid()));
            std::string args(p.args, p.args_len);
            EXPECT_EQ(args.substr(0, 8), std::string("bash\0-c\0", 8));
            EXPECT_NE(args.find("/dev/tcp/127.0.0.1/" + port), std::string::npos);
          }
          if (p.kind == VEDETTA_PROCESS_EXIT && p.group_dead) {
            exit_seen = true;
            EXPECT_EQ(p.exit_code, 0);
            EXPECT_GT(p.min_flt, 0u);  // (cpu_ns may read 0 under one tick)
            EXPECT_GT(p.maxrss_kb, 0u);
          }
        });
  }
  close(server);
  EXPECT_TRUE(exec_seen);
  EXPECT_TRUE(connect_seen);
  EXPECT_TRUE(exit_seen);
  EXPECT_EQ(cap->drops().process_ringbuf_full, 0u);
}

// CPU time comes in nanoseconds from the scheduler, not in ticks: a child
// that spins until it has used ~50 ms of CPU reports about that much (CPU
// time, not wall time: on a loaded machine 50 ms of wall time may hold 10).
TEST(SyscallCapture, ExitCarriesCpuTimeInNanoseconds) {
  auto cap = open_self({});
  if (!cap) return;
  pid_t child = fork();
  if (child == 0) {
    auto cpu_ns = [] {
      timespec t{};
      clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
      return uint64_t(t.tv_sec) * 1'000'000'000u + uint64_t(t.tv_nsec);
    };
    volatile uint64_t spin = 0;
    while (cpu_ns() < 50'000'000u) spin = spin + 1;
    _exit(3);
  }
  int status = 0;
  waitpid(child, &status, 0);
  bool seen = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!seen && std::chrono::steady_clock::now() < deadline)
    cap->poll(100, [](const vedetta_syscall_event&) {},
              [&](const vedetta_process_event& p) {
                if (p.tgid != uint32_t(child) || p.kind != VEDETTA_PROCESS_EXIT) return;
                seen = true;
                EXPECT_EQ(p.exit_code, 3 << 8);  // as wait() encodes it
                EXPECT_GT(p.cpu_ns, 20'000'000u);
                EXPECT_LT(p.cpu_ns, 2'000'000'000u);
              });
  EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace vedetta
