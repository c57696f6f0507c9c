// The live model fed by the server's own local probe replaying corpus
// pcaps: its flows and bytes are what `vedetta probe --json` reports for the
// same file; lists filter, sort and page; bad parameters are named.
#include <map>
#include <set>

#include "live_model_support.h"

namespace vedetta::live::test {
namespace {

using nlohmann::json;

std::string pcap(const std::string& name) { return std::string(VEDETTA_PCAP_DIR) + "/" + name; }

uint64_t u(const json& j, const char* key) { return j.contains(key) ? j[key].get<uint64_t>() : 0; }

class PcapParity : public ::testing::TestWithParam<const char*> {};

TEST_P(PcapParity, FlowsAndBytesEqualTheProbesJson) {
  const std::string file = pcap(GetParam());
  uint64_t final_flows = 0, bytes = 0, udp_flows = 0;
  for (const json& line : probe_json_lines(file)) {
    bytes += u(line, "IN_BYTES") + u(line, "OUT_BYTES");
    if (line["EXPORT_REASON"] == "active") continue;
    ++final_flows;
    if (u(line, "PROTOCOL") == 17) ++udp_flows;
  }
  ASSERT_GT(final_flows, 0u) << "the probe found no flow in " << file;

  RunningServer server({file});
  ASSERT_TRUE(server.wait_file_done()) << file;
  std::vector<json> flows = all_flows(server.model);
  EXPECT_EQ(flows.size(), final_flows);
  uint64_t model_bytes = 0;
  std::set<uint64_t> ids;
  for (const json& f : flows) {
    model_bytes += f["bytes"]["total"].get<uint64_t>();
    EXPECT_EQ(f["bytes"]["total"], f["bytes"]["client_to_server"].get<uint64_t>() +
                                       f["bytes"]["server_to_client"].get<uint64_t>());
    EXPECT_FALSE(f["active"].get<bool>());
    ids.insert(f["id"].get<uint64_t>());
  }
  EXPECT_EQ(ids.size(), flows.size()) << "flow ids are unique";
  EXPECT_EQ(model_bytes, bytes);
  EXPECT_EQ(server.model.flows({{"l4", "UDP"}})["total"], udp_flows);
  EXPECT_EQ(server.model.flows({{"l4", "17"}})["total"], udp_flows);
  json iface = server.model.interfaces()["interfaces"][0];
  EXPECT_EQ(iface["name"], file);
  EXPECT_EQ(iface["kind"], "file");
  EXPECT_EQ(iface["bytes"], bytes);
  EXPECT_EQ(iface["flows_seen"], final_flows);
  EXPECT_EQ(iface["collector"], nullptr);
  // The server keeps the file's flows after it ended.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(server.model.flows({})["total"], final_flows);
}

INSTANTIATE_TEST_SUITE_P(Corpus, PcapParity,
                         ::testing::Values("1kxun.pcap", "443-chrome.pcap", "6in6tunnel.pcap",
                                           "bittorrent.pcap"));

// One replayed pcap shared by the query tests.
class Queries : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new RunningServer({pcap("1kxun.pcap")});
    ASSERT_TRUE(server_->wait_file_done());
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  const LiveModel& api() { return server_->model; }
  static RunningServer* server_;
};
RunningServer* Queries::server_ = nullptr;

TEST_F(Queries, SortsAndOrders) {
  for (const char* sort : {"bytes", "duration", "first_seen", "last_seen"}) {
    for (const char* order : {"asc", "desc"}) {
      std::vector<json> flows = all_flows(api(), {{"sort", sort}, {"order", order}});
      ASSERT_GT(flows.size(), 10u);
      const char* field = std::string(sort) == "bytes" ? nullptr : sort;
      for (size_t i = 1; i < flows.size(); ++i) {
        double a = field ? flows[i - 1][field].get<double>() : flows[i - 1]["bytes"]["total"].get<double>();
        double b = field ? flows[i][field].get<double>() : flows[i]["bytes"]["total"].get<double>();
        if (std::string(order) == "desc") EXPECT_GE(a, b) << sort << " at " << i;
        else EXPECT_LE(a, b) << sort << " at " << i;
      }
    }
  }
  std::vector<json> by_app = all_flows(api(), {{"sort", "application"}, {"order", "asc"}});
  for (size_t i = 1; i < by_app.size(); ++i)
    EXPECT_LE(by_app[i - 1]["application"].get<std::string>(), by_app[i]["application"].get<std::string>());
}

TEST_F(Queries, PagesAreSlicesOfTheWholeList) {
  std::vector<json> all = all_flows(api());
  json page = api().flows({{"offset", "5"}, {"limit", "7"}});
  EXPECT_EQ(page["total"], all.size());
  EXPECT_EQ(page["offset"], 5);
  EXPECT_EQ(page["limit"], 7);
  ASSERT_EQ(page["flows"].size(), 7u);
  for (size_t i = 0; i < 7; ++i) EXPECT_EQ(page["flows"][i]["id"], all[5 + i]["id"]);
  json beyond = api().flows({{"offset", std::to_string(all.size() + 3)}});
  EXPECT_EQ(beyond["total"], all.size());
  EXPECT_TRUE(beyond["flows"].empty());
  EXPECT_EQ(api().flows({})["limit"], 50);
}

TEST_F(Queries, FiltersKeepOnlyMatchingFlows) {
  std::vector<json> all = all_flows(api());
  const std::string host = all[0]["client"]["ip"];
  const uint64_t port = all[0]["server"]["port"];
  size_t with_host = 0, with_port = 0, dns = 0, tcp = 0;
  for (const json& f : all) {
    with_host += f["client"]["ip"] == host || f["server"]["ip"] == host;
    with_port += f["client"]["port"] == port || f["server"]["port"] == port;
    const std::string app = f["application"];
    dns += app == "DNS" || app.starts_with("DNS.") || app.ends_with(".DNS") ;
    tcp += f["l4"] == "TCP";
  }
  EXPECT_EQ(api().flows({{"host", host}})["total"], with_host);
  EXPECT_EQ(api().flows({{"port", std::to_string(port)}})["total"], with_port);
  EXPECT_EQ(api().flows({{"app", "dns"}})["total"], dns);
  EXPECT_GT(dns, 0u);
  EXPECT_EQ(api().flows({{"l4", "tcp"}})["total"], tcp);
  EXPECT_EQ(api().flows({{"interface", "nope"}})["total"], 0);
  EXPECT_EQ(api().flows({{"q", host}})["total"].get<size_t>() >= with_host, true);
  EXPECT_EQ(api().flows({{"pid", "1"}})["total"], 0);  // no processes in a pcap
}

void expect_bad(const std::function<void()>& call, const std::string& prefix) {
  try {
    call();
    ADD_FAILURE() << "no BadQuery for " << prefix;
  } catch (const BadQuery& e) {
    EXPECT_TRUE(std::string(e.what()).starts_with(prefix)) << e.what();
  }
}

TEST_F(Queries, BadParametersAreNamed) {
  expect_bad([&] { api().flows({{"sort", "foo"}}); }, "flows: sort: unknown field 'foo' (one of bytes,");
  expect_bad([&] { api().flows({{"order", "up"}}); }, "flows: order:");
  expect_bad([&] { api().flows({{"limit", "0"}}); }, "flows: limit:");
  expect_bad([&] { api().flows({{"limit", "1001"}}); }, "flows: limit:");
  expect_bad([&] { api().flows({{"limit", "ten"}}); }, "flows: limit:");
  expect_bad([&] { api().flows({{"offset", "-1"}}); }, "flows: offset:");
  expect_bad([&] { api().flows({{"pid", "x"}}); }, "flows: pid:");
  expect_bad([&] { api().flows({{"port", "70000"}}); }, "flows: port:");
  expect_bad([&] { api().flows({{"colour", "red"}}); }, "flows: colour: unknown parameter");
  expect_bad([&] { api().hosts({{"sort", "pid"}}); }, "hosts: sort:");
  expect_bad([&] { api().processes({{"sort", "ip"}}); }, "processes: sort:");
  expect_bad([&] { api().timeseries({}); }, "timeseries: kind:");
  expect_bad([&] { api().timeseries({{"kind", "planet"}, {"key", "x"}}); }, "timeseries: kind:");
  expect_bad([&] { api().timeseries({{"kind", "host"}}); }, "timeseries: key:");
  expect_bad([&] { api().timeseries({{"kind", "host"}, {"key", "x"}, {"from", "now"}}); },
             "timeseries: from:");
  expect_bad([&] { api().graph({{"limit", "0"}}); }, "graph: limit:");
}

TEST_F(Queries, UnknownIdsAreNotFound) {
  EXPECT_THROW(api().flow(0), NotFound);
  EXPECT_THROW(api().flow(1u << 30), NotFound);
  EXPECT_THROW(api().host("192.0.2.99"), NotFound);
  EXPECT_THROW(api().process("1@192.0.2.99"), NotFound);
  EXPECT_THROW(api().timeseries({{"kind", "host"}, {"key", "192.0.2.99"}}), NotFound);
}

TEST_F(Queries, FlowDetailHasTheWholeRecord) {
  for (const json& f : all_flows(api())) {
    json d = api().flow(f["id"]);
    EXPECT_EQ(d["id"], f["id"]);
    const bool v4 = d["ip_version"] == 4;
    EXPECT_EQ(d["fields"][v4 ? "IPV4_SRC_ADDR" : "IPV6_SRC_ADDR"], d["client"]["ip"]);
    EXPECT_EQ(d["fields"]["L4_DST_PORT"], d["server"]["port"]);
    EXPECT_EQ(d["fields"]["INITIATOR_OCTETS"], d["bytes"]["client_to_server"]);
    EXPECT_EQ(d["observations"], 1);
    if (d["l4"] == "TCP") {
      ASSERT_TRUE(d["tcp"].is_object());
      EXPECT_EQ(d["tcp"]["retransmissions"]["client_to_server"],
                d["fields"].value("RETRANSMITTED_IN_PKTS", 0));
    } else {
      EXPECT_TRUE(d["tcp"].is_null());
    }
  }
}

TEST_F(Queries, HostsAddUpTheFlows) {
  std::vector<json> all = all_flows(api());
  uint64_t total = 0;
  std::map<std::string, uint64_t> flows_per_host;
  for (const json& f : all) {
    total += f["bytes"]["total"].get<uint64_t>();
    ++flows_per_host[f["client"]["ip"]];
    if (f["server"]["ip"] != f["client"]["ip"]) ++flows_per_host[f["server"]["ip"]];
  }
  json hosts = api().hosts({{"limit", "1000"}});
  EXPECT_EQ(hosts["total"], flows_per_host.size());
  uint64_t sent = 0, rcvd = 0;
  for (const json& h : hosts["hosts"]) {
    sent += h["bytes_sent"].get<uint64_t>();
    rcvd += h["bytes_rcvd"].get<uint64_t>();
    EXPECT_EQ(h["bytes"], h["bytes_sent"].get<uint64_t>() + h["bytes_rcvd"].get<uint64_t>());
  }
  EXPECT_EQ(sent, total);
  EXPECT_EQ(rcvd, total);
  const std::string ip = hosts["hosts"][0]["ip"];
  json h = api().host(ip);
  EXPECT_EQ(h["flows_as_client"].get<uint64_t>() + h["flows_as_server"].get<uint64_t>(),
            flows_per_host[ip]);
  uint64_t app_flows = 0;
  for (const json& a : h["top_applications"]) app_flows += a["flows"].get<uint64_t>();
  EXPECT_EQ(app_flows, flows_per_host[ip]);
  EXPECT_FALSE(h["peers"].empty());
}

TEST_F(Queries, GraphDashboardStatusAndSeries) {
  json g = api().graph({{"limit", "20"}});
  uint64_t edge_flows = 0;
  for (const json& e : g["edges"])
    if (e["type"] == "flow") edge_flows += e["flows"].get<uint64_t>();
  EXPECT_EQ(edge_flows, 20u);
  json d = api().dashboard();
  EXPECT_EQ(d["active_flows"], 0);
  EXPECT_LE(d["top_hosts"].size(), 10u);
  EXPECT_EQ(d["drops"]["lost_messages"], 0);
  json s = api().status();
  EXPECT_EQ(s["interfaces"], 1);
  EXPECT_EQ(s["series_dropped"], 0);
  json series = api().timeseries({{"kind", "interface"}, {"key", pcap("1kxun.pcap")}});
  EXPECT_EQ(series["resolution"], 1);
  EXPECT_FALSE(series["points"].empty());
  const std::string app = api().dashboard()["top_applications"][0]["application"];
  json app_series = api().timeseries({{"kind", "application"}, {"key", app}});
  EXPECT_FALSE(app_series["points"].empty());
}

}  // namespace
}  // namespace vedetta::live::test
