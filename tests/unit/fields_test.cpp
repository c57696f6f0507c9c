// vedetta's exportable fields (export/fields.cpp): the table itself, lookup,
// and what each field writes for a flow, seen through the JSON renderer.
#include "export/fields.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "dpi/ndpi_engine.h"
#include "export/json_lines_sink.h"
#include "export/table_sink.h"

namespace vedetta {
namespace {

using nlohmann::json;

IpAddress ip(const char* text) {
  IpAddress a;
  EXPECT_TRUE(IpAddress::parse(text, a)) << text;
  return a;
}

std::vector<const FieldDef*> every_field() {
  std::vector<const FieldDef*> out;
  for (const auto& f : all_fields()) out.push_back(&f);
  return out;
}

json render(const FlowExport& e, const std::vector<const FieldDef*>& fields = every_field()) {
  std::string line;
  JsonLinesSink::render(e, fields, line);
  EXPECT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1) << line;
  return json::parse(line);
}

// An IPv4 TCP flow: client 10.1.1.9:51000 (the hi endpoint) → 10.1.1.1:443.
Flow tcp_flow() {
  Flow f;
  f.key.lo = {ip("10.1.1.1"), 443};
  f.key.hi = {ip("10.1.1.9"), 51000};
  f.key.l4_proto = 6;
  f.key.vlan = 42;
  f.lo_is_client = false;
  f.id = 77;
  f.input_if = 1;
  const uint8_t cm[6] = {0x02, 0, 0, 0, 0, 0x09}, sm[6] = {0x02, 0, 0, 0, 0, 0x01};
  std::memcpy(f.client_mac, cm, 6);
  std::memcpy(f.server_mac, sm, 6);
  f.first_us = 1'700'000'000'123'456ULL;
  f.last_us = 1'700'000'005'987'654ULL;
  f.c2s = {10, 1000, 1140, 0x1a};
  f.s2c = {8, 9000, 9112, 0x12};
  f.extras().fragments[0] = 2;
  f.extras().exported_c2s = {4, 300};
  f.extras().exported_s2c = {3, 2500};
  f.tcp.server_rtt_us = 1500;
  f.tcp.client_rtt_us = 250;
  f.tcp.retransmissions[0] = 1;
  f.tcp.retransmissions[1] = 2;
  f.tcp.out_of_order[0] = 3;
  f.tcp.out_of_order[1] = 4;
  f.tcp.zero_windows[0] = 5;
  f.tcp.zero_windows[1] = 6;
  f.direction_guessed = false;
  return f;
}

TEST(Fields, NamesAndIdsAreUnique) {
  std::set<std::string_view> names;
  std::set<uint32_t> ids;
  for (const auto& f : all_fields()) {
    EXPECT_TRUE(names.insert(f.name).second) << f.name;
    EXPECT_TRUE(ids.insert(f.id).second) << f.name << " id " << f.id;
    EXPECT_FALSE(f.description.empty()) << f.name;
    EXPECT_NE(f.write, nullptr) << f.name;
    for (char c : f.name) EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') << f.name;
  }
  EXPECT_GE(all_fields().size(), 40u);
}

TEST(Fields, NtopAndIanaNumbers) {
  EXPECT_EQ(find_field("IN_BYTES")->id, 1u);
  EXPECT_EQ(find_field("IN_PKTS")->id, 2u);
  EXPECT_EQ(find_field("PROTOCOL")->id, 4u);
  EXPECT_EQ(find_field("IPV4_SRC_ADDR")->id, 8u);
  EXPECT_EQ(find_field("L7_PROTO")->id, 57472u + 118);
  EXPECT_EQ(find_field("EXPORT_REASON")->id, 61441u);
}

TEST(Fields, FindIsCaseInsensitiveAndExact) {
  const FieldDef* a = find_field("L4_SRC_PORT");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->name, "L4_SRC_PORT");
  EXPECT_EQ(find_field("l4_src_port"), a);
  EXPECT_EQ(find_field("L4_Src_Port"), a);
  EXPECT_EQ(find_field("L4_SRC_POR"), nullptr);
  EXPECT_EQ(find_field("L4_SRC_PORTS"), nullptr);
  EXPECT_EQ(find_field(""), nullptr);
  EXPECT_EQ(find_field("NOPE"), nullptr);
}

