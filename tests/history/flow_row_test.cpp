// FlowRow from real merged records (the probe's JSON of a corpus pcap, merged
// by the collector's FlowModel) and from a record with both ends' processes;
// the per-minute series a flow gives.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "history/flow_row.h"
#include "history/series.h"
#include "history/stored_record.h"
#include "history_test_support.h"
#include "wire/elements.h"

namespace vedetta::history {
namespace {

void add(wire::FlowRecord& r, const char* name, wire::FieldValue v) {
  const wire::Element* e = wire::find_element(name);
  ASSERT_NE(e, nullptr) << name;
  r.add(e->id, std::move(v));
}

TEST(FlowRow, FromReplayedPcap) {
  const std::string dir = test::temp_dir("flow-row");
  const auto records = test::merged_records("1kxun.pcap", dir);
  ASSERT_GT(records.size(), 100u);
  bool found = false;
  for (const auto& r : records) {
    FlowRow row;
    std::string error;
    ASSERT_TRUE(flow_row_from_record(r, row, error)) << error;
    EXPECT_EQ(row.interface, "replay:1kxun.pcap");
    EXPECT_LE(row.first_ms, row.last_ms);
    EXPECT_GT(row.uid, 0);
    EXPECT_TRUE(nlohmann::json::parse(stored_record_json(row.stored_record)).contains("COLLECTOR_INPUT"));
    if (row.client_ip != "192.168.115.8" || row.client_port != 49612) continue;
    found = true;
    // The probe's own line for this flow: FLOW_START_MILLISECONDS 1470104381895,
    // IN 10 packets / 1288 bytes, OUT 4 / 797, HTTP, category Web.
    EXPECT_EQ(row.server_ip, "183.131.48.145");
    EXPECT_EQ(row.server_port, 80);
    EXPECT_EQ(row.l4, 6);
    EXPECT_EQ(row.ip_version, 4);
    EXPECT_EQ(row.first_ms, 1470104381895);
    EXPECT_EQ(row.last_ms, 1470104382125);
    EXPECT_EQ(row.bytes_c2s, 1288);
    EXPECT_EQ(row.bytes_s2c, 797);
    EXPECT_EQ(row.packets_c2s, 10);
    EXPECT_EQ(row.packets_s2c, 4);
    EXPECT_EQ(row.application, "HTTP");
    EXPECT_EQ(row.category, "Web");
    EXPECT_EQ(row.client.pid, 0);  // a pcap has no processes
    EXPECT_EQ(row.day(), 1470104381895 / 86'400'000);
  }
  EXPECT_TRUE(found);
  // The uid is a function of the record: the same in every store and every run.
  FlowRow a, b;
  std::string error;
  ASSERT_TRUE(flow_row_from_record(records[0], a, error));
  ASSERT_TRUE(flow_row_from_record(records[0], b, error));
  EXPECT_EQ(a.uid, b.uid);
}

TEST(FlowRow, BothEndsProcesses) {
  wire::FlowRecord r;
  add(r, "IPV6_SRC_ADDR", std::string("fd00::1"));
  add(r, "IPV6_DST_ADDR", std::string("fd00::2"));
  add(r, "PROTOCOL", uint64_t{17});
  add(r, "L4_SRC_PORT", uint64_t{40000});
  add(r, "L4_DST_PORT", uint64_t{53});
  add(r, "FLOW_START_MILLISECONDS", uint64_t{1'700'000'000'000});
  add(r, "FLOW_END_MILLISECONDS", uint64_t{1'700'000'000'500});
  add(r, "IN_BYTES", uint64_t{60});
  add(r, "OUT_BYTES", uint64_t{120});
  add(r, "COLLECTOR_INPUT", std::string("tcp://h1:5556"));
  add(r, "INTERFACE_NAME", std::string("eth0"));  // the collector's input name wins
  add(r, "SRC_PROC_PID", uint64_t{4321});
  add(r, "SRC_PROC_NAME", std::string("dig"));
  add(r, "SRC_PROC_USER_NAME", std::string("ann"));
  add(r, "SRC_PROC_CMDLINE", std::string("dig example.org"));
  add(r, "SRC_PROC_CONTAINER_ID", std::string("abc123"));
  add(r, "SRC_FATHER_PROC_PID", uint64_t{4000});
  add(r, "SRC_FATHER_PROC_NAME", std::string("bash"));
  add(r, "DST_PROC_PID", uint64_t{812});
  add(r, "DST_PROC_NAME", std::string("unbound"));
  add(r, "FLOW_LOCAL_ENDS", std::string("both"));
  FlowRow row;
  std::string error;
  ASSERT_TRUE(flow_row_from_record(r, row, error)) << error;
  EXPECT_EQ(row.interface, "tcp://h1:5556");
  EXPECT_EQ(row.ip_version, 6);
  EXPECT_EQ(row.client.pid, 4321);
  EXPECT_EQ(row.client.name, "dig");
  EXPECT_EQ(row.client.user, "ann");
  EXPECT_EQ(row.client.cmdline, "dig example.org");
  EXPECT_EQ(row.client.container, "abc123");
  EXPECT_EQ(row.client.parent_pid, 4000);
  EXPECT_EQ(row.client.parent_name, "bash");
  EXPECT_EQ(row.server.pid, 812);
  EXPECT_EQ(row.server.name, "unbound");
  EXPECT_EQ(row.server.user, "");
  EXPECT_EQ(row.local_ends, "both");
}

TEST(FlowRow, RefusesRecordsItCannotPlace) {
  wire::FlowRecord r;
  add(r, "IN_BYTES", uint64_t{1});
  FlowRow row;
  std::string error;
  EXPECT_FALSE(flow_row_from_record(r, row, error));
  EXPECT_EQ(error, "no IPv4/IPv6 addresses");
  add(r, "IPV4_SRC_ADDR", std::string("10.0.0.1"));
  add(r, "IPV4_DST_ADDR", std::string("10.0.0.2"));
  EXPECT_FALSE(flow_row_from_record(r, row, error));
  EXPECT_EQ(error, "no flow start/end time");
}

TEST(Series, SpreadsBytesOverTheMinutesOfTheFlow) {
  FlowRow row;
  row.interface = "eth0";
  row.client_ip = "10.0.0.1";
  row.server_ip = "10.0.0.2";
  row.client.pid = 7;
  row.application = "";
  row.first_ms = 10 * kMinuteMs + 30'000;  // 10:30 to 13:00, 150 s
  row.last_ms = 13 * kMinuteMs;
  row.bytes_c2s = 1001;
  row.bytes_s2c = 10;
  SeriesAccumulator acc;
  acc.add(row);
  int64_t sent = 0, rcvd = 0, flows = 0;
  std::map<int64_t, int64_t> per_minute;
  for (const SeriesPoint& p : acc.take()) {
    if (p.kind == "interface") {
      sent += p.bytes_sent, rcvd += p.bytes_rcvd, flows += p.flows;
      per_minute[p.minute] = p.bytes_sent;
    }
    if (p.kind == "host" && p.key == "10.0.0.2") EXPECT_LE(p.bytes_sent, 10);  // the server sends s2c
    if (p.kind == "application") EXPECT_EQ(p.key, "Unknown");
    if (p.kind == "process") EXPECT_EQ(p.key, "7@10.0.0.1");
  }
  EXPECT_EQ(sent, 1001);  // nothing lost to rounding
  EXPECT_EQ(rcvd, 10);
  EXPECT_EQ(flows, 1);  // counted in the minute it started
  // 30 s in minute 10, 60 s in 11 and 12: 1/5, 2/5, 2/5.
  EXPECT_EQ(per_minute[10], 200);
  EXPECT_EQ(per_minute[11], 400);
  EXPECT_EQ(per_minute[12], 1001 - 600);
  EXPECT_TRUE(acc.take().empty());
}

}  // namespace
}  // namespace vedetta::history
