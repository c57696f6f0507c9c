// The compact flow layout (src/flow/flow.h): the pointer shared by nDPI's
// state and the host name, values kept in FlowExtras only when a flow needs
// them, counters that share a word with flags.
#include <gtest/gtest.h>

#include <cstdlib>

#include "flow/flow_table.h"

namespace vedetta {
namespace {

TEST(HostOrDpiState, HoldsAHostOrAStateNeverBoth) {
  HostOrDpiState slot;
  EXPECT_TRUE(slot.empty());
  EXPECT_EQ(slot.state(), nullptr);

  void* state = std::malloc(64);
  slot.hold_state(state);
  EXPECT_EQ(slot.state(), state);
  EXPECT_TRUE(slot.empty());  // no host while nDPI inspects
  EXPECT_EQ(slot.view(), "");

  slot.hold_state(nullptr);  // the DPI stage takes its state back...
  std::free(state);
  slot = "www.example.com";  // ...and the host takes its place
  EXPECT_EQ(slot.state(), nullptr);
  EXPECT_EQ(slot.view(), "www.example.com");

  HostOrDpiState copy = slot;  // a deep copy
  slot = "other.example";
  EXPECT_EQ(copy.view(), "www.example.com");
  EXPECT_EQ(slot.view(), "other.example");
  HostOrDpiState moved = std::move(copy);
  EXPECT_EQ(moved.view(), "www.example.com");
  EXPECT_TRUE(copy.empty());
  moved.clear();
  EXPECT_TRUE(moved.empty());
  moved = "";
  EXPECT_TRUE(moved.empty());
}

TEST(FlowExtras, AbsentUntilAFlowNeedsThem) {
  Flow f;
  f.first_us = 5'000'000;
  EXPECT_EQ(f.extras_box.get(), nullptr);
  EXPECT_EQ(f.last_export_us(), 5'000'000u);  // the active timeout counts from the start
  EXPECT_EQ(f.closed_us(), 0u);
  EXPECT_EQ(f.fragments(0), 0u);
  EXPECT_EQ(f.exported_c2s().packets, 0u);
  EXPECT_EQ(f.exported_s2c().ip_bytes, 0u);

  f.extras().fragments[1] = 3;  // created with the same defaults
  EXPECT_EQ(f.last_export_us(), 5'000'000u);
  EXPECT_EQ(f.fragments(1), 3u);
  Flow copy = f;  // copies its own extras
  copy.extras().fragments[1] = 4;
  EXPECT_EQ(f.fragments(1), 3u);
}

DecodedPacket packet(const char* src, uint16_t sport, const char* dst, uint16_t dport,
                     uint8_t proto, uint64_t ts_us) {
  DecodedPacket p;
  p.ts_us = ts_us;
  EXPECT_TRUE(IpAddress::parse(src, p.src));
  EXPECT_TRUE(IpAddress::parse(dst, p.dst));
  p.src_port = sport;
  p.dst_port = dport;
  p.l4_proto = proto;
  p.ip_len = 100;
  p.frame_len = 114;
  p.is_tcp = proto == 6;
  return p;
}

// A plain flow (no fragments, no active export, not closed) carries no
// FlowExtras; each of those events gives it one.
TEST(FlowExtras, OnlyFlowsThatNeedThemGetThem) {
  FlowTableOptions o;
  o.active_timeout_us = 10'000'000;
  FlowTable table(o, [](Flow&, ExportReason) {});
  bool fc;
  Flow& plain = table.update(packet("10.0.0.1", 1000, "10.0.0.2", 53, 17, 1'000'000), 0, fc);
  table.update(packet("10.0.0.2", 53, "10.0.0.1", 1000, 17, 1'000'100), 0, fc);
  EXPECT_EQ(plain.extras_box.get(), nullptr);

  DecodedPacket frag = packet("10.0.0.3", 1000, "10.0.0.2", 53, 17, 1'000'000);
  frag.first_fragment = true;
  Flow& fragmented = table.update(frag, 0, fc);
  EXPECT_EQ(fragmented.fragments(0), 1u);

  DecodedPacket rst = packet("10.0.0.4", 1000, "10.0.0.2", 80, 6, 2'000'000);
  rst.tcp_flags = tcp_flag::kRst;
  Flow& closed = table.update(rst, 0, fc);
  EXPECT_EQ(closed.closed_us(), 2'000'000u);

  Flow& long_flow = table.update(packet("10.0.0.5", 1000, "10.0.0.2", 53, 17, 1'000'000), 0, fc);
  EXPECT_EQ(long_flow.extras_box.get(), nullptr);
  table.update(packet("10.0.0.5", 1000, "10.0.0.2", 53, 17, 11'000'000), 0, fc);  // active export
  EXPECT_EQ(long_flow.last_export_us(), 11'000'000u);
  EXPECT_EQ(long_flow.exported_c2s().packets, 2u);
  table.flush();
}

TEST(DirectionCounters, FrameBytesShareAWordWithTheFlags) {
  static_assert(sizeof(DirectionCounters) == 24);
  DirectionCounters d;
  d.frame_bytes = (uint64_t(1) << 56) - 2;  // 2^56 bytes: 180 years of 100 Gb/s
  d.tcp_flags = 0xff;
  d.frame_bytes += 1;
  EXPECT_EQ(d.frame_bytes, (uint64_t(1) << 56) - 1);
  EXPECT_EQ(d.tcp_flags, 0xffu);  // the flags are not touched by the counter
}

}  // namespace
}  // namespace vedetta
