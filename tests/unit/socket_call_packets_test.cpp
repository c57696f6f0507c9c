// vedetta::SocketCallPackets (agent mode): socket call events, made up here
// as the kernel side reports them, become packets that decode to the right
// tuples, handshake and byte counts; each byte is counted once when both
// ends are local.
#include "probe/socket_call_packets.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pcap/dlt.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "decode/decoder.h"

namespace vedetta {
namespace {

constexpr uint32_t kConnect = 42, kAccept = 43, kSendto = 44, kRecvfrom = 45, kWrite = 1,
                   kRead = 0, kClose = 3, kSendfile = 40;

struct End {
  const char* addr;
  uint16_t port;
};

class Calls {
 public:
  // One call on a socket of `tid`: local and remote ends as the kernel reads them.
  void exit(uint32_t nr, uint32_t tid, int proto, End local, End remote, int64_t ret,
            const std::string& snap = "") {
    event(nr, tid, proto, local, remote, true, ret, snap);
  }
  void enter(uint32_t nr, uint32_t tid, int proto, End local, End remote, const std::string& snap = "") {
    event(nr, tid, proto, local, remote, false, 0, snap);
  }
  // A send: its data at entry, its result at exit.
  void send(uint32_t tid, int proto, End local, End remote, int64_t ret, const std::string& data) {
    enter(kWrite, tid, proto, local, remote, data);
    exit(kWrite, tid, proto, local, remote, ret);
  }

  std::vector<DecodedPacket> packets() {
    conv.release(UINT64_MAX);
    std::vector<DecodedPacket> out;
    RawPacket raw;
    while (conv.pop(raw)) {
      frames.emplace_back(raw.data, raw.data + raw.caplen);  // kept: packets point into them
      DecodedPacket p;
      EXPECT_TRUE(decoder.decode(frames.back().data(), raw.caplen, raw.wire_len, raw.ts_us, p));
      out.push_back(p);
    }
    return out;
  }

  SocketCallPackets conv{0};

 private:
  void event(uint32_t nr, uint32_t tid, int proto, End local, End remote, bool is_exit,
             int64_t ret, const std::string& snap) {
    vedetta_syscall_event e{};
    e.ts_ns = ts_ += 1000;
    e.tgid = e.tid = tid;
    e.syscall = nr;
    e.exit = is_exit;
    e.ret = ret;
    bool v6 = std::strchr(local.addr, ':') != nullptr;
    e.sock.family = v6 ? AF_INET6 : AF_INET;
    e.sock.protocol = proto;
    e.sock.type = proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
    e.sock.local_port = local.port;
    e.sock.remote_port = remote.port;
    IpAddress a;
    EXPECT_TRUE(IpAddress::parse(local.addr, a));
    std::memcpy(e.sock.local_addr, a.bytes.data(), v6 ? 16 : 4);
    EXPECT_TRUE(IpAddress::parse(remote.addr, a));
    std::memcpy(e.sock.remote_addr, a.bytes.data(), v6 ? 16 : 4);
    e.snap_len = static_cast<uint32_t>(snap.size());
    std::memcpy(e.snap, snap.data(), snap.size());
    conv.on_event(e);
  }

