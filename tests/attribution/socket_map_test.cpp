// SocketMap on hand-made kernel events: which process owns which side of a
// flow, with wildcards, IPv4-mapped addresses, shared sockets and closing.
#include "attribution/socket_map.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <algorithm>
#include <cstring>

namespace vedetta {
namespace {

vedetta_syscall_event event(uint32_t nr, bool exit, uint32_t pid, const char* comm) {
  vedetta_syscall_event e{};
  e.syscall = nr;
  e.exit = exit;
  e.tgid = e.tid = pid;
  std::strncpy(e.comm, comm, sizeof e.comm - 1);
  e.ts_ns = 1000;
  return e;
}

void v4(vedetta_socket_info& s, const char* local, uint16_t lport, const char* remote,
        uint16_t rport, uint16_t proto = IPPROTO_TCP) {
  s.family = AF_INET;
  s.protocol = proto;
  inet_pton(AF_INET, local, s.local_addr);
  inet_pton(AF_INET, remote, s.remote_addr);
  s.local_port = lport;
  s.remote_port = rport;
  s.netns = 4026531840u;
}

Endpoint ep(const char* addr, uint16_t port) {
  Endpoint e;
  IpAddress::parse(addr, e.addr);
  e.port = port;
  return e;
}

TEST(SocketMap, ConnectAndAcceptNameBothEndsOfALocalFlow) {
  ProcessTable procs;
  SocketMap map(procs);
  auto c = event(SYS_connect, true, 100, "curl");
  v4(c.sock, "127.0.0.1", 40000, "127.0.0.1", 8080);
  map.on_syscall_event(c);
  auto a = event(SYS_accept4, true, 200, "nginx");
  a.ret = 7;
  v4(a.sock, "127.0.0.1", 8080, "127.0.0.1", 40000);
  map.on_syscall_event(a);

  const SocketOwner* client = map.find(IPPROTO_TCP, ep("127.0.0.1", 40000), ep("127.0.0.1", 8080));
  const SocketOwner* server = map.find(IPPROTO_TCP, ep("127.0.0.1", 8080), ep("127.0.0.1", 40000));
  ASSERT_TRUE(client && server);
  EXPECT_EQ(client->process->pid, 100u);
  EXPECT_EQ(client->process->comm, "curl");
  EXPECT_EQ(server->process->pid, 200u);
  EXPECT_EQ(server->fd, 7);
  EXPECT_EQ(map.find(IPPROTO_UDP, ep("127.0.0.1", 40000), ep("127.0.0.1", 8080)), nullptr);
}

TEST(SocketMap, FailedConnectIsIgnoredButInProgressCounts) {
  ProcessTable procs;
  SocketMap map(procs);
  auto c = event(SYS_connect, true, 100, "app");
  v4(c.sock, "10.0.0.1", 40000, "10.0.0.2", 80);
  c.ret = -111;  // ECONNREFUSED
  map.on_syscall_event(c);
  EXPECT_EQ(map.find(IPPROTO_TCP, ep("10.0.0.1", 40000), ep("10.0.0.2", 80)), nullptr);
  c.ret = -115;  // EINPROGRESS: a non-blocking connect
  map.on_syscall_event(c);
  EXPECT_NE(map.find(IPPROTO_TCP, ep("10.0.0.1", 40000), ep("10.0.0.2", 80)), nullptr);
}

TEST(SocketMap, UnconnectedUdpServerBoundToAnyAddressMatchesEveryPeer) {
  ProcessTable procs;
  SocketMap map(procs);
  auto r = event(SYS_recvfrom, true, 300, "dnsd");
  r.ret = 40;
  v4(r.sock, "0.0.0.0", 53, "0.0.0.0", 0, IPPROTO_UDP);  // the socket itself: unbound peer
  map.on_syscall_event(r);
  const SocketOwner* o = map.find(IPPROTO_UDP, ep("192.0.2.1", 53), ep("192.0.2.9", 5353));
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->process->comm, "dnsd");
}

TEST(SocketMap, Ipv4MappedAddressesOfADualStackListenerAreIpv4) {
  ProcessTable procs;
  SocketMap map(procs);
  auto a = event(SYS_accept, true, 400, "server");
  a.ret = 5;
  a.sock.family = AF_INET6;
  a.sock.protocol = IPPROTO_TCP;
  inet_pton(AF_INET6, "::ffff:127.0.0.1", a.sock.local_addr);
  inet_pton(AF_INET6, "::ffff:127.0.0.1", a.sock.remote_addr);
  a.sock.local_port = 9000;
  a.sock.remote_port = 50000;
  map.on_syscall_event(a);
  const SocketOwner* o = map.find(IPPROTO_TCP, ep("127.0.0.1", 9000), ep("127.0.0.1", 50000));
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->process->pid, 400u);
}

