// The finished flows the live model keeps for the pages: at most
// max_finished_flows, each for finished_keep_s (a capture file's until the
// server stops), always listed by id across ticks, and found by id.
#include "export/fields.h"
#include "export/flow_record_builder.h"
#include "live_model_support.h"
#include "probe/probe.h"

namespace vedetta::live::test {
namespace {

// Hands the probe's records to a collector model, as the server's local probe does.
class ModelSink : public FlowSink {
 public:
  explicit ModelSink(collect::FlowModel& model) : model_(model) {
    for (const auto& f : all_fields()) fields_.push_back(&f);
  }
  void write(const FlowExport& e) override {
    wire::FlowRecord record;
    build_flow_record(e, fields_, record);
    model_.flow({"replay", 0}, std::move(record));
  }

 private:
  collect::FlowModel& model_;
  std::vector<const FieldDef*> fields_;
};

struct FinishedFlows : ::testing::Test {
  double now = 1'700'000'000;
  std::unique_ptr<LiveModel> live;
  std::unique_ptr<ReplayInput> input;
  std::unique_ptr<collect::FlowModel> model;
  std::vector<collect::CollectorInterface> view;

  void open(const std::string& kind, LiveModelOptions options) {
    live = std::make_unique<LiveModel>(options);
    live->set_clock([this] { return now; });
    input = std::make_unique<ReplayInput>(kind);
    collect::FlowModelOptions mo;
    mo.merge_wait_s = 0;
    model = std::make_unique<collect::FlowModel>("replay", mo, [this](const auto& f) {
      live->flow_done(0, f, f.merged(input->name()));
    });
    view.clear();
    view.push_back({*input, *model});
    live->tick(view);
  }
  // Every flow of the pcap finishes now.
  void replay(const std::string& pcap) {
    ProbeOptions po;
    po.inputs = {std::string(VEDETTA_PCAP_DIR) + "/" + pcap};
    po.stats_interval_s = 0;
    Probe probe(po);
    probe.add_sink(std::make_unique<ModelSink>(*model));
    probe.run();
    model->flush_all();
  }
  std::vector<uint64_t> ids() const {
    std::vector<uint64_t> out;
    for (const auto& f : live->snapshot()->flows) out.push_back(f->id);
    return out;
  }
};

void expect_found_by_id(const Snapshot& snap) {
  for (size_t i = 0; i < snap.flows.size(); ++i) {
    if (i) EXPECT_LT(snap.flows[i - 1]->id, snap.flows[i]->id) << "not listed by id at " << i;
    EXPECT_EQ(snap.find(snap.flows[i]->id), snap.flows[i].get());
  }
}

TEST_F(FinishedFlows, KeptAcrossTicksListedAndFoundById) {
  open("zmq", {});
  replay("1kxun.pcap");
  live->tick(view);
  const size_t first = ids().size();
  ASSERT_GT(first, 100u);
  now += 1;
  replay("443-chrome.pcap");
  live->tick(view);
  auto snap = live->snapshot();
  EXPECT_GT(snap->flows.size(), first);
  expect_found_by_id(*snap);
  EXPECT_EQ(snap->find(snap->flows.back()->id + 1), nullptr);
  EXPECT_EQ(snap->find(0), nullptr);
}

TEST_F(FinishedFlows, AtMostTheCountTheNewestStay) {
  LiveModelOptions o;
  o.max_finished_flows = 50;
  open("zmq", o);
  replay("1kxun.pcap");
  live->tick(view);
  auto snap = live->snapshot();
  ASSERT_EQ(snap->flows.size(), 50u);
  expect_found_by_id(*snap);
  // The 50 kept are the last 50 finished: the highest ids here, since the
  // replay's flows were first seen in the order they finished.
  const uint64_t lowest_kept = snap->flows.front()->id;
  EXPECT_EQ(snap->find(lowest_kept - 1), nullptr);
  EXPECT_THROW(live->flow(lowest_kept - 1), NotFound);
  EXPECT_NO_THROW(live->flow(lowest_kept));
}

TEST_F(FinishedFlows, ForgottenAfterTheKeepTime) {
  LiveModelOptions o;
  o.finished_keep_s = 10;
  open("zmq", o);
  replay("1kxun.pcap");
  live->tick(view);
  const size_t kept = ids().size();
  ASSERT_GT(kept, 0u);
  now += 5;
  replay("443-chrome.pcap");
  live->tick(view);
  const size_t both = ids().size();
  ASSERT_GT(both, kept);
  now += 6;  // the first replay's flows are 11 s old, the second's 6 s
  live->tick(view);
  EXPECT_EQ(ids().size(), both - kept);
  expect_found_by_id(*live->snapshot());
  now += 5;
  live->tick(view);
  EXPECT_TRUE(ids().empty());
}

TEST_F(FinishedFlows, CaptureFileFlowsStayUntilTheServerStops) {
  LiveModelOptions o;
  o.finished_keep_s = 10;
  open("file", o);
  replay("1kxun.pcap");
  live->tick(view);
  const auto before = ids();
  now += 3600;
  live->tick(view);
  EXPECT_EQ(ids(), before);
}

}  // namespace
}  // namespace vedetta::live::test