TEST(Fields, Ipv4TcpFlow) {
  Flow f = tcp_flow();
  json j = render(FlowExport{f, ExportReason::kIdle, nullptr, "eth1", 1});
  EXPECT_EQ(j["FLOW_ID"], 77);
  EXPECT_EQ(j["EXPORT_REASON"], "idle");
  EXPECT_EQ(j["IP_PROTOCOL_VERSION"], 4);
  EXPECT_EQ(j["PROTOCOL"], 6);
  EXPECT_EQ(j["IPV4_SRC_ADDR"], "10.1.1.9");  // the client, not the lower address
  EXPECT_EQ(j["L4_SRC_PORT"], 51000);
  EXPECT_EQ(j["IPV4_DST_ADDR"], "10.1.1.1");
  EXPECT_EQ(j["L4_DST_PORT"], 443);
  EXPECT_FALSE(j.contains("IPV6_SRC_ADDR"));
  EXPECT_FALSE(j.contains("IPV6_DST_ADDR"));
  EXPECT_EQ(j["SRC_VLAN"], 42);
  EXPECT_EQ(j["DST_VLAN"], 42);
  EXPECT_EQ(j["IN_SRC_MAC"], "02:00:00:00:00:09");
  EXPECT_EQ(j["OUT_DST_MAC"], "02:00:00:00:00:01");
  EXPECT_EQ(j["INPUT_SNMP"], 1);
  EXPECT_EQ(j["INTERFACE_NAME"], "eth1");
  // IN_/OUT_ are deltas since the previous export; INITIATOR_/RESPONDER_ totals.
  EXPECT_EQ(j["IN_PKTS"], 6);
  EXPECT_EQ(j["IN_BYTES"], 700);
  EXPECT_EQ(j["OUT_PKTS"], 5);
  EXPECT_EQ(j["OUT_BYTES"], 6500);
  EXPECT_EQ(j["INITIATOR_PKTS"], 10);
  EXPECT_EQ(j["INITIATOR_OCTETS"], 1000);
  EXPECT_EQ(j["RESPONDER_PKTS"], 8);
  EXPECT_EQ(j["RESPONDER_OCTETS"], 9000);
  EXPECT_EQ(j["INITIATOR_FRAME_OCTETS"], 1140);
  EXPECT_EQ(j["RESPONDER_FRAME_OCTETS"], 9112);
  EXPECT_EQ(j["FIRST_SWITCHED"], 1'700'000'000);
  EXPECT_EQ(j["LAST_SWITCHED"], 1'700'000'005);
  EXPECT_EQ(j["FLOW_START_MILLISECONDS"], 1'700'000'000'123ULL);
  EXPECT_EQ(j["FLOW_END_MILLISECONDS"], 1'700'000'005'987ULL);
  EXPECT_EQ(j["TCP_FLAGS"], 0x1a);
  EXPECT_EQ(j["CLIENT_TCP_FLAGS"], 0x1a);
  EXPECT_EQ(j["SERVER_TCP_FLAGS"], 0x12);
  EXPECT_EQ(j["DIRECTION_GUESSED"], false);
  EXPECT_EQ(j["SRC_FRAGMENTS"], 2);
  EXPECT_EQ(j["DST_FRAGMENTS"], 0);
  EXPECT_DOUBLE_EQ(j["CLIENT_NW_LATENCY_MS"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(j["SERVER_NW_LATENCY_MS"].get<double>(), 1.5);
  EXPECT_EQ(j["RETRANSMITTED_IN_PKTS"], 1);
  EXPECT_EQ(j["RETRANSMITTED_OUT_PKTS"], 2);
  EXPECT_EQ(j["OOORDER_IN_PKTS"], 3);
  EXPECT_EQ(j["OOORDER_OUT_PKTS"], 4);
  EXPECT_EQ(j["ZERO_WINDOW_IN_PKTS"], 5);
  EXPECT_EQ(j["ZERO_WINDOW_OUT_PKTS"], 6);
  // No DPI engine, no host, no tunnel: those fields are left out.
  for (const char* k : {"L7_PROTO", "L7_PROTO_NAME", "L7_MASTER_PROTO", "L7_APP_PROTO",
                        "L7_CATEGORY", "L7_CONFIDENCE", "FLOW_SERVER_NAME", "TUNNEL"})
    EXPECT_FALSE(j.contains(k)) << k;
}

TEST(Fields, LoIsClientFlipsEndpoints) {
  Flow f = tcp_flow();
  f.lo_is_client = true;
  json j = render(FlowExport{f, ExportReason::kEnd});
  EXPECT_EQ(j["IPV4_SRC_ADDR"], "10.1.1.1");
  EXPECT_EQ(j["L4_SRC_PORT"], 443);
  EXPECT_EQ(j["IPV4_DST_ADDR"], "10.1.1.9");
  EXPECT_EQ(j["EXPORT_REASON"], "end");
}

TEST(Fields, Ipv6FlowAndOptionalFields) {
  Flow f;
  f.key.lo = {ip("2001:db8::1"), 53};
  f.key.hi = {ip("2001:db8::2"), 5353};
  f.key.l4_proto = 17;
  f.lo_is_client = false;
  f.direction_guessed = true;
  f.tunnel = Tunnel::kCapwap;
  f.dpi.host = "dns.example\n\"x\"";
  json j = render(FlowExport{f, ExportReason::kShutdown});
  EXPECT_EQ(j["IP_PROTOCOL_VERSION"], 6);
  EXPECT_EQ(j["IPV6_SRC_ADDR"], "2001:db8::2");
  EXPECT_EQ(j["IPV6_DST_ADDR"], "2001:db8::1");
  EXPECT_FALSE(j.contains("IPV4_SRC_ADDR"));
  EXPECT_FALSE(j.contains("IPV4_DST_ADDR"));
  EXPECT_FALSE(j.contains("IN_SRC_MAC"));  // no MACs on this link
  EXPECT_FALSE(j.contains("OUT_DST_MAC"));
  EXPECT_FALSE(j.contains("CLIENT_NW_LATENCY_MS"));  // not measured
  EXPECT_FALSE(j.contains("SERVER_NW_LATENCY_MS"));
  EXPECT_EQ(j["DIRECTION_GUESSED"], true);
  EXPECT_EQ(j["TUNNEL"], "CAPWAP");
  EXPECT_EQ(j["FLOW_SERVER_NAME"], "dns.example\n\"x\"");
  EXPECT_EQ(j["EXPORT_REASON"], "shutdown");
  EXPECT_EQ(j["INTERFACE_NAME"], "");
}

TEST(Fields, ExportReasons) {
  Flow f = tcp_flow();
  EXPECT_EQ(render(FlowExport{f, ExportReason::kActiveTimeout})["EXPORT_REASON"], "active");
  EXPECT_EQ(render(FlowExport{f, ExportReason::kEviction})["EXPORT_REASON"], "eviction");
}

TEST(Fields, TemplateSubsetInOrder) {
  Flow f = tcp_flow();
  std::vector<const FieldDef*> fields = {find_field("L4_DST_PORT"), find_field("IPV6_SRC_ADDR"),
                                         find_field("FLOW_ID")};
  std::string line;
  JsonLinesSink::render(FlowExport{f, ExportReason::kIdle}, fields, line);
  EXPECT_EQ(line, "{\"L4_DST_PORT\":443,\"FLOW_ID\":77}\n");
}

TEST(Fields, DpiDisabledLeavesL7Out) {
  DpiOptions o;
  o.enabled = false;
  NdpiEngine dpi(o);
  Flow f = tcp_flow();
  f.dpi.app_id = 7;
  json j = render(FlowExport{f, ExportReason::kIdle, &dpi});
  EXPECT_FALSE(j.contains("L7_PROTO"));
  EXPECT_FALSE(j.contains("L7_PROTO_NAME"));
  EXPECT_FALSE(j.contains("L7_APP_PROTO"));
}

TEST(Fields, L7FromNdpi) {
  NdpiEngine dpi(DpiOptions{});
  Flow f = tcp_flow();
  f.dpi.master_id = 91;  // TLS
  f.dpi.app_id = 126;    // Google
  f.dpi.category_id = 0;
  f.dpi.confidence = 4;  // NDPI_CONFIDENCE_DPI
  f.dpi.host = "www.google.com";
  json j = render(FlowExport{f, ExportReason::kIdle, &dpi});
  EXPECT_EQ(j["L7_PROTO"], "91.126");
  EXPECT_EQ(j["L7_PROTO_NAME"], "TLS.Google");
  EXPECT_EQ(j["L7_MASTER_PROTO"], 91);
  EXPECT_EQ(j["L7_APP_PROTO"], 126);
  EXPECT_EQ(j["L7_CONFIDENCE"], "DPI");
  EXPECT_TRUE(j["L7_CATEGORY"].is_string());
  EXPECT_EQ(j["FLOW_SERVER_NAME"], "www.google.com");

  f.dpi = {};
  f.dpi.app_id = 7;
  json h = render(FlowExport{f, ExportReason::kIdle, &dpi});
  EXPECT_EQ(h["L7_PROTO"], "7");
  EXPECT_EQ(h["L7_PROTO_NAME"], "HTTP");
  EXPECT_EQ(h["L7_MASTER_PROTO"], 0);
  f.dpi = {};
  json u = render(FlowExport{f, ExportReason::kIdle, &dpi});
  EXPECT_EQ(u["L7_PROTO_NAME"], "Unknown");
  EXPECT_EQ(u["L7_APP_PROTO"], 0);
}

TEST(Fields, TableTextIsTerminalSafe) {
  Flow f = tcp_flow();
  f.dpi.host = "a\x1b[31mb\xc3\xa9";
  FlowExport e{f, ExportReason::kIdle};
  EXPECT_EQ(field_text(*find_field("FLOW_SERVER_NAME"), e), "a?[31mb??");
  EXPECT_EQ(field_text(*find_field("L4_SRC_PORT"), e), "51000");
  EXPECT_EQ(field_text(*find_field("SERVER_NW_LATENCY_MS"), e), "1.500");
  EXPECT_EQ(field_text(*find_field("DIRECTION_GUESSED"), e), "false");
  EXPECT_EQ(field_text(*find_field("IPV6_SRC_ADDR"), e), "");
}

TEST(Fields, ContainerAndCgroupOfEachEndAndNothingWhenUnknown) {
  Flow f = tcp_flow();
  auto client = std::make_shared<ProcessInfo>();
  client->pid = 4242;
  client->cgroup = "/docker/3f0a5b0c8e2d4f6a9b1c7d3e5f2a4b6c8d0e1f3a5b7c9d2e4f6a8b0c1d3e5f7a";
  client->container_id = "3f0a5b0c8e2d";
  auto server = std::make_shared<ProcessInfo>();  // on the host: no group, no container
  server->pid = 1;
  json j = render(FlowExport{f, ExportReason::kIdle, nullptr, "eth1", 1, client, server});
  EXPECT_EQ(j["SRC_PROC_CONTAINER_ID"], "3f0a5b0c8e2d");
  EXPECT_EQ(j["SRC_PROC_CGROUP"], client->cgroup);
  EXPECT_EQ(find_field("SRC_PROC_CONTAINER_ID")->id, 58030u);  // ntop's ids
  EXPECT_EQ(find_field("DST_PROC_CONTAINER_ID")->id, 58031u);
  EXPECT_FALSE(j.contains("DST_PROC_CONTAINER_ID"));
  EXPECT_FALSE(j.contains("DST_PROC_CGROUP"));
  EXPECT_EQ(j["DST_PROC_PID"], 1);
}

TEST(Fields, ProcessResourcesInNtopsEncoding) {
  Flow f = tcp_flow();
  auto client = std::make_shared<ProcessInfo>();
  client->pid = 4242;
  auto server = std::make_shared<ProcessInfo>();
  server->pid = 1;
  FlowResources used;
  used.cpu_ns = 862'600'000;
  used.cpu_load_pct = 43.126;
  used.has_cpu_load = true;
  used.min_flt = 12'800;
  used.maj_flt = 2;
  used.actual_kb = 60'000;
  used.peak_kb = 65'000;
  used.has_memory = true;
  used.iowait_pct = 12.5;
  used.has_iowait = true;
  FlowResources no_iowait = used;
  no_iowait.has_iowait = false;
  FlowExport e{f, ExportReason::kIdle, nullptr, "lo", 1, client, server, used, no_iowait};
  json j = render(e);
  EXPECT_EQ(j["SRC_PROC_AVERAGE_CPU_LOAD"], 4313);  // percent x 100, rounded
  EXPECT_EQ(j["SRC_PROC_CPU_NS"], 862'600'000);
  EXPECT_EQ(j["SRC_PROC_NUM_PAGE_FAULTS"], 12'802);
  EXPECT_EQ(j["SRC_PROC_MINOR_FAULTS"], 12'800);
  EXPECT_EQ(j["SRC_PROC_MAJOR_FAULTS"], 2);
  EXPECT_EQ(j["SRC_PROC_ACTUAL_MEMORY"], 60'000);
  EXPECT_EQ(j["SRC_PROC_PEAK_MEMORY"], 65'000);
  EXPECT_EQ(j["SRC_PROC_PCTG_IOWAIT"], 1250);
  EXPECT_EQ(j["DST_PROC_PCTG_IOWAIT"], "n/a");  // a process, but no delay accounting for it
  EXPECT_EQ(find_field("SRC_PROC_AVERAGE_CPU_LOAD")->id, 57857u);
  EXPECT_EQ(find_field("DST_PROC_PCTG_IOWAIT")->id, 57866u);
  // No process at an end (remote), or not sampled: no resource fields at all.
  j = render(FlowExport{f, ExportReason::kIdle, nullptr, "lo", 1, client, nullptr, used});
  for (const char* n : {"DST_PROC_AVERAGE_CPU_LOAD", "DST_PROC_PCTG_IOWAIT", "DST_PROC_PEAK_MEMORY",
                        "DST_PROC_NUM_PAGE_FAULTS"})
    EXPECT_FALSE(j.contains(n)) << n;
}

}  // namespace
}  // namespace vedetta
