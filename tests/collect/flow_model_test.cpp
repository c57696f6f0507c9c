// collect/flow_model.cpp and flow_sides.cpp: records from several observers
// merged into flows: pairing of the two ends' processes, counters from one
// observation, orientation, time overlap, expiry and eviction.
#include "collect/flow_model.h"

#include <gtest/gtest.h>

#include "wire/elements.h"

namespace vedetta::collect {
namespace {

using wire::FlowRecord;

uint32_t id(const char* name) {
  const wire::Element* e = wire::find_element(std::string_view(name));
  EXPECT_NE(e, nullptr) << name;
  return e ? e->id : 0;
}

// A vedetta probe's record of 10.0.0.1:40000 → 10.0.0.2:80 (TCP).
FlowRecord probe_record(uint64_t pkts, uint64_t first_ms, uint64_t last_ms,
                        const char* reason = "idle") {
  FlowRecord r;
  r.add(id("IPV4_SRC_ADDR"), std::string("10.0.0.1"));
  r.add(id("L4_SRC_PORT"), uint64_t{40000});
  r.add(id("IPV4_DST_ADDR"), std::string("10.0.0.2"));
  r.add(id("L4_DST_PORT"), uint64_t{80});
  r.add(id("PROTOCOL"), uint64_t{6});
  r.add(id("IN_PKTS"), pkts);
  r.add(id("IN_BYTES"), pkts * 100);
  r.add(id("OUT_PKTS"), pkts / 2);
  r.add(id("OUT_BYTES"), pkts * 1000);
  r.add(id("INITIATOR_PKTS"), pkts);
  r.add(id("INITIATOR_OCTETS"), pkts * 100);
  r.add(id("RESPONDER_PKTS"), pkts / 2);
  r.add(id("RESPONDER_OCTETS"), pkts * 1000);
  r.add(id("FLOW_START_MILLISECONDS"), first_ms);
  r.add(id("FLOW_END_MILLISECONDS"), last_ms);
  r.add(id("EXPORT_REASON"), std::string(reason));
  return r;
}

void add_process(FlowRecord& r, const char* side, uint64_t pid, const char* name) {
  r.add(id((std::string(side) + "_PROC_PID").c_str()), pid);
  r.add(id((std::string(side) + "_PROC_NAME").c_str()), std::string(name));
  r.add(id("FLOW_LOCAL_ENDS"), std::string(side[0] == 'S' ? "client" : "server"));
}

uint64_t num(const FlowRecord& r, const char* name) {
  uint64_t v = 0;
  EXPECT_TRUE(wire::as_unsigned(r.get(id(name)), v)) << name;
  return v;
}
std::string text(const FlowRecord& r, const char* name) {
  std::string v;
  EXPECT_TRUE(wire::as_text(r.get(id(name)), v)) << name;
  return v;
}

class FlowModelTest : public ::testing::Test {
 protected:
  FlowModelTest()
      : model_("tcp://*:5556c", {}, [this](const CollectedFlow& f) {
          out_.push_back(f.merged("tcp://*:5556c"));
        }) {
    model_.set_clock([this] { return now_; });
  }
  FlowOrigin host(uint32_t source_id) { return {"tcp://*:5556c", source_id}; }
  double now_ = 1000;
  std::vector<FlowRecord> out_;
  FlowModel model_;
};

TEST_F(FlowModelTest, TwoHostsMergeIntoOneFlowWithBothProcesses) {
  FlowRecord a = probe_record(10, 1'000'000, 1'002'000);  // host A: the client end
  add_process(a, "SRC", 1234, "curl");
  FlowRecord b = probe_record(12, 1'000'010, 1'002'010);  // host B saw 2 packets more
  add_process(b, "DST", 5678, "nginx");
  model_.flow(host(1), std::move(a));
  model_.flow(host(2), std::move(b));
  EXPECT_EQ(model_.active_flows(), 1u);
  EXPECT_EQ(model_.stats().paired, 1u);

  now_ += 1;  // within the merge wait: kept for a late observer
  model_.expire(now_);
  EXPECT_TRUE(out_.empty());
  now_ += 2;
  model_.expire(now_);
  ASSERT_EQ(out_.size(), 1u);
  const FlowRecord& f = out_[0];
  EXPECT_EQ(num(f, "SRC_PROC_PID"), 1234u);
  EXPECT_EQ(text(f, "SRC_PROC_NAME"), "curl");
  EXPECT_EQ(num(f, "DST_PROC_PID"), 5678u);
  EXPECT_EQ(text(f, "DST_PROC_NAME"), "nginx");
  EXPECT_EQ(text(f, "FLOW_LOCAL_ENDS"), "both");
  // Counters of one observation (B's, the larger), not the sum.
  EXPECT_EQ(num(f, "IN_PKTS"), 12u);
  EXPECT_EQ(num(f, "INITIATOR_OCTETS"), 1200u);
  EXPECT_EQ(num(f, "OUT_BYTES"), 12000u);
  EXPECT_EQ(num(f, "FLOW_OBSERVATIONS"), 2u);
  EXPECT_EQ(text(f, "COUNTERS_FROM"), "tcp://*:5556c#2");
  EXPECT_EQ(text(f, "COLLECTOR_INPUT"), "tcp://*:5556c");
  EXPECT_EQ(model_.active_flows(), 0u);
}

TEST_F(FlowModelTest, AFlowSeenTheOtherWayIsTurnedAround) {
  FlowRecord a = probe_record(10, 1'000'000, 1'002'000);
  add_process(a, "SRC", 1234, "curl");
  // Host B took the server for the client (it missed the SYN): everything swapped.
  FlowRecord b;
  b.add(id("IPV4_SRC_ADDR"), std::string("10.0.0.2"));
  b.add(id("L4_SRC_PORT"), uint64_t{80});
  b.add(id("IPV4_DST_ADDR"), std::string("10.0.0.1"));
  b.add(id("L4_DST_PORT"), uint64_t{40000});
  b.add(id("PROTOCOL"), uint64_t{6});
  b.add(id("INITIATOR_PKTS"), uint64_t{7});
  b.add(id("RESPONDER_PKTS"), uint64_t{20});
  b.add(id("FLOW_START_MILLISECONDS"), uint64_t{1'000'100});
  b.add(id("FLOW_END_MILLISECONDS"), uint64_t{1'002'000});
  add_process(b, "SRC", 5678, "nginx");  // its "client" end is the real server
  model_.flow(host(1), std::move(a));
  model_.flow(host(2), std::move(b));
  model_.flush_all();
  ASSERT_EQ(out_.size(), 1u);
  EXPECT_EQ(model_.stats().reversed, 1u);
  EXPECT_EQ(num(out_[0], "DST_PROC_PID"), 5678u);
  EXPECT_EQ(num(out_[0], "SRC_PROC_PID"), 1234u);
  EXPECT_EQ(num(out_[0], "IN_PKTS"), 20u);  // B's counters (more packets), turned around
  EXPECT_EQ(num(out_[0], "OUT_PKTS"), 7u);
  EXPECT_EQ(num(out_[0], "L4_SRC_PORT"), 40000u);
}

TEST_F(FlowModelTest, SameTupleAtOtherTimesIsAnotherFlow) {
  model_.flow(host(1), probe_record(10, 1'000'000, 1'002'000));
  model_.flow(host(2), probe_record(10, 1'100'000, 1'102'000));  // 100 s later
  EXPECT_EQ(model_.active_flows(), 2u);
  EXPECT_EQ(model_.stats().paired, 0u);
}

TEST_F(FlowModelTest, AReusedPortFromTheSameProbeIsANewFlow) {
  model_.flow(host(1), probe_record(10, 1'000'000, 1'002'000));
  model_.flow(host(1), probe_record(4, 1'002'500, 1'003'000));  // after its final export
  EXPECT_EQ(model_.active_flows(), 2u);
}

TEST_F(FlowModelTest, ActiveUpdatesReplaceTotalsAndWaitForTheEnd) {
  model_.flow(host(1), probe_record(10, 1'000'000, 1'002'000, "active"));
  model_.flow(host(1), probe_record(25, 1'000'000, 1'004'000, "active"));
  now_ += 10;
  model_.expire(now_);
  EXPECT_TRUE(out_.empty()) << "the probe said more was coming";
  model_.flow(host(1), probe_record(30, 1'000'000, 1'005'000, "end"));
  now_ += 3;
  model_.expire(now_);
  ASSERT_EQ(out_.size(), 1u);
  EXPECT_EQ(num(out_[0], "IN_PKTS"), 30u);  // totals, not 10 + 25 + 30
  EXPECT_EQ(num(out_[0], "FLOW_OBSERVATIONS"), 1u);
}

TEST_F(FlowModelTest, DeltaOnlyRecordsAccumulate) {
  for (int i = 0; i < 3; ++i) {  // NetFlow-style: deltas, no totals, no export reason
    FlowRecord r;
    r.add(id("IPV4_SRC_ADDR"), std::string("10.0.0.1"));
    r.add(id("IPV4_DST_ADDR"), std::string("10.0.0.2"));
    r.add(id("PROTOCOL"), uint64_t{17});
    r.add(id("IN_PKTS"), uint64_t{5});
    r.add(id("IN_BYTES"), uint64_t{500});
    r.add(id("FLOW_START_MILLISECONDS"), uint64_t{1'000'000 + 1000u * i});
    r.add(id("FLOW_END_MILLISECONDS"), uint64_t{1'000'500 + 1000u * i});
    // Before its final export the flow is matched: the first ones must not be final.
    if (i < 2) r.add(id("EXPORT_REASON"), std::string("active"));
    model_.flow(host(1), std::move(r));
  }
  model_.flush_all();
  ASSERT_EQ(out_.size(), 1u);
  EXPECT_EQ(num(out_[0], "IN_PKTS"), 15u);
  EXPECT_EQ(num(out_[0], "IN_BYTES"), 1500u);
}

TEST_F(FlowModelTest, IdleFlowsGoOutAndMemoryIsBounded) {
  FlowModel small("x", FlowModelOptions{.max_flows = 100},
                  [this](const CollectedFlow& f) { out_.push_back(f.merged("x")); });
  small.set_clock([this] { return now_; });
  for (uint64_t i = 0; i < 1000; ++i) {
    FlowRecord r = probe_record(1, 1'000'000, 1'000'001);
    r.fields[1].value = uint64_t{10000 + i};  // L4_SRC_PORT
    small.flow(host(1), std::move(r));
    now_ += 0.001;
  }
  EXPECT_LE(small.active_flows(), 100u);
  EXPECT_EQ(small.stats().evictions + small.active_flows(), 1000u);
  EXPECT_EQ(out_.size(), small.stats().evictions);
}

TEST_F(FlowModelTest, RecordsWithoutAddressesAreCounted) {
  FlowRecord r;
  r.add(id("IN_PKTS"), uint64_t{5});
  model_.flow(host(1), std::move(r));
  EXPECT_EQ(model_.stats().no_tuple, 1u);
  EXPECT_EQ(model_.active_flows(), 0u);
}

TEST(FlowSides, SwapCoversEveryPairOfTheDictionary) {
  FlowRecord r;
  for (const char* n : {"IPV4_SRC_ADDR", "IN_SRC_MAC", "RETRANSMITTED_IN_PKTS", "INITIATOR_OCTETS",
                        "CLIENT_TCP_FLAGS", "SRC_FATHER_PROC_NAME", "SRC_PROC_SHARED_WITH",
                        "INPUT_SNMP", "PROTOCOL"})
    r.add(id(n), uint64_t{1});
  swap_sides(r);
  const char* want[] = {"IPV4_DST_ADDR", "OUT_DST_MAC", "RETRANSMITTED_OUT_PKTS",
                        "RESPONDER_OCTETS", "SERVER_TCP_FLAGS", "DST_FATHER_PROC_NAME",
                        "DST_PROC_SHARED_WITH", "OUTPUT_SNMP", "PROTOCOL"};
  for (size_t i = 0; i < r.fields.size(); ++i)
    EXPECT_EQ(wire::find_element(r.fields[i].id)->name, want[i]);
  EXPECT_EQ(process_side(id("SRC_PROC_CPU_NS")), Side::kClient);
  EXPECT_EQ(process_side(id("DST_FATHER_PROC_PID")), Side::kServer);
  EXPECT_EQ(process_side(id("L4_DST_PORT")), Side::kNone);
}

}  // namespace
}  // namespace vedetta::collect
