// Conformance with nDPI's own regression suite: for every pcap of
// shared/corpus/ndpi-4.2 with a result file, vedetta run with options that
// mirror ndpiReader's (flows end with the file, 80/24 packets to nDPI,
// give-up guess, tunnels opened, the suite's protos/categories files) must
// produce the same flows: tuples, packets and frame bytes per direction,
// master/app protocol (with tunnel prefix) and Hostname/SNI where shown.
// Differences are allowed only as listed, per pcap and with a reason, in
// ndpi_known_differences.txt; any other difference, or a listed one that no
// longer happens, fails.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

extern "C" {
#include <ndpi/ndpi_api.h>
}

#include "export/flow_export.h"
#include "ndpi_result_file.h"
#include "probe/probe.h"

namespace vedetta::conformance {
namespace {

const std::string kSuite = VEDETTA_NDPI_SUITE;

struct GotFlow {
  Flow flow;  // a copy of the final state
  std::string proto_id;
  bool matched = false;
};

class CollectSink : public FlowSink {
 public:
  explicit CollectSink(std::vector<GotFlow>& out) : out_(out) {}
  void write(const FlowExport& e) override {
    GotFlow g;
    g.flow.key = e.flow.key;
    g.flow.lo_is_client = e.flow.lo_is_client;
    g.flow.c2s = e.flow.c2s;
    g.flow.s2c = e.flow.s2c;
    g.flow.tunnel = e.flow.tunnel;
    g.flow.dpi = e.flow.dpi;
    g.proto_id = e.dpi->protocol_id(e.flow.dpi);
    out_.push_back(std::move(g));
  }

