// vedetta::FlowTable: direction, counters, timeouts, TCP close, eviction,
// and that every flow leaves through the export callback exactly once.
#include "flow/flow_table.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "export/flow_export.h"

namespace vedetta {
namespace {

namespace F = tcp_flag;
constexpr uint64_t kSec = 1'000'000;

IpAddress ip(const char* text) {
  IpAddress a;
  EXPECT_TRUE(IpAddress::parse(text, a)) << text;
  return a;
}

DecodedPacket packet(const char* src, uint16_t sport, const char* dst, uint16_t dport,
                     uint8_t proto, uint64_t ts_us, uint32_t ip_len = 100,
                     uint32_t frame_len = 114) {
  DecodedPacket p;
  p.ts_us = ts_us;
  p.src = ip(src);
  p.dst = ip(dst);
  p.src_port = sport;
  p.dst_port = dport;
  p.l4_proto = proto;
  p.ip_len = ip_len;
  p.wire_len = p.caplen = p.frame_len = frame_len;
  return p;
}

DecodedPacket tcp(const char* src, uint16_t sport, const char* dst, uint16_t dport,
                  uint8_t flags, uint64_t ts_us, uint32_t ip_len = 40, uint32_t frame_len = 54) {
  DecodedPacket p = packet(src, sport, dst, dport, 6, ts_us, ip_len, frame_len);
  p.is_tcp = true;
  p.tcp_flags = flags;
  p.tcp_window = 1000;
  return p;
}

DecodedPacket udp(const char* src, uint16_t sport, const char* dst, uint16_t dport,
                  uint64_t ts_us, uint32_t ip_len = 100, uint32_t frame_len = 114) {
  return packet(src, sport, dst, dport, 17, ts_us, ip_len, frame_len);
}

// What the callback saw, copied at the time of the call.
struct Record {
  uint64_t id;
  ExportReason reason;
  Endpoint client, server;
  bool direction_guessed;
  DirectionCounters c2s, s2c;
  uint64_t delta_in_packets, delta_in_bytes, delta_out_packets, delta_out_bytes;
  uint64_t first_us, last_us;
};

struct Harness {
  explicit Harness(FlowTableOptions o)
      : table(o, [this](Flow& f, ExportReason r) {
          FlowExport e{f, r};
          records.push_back({f.id, r, f.client(), f.server(), f.direction_guessed, f.c2s, f.s2c,
                             e.delta_in_packets(), e.delta_in_bytes(), e.delta_out_packets(),
                             e.delta_out_bytes(), f.first_us, f.last_us});
        }) {}

  Flow& update(const DecodedPacket& p, bool* from_client = nullptr) {
    bool fc = false;
    Flow& f = table.update(p, 0, fc);
    if (from_client) *from_client = fc;
    return f;
  }
  std::vector<Record> finals() const {
    std::vector<Record> out;
    for (const auto& r : records)
      if (r.reason != ExportReason::kActiveTimeout) out.push_back(r);
    return out;
  }