TEST(SocketMap, TheProcessThatDidTheIoOwnsASharedSocketAndTheOthersAreListed) {
  ProcessTable procs;
  SocketMap map(procs);
  auto parent = event(SYS_connect, true, 500, "parent");
  v4(parent.sock, "127.0.0.1", 41000, "127.0.0.1", 80);
  map.on_syscall_event(parent);
  auto child = event(SYS_write, true, 501, "child");
  child.ret = 10;
  v4(child.sock, "127.0.0.1", 41000, "127.0.0.1", 80);
  map.on_syscall_event(child);
  const SocketOwner* o = map.find(IPPROTO_TCP, ep("127.0.0.1", 41000), ep("127.0.0.1", 80));
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->process->pid, 501u);
  ASSERT_EQ(o->others.size(), 1u);
  EXPECT_EQ(o->others[0], 500u);
}

TEST(SocketMap, ATupleReusedBySuccessiveProcessesNamesTheOneAliveWhenTheFlowStarted) {
  ProcessTable procs;
  SocketMap map(procs);
  const uint64_t ms = 1'000'000;
  auto first = event(SYS_connect, true, 100, "first");
  first.ts_ns = 1000 * ms;
  v4(first.sock, "127.0.0.1", 40000, "127.0.0.1", 8080);
  map.on_syscall_event(first);
  auto closing = event(SYS_close, false, 100, "first");
  closing.ts_ns = 1100 * ms;
  closing.sock = first.sock;
  map.on_syscall_event(closing);
  auto second = event(SYS_connect, true, 200, "second");  // same client port, at once
  second.ts_ns = 1150 * ms;
  second.sock = first.sock;
  map.on_syscall_event(second);
  auto at = [&](uint64_t t) {
    const SocketOwner* o =
        map.find(IPPROTO_TCP, ep("127.0.0.1", 40000), ep("127.0.0.1", 8080), 0, t);
    return o ? o->process->pid : 0u;
  };
  EXPECT_EQ(at(1000 * ms - 100), 100u);  // the SYN goes out inside connect
  EXPECT_EQ(at(1150 * ms), 200u);
  EXPECT_EQ(at(0), 200u);                // no time: the socket of now
  EXPECT_EQ(at(1300 * ms), 200u);
}

TEST(SocketMap, AnExecReadAfterTheSocketEventButMadeBeforeItNamesTheProgram) {
  ProcessTable procs;
  SocketMap map(procs);
  vedetta_process_event parent{};  // a known parent: its forked child is no placeholder
  parent.kind = VEDETTA_PROCESS_EXEC;
  parent.tgid = parent.tid = 1;
  parent.ts_ns = 500;
  std::strncpy(parent.comm, "python3", sizeof parent.comm - 1);
  std::strncpy(parent.filename, "/usr/bin/python3", sizeof parent.filename - 1);
  procs.on_process_event(parent);
  vedetta_process_event fork{};
  fork.kind = VEDETTA_PROCESS_FORK;
  fork.tgid = fork.tid = 1;
  fork.child_tgid = fork.child_tid = 300;
  std::strncpy(fork.comm, "python3", sizeof fork.comm - 1);
  fork.ts_ns = 1000;
  procs.on_process_event(fork);
  // The socket event (ts 3000) is read first, from its own ring buffer ...
  auto c = event(SYS_connect, true, 300, "bash");
  c.ts_ns = 3000;
  v4(c.sock, "127.0.0.1", 40001, "127.0.0.1", 8080);
  map.on_syscall_event(c);
  // ... then the exec (ts 2000) that came before it.
  vedetta_process_event exec{};
  exec.kind = VEDETTA_PROCESS_EXEC;
  exec.tgid = exec.tid = 300;
  exec.ppid = 1;
  exec.ts_ns = 2000;
  std::strncpy(exec.comm, "bash", sizeof exec.comm - 1);
  std::strncpy(exec.filename, "/usr/bin/bash", sizeof exec.filename - 1);
  procs.on_process_event(exec);
  const SocketOwner* o = map.find(IPPROTO_TCP, ep("127.0.0.1", 40001), ep("127.0.0.1", 8080));
  ASSERT_TRUE(o && o->process);
  EXPECT_EQ(o->process->exe, "/usr/bin/bash");
}

