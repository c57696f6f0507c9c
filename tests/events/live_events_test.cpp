// Kernel events (ebpf/syscall_event.h) → PPME events → sysdig lines, with
// hand-made kernel events: no root or BPF needed.
#include "events/live_events.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "ebpf/event_clock.h"
#include "events/event_formatter.h"
#include "events/native_flags.h"
#include "events/proc_snapshot.h"
#include "events/state_tracker.h"

namespace vedetta::events {
namespace {

constexpr uint64_t kSec = 1000000000ULL;

struct Pipeline {
  ThreadTable threads;
  StateTracker tracker{threads};
  LiveEvents live{threads, 0};
  std::vector<std::string> lines;
  std::vector<Event> events;

  void run() {
    live.flush([&](const Event& e) {
      tracker.apply(e);
      events.push_back(e);
      std::string l = format_default_line(e, threads);
      lines.push_back(l.substr(l.find(' ', l.find(' ') + 1) + 1));  // without num and time
    });
  }
};

vedetta_syscall_event sys(uint64_t ts, uint32_t tid, int nr, bool exit, const char* comm = "curl") {
  vedetta_syscall_event k{};
  k.ts_ns = ts;
  k.tgid = 100;
  k.tid = tid;
  k.syscall = static_cast<uint32_t>(nr);
  k.exit = exit;
  k.cpu = 1;
  std::strncpy(k.comm, comm, sizeof k.comm - 1);
  return k;
}

void tcp4(vedetta_socket_info& s, uint16_t lport, uint16_t rport) {
  s.family = 2;
  s.type = 1;
  s.protocol = 6;
  s.local_port = lport;
  s.remote_port = rport;
  uint32_t lo = htonl(0x7f000001), peer = htonl(0x0a000002);
  std::memcpy(s.local_addr, &lo, 4);
  std::memcpy(s.remote_addr, &peer, 4);
}

TEST(LiveEvents, ConnectIsCompletedFromItsExitAndNamesTheFd) {
  Pipeline p;
  auto se = sys(1 * kSec, 100, SYS_socket, false);
  se.args[0] = 2;
  se.args[1] = 1;
  auto sx = sys(2 * kSec, 100, SYS_socket, true);
  sx.ret = 3;
  auto ce = sys(3 * kSec, 100, SYS_connect, false);
  ce.args[0] = 3;
  ce.sock.family = 2;  // unconnected at entry
  ce.sock.type = 1;
  ce.sock.protocol = 6;
  auto cx = sys(4 * kSec, 100, SYS_connect, true);
  cx.args[0] = 3;
  tcp4(cx.sock, 40000, 80);
  auto we = sys(5 * kSec, 100, SYS_write, false);
  we.args[0] = 3;
  we.args[2] = 5;
  tcp4(we.sock, 40000, 80);
  std::memcpy(we.snap, "GET /", 5);
  we.snap_len = 5;
  auto wx = sys(6 * kSec, 100, SYS_write, true);
  wx.args[0] = 3;
  wx.ret = 5;
  tcp4(wx.sock, 40000, 80);
  // Arrival order differs from time order: release() sorts.
  for (const auto* k : {&se, &sx, &ce, &cx, &wx}) p.live.add(*k);
  p.live.add(we);
  p.run();
  std::vector<std::string> want = {
      "1 curl (100) > socket domain=2(AF_INET) type=1 proto=0 ",
      "1 curl (100) < socket fd=3(<4>) ",
      "1 curl (100) > connect fd=3(<4>) addr=10.0.0.2:80 ",
      "1 curl (100) < connect res=0 tuple=127.0.0.1:40000->10.0.0.2:80 ",
      "1 curl (100) > write fd=3(<4t>127.0.0.1:40000->10.0.0.2:80) size=5 ",
      "1 curl (100) < write res=5 data=GET / ",
  };
  // The write exit arrived before its enter: its data cannot come from it.
  want[5] = "1 curl (100) < write res=5 data= ";
  EXPECT_EQ(p.lines, want);
  EXPECT_EQ(p.tracker.counters().threads_unknown, 0u);  // described from the kernel event
}

TEST(LiveEvents, AcceptTupleIsClientFirstAndRecvfromCarriesData) {
  Pipeline p;
  auto ax = sys(1 * kSec, 101, SYS_accept4, true, "nginx");
  ax.ret = 7;
  tcp4(ax.sock, 443, 51000);  // the accepted socket: local = server
  auto re = sys(2 * kSec, 101, SYS_recvfrom, false, "nginx");
  re.args[0] = 7;
  re.args[2] = 100;
  auto rx = sys(3 * kSec, 101, SYS_recvfrom, true, "nginx");
  rx.args[0] = 7;
  rx.ret = 2;
  tcp4(rx.sock, 443, 51000);
  std::memcpy(rx.snap, "hi", 2);
  rx.snap_len = 2;
  for (const auto* k : {&ax, &re, &rx}) p.live.add(*k);
  p.run();
  ASSERT_EQ(p.lines.size(), 3u);
  EXPECT_EQ(p.lines[0],
            "1 nginx (101) < accept fd=7(<4t>10.0.0.2:51000->127.0.0.1:443) "
            "tuple=10.0.0.2:51000->127.0.0.1:443 queuepct=0 queuelen=0 queuemax=0 ");
  EXPECT_EQ(p.lines[1],
            "1 nginx (101) > recvfrom fd=7(<4t>10.0.0.2:51000->127.0.0.1:443) size=100 ");
  EXPECT_EQ(p.lines[2],
            "1 nginx (101) < recvfrom res=2 data=hi tuple=10.0.0.2:51000->127.0.0.1:443 ");
  // Encoding as in .scap: the exit's tuple is 13 bytes, fd an i64.
  EXPECT_EQ(p.events[0].param(0).size(), 8u);
  EXPECT_EQ(p.events[0].param(1).size(), 13u);
}

TEST(LiveEvents, OpenatTakesItsPathFromTheExitAndCloseRangeForgetsTheFd) {
  Pipeline p;
  auto oe = sys(1 * kSec, 100, SYS_openat, false, "cat");
  oe.args[0] = static_cast<uint32_t>(-100);  // AT_FDCWD
  oe.args[2] = 02000000;                     // O_RDONLY|O_CLOEXEC
  auto ox = oe;
  ox.ts_ns = 2 * kSec;
  ox.exit = 1;
  ox.ret = 3;
  ox.file_dev = (253u << 20) | 1;  // the kernel's dev_t
  std::strcpy(reinterpret_cast<char*>(ox.snap), "/etc/hostname");
  ox.snap_len = 14;  // the kernel side counts the NUL
  auto re = sys(3 * kSec, 100, SYS_read, false, "cat");
  re.args[0] = 3;
  re.args[2] = 64;
  auto cre = sys(4 * kSec, 100, SYS_close_range, false, "cat");
  cre.args[0] = 3;
  cre.args[1] = ~0u;
  auto crx = cre;
  crx.ts_ns = 5 * kSec;
  crx.exit = 1;
  auto re2 = re;
  re2.ts_ns = 6 * kSec;
  for (const auto* k : {&oe, &ox, &re, &cre, &crx, &re2}) p.live.add(*k);
  p.run();
  std::vector<std::string> want = {
      "1 cat (100) > openat dirfd=-100(AT_FDCWD) name=/etc/hostname flags=4097(O_RDONLY|O_CLOEXEC) "
      "mode=0 ",
      "1 cat (100) < openat fd=3(<f>/etc/hostname) dirfd=-100(AT_FDCWD) name=/etc/hostname "
      "flags=4097(O_RDONLY|O_CLOEXEC) mode=0 dev=FD01 ",
      "1 cat (100) > read fd=3(<f>/etc/hostname) size=64 ",
      // sysdig 0.29 has no close_range: a generic event of an unnamed call.
      "1 cat (100) > <unknown> ",
      "1 cat (100) < <unknown> ",
      "1 cat (100) > read fd=3 size=64 ",
  };
  EXPECT_EQ(p.lines, want);
}

TEST(LiveEvents, DupPipeAndSocketpairFillTheFdTable) {
  Pipeline p;
  auto cx = sys(1 * kSec, 100, SYS_connect, true);
  cx.args[0] = 3;
  tcp4(cx.sock, 40000, 80);
  auto de = sys(2 * kSec, 100, SYS_dup2, false);
  de.args[0] = 3;
  de.args[1] = 9;
  auto dx = de;
  dx.ts_ns = 3 * kSec;
  dx.exit = 1;
  dx.ret = 9;
  auto px = sys(4 * kSec, 100, SYS_pipe2, true);
  int32_t fds[2] = {5, 6};
  std::memcpy(px.snap, fds, sizeof fds);
  px.snap_len = sizeof fds;
  px.file_ino = 4242;
  auto sx = sys(5 * kSec, 100, SYS_socketpair, true);
  int32_t pair[2] = {7, 8};
  std::memcpy(sx.snap, pair, sizeof pair);
  sx.snap_len = sizeof pair;
  sx.sock.family = 1;
  uint64_t self = 0xffff0001, peer = 0xffff0002;
  std::memcpy(sx.sock.local_addr, &self, 8);
  std::memcpy(sx.sock.remote_addr, &peer, 8);
  auto we = sys(6 * kSec, 100, SYS_writev, false);
  we.args[0] = 9;
  we.io_size = 12;
  for (const auto* k : {&cx, &de, &dx, &px, &sx, &we}) p.live.add(*k);
  p.run();
  ASSERT_EQ(p.lines.size(), 6u);
  EXPECT_EQ(p.lines[2], "1 curl (100) < dup res=9(<4t>127.0.0.1:40000->10.0.0.2:80) ");
  EXPECT_EQ(p.lines[3], "1 curl (100) < pipe res=0 fd1=5(<p>) fd2=6(<p>) ino=4242 ");
  EXPECT_EQ(p.lines[4],
            "1 curl (100) < socketpair res=0 fd1=7(<u>) fd2=8(<u>) source=FFFF0001 peer=FFFF0002 ");
  EXPECT_EQ(p.lines[5], "1 curl (100) > writev fd=9(<4t>127.0.0.1:40000->10.0.0.2:80) size=12 ");
}

TEST(NativeFlags, OpenFcntlAndDeviceEncodings) {
  // O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC as the drivers encode it.
  EXPECT_EQ(open_flags_to_ppm(01 | 0100 | 01000 | 02000000), 4358u);
  EXPECT_EQ(open_flags_to_ppm(0), 1u);  // O_RDONLY is a bit of its own
  EXPECT_EQ(open_mode_to_ppm(0, 0644), 0u);  // no O_CREAT: no mode
  EXPECT_EQ(open_mode_to_ppm(0100, 0644), 0644u);
  EXPECT_EQ(fcntl_cmd_to_ppm(1030), 26);  // F_DUPFD_CLOEXEC
  EXPECT_EQ(fcntl_cmd_to_ppm(0), 1);      // F_DUPFD
  EXPECT_EQ(fcntl_cmd_to_ppm(12345), 0);
  EXPECT_EQ(encode_dev((8u << 20) | 1), 0x801u);          // as stat() shows sda1
  EXPECT_EQ(encode_dev((259u << 20) | 300), 0x11032cu);  // minor above 255
}

TEST(LiveEvents, ForkExecExitShapeTheThreadTable) {
  Pipeline p;
  vedetta_process_event f{};
  f.ts_ns = 1 * kSec;
  f.kind = VEDETTA_PROCESS_FORK;
  f.tgid = f.tid = 50;
  f.ppid = 1;
  f.child_tgid = f.child_tid = 51;
  std::strcpy(f.comm, "bash");
  vedetta_process_event x{};
  x.ts_ns = 2 * kSec;
  x.kind = VEDETTA_PROCESS_EXEC;
  x.tgid = x.tid = 51;
  x.ppid = 50;
  std::strcpy(x.comm, "curl");
  std::strcpy(x.filename, "/usr/bin/curl");
  const char argv[] = "curl\0-s\0example.com";
  std::memcpy(x.args, argv, sizeof argv);
  x.args_len = sizeof argv;
  auto ce = sys(3 * kSec, 51, SYS_connect, false, "curl");
  ce.tgid = 51;
  vedetta_process_event e{};
  e.ts_ns = 4 * kSec;
  e.kind = VEDETTA_PROCESS_EXIT;
  e.tgid = e.tid = 51;
  e.group_dead = 1;
  e.exit_code = 6 << 8;
  std::strcpy(e.comm, "curl");
  p.live.add(e);  // process events may arrive before the syscalls they follow
  p.live.add(ce);
  p.live.add(x);
  p.live.add(f);
  p.run();
  ASSERT_EQ(p.lines.size(), 6u);
  EXPECT_EQ(p.lines[0].substr(0, 32), "0 bash (50) < clone res=51(bash)");
  EXPECT_EQ(p.lines[1].substr(0, 26), "0 bash (51) < clone res=0 ");
  EXPECT_EQ(p.lines[2], "0 bash (51) > execve filename=/usr/bin/curl ");
  EXPECT_NE(p.lines[3].find("0 curl (51) < execve res=0 exe=curl args=-s.example.com. tid=51(curl) "
                            "pid=51(curl) ptid=50(bash) "),
            std::string::npos)
      << p.lines[3];
  EXPECT_EQ(p.lines[4], "1 curl (51) > connect fd=0 addr=NULL ");
  EXPECT_EQ(p.lines[5], "0 curl (51) > procexit status=1536 ret=6 sig=0 core=0 ");
  const ThreadInfo* child = p.threads.find(51);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->comm, "curl");
  EXPECT_EQ(child->exe, "curl");
  EXPECT_EQ(child->ptid, 50);
}

TEST(LiveEvents, ForkAndExecPrintAsTheCallThatMadeThem) {
  Pipeline p;
  vedetta_process_event f{};
  f.ts_ns = 1 * kSec;
  f.kind = VEDETTA_PROCESS_FORK;
  f.syscall = SYS_vfork;
  f.tgid = f.tid = 50;
  f.child_tgid = f.child_tid = 51;
  std::strcpy(f.comm, "make");
  vedetta_process_event t = f;  // a thread by clone3, with the caller's flags
  t.ts_ns = 2 * kSec;
  t.syscall = SYS_clone3;
  t.clone_flags = 0x100 | 0x10000;  // CLONE_VM | CLONE_THREAD
  t.child_tgid = 50;
  t.child_tid = 52;
  vedetta_process_event x{};
  x.ts_ns = 3 * kSec;
  x.kind = VEDETTA_PROCESS_EXEC;
  x.syscall = SYS_execveat;
  x.tgid = x.tid = 51;
  std::strcpy(x.comm, "cc");
  std::strcpy(x.filename, "/dev/fd/4");  // the kernel's name: dirfd 4, AT_EMPTY_PATH
  for (const auto* k : {&f, &t, &x}) p.live.add(*k);
  p.run();
  ASSERT_EQ(p.lines.size(), 6u);
  EXPECT_EQ(p.lines[0].substr(0, 32), "0 make (50) < vfork res=51(make)");
  EXPECT_NE(p.lines[0].find(" flags=134250496(CLONE_VM|CLONE_VFORK) "), std::string::npos)
      << p.lines[0];
  EXPECT_EQ(p.lines[2].substr(0, 32), "0 make (50) < clone3 res=52(make");
  EXPECT_NE(p.lines[2].find(" flags=40960(CLONE_THREAD|CLONE_VM) "), std::string::npos)
      << p.lines[2];
  EXPECT_EQ(p.lines[4], "0 make (51) > execveat dirfd=4 pathname=/dev/fd/4 flags=1(AT_EMPTY_PATH) ");
  EXPECT_EQ(p.lines[5].substr(0, 27), "0 cc (51) < execveat res=0 ");
}

TEST(LiveEvents, TimesMoveFromBootTimeToTheEpoch) {
  ThreadTable threads;
  LiveEvents live(threads, 1000);
  auto k = sys(5, 100, SYS_close, false);
  live.add(k);
  uint64_t ts = 0;
  live.release(5, [&](const Event& e) { ts = e.ts_ns; });
  EXPECT_EQ(ts, 0u);  // not older than the limit: held
  EXPECT_EQ(live.buffered(), 1u);
  live.release(6, [&](const Event& e) { ts = e.ts_ns; });
  EXPECT_EQ(ts, 1005u);
  int64_t offset = event_clock_to_epoch_offset_ns();
  EXPECT_GT(offset, 0);
  EXPECT_LE(static_cast<uint64_t>(offset), static_cast<uint64_t>(time(nullptr)) * kSec);
}

TEST(ProcSnapshot, FindsThisProcessAndItsListeningSocket) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(s, 1), 0);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  CaptureMetadata md = read_proc_snapshot();
  close(s);
  const ThreadEntry* self = nullptr;
  for (const auto& t : md.threads)
    if (t.tid == getpid()) self = &t;
  ASSERT_NE(self, nullptr);
  EXPECT_EQ(self->pid, getpid());
  EXPECT_EQ(self->ptid, getppid());
  EXPECT_FALSE(self->comm.empty());
  EXPECT_FALSE(self->cwd.empty());
  const FdEntry* fd = nullptr;
  for (const auto& f : self->fds)
    if (f.fd == s) fd = &f;
  ASSERT_NE(fd, nullptr);
  EXPECT_EQ(fd->type, FdType::kIpv4ServSock);
  EXPECT_EQ(fd->l4, L4Proto::kTcp);
  EXPECT_EQ(fd->name, "127.0.0.1:" + std::to_string(ntohs(a.sin_port)));
}

TEST(ProcSnapshot, FdLinkTypes) {
  uint64_t ino = 0;
  EXPECT_EQ(fd_type_from_link("socket:[1234]", &ino), FdType::kUnknown);
  EXPECT_EQ(ino, 1234u);
  EXPECT_EQ(fd_type_from_link("pipe:[5]", &ino), FdType::kFifo);
  EXPECT_EQ(ino, 0u);
  EXPECT_EQ(fd_type_from_link("anon_inode:[eventpoll]", &ino), FdType::kEventpoll);
  EXPECT_EQ(fd_type_from_link("/", &ino), FdType::kDirectory);
  EXPECT_EQ(fd_type_from_link("/etc/hostname-that-does-not-exist", &ino), FdType::kFile);
}

}  // namespace
}  // namespace vedetta::events