  std::vector<Record> records;
  FlowTable table;
};

FlowTableOptions no_timeouts() {
  FlowTableOptions o;
  o.idle_timeout_us = 0;
  o.active_timeout_us = 0;
  o.tcp_close_timeout_us = 0;
  o.max_flows = 0;
  return o;
}

// ---- direction -----------------------------------------------------------------

// Client "10.0.0.9" sorts above server "10.0.0.1" and "10.0.0.0" below: both
// canonical orders are covered.
class Direction : public ::testing::TestWithParam<const char*> {};
INSTANTIATE_TEST_SUITE_P(BothKeyOrders, Direction, ::testing::Values("10.0.0.9", "10.0.0.0"));

TEST_P(Direction, SynSenderIsClient) {
  const char* client = GetParam();
  Harness h(no_timeouts());
  bool from_client = false;
  Flow& f = h.update(tcp(client, 50000, "10.0.0.1", 80, F::kSyn, 1 * kSec), &from_client);
  EXPECT_TRUE(from_client);
  EXPECT_EQ(f.client().addr, ip(client));
  EXPECT_EQ(f.client().port, 50000);
  EXPECT_EQ(f.server().addr, ip("10.0.0.1"));
  EXPECT_EQ(f.server().port, 80);
  EXPECT_FALSE(f.direction_guessed);
  Flow& g = h.update(tcp("10.0.0.1", 80, client, 50000, F::kSyn | F::kAck, 2 * kSec), &from_client);
  EXPECT_EQ(&f, &g);
  EXPECT_FALSE(from_client);
  h.update(tcp(client, 50000, "10.0.0.1", 80, F::kAck, 3 * kSec), &from_client);
  EXPECT_TRUE(from_client);
  EXPECT_EQ(h.table.size(), 1u);
  EXPECT_EQ(f.c2s.packets, 2u);
  EXPECT_EQ(f.s2c.packets, 1u);
  EXPECT_EQ(f.c2s.tcp_flags, F::kSyn | F::kAck);
  EXPECT_EQ(f.s2c.tcp_flags, F::kSyn | F::kAck);
}

TEST_P(Direction, SynAckFirstMakesItsReceiverTheClient) {
  const char* client = GetParam();
  Harness h(no_timeouts());
  bool from_client = true;
  Flow& f = h.update(tcp("10.0.0.1", 443, client, 40000, F::kSyn | F::kAck, kSec), &from_client);
  EXPECT_FALSE(from_client);
  EXPECT_EQ(f.client().addr, ip(client));
  EXPECT_EQ(f.client().port, 40000);
  EXPECT_EQ(f.server().port, 443);
  EXPECT_FALSE(f.direction_guessed);
  EXPECT_EQ(f.s2c.packets, 1u);
  EXPECT_EQ(f.c2s.packets, 0u);
  h.update(tcp(client, 40000, "10.0.0.1", 443, F::kAck, 2 * kSec), &from_client);
  EXPECT_TRUE(from_client);
}

TEST_P(Direction, MidStreamTcpGuessesDirection) {
  const char* first_sender = GetParam();
  Harness h(no_timeouts());
  bool from_client = false;
  Flow& f = h.update(tcp(first_sender, 1234, "10.0.0.1", 22, F::kAck | F::kPsh, kSec),
                     &from_client);
  EXPECT_TRUE(f.direction_guessed);
  EXPECT_TRUE(from_client);
  EXPECT_EQ(f.client().addr, ip(first_sender));
  EXPECT_EQ(f.client().port, 1234);
}

TEST_P(Direction, UdpFirstSenderIsClient) {
  const char* client = GetParam();
  Harness h(no_timeouts());
  bool from_client = false;
  Flow& f = h.update(udp(client, 5353, "10.0.0.1", 53, kSec), &from_client);
  EXPECT_TRUE(from_client);
  EXPECT_FALSE(f.direction_guessed);
  EXPECT_EQ(f.client().addr, ip(client));
  EXPECT_EQ(f.server().port, 53);
  h.update(udp("10.0.0.1", 53, client, 5353, 2 * kSec), &from_client);
  EXPECT_FALSE(from_client);
  EXPECT_EQ(f.c2s.packets, 1u);
  EXPECT_EQ(f.s2c.packets, 1u);
}

TEST(FlowTable, MacsFollowTheClient) {
  Harness h(no_timeouts());
  DecodedPacket p = tcp("10.0.0.1", 443, "10.0.0.9", 40000, F::kSyn | F::kAck, kSec);
  p.has_mac = true;
  const uint8_t server_mac[6] = {2, 0, 0, 0, 0, 1}, client_mac[6] = {2, 0, 0, 0, 0, 9};
  std::memcpy(p.src_mac, server_mac, 6);
  std::memcpy(p.dst_mac, client_mac, 6);
  Flow& f = h.update(p);
  EXPECT_EQ(0, std::memcmp(f.client_mac, client_mac, 6));
  EXPECT_EQ(0, std::memcmp(f.server_mac, server_mac, 6));
}

TEST(FlowTable, KeyIncludesVlanProtocolAndPorts) {
  Harness h(no_timeouts());
  Flow& a = h.update(udp("10.0.0.2", 1000, "10.0.0.1", 53, kSec));
  DecodedPacket v = udp("10.0.0.2", 1000, "10.0.0.1", 53, kSec);
  v.vlan_id = 7;
  Flow& b = h.update(v);
  Flow& c = h.update(tcp("10.0.0.2", 1000, "10.0.0.1", 53, F::kSyn, kSec));
  Flow& d = h.update(udp("10.0.0.2", 1001, "10.0.0.1", 53, kSec));
  Flow& e = h.update(udp("10.0.0.1", 53, "10.0.0.2", 1000, kSec));  // reply: same as a
  EXPECT_EQ(h.table.size(), 4u);
  EXPECT_NE(a.id, b.id);
  EXPECT_NE(a.id, c.id);
  EXPECT_NE(a.id, d.id);
  EXPECT_EQ(&a, &e);
  EXPECT_EQ(b.key.vlan, 7);
  EXPECT_EQ(h.table.stats().created, 4u);
}

TEST(FlowTable, Ipv6Flows) {
  Harness h(no_timeouts());
  Flow& a = h.update(udp("2001:db8::1", 1000, "2001:db8::2", 53, kSec));
  Flow& b = h.update(udp("2001:db8::2", 53, "2001:db8::1", 1000, kSec));
  // Same low 8 bytes, different high bytes: must not collide.
  Flow& c = h.update(udp("2001:db9::1", 1000, "2001:db8::2", 53, kSec));
  EXPECT_EQ(&a, &b);
  EXPECT_NE(a.id, c.id);
  EXPECT_EQ(a.client().addr, ip("2001:db8::1"));
}

TEST(FlowTable, PerDirectionCounters) {
  Harness h(no_timeouts());
  Flow& f = h.update(tcp("10.0.0.9", 5000, "10.0.0.1", 80, F::kSyn, 1 * kSec, 60, 74));
  h.update(tcp("10.0.0.1", 80, "10.0.0.9", 5000, F::kSyn | F::kAck, 2 * kSec, 60, 78));
  h.update(tcp("10.0.0.9", 5000, "10.0.0.1", 80, F::kAck, 3 * kSec, 52, 66));
  DecodedPacket data = tcp("10.0.0.9", 5000, "10.0.0.1", 80, F::kAck | F::kPsh, 4 * kSec, 1500, 1514);
  data.first_fragment = true;
  h.update(data);
  h.update(tcp("10.0.0.1", 80, "10.0.0.9", 5000, F::kAck | F::kFin, 5 * kSec, 40, 60));

  EXPECT_EQ(f.c2s.packets, 3u);
  EXPECT_EQ(f.c2s.ip_bytes, 60u + 52 + 1500);
  EXPECT_EQ(f.c2s.frame_bytes, 74u + 66 + 1514);
  EXPECT_EQ(f.c2s.tcp_flags, F::kSyn | F::kAck | F::kPsh);
  EXPECT_EQ(f.fragments(0), 1u);
  EXPECT_EQ(f.s2c.packets, 2u);
  EXPECT_EQ(f.s2c.ip_bytes, 100u);
  EXPECT_EQ(f.s2c.frame_bytes, 138u);
  EXPECT_EQ(f.s2c.tcp_flags, F::kSyn | F::kAck | F::kFin);
  EXPECT_EQ(f.fragments(1), 0u);
  EXPECT_EQ(f.first_us, 1 * kSec);
  EXPECT_EQ(f.last_us, 5 * kSec);
}

TEST(FlowTable, LastSeenNeverGoesBack) {
  Harness h(no_timeouts());
  Flow& f = h.update(udp("10.0.0.2", 1, "10.0.0.1", 2, 10 * kSec));
  h.update(udp("10.0.0.2", 1, "10.0.0.1", 2, 9 * kSec));
  EXPECT_EQ(f.first_us, 10 * kSec);
  EXPECT_EQ(f.last_us, 10 * kSec);
  EXPECT_EQ(f.c2s.packets, 2u);
}

TEST(FlowTable, InputAndTunnelAreKept) {
  Harness h(no_timeouts());
  DecodedPacket p = udp("10.0.0.2", 1, "10.0.0.1", 2, kSec);
  p.tunnel = Tunnel::kGtp;
  bool fc;
  Flow& f = h.table.update(p, 3, fc);
  EXPECT_EQ(f.input_if, 3);
  EXPECT_EQ(f.tunnel, Tunnel::kGtp);
}

// ---- timeouts ---------------------------------------------------------------------

TEST(FlowTable, IdleTimeoutExport) {
  FlowTableOptions o = no_timeouts();
  o.idle_timeout_us = 30 * kSec;
  Harness h(o);
  h.update(udp("10.0.0.2", 1, "10.0.0.1", 2, 100 * kSec));
  h.update(udp("10.0.0.3", 1, "10.0.0.1", 2, 110 * kSec));
  h.table.expire(129 * kSec);
  EXPECT_TRUE(h.records.empty());
  h.table.expire(130 * kSec);
  ASSERT_EQ(h.records.size(), 1u);
  EXPECT_EQ(h.records[0].reason, ExportReason::kIdle);
  EXPECT_EQ(h.records[0].client.addr, ip("10.0.0.2"));
  EXPECT_EQ(h.table.size(), 1u);
  h.table.expire(140 * kSec);
  ASSERT_EQ(h.records.size(), 2u);
  EXPECT_EQ(h.records[1].client.addr, ip("10.0.0.3"));
  EXPECT_EQ(h.table.size(), 0u);
  EXPECT_EQ(h.table.stats().exported, 2u);
}

TEST(FlowTable, ActivityPostponesIdleExport) {
  FlowTableOptions o = no_timeouts();
  o.idle_timeout_us = 10 * kSec;
  Harness h(o);
  h.update(udp("10.0.0.2", 1, "10.0.0.1", 2, 0));      // old
  h.update(udp("10.0.0.3", 1, "10.0.0.1", 2, 1 * kSec));
  h.update(udp("10.0.0.1", 2, "10.0.0.2", 1, 9 * kSec));  // old one is active again
  h.table.expire(12 * kSec);
  ASSERT_EQ(h.records.size(), 1u);
  EXPECT_EQ(h.records[0].client.addr, ip("10.0.0.3"));
  h.table.expire(19 * kSec);
  ASSERT_EQ(h.records.size(), 2u);
  EXPECT_EQ(h.records[1].client.addr, ip("10.0.0.2"));
  EXPECT_EQ(h.records[1].c2s.packets, 1u);
  EXPECT_EQ(h.records[1].s2c.packets, 1u);
}

TEST(FlowTable, NoIdleTimeoutKeepsFlows) {
  Harness h(no_timeouts());
  h.update(udp("10.0.0.2", 1, "10.0.0.1", 2, 0));
  h.table.expire(1'000'000 * kSec);
  EXPECT_TRUE(h.records.empty());
  EXPECT_EQ(h.table.size(), 1u);
}

// Live inputs: every flow with packets not yet exported goes out once a
// period even when no packet of its own comes after the period; a quiet one
// (everything exported) does not; the per-packet lifetime timeout is not needed.
TEST(FlowTable, ExportActiveSendsFlowsWithNewPacketsEachPeriod) {
  Harness h(no_timeouts());
  h.update(udp("10.0.0.2", 1, "10.0.0.1", 2, 100 * kSec, 100));  // then quiet
  h.update(udp("10.0.0.3", 1, "10.0.0.1", 2, 100 * kSec, 40));
  h.table.export_active(100 * kSec + kSec / 2, kSec);  // not a period old yet
  EXPECT_TRUE(h.records.empty());
  h.table.export_active(101 * kSec, kSec);
  ASSERT_EQ(h.records.size(), 2u);
  EXPECT_EQ(h.records[0].reason, ExportReason::kActiveTimeout);
  EXPECT_EQ(h.records[0].delta_in_bytes + h.records[1].delta_in_bytes, 140u);
  h.table.export_active(102 * kSec, kSec);  // nothing new
  EXPECT_EQ(h.records.size(), 2u);
  h.update(udp("10.0.0.1", 2, "10.0.0.2", 1, 102 * kSec + 1, 60));
  h.table.export_active(103 * kSec + 1, kSec);
  ASSERT_EQ(h.records.size(), 3u);
  EXPECT_EQ(h.records[2].delta_out_bytes, 60u);
  EXPECT_EQ(h.records[2].delta_in_bytes, 0u);
  EXPECT_EQ(h.table.size(), 2u);  // the flows stay
}

TEST(FlowTable, ActiveTimeoutExportsDeltas) {
  FlowTableOptions o = no_timeouts();
  o.active_timeout_us = 10 * kSec;
  Harness h(o);
  h.update(udp("10.0.0.2", 1, "10.0.0.1", 2, 0, 100));
  h.update(udp("10.0.0.2", 1, "10.0.0.1", 2, 5 * kSec, 200));
  h.update(udp("10.0.0.1", 2, "10.0.0.2", 1, 6 * kSec, 50));
  EXPECT_TRUE(h.records.empty());
  h.update(udp("10.0.0.2", 1, "10.0.0.1", 2, 10 * kSec, 300));  // reaches the period
  ASSERT_EQ(h.records.size(), 1u);
  const Record& first = h.records[0];
  EXPECT_EQ(first.reason, ExportReason::kActiveTimeout);
  EXPECT_EQ(first.delta_in_packets, 3u);
  EXPECT_EQ(first.delta_in_bytes, 600u);
  EXPECT_EQ(first.delta_out_packets, 1u);
  EXPECT_EQ(first.delta_out_bytes, 50u);
  EXPECT_EQ(h.table.size(), 1u);  // the flow stays
  EXPECT_EQ(h.table.stats().active_exports, 1u);

  h.update(udp("10.0.0.2", 1, "10.0.0.1", 2, 12 * kSec, 1000));
  h.update(udp("10.0.0.1", 2, "10.0.0.2", 1, 19 * kSec, 70));
  EXPECT_EQ(h.records.size(), 1u);  // next period counts from the export
  h.update(udp("10.0.0.1", 2, "10.0.0.2", 1, 20 * kSec, 80));
  ASSERT_EQ(h.records.size(), 2u);
  EXPECT_EQ(h.records[1].reason, ExportReason::kActiveTimeout);
  EXPECT_EQ(h.records[1].delta_in_packets, 1u);
  EXPECT_EQ(h.records[1].delta_in_bytes, 1000u);
  EXPECT_EQ(h.records[1].delta_out_packets, 2u);
  EXPECT_EQ(h.records[1].delta_out_bytes, 150u);

  h.update(udp("10.0.0.2", 1, "10.0.0.1", 2, 21 * kSec, 7));
  h.table.flush();
  ASSERT_EQ(h.records.size(), 3u);
  const Record& last = h.records[2];
  EXPECT_EQ(last.reason, ExportReason::kShutdown);
  EXPECT_EQ(last.delta_in_packets, 1u);
  EXPECT_EQ(last.delta_in_bytes, 7u);
  EXPECT_EQ(last.delta_out_packets, 0u);
  EXPECT_EQ(last.delta_out_bytes, 0u);
  // Totals are kept whole.
  EXPECT_EQ(last.c2s.packets, 5u);
  EXPECT_EQ(last.c2s.ip_bytes, 1607u);
  EXPECT_EQ(last.s2c.packets, 3u);
  EXPECT_EQ(h.table.stats().exported, 1u);
  EXPECT_EQ(h.table.stats().active_exports, 2u);
}

TEST(FlowTable, ActiveAndIdleTogether) {
  FlowTableOptions o = no_timeouts();
  o.active_timeout_us = 10 * kSec;
  o.idle_timeout_us = 5 * kSec;
  Harness h(o);
  for (uint64_t t = 0; t <= 12; t += 2) {
    h.update(udp("10.0.0.2", 1, "10.0.0.1", 2, t * kSec));
    h.table.expire(t * kSec);
  }
  h.table.expire(17 * kSec);
  ASSERT_EQ(h.records.size(), 2u);
  EXPECT_EQ(h.records[0].reason, ExportReason::kActiveTimeout);
  EXPECT_EQ(h.records[0].delta_in_packets, 6u);  // 0,2,...,10
  EXPECT_EQ(h.records[1].reason, ExportReason::kIdle);
  EXPECT_EQ(h.records[1].delta_in_packets, 1u);  // 12
  EXPECT_EQ(h.records[1].c2s.packets, 7u);
}

// ---- TCP close ------------------------------------------------------------------------

FlowTableOptions close_after(uint64_t s) {
  FlowTableOptions o = no_timeouts();
  o.tcp_close_timeout_us = s * kSec;
  return o;
}

TEST(FlowTable, FinBothWaysEndsFlow) {
  Harness h(close_after(5));
  h.update(tcp("10.0.0.9", 5000, "10.0.0.1", 80, F::kSyn, 1 * kSec));
  h.update(tcp("10.0.0.1", 80, "10.0.0.9", 5000, F::kSyn | F::kAck, 1 * kSec));
  h.update(tcp("10.0.0.9", 5000, "10.0.0.1", 80, F::kFin | F::kAck, 2 * kSec));
  h.table.expire(100 * kSec);
  EXPECT_TRUE(h.records.empty()) << "one FIN does not close";
  h.update(tcp("10.0.0.1", 80, "10.0.0.9", 5000, F::kFin | F::kAck, 3 * kSec));
  h.update(tcp("10.0.0.9", 5000, "10.0.0.1", 80, F::kAck, 3 * kSec + 10));  // last ACK
  h.table.expire(8 * kSec - 1);
  EXPECT_TRUE(h.records.empty());
  h.table.expire(8 * kSec);
  ASSERT_EQ(h.records.size(), 1u);
  EXPECT_EQ(h.records[0].reason, ExportReason::kEnd);
  EXPECT_EQ(h.records[0].c2s.packets, 3u);
  EXPECT_EQ(h.records[0].s2c.packets, 2u);
  EXPECT_EQ(h.table.size(), 0u);
}

TEST(FlowTable, RstEndsFlow) {
  Harness h(close_after(2));
  h.update(tcp("10.0.0.9", 5000, "10.0.0.1", 81, F::kSyn, 1 * kSec));
  h.update(tcp("10.0.0.1", 81, "10.0.0.9", 5000, F::kRst | F::kAck, 1 * kSec));
  h.table.expire(3 * kSec);
  ASSERT_EQ(h.records.size(), 1u);
  EXPECT_EQ(h.records[0].reason, ExportReason::kEnd);
}

TEST(FlowTable, ClosedFlowsIgnoreIdleOrder) {
  FlowTableOptions o = close_after(5);
  o.idle_timeout_us = 60 * kSec;
  Harness h(o);
  h.update(udp("10.0.0.2", 1, "10.0.0.1", 2, 0));  // older, still open
  h.update(tcp("10.0.0.9", 5000, "10.0.0.1", 80, F::kRst, 10 * kSec));
  h.table.expire(15 * kSec);
  ASSERT_EQ(h.records.size(), 1u);
  EXPECT_EQ(h.records[0].reason, ExportReason::kEnd);
  EXPECT_EQ(h.records[0].client.port, 5000);
  EXPECT_EQ(h.table.size(), 1u);
}

TEST(FlowTable, CloseTimeoutZeroIgnoresFinAndRst) {
  FlowTableOptions o = no_timeouts();
  o.idle_timeout_us = 10 * kSec;
  Harness h(o);
  h.update(tcp("10.0.0.9", 5000, "10.0.0.1", 80, F::kRst, 1 * kSec));
  h.table.expire(5 * kSec);
  EXPECT_TRUE(h.records.empty());
  h.table.expire(11 * kSec);
  ASSERT_EQ(h.records.size(), 1u);
  EXPECT_EQ(h.records[0].reason, ExportReason::kIdle);
}

TEST(FlowTable, NewSynOnClosedFlowStartsNewFlow) {
  Harness h(close_after(5));
  Flow& f = h.update(tcp("10.0.0.9", 5000, "10.0.0.1", 80, F::kSyn, 1 * kSec));
  uint64_t first_id = f.id;
  h.update(tcp("10.0.0.1", 80, "10.0.0.9", 5000, F::kRst | F::kAck, 2 * kSec));
  // The port is reused before the close timeout: the old flow ends now.
  bool from_client = false;
  Flow& g = h.update(tcp("10.0.0.9", 5000, "10.0.0.1", 80, F::kSyn, 3 * kSec), &from_client);
  ASSERT_EQ(h.records.size(), 1u);
  EXPECT_EQ(h.records[0].id, first_id);
  EXPECT_EQ(h.records[0].reason, ExportReason::kEnd);
  EXPECT_EQ(h.records[0].c2s.packets, 1u);
  EXPECT_EQ(h.records[0].s2c.packets, 1u);
  EXPECT_NE(g.id, first_id);
  EXPECT_TRUE(from_client);
  EXPECT_EQ(g.c2s.packets, 1u);
  EXPECT_EQ(g.s2c.packets, 0u);
  EXPECT_EQ(g.first_us, 3 * kSec);
  EXPECT_EQ(g.closed_us(), 0u);
  EXPECT_EQ(h.table.size(), 1u);
  EXPECT_EQ(h.table.stats().created, 2u);
  // The new flow is open: it does not end at the old close timeout.
  h.table.expire(20 * kSec);
  EXPECT_EQ(h.records.size(), 1u);
}

TEST(FlowTable, SynOnOpenFlowIsARetransmission) {
  Harness h(close_after(5));
  Flow& f = h.update(tcp("10.0.0.9", 5000, "10.0.0.1", 80, F::kSyn, 1 * kSec));
  Flow& g = h.update(tcp("10.0.0.9", 5000, "10.0.0.1", 80, F::kSyn, 2 * kSec));
  EXPECT_EQ(&f, &g);
  EXPECT_EQ(f.c2s.packets, 2u);
  EXPECT_TRUE(h.records.empty());
}

TEST(FlowTable, NonSynAfterCloseStaysInClosedFlow) {
  Harness h(close_after(5));
  Flow& f = h.update(tcp("10.0.0.9", 5000, "10.0.0.1", 80, F::kRst, 1 * kSec));
  Flow& g = h.update(tcp("10.0.0.1", 80, "10.0.0.9", 5000, F::kAck, 2 * kSec));
  EXPECT_EQ(&f, &g);
  EXPECT_TRUE(h.records.empty());
  h.table.expire(6 * kSec);
  ASSERT_EQ(h.records.size(), 1u);
  EXPECT_EQ(h.records[0].reason, ExportReason::kEnd);
}

// ---- cap, flush ------------------------------------------------------------------------

TEST(FlowTable, EvictsLeastRecentlySeenAtCap) {
  FlowTableOptions o = no_timeouts();
  o.max_flows = 3;
  Harness h(o);
  h.update(udp("10.0.0.1", 1, "10.0.1.1", 53, 1));
  h.update(udp("10.0.0.2", 1, "10.0.1.1", 53, 2));
  h.update(udp("10.0.0.3", 1, "10.0.1.1", 53, 3));
  h.update(udp("10.0.1.1", 53, "10.0.0.1", 1, 4));  // flow 1 seen again
  EXPECT_TRUE(h.records.empty());
  h.update(udp("10.0.0.4", 1, "10.0.1.1", 53, 5));
  ASSERT_EQ(h.records.size(), 1u);
  EXPECT_EQ(h.records[0].reason, ExportReason::kEviction);
  EXPECT_EQ(h.records[0].client.addr, ip("10.0.0.2"));
  EXPECT_EQ(h.table.size(), 3u);
  EXPECT_EQ(h.table.stats().evicted, 1u);
  h.update(udp("10.0.0.5", 1, "10.0.1.1", 53, 6));
  ASSERT_EQ(h.records.size(), 2u);
  EXPECT_EQ(h.records[1].client.addr, ip("10.0.0.3"));
  EXPECT_EQ(h.table.stats().evicted, 2u);
  EXPECT_EQ(h.table.stats().created, 5u);
}

TEST(FlowTable, EvictsClosedFlowsFirst) {
  FlowTableOptions o = close_after(60);
  o.max_flows = 2;
  Harness h(o);
  h.update(udp("10.0.0.1", 1, "10.0.1.1", 53, 1));
  h.update(tcp("10.0.0.2", 1, "10.0.1.1", 80, F::kRst, 2));  // newest, but closed
  h.update(udp("10.0.0.3", 1, "10.0.1.1", 53, 3));
  ASSERT_EQ(h.records.size(), 1u);
  EXPECT_EQ(h.records[0].reason, ExportReason::kEviction);
  EXPECT_EQ(h.records[0].client.addr, ip("10.0.0.2"));
}

TEST(FlowTable, ExistingFlowsAtCapAreNotEvicted) {
  FlowTableOptions o = no_timeouts();
  o.max_flows = 2;
  Harness h(o);
  h.update(udp("10.0.0.1", 1, "10.0.1.1", 53, 1));
  h.update(udp("10.0.0.2", 1, "10.0.1.1", 53, 2));
  for (int i = 0; i < 10; ++i) h.update(udp("10.0.1.1", 53, "10.0.0.1", 1, 3 + i));
  EXPECT_TRUE(h.records.empty());
  EXPECT_EQ(h.table.stats().evicted, 0u);
}

TEST(FlowTable, FlushExportsEverythingAsShutdown) {
  Harness h(close_after(5));
  h.update(udp("10.0.0.1", 1, "10.0.1.1", 53, 1));
  h.update(tcp("10.0.0.2", 1, "10.0.1.1", 80, F::kRst, 2));
  h.update(tcp("10.0.0.3", 1, "10.0.1.1", 80, F::kSyn, 3));
  h.table.flush();
  ASSERT_EQ(h.records.size(), 3u);
  std::set<uint64_t> ids;
  for (const auto& r : h.records) {
    EXPECT_EQ(r.reason, ExportReason::kShutdown);
    ids.insert(r.id);
  }
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(h.table.size(), 0u);
  h.table.flush();
  EXPECT_EQ(h.records.size(), 3u);
  // The table works again after a flush.
  h.update(udp("10.0.0.1", 1, "10.0.1.1", 53, 10));
  EXPECT_EQ(h.table.size(), 1u);
}

TEST(FlowTable, ReasonNames) {
  EXPECT_STREQ(export_reason_name(ExportReason::kIdle), "idle");
  EXPECT_STREQ(export_reason_name(ExportReason::kActiveTimeout), "active");
  EXPECT_STREQ(export_reason_name(ExportReason::kEnd), "end");
  EXPECT_STREQ(export_reason_name(ExportReason::kEviction), "eviction");
  EXPECT_STREQ(export_reason_name(ExportReason::kShutdown), "shutdown");
}

// ---- the table itself ---------------------------------------------------------------------

std::string addr_of(uint32_t i) {
  return "10." + std::to_string((i >> 16) & 0xff) + "." + std::to_string((i >> 8) & 0xff) + "." +
         std::to_string(i & 0xff);
}

TEST(FlowTable, GrowsAndKeepsFindingFlows) {
  FlowTableOptions o = no_timeouts();
  o.idle_timeout_us = 100;
  Harness h(o);
  constexpr uint32_t kFlows = 5000;  // several doublings of the 1024-slot start
  std::map<uint32_t, uint64_t> ids;
  // Odd-numbered flows first (last seen at 0), then the even ones (at 1000),
  // interleaved in the slot array.
  for (uint32_t parity : {1u, 0u}) {
    for (uint32_t i = parity; i < kFlows; i += 2) {
      std::string a = addr_of(i);
      ids[i] = h.update(udp(a.c_str(), uint16_t(i), "192.168.0.1", 53, parity ? 0 : 1000)).id;
    }
  }
  EXPECT_EQ(h.table.size(), kFlows);
  h.table.expire(100);  // the odd ones are idle
  EXPECT_EQ(h.table.size(), kFlows / 2);
  // Every remaining flow is still found (backward-shift deletion kept the
  // probe chains), and no flow was created twice.
  for (uint32_t i = 0; i < kFlows; i += 2) {
    std::string a = addr_of(i);
    Flow& f = h.update(udp("192.168.0.1", 53, a.c_str(), uint16_t(i), 1000));
    EXPECT_EQ(f.id, ids[i]) << a;
    EXPECT_EQ(f.s2c.packets, 1u);
  }
  EXPECT_EQ(h.table.stats().created, kFlows);
  h.table.flush();
  EXPECT_EQ(h.records.size(), kFlows);
  EXPECT_GT(h.table.bytes_per_flow(), 0u);
}

// A long mixed workload: every flow created is exported finally exactly
// once, never used after that, and active exports only precede the final one.
TEST(FlowTable, EveryFlowLeavesExactlyOnce) {
  FlowTableOptions o;
  o.idle_timeout_us = 20 * kSec;
  o.active_timeout_us = 15 * kSec;
  o.tcp_close_timeout_us = 3 * kSec;
  o.max_flows = 200;
  std::map<uint64_t, int> finals;
  std::set<uint64_t> seen_ids;
  uint64_t active = 0;
  FlowTable table(o, [&](Flow& f, ExportReason r) {
    EXPECT_EQ(finals[f.id], 0) << "flow " << f.id << " exported after its final export";
    if (r == ExportReason::kActiveTimeout) ++active;
    else ++finals[f.id];
  });
  uint64_t state = 12345;
  auto rnd = [&state](uint32_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return uint32_t(state >> 33) % n;
  };
  const uint8_t flag_choices[] = {F::kSyn, F::kSyn | F::kAck, F::kAck, F::kAck | F::kPsh,
                                  F::kFin | F::kAck, F::kRst, F::kAck};
  uint64_t ts = 0;
  for (int i = 0; i < 60000; ++i) {
    ts += rnd(20000);  // up to 20 ms between packets: flows age out over the run
    // A few hot flows (long lived: active exports) among many cold ones
    // (eviction, idle).
    std::string a = addr_of(rnd(4) ? rnd(6) : rnd(400)), b = addr_of(1000 + rnd(4));
    uint16_t pa = uint16_t(1000 + rnd(3)), pb = 80;
    bool forward = rnd(2);
    DecodedPacket p = rnd(3) == 0 ? udp(forward ? a.c_str() : b.c_str(), forward ? pa : pb,
                                        forward ? b.c_str() : a.c_str(), forward ? pb : pa, ts)
                                  : tcp(forward ? a.c_str() : b.c_str(), forward ? pa : pb,
                                        forward ? b.c_str() : a.c_str(), forward ? pb : pa,
                                        flag_choices[rnd(7)], ts);
    bool fc;
    Flow& f = table.update(p, 0, fc);
    EXPECT_EQ(finals[f.id], 0);
    seen_ids.insert(f.id);
    if (rnd(50) == 0) table.expire(ts);
    ASSERT_LE(table.size(), o.max_flows);
  }
  table.flush();
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.stats().created, seen_ids.size());
  EXPECT_EQ(table.stats().exported, seen_ids.size());
  EXPECT_EQ(table.stats().active_exports, active);
  EXPECT_GT(table.stats().evicted, 0u);
  EXPECT_GT(active, 0u);
  for (uint64_t id : seen_ids) EXPECT_EQ(finals[id], 1) << "flow " << id;
  EXPECT_EQ(finals.size(), seen_ids.size());
}

}  // namespace
}  // namespace vedetta
