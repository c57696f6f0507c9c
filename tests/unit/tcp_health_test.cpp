// vedetta::TcpHealth: handshake round trips, retransmissions, out-of-order
// segments and zero windows, per direction (0 = client→server).
#include "flow/tcp_health.h"

#include <gtest/gtest.h>

#include "flow/flow_table.h"

namespace vedetta {
namespace {

namespace F = tcp_flag;
constexpr int kC2S = 0, kS2C = 1;

DecodedPacket seg(uint8_t flags, uint32_t seq, uint32_t len, uint64_t ts_us = 0,
                  uint16_t window = 512) {
  DecodedPacket p;
  p.is_tcp = true;
  p.l4_proto = 6;
  p.tcp_flags = flags;
  p.tcp_seq = seq;
  p.payload_len = len;
  p.tcp_window = window;
  p.ts_us = ts_us;
  return p;
}

// ---- handshake ----------------------------------------------------------------------

TEST(TcpHealth, HandshakeRoundTrips) {
  TcpHealth h;
  h.on_packet(seg(F::kSyn, 100, 0, 1'000'000), kC2S);
  h.on_packet(seg(F::kSyn | F::kAck, 900, 0, 1'000'700), kS2C);
  h.on_packet(seg(F::kAck, 101, 0, 1'000'950), kC2S);
  EXPECT_EQ(h.server_rtt_us, 700u);  // SYN → SYN+ACK
  EXPECT_EQ(h.client_rtt_us, 250u);  // SYN+ACK → ACK
  // Later ACKs do not change them.
  h.on_packet(seg(F::kAck, 101, 0, 2'000'000), kC2S);
  h.on_packet(seg(F::kSyn | F::kAck, 900, 0, 2'000'000), kS2C);
  EXPECT_EQ(h.server_rtt_us, 700u);
  EXPECT_EQ(h.client_rtt_us, 250u);
}

TEST(TcpHealth, RetransmittedSynKeepsTheFirstTime) {
  TcpHealth h;
  h.on_packet(seg(F::kSyn, 100, 0, 1'000'000), kC2S);
  h.on_packet(seg(F::kSyn, 100, 0, 2'000'000), kC2S);
  h.on_packet(seg(F::kSyn | F::kAck, 900, 0, 2'000'100), kS2C);
  EXPECT_EQ(h.server_rtt_us, 1'000'100u);
  EXPECT_EQ(h.retransmissions[kC2S], 0u);  // a SYN restarts the sequence space
}

TEST(TcpHealth, NoRoundTripWithoutSyn) {
  TcpHealth h;
  h.on_packet(seg(F::kSyn | F::kAck, 900, 0, 1'000'000), kS2C);
  h.on_packet(seg(F::kAck, 101, 0, 1'000'300), kC2S);
  EXPECT_EQ(h.server_rtt_us, 0u);
  EXPECT_EQ(h.client_rtt_us, 0u);
}

TEST(TcpHealth, WrongDirectionsDoNotMeasure) {
  TcpHealth h;
  h.on_packet(seg(F::kSyn, 100, 0, 1'000'000), kS2C);  // SYN from the server side
  h.on_packet(seg(F::kSyn | F::kAck, 900, 0, 1'000'500), kC2S);
  EXPECT_EQ(h.server_rtt_us, 0u);
  TcpHealth g;
  g.on_packet(seg(F::kSyn, 100, 0, 1'000'000), kC2S);
  g.on_packet(seg(F::kSyn | F::kAck, 900, 0, 1'000'500), kS2C);
  g.on_packet(seg(F::kRst | F::kAck, 101, 0, 1'000'600), kC2S);  // RST is not the ACK
  EXPECT_EQ(g.client_rtt_us, 0u);
  g.on_packet(seg(F::kAck, 101, 0, 1'000'800), kS2C);  // nor an ACK of the server
  EXPECT_EQ(g.client_rtt_us, 0u);
  g.on_packet(seg(F::kAck, 101, 0, 1'000'900), kC2S);
  EXPECT_EQ(g.client_rtt_us, 400u);
}

// Only the low 32 bits of the handshake's times are kept: round trips
// across a 2^32 µs boundary (every 71 minutes of capture time) still come out right.
TEST(TcpHealth, HandshakeAcrossA32BitBoundary) {
  const uint64_t t = (uint64_t(1) << 32) * 400'000 - 300;  // mid-2024, 300 µs before a wrap
  TcpHealth h;
  h.on_packet(seg(F::kSyn, 100, 0, t), kC2S);
  h.on_packet(seg(F::kSyn | F::kAck, 900, 0, t + 700), kS2C);
  h.on_packet(seg(F::kAck, 101, 0, t + 950), kC2S);
  EXPECT_EQ(h.server_rtt_us, 700u);
  EXPECT_EQ(h.client_rtt_us, 250u);
}

// Zero-window and out-of-order counts are 16 bits: they stop at 65535
// instead of wrapping to 0 (docs/probe.md says so).
TEST(TcpHealth, RareCountersStopAt65535) {
  TcpHealth h;
  h.on_packet(seg(F::kSyn, 0, 0, 1), kC2S);
  uint32_t seq = 1;
  for (uint32_t i = 0; i < 70'000; ++i) {
    h.on_packet(seg(F::kAck, seq, 0, 2, 0), kC2S);  // a zero window
    // A gap of 10 bytes, then the late segment that fills it.
    h.on_packet(seg(F::kAck, seq + 10, 10, 3), kC2S);
    h.on_packet(seg(F::kAck, seq, 10, 4), kC2S);
    seq += 20;
  }
  EXPECT_EQ(h.zero_windows[kC2S], 65535u);
  EXPECT_EQ(h.out_of_order[kC2S], 65535u);
  EXPECT_EQ(h.retransmissions[kC2S], 0u);
  h.on_packet(seg(F::kAck, 1, 10, 5), kC2S);  // retransmissions keep counting
  EXPECT_EQ(h.retransmissions[kC2S], 1u);
}

// Through the flow table: the SYN sender's packets are direction 0 whichever
// endpoint sorts first in the key.
TEST(TcpHealth, FlowTableFeedsDirections) {
  for (const char* client : {"10.0.0.9", "10.0.0.0"}) {
    SCOPED_TRACE(client);
    FlowTable table({}, [](Flow&, ExportReason) {});
    auto pkt = [](const char* s, uint16_t sp, const char* d, uint16_t dp, DecodedPacket p) {
      IpAddress::parse(s, p.src);
      IpAddress::parse(d, p.dst);
      p.src_port = sp;
      p.dst_port = dp;
      return p;
    };
    bool fc;
    Flow& f = table.update(pkt(client, 999, "10.0.0.1", 80, seg(F::kSyn, 1, 0, 1000)), 0, fc);
    table.update(pkt("10.0.0.1", 80, client, 999, seg(F::kSyn | F::kAck, 5, 0, 1300)), 0, fc);
    table.update(pkt(client, 999, "10.0.0.1", 80, seg(F::kAck, 2, 0, 1350)), 0, fc);
    table.update(pkt(client, 999, "10.0.0.1", 80, seg(F::kAck, 2, 100, 1400, 0)), 0, fc);
    table.update(pkt(client, 999, "10.0.0.1", 80, seg(F::kAck, 2, 100, 1500)), 0, fc);
    EXPECT_EQ(f.tcp.server_rtt_us, 300u);
    EXPECT_EQ(f.tcp.client_rtt_us, 50u);
    EXPECT_EQ(f.tcp.retransmissions[kC2S], 1u);
    EXPECT_EQ(f.tcp.retransmissions[kS2C], 0u);
    EXPECT_EQ(f.tcp.zero_windows[kC2S], 1u);
    EXPECT_EQ(f.tcp.zero_windows[kS2C], 0u);
    table.flush();
  }
}

// ---- sequence tracking ------------------------------------------------------------

TEST(TcpHealth, InOrderDataIsClean) {
  TcpHealth h;
  h.on_packet(seg(F::kSyn, 999, 0), kC2S);
  for (uint32_t i = 0; i < 10; ++i) h.on_packet(seg(F::kAck | F::kPsh, 1000 + i * 100, 100), kC2S);
  h.on_packet(seg(F::kAck, 2000, 0), kC2S);  // pure ACKs do not move anything
  h.on_packet(seg(F::kAck, 2000, 0), kC2S);
  h.on_packet(seg(F::kFin | F::kAck, 2000, 0), kC2S);
  EXPECT_EQ(h.retransmissions[kC2S], 0u);
  EXPECT_EQ(h.out_of_order[kC2S], 0u);
}

TEST(TcpHealth, Retransmission) {
  TcpHealth h;
  h.on_packet(seg(F::kAck, 1000, 100), kC2S);
  h.on_packet(seg(F::kAck, 1100, 100), kC2S);
  h.on_packet(seg(F::kAck, 1000, 100), kC2S);  // the first again
  EXPECT_EQ(h.retransmissions[kC2S], 1u);
  EXPECT_EQ(h.out_of_order[kC2S], 0u);
  h.on_packet(seg(F::kAck, 1200, 100), kC2S);  // on with new data
  EXPECT_EQ(h.retransmissions[kC2S], 1u);
  h.on_packet(seg(F::kAck, 1150, 100), kC2S);  // overlaps old and new: resent
  EXPECT_EQ(h.retransmissions[kC2S], 2u);
  h.on_packet(seg(F::kAck, 1300, 50), kC2S);
  EXPECT_EQ(h.retransmissions[kC2S], 2u);
  EXPECT_EQ(h.out_of_order[kC2S], 0u);
  // The other direction is counted apart.
  EXPECT_EQ(h.retransmissions[kS2C], 0u);
}

TEST(TcpHealth, DirectionsAreIndependent) {
  TcpHealth h;
  h.on_packet(seg(F::kAck, 1000, 100), kC2S);
  h.on_packet(seg(F::kAck, 1000, 100), kS2C);  // same numbers, other side: not a resend
  EXPECT_EQ(h.retransmissions[kC2S], 0u);
  EXPECT_EQ(h.retransmissions[kS2C], 0u);
  h.on_packet(seg(F::kAck, 1000, 100), kS2C);
  EXPECT_EQ(h.retransmissions[kS2C], 1u);
  EXPECT_EQ(h.retransmissions[kC2S], 0u);
}

TEST(TcpHealth, RetransmittedFin) {
  TcpHealth h;
  h.on_packet(seg(F::kAck, 1000, 100), kC2S);
  h.on_packet(seg(F::kFin | F::kAck, 1100, 0), kC2S);  // FIN takes a number
  h.on_packet(seg(F::kFin | F::kAck, 1100, 0), kC2S);
  EXPECT_EQ(h.retransmissions[kC2S], 1u);
}

TEST(TcpHealth, RstIsNeverARetransmission) {
  TcpHealth h;
  h.on_packet(seg(F::kAck, 1000, 100), kC2S);
  h.on_packet(seg(F::kRst, 1000, 0), kC2S);
  h.on_packet(seg(F::kRst | F::kAck, 1000, 10), kC2S);
  EXPECT_EQ(h.retransmissions[kC2S], 0u);
  EXPECT_EQ(h.out_of_order[kC2S], 0u);
}

TEST(TcpHealth, OutOfOrder) {
  TcpHealth h;
  h.on_packet(seg(F::kAck, 1000, 100), kC2S);
  h.on_packet(seg(F::kAck, 1200, 100), kC2S);  // 1100..1200 missing
  EXPECT_EQ(h.out_of_order[kC2S], 0u);
  h.on_packet(seg(F::kAck, 1100, 100), kC2S);  // arrives late
  EXPECT_EQ(h.out_of_order[kC2S], 1u);
  EXPECT_EQ(h.retransmissions[kC2S], 0u);
  h.on_packet(seg(F::kAck, 1300, 100), kC2S);  // on in order
  EXPECT_EQ(h.out_of_order[kC2S], 1u);
  EXPECT_EQ(h.retransmissions[kC2S], 0u);
}

TEST(TcpHealth, HoleFilledInSeveralPieces) {
  TcpHealth h;
  h.on_packet(seg(F::kAck, 1000, 100), kC2S);
  h.on_packet(seg(F::kAck, 1400, 100), kC2S);  // 1100..1400 missing
  h.on_packet(seg(F::kAck, 1100, 100), kC2S);
  h.on_packet(seg(F::kAck, 1200, 100), kC2S);
  h.on_packet(seg(F::kAck, 1300, 100), kC2S);
  EXPECT_EQ(h.out_of_order[kC2S], 3u);
  EXPECT_EQ(h.retransmissions[kC2S], 0u);
  h.on_packet(seg(F::kAck, 1000, 100), kC2S);  // before the hole: a resend
  EXPECT_EQ(h.retransmissions[kC2S], 1u);
  EXPECT_EQ(h.out_of_order[kC2S], 3u);
}

TEST(TcpHealth, ResendAfterHoleIsFilledIsARetransmission) {
  TcpHealth h;
  h.on_packet(seg(F::kAck, 1000, 100), kC2S);
  h.on_packet(seg(F::kAck, 1200, 100), kC2S);  // 1100..1200 missing
  h.on_packet(seg(F::kAck, 1100, 100), kC2S);  // filled: nothing is missing now
  EXPECT_EQ(h.out_of_order[kC2S], 1u);
  h.on_packet(seg(F::kAck, 1200, 100), kC2S);  // seen before: sent again
  EXPECT_EQ(h.retransmissions[kC2S], 1u);
  EXPECT_EQ(h.out_of_order[kC2S], 1u);
}

TEST(TcpHealth, SequenceWrapAround) {
  TcpHealth h;
  h.on_packet(seg(F::kAck, 0xffffff00u, 0x80), kC2S);
  h.on_packet(seg(F::kAck, 0xffffff80u, 0x100), kC2S);  // crosses 2^32
  h.on_packet(seg(F::kAck, 0x00000080u, 0x100), kC2S);
  EXPECT_EQ(h.retransmissions[kC2S], 0u);
  EXPECT_EQ(h.out_of_order[kC2S], 0u);
  h.on_packet(seg(F::kAck, 0xffffff80u, 0x100), kC2S);  // resent across the wrap
  EXPECT_EQ(h.retransmissions[kC2S], 1u);
  EXPECT_EQ(h.out_of_order[kC2S], 0u);
}

TEST(TcpHealth, KeepAliveIsNotCounted) {
  TcpHealth h;
  h.on_packet(seg(F::kAck, 1000, 100), kC2S);
  h.on_packet(seg(F::kAck, 1099, 0), kC2S);  // keep-alive: seq - 1, no data
  h.on_packet(seg(F::kAck, 1099, 0), kC2S);
  EXPECT_EQ(h.retransmissions[kC2S], 0u);
  EXPECT_EQ(h.out_of_order[kC2S], 0u);
}

// ---- zero window --------------------------------------------------------------------

TEST(TcpHealth, ZeroWindow) {
  TcpHealth h;
  h.on_packet(seg(F::kAck, 1000, 0, 0, 0), kS2C);
  h.on_packet(seg(F::kAck, 1000, 0, 0, 0), kS2C);
  h.on_packet(seg(F::kAck, 1000, 0, 0, 1), kS2C);
  EXPECT_EQ(h.zero_windows[kS2C], 2u);
  EXPECT_EQ(h.zero_windows[kC2S], 0u);
  // SYN, RST and FIN with a zero window are not a receiver saying "stop".
  h.on_packet(seg(F::kSyn, 1, 0, 0, 0), kC2S);
  h.on_packet(seg(F::kRst, 1, 0, 0, 0), kC2S);
  h.on_packet(seg(F::kFin | F::kAck, 1, 0, 0, 0), kC2S);
  EXPECT_EQ(h.zero_windows[kC2S], 0u);
  h.on_packet(seg(F::kAck | F::kPsh, 2, 10, 0, 0), kC2S);
  EXPECT_EQ(h.zero_windows[kC2S], 1u);
}

}  // namespace
}  // namespace vedetta