TEST(SocketMap, TheSameTupleInTwoNamespacesNamesThePreferredOne) {
  ProcessTable procs;
  SocketMap map(procs);
  auto a = event(SYS_connect, true, 100, "in_a");
  v4(a.sock, "10.0.0.2", 40000, "10.0.0.1", 80);
  a.sock.netns = 111;
  map.on_syscall_event(a);
  auto b = event(SYS_connect, true, 200, "in_b");
  b.sock = a.sock;
  b.sock.netns = 222;
  map.on_syscall_event(b);
  map.prefer_namespace(222);
  const SocketOwner* o = map.find(IPPROTO_TCP, ep("10.0.0.2", 40000), ep("10.0.0.1", 80));
  ASSERT_TRUE(o && o->process);
  EXPECT_EQ(o->process->pid, 200u);
  map.prefer_namespace(111);
  o = map.find(IPPROTO_TCP, ep("10.0.0.2", 40000), ep("10.0.0.1", 80));
  EXPECT_EQ(o->process->pid, 100u);
  EXPECT_EQ(map.find(IPPROTO_TCP, ep("10.0.0.2", 40000), ep("10.0.0.1", 80), 222)->process->pid, 200u);
}

TEST(SocketMap, ClosedSocketsStayUntilExpired) {
  ProcessTable procs;
  SocketMap map(procs);
  auto c = event(SYS_connect, true, 600, "short");
  v4(c.sock, "127.0.0.1", 42000, "127.0.0.1", 80);
  map.on_syscall_event(c);
  auto cl = event(SYS_close, false, 600, "short");
  cl.ts_ns = 2000;
  v4(cl.sock, "127.0.0.1", 42000, "127.0.0.1", 80);
  map.on_syscall_event(cl);
  const SocketOwner* o = map.find(IPPROTO_TCP, ep("127.0.0.1", 42000), ep("127.0.0.1", 80));
  ASSERT_NE(o, nullptr);  // a flow exported after the close is still attributed
  EXPECT_TRUE(o->closed);
  map.expire(2500, 1000);
  EXPECT_NE(map.find(IPPROTO_TCP, ep("127.0.0.1", 42000), ep("127.0.0.1", 80)), nullptr);
  map.expire(4000, 1000);
  EXPECT_EQ(map.find(IPPROTO_TCP, ep("127.0.0.1", 42000), ep("127.0.0.1", 80)), nullptr);
}

std::vector<uint32_t> open_pids(const SocketMap& map) {
  std::vector<uint32_t> out;
  map.open_owners(out);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(SocketMap, OpenOwnersFollowEveryChangeOfOwnerAndState) {
  ProcessTable procs;
  SocketMap map(procs);
  using Pids = std::vector<uint32_t>;
  auto c = event(SYS_connect, true, 700, "client");
  v4(c.sock, "127.0.0.1", 43000, "127.0.0.1", 80);
  map.on_syscall_event(c);
  auto c2 = event(SYS_connect, true, 700, "client");
  v4(c2.sock, "127.0.0.1", 43001, "127.0.0.1", 80);
  map.on_syscall_event(c2);
  EXPECT_EQ(open_pids(map), (Pids{700}));  // once, for two sockets
  auto child = event(SYS_sendto, true, 701, "client");  // a forked child takes one over
  v4(child.sock, "127.0.0.1", 43001, "127.0.0.1", 80);
  map.on_syscall_event(child);
  EXPECT_EQ(open_pids(map), (Pids{700, 701}));
  auto cl = event(SYS_close, false, 700, "client");
  v4(cl.sock, "127.0.0.1", 43000, "127.0.0.1", 80);
  map.on_syscall_event(cl);
  map.on_syscall_event(cl);  // a second close of the same tuple changes nothing
  EXPECT_EQ(open_pids(map), (Pids{701}));
  // A scanned socket, then gone; then the closed tuple reused by a new process.
  Endpoint l = ep("127.0.0.1", 9999), r = ep("127.0.0.1", 43999);
  map.seed(c.sock.netns, IPPROTO_TCP, l, r, procs.get(702, "seeded"), 3, 3000);
  EXPECT_EQ(open_pids(map), (Pids{701, 702}));
  map.mark_closed(c.sock.netns, IPPROTO_TCP, l, r, 3500);
  EXPECT_EQ(open_pids(map), (Pids{701}));
  auto again = event(SYS_connect, true, 703, "next");
  v4(again.sock, "127.0.0.1", 43000, "127.0.0.1", 80);
  map.on_syscall_event(again);
  EXPECT_EQ(open_pids(map), (Pids{701, 703}));
  map.expire(1'000'000, 10);  // only closed sockets go
  EXPECT_EQ(open_pids(map), (Pids{701, 703}));
}

}  // namespace
}  // namespace vedetta
