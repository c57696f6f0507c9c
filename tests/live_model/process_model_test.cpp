// Hosts and processes of the live model from records built by the real
// FlowRecordBuilder: the probe replays a corpus pcap, and a sink names a
// process at the ends of its flows (as attribution would on a live
// interface) before building each record. The expected totals are added up
// here from the probe's own flows.
#include <map>

#include "export/fields.h"
#include "export/flow_record_builder.h"
#include "live_model_support.h"
#include "probe/probe.h"

namespace vedetta::live::test {
namespace {

using nlohmann::json;

struct Expected {
  uint64_t flows = 0, sent = 0, rcvd = 0;
};

// Names a client process by the client's port (pids 100..104, pid 100 with
// a command line that is not UTF-8) and a server process (pid 7) for
// servers on port 80 or 443; records what each process should add up to.
class NamingSink : public FlowSink {
 public:
  NamingSink(collect::FlowModel& model) : model_(model) {
    for (const auto& f : all_fields()) fields_.push_back(&f);
  }
  void write(const FlowExport& e) override {
    FlowExport named = e;
    auto client = std::make_shared<ProcessInfo>();
    client->pid = 100 + e.flow.client().port % 5;
    client->ppid = 1;
    client->comm = "client" + std::to_string(client->pid);
    client->parent_comm = "init";
    client->cmdline = client->pid == 100 ? "tool \xff\xfe --bad-utf8" : "tool --ok";
    named.client_process = client;
    const uint16_t server_port = e.flow.server().port;
    if (server_port == 80 || server_port == 443) {
      auto server = std::make_shared<ProcessInfo>();
      server->pid = 7;
      server->comm = "server";
      named.server_process = server;
    }
    named.attribution_on = true;
    wire::FlowRecord record;
    build_flow_record(named, fields_, record);
    if (e.reason != ExportReason::kActiveTimeout) {
      std::string c, s;
      if (!wire::as_text(record.get(element_id("IPV4_SRC_ADDR")), c))
        wire::as_text(record.get(element_id("IPV6_SRC_ADDR")), c);
      if (!wire::as_text(record.get(element_id("IPV4_DST_ADDR")), s))
        wire::as_text(record.get(element_id("IPV6_DST_ADDR")), s);
      Expected& ce = expected[std::to_string(client->pid) + "@" + c];
      ++ce.flows;
      ce.sent += e.flow.c2s.ip_bytes;
      ce.rcvd += e.flow.s2c.ip_bytes;
      if (named.server_process) {
        Expected& se = expected["7@" + s];
        ++se.flows;
        se.sent += e.flow.s2c.ip_bytes;
        se.rcvd += e.flow.c2s.ip_bytes;
      }
    }
    model_.flow({"replay", 0}, std::move(record));
  }
  std::map<std::string, Expected> expected;

 private:
  collect::FlowModel& model_;
  std::vector<const FieldDef*> fields_;
};

TEST(ProcessModel, ProcessesAndHostsAddUpTheirFlows) {
  LiveModel live;
  collect::FlowModelOptions options;
  options.merge_wait_s = 0;
  ReplayInput input("file");
  collect::FlowModel model("replay", options, [&](const collect::CollectedFlow& f) {
    live.flow_done(0, f, f.merged(input.name()));
  });
  const std::vector<collect::CollectorInterface> view = {{input, model}};
  live.tick(view);
  ProbeOptions po;
  po.inputs = {std::string(VEDETTA_PCAP_DIR) + "/1kxun.pcap"};
  po.stats_interval_s = 0;
  Probe probe(po);
  auto sink = std::make_unique<NamingSink>(model);
  NamingSink& naming = *sink;
  probe.add_sink(std::move(sink));
  probe.run();
  model.flush_all();
  live.tick(view);

  json processes = live.processes({{"limit", "1000"}});
  ASSERT_EQ(processes["total"], naming.expected.size());
  for (const json& p : processes["processes"]) {
    const std::string key = p["key"];
    ASSERT_TRUE(naming.expected.count(key)) << key;
    const Expected& want = naming.expected[key];
    EXPECT_EQ(p["flows"], want.flows) << key;
    EXPECT_EQ(p["bytes_sent"], want.sent) << key;
    EXPECT_EQ(p["bytes_rcvd"], want.rcvd) << key;
    EXPECT_EQ(p["host"], key.substr(key.find('@') + 1));
  }
  // Sorted by bytes (sent + received), largest first, and the name sort.
  for (size_t i = 1; i < processes["processes"].size(); ++i) {
    const json& a = processes["processes"][i - 1];
    const json& b = processes["processes"][i];
    EXPECT_GE(a["bytes_sent"].get<uint64_t>() + a["bytes_rcvd"].get<uint64_t>(),
              b["bytes_sent"].get<uint64_t>() + b["bytes_rcvd"].get<uint64_t>());
  }
  EXPECT_EQ(live.processes({{"q", "client101"}, {"limit", "1000"}})["total"],
            std::count_if(naming.expected.begin(), naming.expected.end(),
                          [](const auto& e) { return e.first.starts_with("101@"); }));

  // The client with a command line that is not UTF-8: valid JSON all the same.
  auto bad = std::find_if(naming.expected.begin(), naming.expected.end(),
                          [](const auto& e) { return e.first.starts_with("100@"); });
  ASSERT_NE(bad, naming.expected.end());
  json detail = live.process(bad->first);
  EXPECT_EQ(detail["detail"]["cmdline"], "tool \xEF\xBF\xBD\xEF\xBF\xBD --bad-utf8");
  EXPECT_NO_THROW(detail.dump());  // strict: throws on invalid UTF-8
  EXPECT_EQ(detail["detail"]["parent"]["name"], "init");
  EXPECT_EQ(detail["parent_chain"][0]["pid"], 1);
  EXPECT_EQ(detail["recent_flows"].size(), std::min<uint64_t>(100, bad->second.flows));
  EXPECT_EQ(detail["flows"], bad->second.flows);  // the count, as in the list
  EXPECT_NO_THROW(live.flows({{"limit", "1000"}}).dump());
  uint64_t via_pid = live.flows({{"pid", "100"}, {"limit", "1000"}})["total"];
  uint64_t want_pid = 0;
  for (const auto& [key, e] : naming.expected)
    if (key.starts_with("100@")) want_pid += e.flows;
  EXPECT_EQ(via_pid, want_pid);

  // A host lists the distinct processes at its address (the HOST count
  // "processes" is replaced by the list in the detail, as docs/api.md has it).
  std::map<std::string, size_t> processes_per_host;
  for (const auto& [key, e] : naming.expected) ++processes_per_host[key.substr(key.find('@') + 1)];
  for (const auto& [ip, n] : processes_per_host) EXPECT_EQ(live.host(ip)["processes"].size(), n) << ip;
  json hosts = live.hosts({{"limit", "1000"}});
  for (const json& h : hosts["hosts"])
    EXPECT_EQ(h["processes"], processes_per_host[h["ip"].get<std::string>()]) << h["ip"];

  // The graph: every process node runs on its host node.
  json g = live.graph({});
  size_t runs_on = 0;
  for (const json& e : g["edges"]) runs_on += e["type"] == "runs_on";
  size_t process_nodes = 0;
  for (const json& n : g["nodes"]) process_nodes += n["type"] == "process";
  EXPECT_EQ(runs_on, process_nodes);
  EXPECT_GT(process_nodes, 0u);
}

}  // namespace
}  // namespace vedetta::live::test