 private:
  std::vector<GotFlow>& out_;
};

// Addresses as ndpiReader prints them (it turns ":0:" into "::").
std::string printed(const IpAddress& a) {
  std::string s = a.to_string();
  if (a.version == 6) {
    std::vector<char> buf(s.begin(), s.end());
    buf.push_back('\0');
    ndpi_patchIPv6Address(buf.data());
    s = buf.data();
  }
  return s;
}

std::string endpoint_key(const std::string& addr, uint16_t port) {
  return addr + "|" + std::to_string(port);
}

std::string flow_key(uint8_t proto, uint16_t vlan, std::string a, std::string b) {
  if (b < a) std::swap(a, b);
  return std::to_string(proto) + "/" + std::to_string(vlan) + "/" + a + "/" + b;
}

struct PcapResult {
  std::string pcap;
  size_t expected = 0, got = 0, exact = 0;
  size_t missing = 0, extra = 0, counters = 0, protocol = 0, host = 0;
  std::vector<std::string> details;
  size_t differences() const { return missing + extra + counters + protocol + host; }
};

PcapResult compare_pcap(const std::string& pcap) {
  PcapResult r;
  r.pcap = pcap;
  std::vector<ExpectedFlow> expected;
  std::string error;
  if (!read_result_file(kSuite + "/result/" + pcap + ".out", expected, error)) {
    r.details.push_back(error);
    r.missing = 1;
    return r;
  }
  std::vector<GotFlow> got;
  {
    ProbeOptions o;
    o.inputs = {kSuite + "/pcap/" + pcap};
    o.flows.idle_timeout_us = 0;
    o.flows.active_timeout_us = 0;
    o.flows.tcp_close_timeout_us = 0;
    o.flows.max_flows = 0;
    o.decode.discard_truncated = true;
    o.dpi.protos_file = kSuite + "/example/protos.txt";
    o.dpi.categories_file = kSuite + "/example/categories.txt";
    o.stats_interval_s = 0;
    Probe probe(o);
    probe.add_sink(std::make_unique<CollectSink>(got));
    probe.run();
  }
  r.expected = expected.size();
  r.got = got.size();

  std::multimap<std::string, size_t> index;
  for (size_t i = 0; i < got.size(); ++i) {
    const FlowKey& k = got[i].flow.key;
    index.emplace(flow_key(k.l4_proto, k.vlan, endpoint_key(printed(k.lo.addr), k.lo.port),
                           endpoint_key(printed(k.hi.addr), k.hi.port)),
                  i);
  }
  for (const ExpectedFlow& e : expected) {
    std::string src = endpoint_key(e.src_addr, e.src_port), dst = endpoint_key(e.dst_addr, e.dst_port);
    auto range = index.equal_range(flow_key(e.l4_proto, e.vlan, src, dst));
    GotFlow* g = nullptr;
    for (auto it = range.first; it != range.second; ++it)
      if (!got[it->second].matched) {
        g = &got[it->second];
        break;
      }
    std::ostringstream where;
    where << pcap << ".out:" << e.line << " " << e.src_addr << ":" << e.src_port << " <-> "
          << e.dst_addr << ":" << e.dst_port << " proto " << int(e.l4_proto) << " vlan " << e.vlan;
    if (!g) {
      ++r.missing;
      r.details.push_back("missing: " + where.str());
      continue;
    }
    g->matched = true;
    const Flow& f = g->flow;
    bool src_is_client = endpoint_key(printed(f.client().addr), f.client().port) == src;
    const DirectionCounters& s = src_is_client ? f.c2s : f.s2c;
    const DirectionCounters& d = src_is_client ? f.s2c : f.c2s;
    bool ok = true;
    if (s.packets != e.src_packets || s.frame_bytes != e.src_bytes || d.packets != e.dst_packets ||
        d.frame_bytes != e.dst_bytes) {
      ++r.counters;
      ok = false;
      std::ostringstream m;
      m << "counters: " << where.str() << ": expected " << e.src_packets << "/" << e.src_bytes
        << " <-> " << e.dst_packets << "/" << e.dst_bytes << ", got " << s.packets << "/"
        << s.frame_bytes << " <-> " << d.packets << "/" << d.frame_bytes;
      r.details.push_back(m.str());
    }
    std::string tunnel = tunnel_name(f.tunnel);
    if (g->proto_id != e.proto_id || tunnel != e.tunnel) {
      ++r.protocol;
      ok = false;
      r.details.push_back("protocol: " + where.str() + ": expected " + e.tunnel + ":" + e.proto_id +
                          " (" + e.proto_name + "), got " + tunnel + ":" + g->proto_id);
    }
    if (e.has_host && f.dpi.host != e.host) {
      ++r.host;
      ok = false;
      r.details.push_back("host: " + where.str() + ": expected '" + e.host + "', got '" +
                          f.dpi.host.str() + "'");
    }
    if (ok) ++r.exact;
  }
  for (const GotFlow& g : got) {
    if (g.matched) continue;
    ++r.extra;
    const FlowKey& k = g.flow.key;
    r.details.push_back("extra: " + pcap + " " + printed(k.lo.addr) + ":" + std::to_string(k.lo.port) +
                        " <-> " + printed(k.hi.addr) + ":" + std::to_string(k.hi.port) +
                        " proto " + std::to_string(k.l4_proto) + " vlan " + std::to_string(k.vlan) +
                        " pkts " + std::to_string(g.flow.c2s.packets + g.flow.s2c.packets));
  }
  return r;
}

// "pcap  count  category" lines; '#' comments hold the reasons.
std::map<std::string, std::pair<size_t, std::string>> read_known_differences() {
  std::map<std::string, std::pair<size_t, std::string>> known;
  std::ifstream in(VEDETTA_KNOWN_DIFFERENCES);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string pcap, category;
    size_t count = 0;
    if (ls >> pcap >> count >> category) known[pcap] = {count, category};
  }
  return known;
}

TEST(NdpiConformance, EveryFlowOfTheSuite) {
  DIR* dir = opendir((kSuite + "/result").c_str());
  if (!dir) {
    std::string why = "nDPI suite not found at " + kSuite;
    if (const char* ci = std::getenv("CI"); ci && std::string(ci) == "true") FAIL() << why;
    std::printf("SKIP: %s\n", why.c_str());
    std::exit(77);
  }
  std::set<std::string> pcaps;
  while (dirent* d = readdir(dir)) {
    std::string n = d->d_name;
    if (n.size() > 4 && n.substr(n.size() - 4) == ".out") pcaps.insert(n.substr(0, n.size() - 4));
  }
  closedir(dir);
  ASSERT_FALSE(pcaps.empty());

  auto known = read_known_differences();
  size_t total_expected = 0, total_exact = 0, total_allowed = 0, failures = 0;
  std::printf("%-52s %6s %6s %6s %5s %5s %5s %5s %5s %s\n", "pcap", "flows", "got", "exact",
              "miss", "extra", "count", "proto", "host", "verdict");
  for (const std::string& pcap : pcaps) {
    PcapResult r = compare_pcap(pcap);
    total_expected += r.expected;
    total_exact += r.exact;
    auto k = known.find(pcap);
    size_t allowed = k == known.end() ? 0 : k->second.first;
    std::string verdict = "ok";
    if (r.differences() != allowed) {
      verdict = "FAIL";
      ++failures;
    } else if (allowed) {
      verdict = "known: " + k->second.second;
      total_allowed += allowed;
    }
    std::printf("%-52s %6zu %6zu %6zu %5zu %5zu %5zu %5zu %5zu %s\n", pcap.c_str(), r.expected,
                r.got, r.exact, r.missing, r.extra, r.counters, r.protocol, r.host, verdict.c_str());
    if (verdict == "FAIL") {
      std::printf("  %zu differences, %zu listed in ndpi_known_differences.txt\n", r.differences(),
                  allowed);
      for (const auto& d : r.details) std::printf("    %s\n", d.c_str());
    }
  }
  std::printf("\n%zu pcaps, %zu expected flows, %zu matched exactly (%.2f %%), %zu known "
              "differences, %zu pcaps failing\n",
              pcaps.size(), total_expected, total_exact,
              total_expected ? 100.0 * total_exact / total_expected : 0.0, total_allowed, failures);
  EXPECT_EQ(failures, 0u);
}

}  // namespace
}  // namespace vedetta::conformance
