// Live: real sockets, captured by the eBPF programs, fed to the SocketMap;
// both ends of a loopback TCP connection and of a UDP exchange are found,
// and a process that connected and exited before the lookup still is.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "attribution/socket_map.h"
#include "common/user_error.h"
#include "ebpf/syscall_capture.h"
#include "support/live_prerequisite.h"

namespace vedetta {
namespace {

using test_support::skip_or_fail;

std::unique_ptr<SyscallCapture> open_capture() {
  if (geteuid() != 0) {
    skip_or_fail("needs root to load BPF programs");
    return nullptr;
  }
  try {
    SyscallCaptureOptions o;
    o.syscalls = {SYS_connect, SYS_accept, SYS_accept4, SYS_sendto, SYS_recvfrom, SYS_close};
    o.include_self = true;
    return SyscallCapture::open(o);
  } catch (const UserError& e) {
    skip_or_fail(std::string("BPF unavailable: ") + e.what());
    return nullptr;
  }
}

void drain(SyscallCapture& cap, ProcessTable& procs, SocketMap& map) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(400);
  while (std::chrono::steady_clock::now() < end)
    cap.poll(50, [&](const vedetta_syscall_event& e) { map.on_syscall_event(e); },
             [&](const vedetta_process_event& p) { procs.on_process_event(p); });
}

Endpoint local_of(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  Endpoint e;
  e.addr = IpAddress::v4(reinterpret_cast<const uint8_t*>(&a.sin_addr));
  e.port = ntohs(a.sin_port);
  return e;
}

TEST(SocketMapLive, BothEndsOfLoopbackTcpAndUdpAndAShortLivedClient) {
  auto cap = open_capture();
  if (!cap) return;
  ProcessTable procs;
  procs.seed_from_proc();
  SocketMap map(procs);
  uint32_t me = static_cast<uint32_t>(getpid());

  int server = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(server, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(server, 8), 0);
  Endpoint srv = local_of(server);
  int client = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(srv.port);
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  int conn = accept(server, nullptr, nullptr);
  Endpoint cli = local_of(client);

  int udp_rx = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_EQ(bind(udp_rx, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  Endpoint urx = local_of(udp_rx);
  int udp_tx = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in uto{};
  uto.sin_family = AF_INET;
  uto.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  uto.sin_port = htons(urx.port);
  ASSERT_EQ(sendto(udp_tx, "q", 1, 0, reinterpret_cast<sockaddr*>(&uto), sizeof uto), 1);
  char buf[8];
  ASSERT_EQ(recvfrom(udp_rx, buf, sizeof buf, 0, nullptr, nullptr), 1);
  Endpoint utx = local_of(udp_tx);

  // A child that connects and exits at once, before anyone looks.
  pid_t child = fork();
  if (child == 0) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    _exit(connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0 ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  int child_conn = accept(server, nullptr, nullptr);
  sockaddr_in peer{};
  socklen_t plen = sizeof peer;
  getpeername(child_conn, reinterpret_cast<sockaddr*>(&peer), &plen);
  Endpoint child_end;
  child_end.addr = IpAddress::v4(reinterpret_cast<const uint8_t*>(&peer.sin_addr));
  child_end.port = ntohs(peer.sin_port);

  drain(*cap, procs, map);

  const SocketOwner* c = map.find(IPPROTO_TCP, cli, srv);
  const SocketOwner* s = map.find(IPPROTO_TCP, srv, cli);
  ASSERT_TRUE(c && s);
  EXPECT_EQ(c->process->pid, me);
  EXPECT_EQ(s->process->pid, me);
  EXPECT_EQ(s->fd, conn);

  const SocketOwner* ut = map.find(IPPROTO_UDP, utx, urx);
  const SocketOwner* ur = map.find(IPPROTO_UDP, urx, utx);
  ASSERT_TRUE(ut && ur);
  EXPECT_EQ(ut->process->pid, me);
  EXPECT_EQ(ur->process->pid, me);

  const SocketOwner* sc = map.find(IPPROTO_TCP, child_end, srv);
  ASSERT_NE(sc, nullptr);
  EXPECT_EQ(sc->process->pid, static_cast<uint32_t>(child));
  EXPECT_EQ(sc->process->ppid, me);  // from the fork event

  close(child_conn);
  close(conn);
  close(client);
  close(server);
  close(udp_rx);
  close(udp_tx);
  EXPECT_EQ(cap->drops().ringbuf_full, 0u);
}

}  // namespace
}  // namespace vedetta