  uint64_t ts_ = 1'000'000'000;
  Decoder decoder{DLT_RAW};
  std::vector<std::vector<uint8_t>> frames;
};

uint64_t payload(const std::vector<DecodedPacket>& ps, uint16_t src_port) {
  uint64_t n = 0;
  for (const auto& p : ps)
    if (p.src_port == src_port) n += p.payload_len;
  return n;
}

const End kClient{"127.0.0.1", 40000}, kServer{"127.0.0.1", 80};
const std::string kRequest = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";

TEST(SocketCallPackets, LoopbackTcpCountsEachByteOnce) {
  Calls c;
  c.exit(kConnect, 1, IPPROTO_TCP, kClient, kServer, 0);
  c.exit(kAccept, 2, IPPROTO_TCP, kServer, kClient, 5);
  c.send(1, IPPROTO_TCP, kClient, kServer, 10'000, kRequest);
  c.exit(kRead, 2, IPPROTO_TCP, kServer, kClient, 10'000, kRequest);
  c.send(2, IPPROTO_TCP, kServer, kClient, 50'000, "reply");
  c.exit(kRead, 1, IPPROTO_TCP, kClient, kServer, 50'000, "reply");
  c.enter(kClose, 1, IPPROTO_TCP, kClient, kServer);
  c.enter(kClose, 2, IPPROTO_TCP, kServer, kClient);
  auto ps = c.packets();
  using namespace tcp_flag;
  ASSERT_EQ(ps.size(), 7u);  // handshake, two sends, two FINs
  EXPECT_EQ(ps[0].tcp_flags, kSyn);
  EXPECT_EQ(ps[0].src_port, 40000);  // the one that connected is the client
  EXPECT_EQ(ps[1].tcp_flags, kSyn | kAck);
  EXPECT_EQ(ps[2].tcp_flags, kAck);
  EXPECT_EQ(ps[3].payload_len, 10'000u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(ps[3].payload), kRequest.size()), kRequest);
  EXPECT_EQ(ps[3].tcp_seq, ps[0].tcp_seq + 1);
  EXPECT_EQ(ps[4].payload_len, 50'000u);
  EXPECT_EQ(ps[4].tcp_ack, ps[3].tcp_seq + 10'000);
  EXPECT_EQ(ps[5].tcp_flags, kFin | kAck);
  EXPECT_EQ(ps[6].tcp_flags, kFin | kAck);
  EXPECT_EQ(c.conv.stats().calls, 2u);
  EXPECT_EQ(c.conv.stats().local_receives, 2u);
}

TEST(SocketCallPackets, ReceiveFromARemotePeerCounts) {
  Calls c;
  End local{"10.0.0.1", 5000}, remote{"192.0.2.9", 443};
  c.exit(kConnect, 1, IPPROTO_TCP, local, remote, 0);
  c.exit(kRead, 1, IPPROTO_TCP, local, remote, 1200, "\x16\x03\x03");
  auto ps = c.packets();
  ASSERT_EQ(ps.size(), 4u);
  EXPECT_EQ(ps[3].src.to_string(), "192.0.2.9");
  EXPECT_EQ(ps[3].src_port, 443);
  EXPECT_EQ(ps[3].dst_port, 5000);
  EXPECT_EQ(ps[3].payload_len, 1200u);
  EXPECT_EQ(c.conv.stats().local_receives, 0u);
}

// The receiver's event comes first (another CPU), the sender's after: the
// reorder window still makes the receive local. An unbound UDP client
// sends from loopback to a loopback peer.
TEST(SocketCallPackets, UdpReceiveSeenBeforeItsLocalSend) {
  Calls c;
  End server{"127.0.0.1", 53}, client_any{"0.0.0.0", 33333}, client{"127.0.0.1", 33333};
  c.exit(kRecvfrom, 2, IPPROTO_UDP, server, client, 29);
  c.enter(kSendto, 1, IPPROTO_UDP, {"0.0.0.0", 0}, server, "query");
  c.exit(kSendto, 1, IPPROTO_UDP, client_any, server, 29);
  auto ps = c.packets();
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].src.to_string(), "127.0.0.1");
  EXPECT_EQ(ps[0].src_port, 33333);
  EXPECT_EQ(ps[0].dst_port, 53);
  EXPECT_EQ(ps[0].payload_len, 29u);
  EXPECT_EQ(c.conv.stats().local_receives, 1u);
}

TEST(SocketCallPackets, UnansweredNonBlockingConnectIsASynAlone) {
  Calls c;
  End local{"10.0.0.1", 5001}, remote{"192.0.2.9", 80};
  c.exit(kConnect, 1, IPPROTO_TCP, local, remote, -EINPROGRESS);
  c.enter(kClose, 1, IPPROTO_TCP, local, remote);
  auto ps = c.packets();
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].tcp_flags, tcp_flag::kSyn);
}

TEST(SocketCallPackets, LargeCallIsSplitAtTheIpLengthLimit) {
  Calls c;
  End local{"10.0.0.1", 5002}, remote{"192.0.2.9", 80};
  c.send(1, IPPROTO_TCP, local, remote, 200'000, "x");  // a connection begun before: no handshake
  auto ps = c.packets();
  ASSERT_EQ(ps.size(), 4u);
  EXPECT_EQ(payload(ps, 5002), 200'000u);
  EXPECT_EQ(ps[1].tcp_seq, ps[0].tcp_seq + ps[0].payload_len);
  EXPECT_EQ(ps[1].l3_captured, 40u);  // the data goes with the first only
}

TEST(SocketCallPackets, SendfileBytesWithoutData) {
  Calls c;
  End local{"10.0.0.1", 8080}, remote{"192.0.2.9", 50000};
  c.exit(kAccept, 1, IPPROTO_TCP, local, remote, 4);
  c.exit(kSendfile, 1, IPPROTO_TCP, local, remote, 30'000);
  auto ps = c.packets();
  ASSERT_EQ(ps.size(), 4u);
  EXPECT_EQ(ps[0].src_port, 50000);  // accepted: the peer is the client
  EXPECT_EQ(ps[3].payload_len, 30'000u);
  EXPECT_EQ(ps[3].l3_captured, 40u);
  EXPECT_EQ(c.conv.stats().dataless_calls, 1u);
  EXPECT_EQ(c.conv.stats().dataless_bytes, 30'000u);
}

}  // namespace
}  // namespace vedetta
