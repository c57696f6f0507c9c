// sock_diag dump and socket scan against real sockets of this process (its
// own network namespace and its own /proc entries need no privilege).
#include "attribution/socket_scan.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

namespace vedetta {
namespace {

uint64_t inode_of(int fd) {
  struct stat st;
  fstat(fd, &st);
  return st.st_ino;
}

uint16_t local_port(int fd) {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.ss_family == AF_INET ? reinterpret_cast<sockaddr_in&>(a).sin_port
                                      : reinterpret_cast<sockaddr_in6&>(a).sin6_port);
}

// A listener, a client connected to it and the accepted socket, on the
// loopback address of `family`.
struct TcpTriple {
  int listener = -1, client = -1, accepted = -1;
  explicit TcpTriple(int family) {
    listener = socket(family, SOCK_STREAM, 0);
    sockaddr_storage a{};
    socklen_t len;
    if (family == AF_INET) {
      auto& v4 = reinterpret_cast<sockaddr_in&>(a);
      v4.sin_family = AF_INET;
      v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      len = sizeof v4;
    } else {
      auto& v6 = reinterpret_cast<sockaddr_in6&>(a);
      v6.sin6_family = AF_INET6;
      v6.sin6_addr = in6addr_loopback;
      len = sizeof v6;
    }
    EXPECT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&a), len), 0);
    EXPECT_EQ(listen(listener, 1), 0);
    getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
    client = socket(family, SOCK_STREAM, 0);
    EXPECT_EQ(connect(client, reinterpret_cast<sockaddr*>(&a), len), 0);
    accepted = accept(listener, nullptr, nullptr);
  }
  ~TcpTriple() {
    close(accepted);
    close(client);
    close(listener);
  }
};

const DiagSocket* by_inode(const std::vector<DiagSocket>& all, uint64_t inode) {
  auto it = std::find_if(all.begin(), all.end(), [&](const DiagSocket& s) { return s.inode == inode; });
  return it == all.end() ? nullptr : &*it;
}

TEST(SocketDiag, DumpsTcpAndUdpOfBothFamiliesWithTheirTuples) {
  TcpTriple v4(AF_INET), v6(AF_INET6);
  int udp = socket(AF_INET6, SOCK_DGRAM, 0);
  sockaddr_in6 any{};
  any.sin6_family = AF_INET6;
  ASSERT_EQ(bind(udp, reinterpret_cast<sockaddr*>(&any), sizeof any), 0);

  NamespaceDiagSockets diag;
  std::string error;
  int fd = diag.get(diag.own_netns(), "/proc/self/ns/net", error);
  ASSERT_GE(fd, 0) << error;
  std::vector<DiagSocket> all = dump_inet_sockets(fd);

  const DiagSocket* client = by_inode(all, inode_of(v4.client));
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->l4_proto, IPPROTO_TCP);
  EXPECT_EQ(client->local.addr.to_string(), "127.0.0.1");
  EXPECT_EQ(client->local.port, local_port(v4.client));
  EXPECT_EQ(client->remote.port, local_port(v4.listener));
  const DiagSocket* listener = by_inode(all, inode_of(v6.listener));
  ASSERT_NE(listener, nullptr);
  EXPECT_EQ(listener->local.addr.to_string(), "::1");
  EXPECT_EQ(listener->remote.addr.version, 0) << "a listener has no peer: wildcard";
  const DiagSocket* accepted = by_inode(all, inode_of(v6.accepted));
  ASSERT_NE(accepted, nullptr);
  EXPECT_EQ(accepted->remote.port, local_port(v6.client));
  const DiagSocket* u = by_inode(all, inode_of(udp));
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->l4_proto, IPPROTO_UDP);
  EXPECT_EQ(u->local.addr.version, 0) << "bound to [::]: any local address";
  EXPECT_EQ(u->local.port, local_port(udp));
  close(udp);
}

TEST(SocketScan, FindsThisProcessAtBothEndsOfItsConnection) {
  TcpTriple t(AF_INET);
  ProcessTable processes;
  SocketMap sockets(processes);
  SocketScanner scanner;
  scanner.scan(processes, sockets, 1, /*track_processes=*/true);
  EXPECT_GE(scanner.stats().sockets, 3u);

  Endpoint client{IpAddress::v4(std::array<uint8_t, 4>{127, 0, 0, 1}.data()), local_port(t.client)};
  Endpoint server{client.addr, local_port(t.listener)};
  const SocketOwner* c = sockets.find(IPPROTO_TCP, client, server);
  const SocketOwner* s = sockets.find(IPPROTO_TCP, server, client);
  ASSERT_TRUE(c && s);
  EXPECT_EQ(c->process->pid, static_cast<uint32_t>(getpid()));
  EXPECT_EQ(c->fd, t.client);
  EXPECT_EQ(s->fd, t.accepted);
  EXPECT_NE(c->process->exe.find("vedetta_attribution_tests"), std::string::npos);

  // Gone at the next scan: closed (kept until expired, as an event close).
  uint16_t port = local_port(t.client);
  close(t.client);
  t.client = -1;
  scanner.scan(processes, sockets, 2, true);
  const SocketOwner* after = sockets.find(IPPROTO_TCP, Endpoint{client.addr, port}, server);
  ASSERT_NE(after, nullptr);
  EXPECT_TRUE(after->closed);
}

}  // namespace
}  // namespace vedetta
