// Sustained insert rate of the history writer into SQLite or ClickHouse, and
// the latency of the history queries over what was stored.
//
//   vedetta_bench_history --json FLOWS.json --store sqlite:/tmp/h.db --flows 1000000
//   vedetta_bench_history --json FLOWS.json --store clickhouse://u:p@127.0.0.1:8123/bench ...
//
// FLOWS.json: the probe's JSON lines of a pcap (`vedetta probe -i X.pcap --json F`);
// its records are cycled, each copy with its own uid, client port and start
// time (--flows-per-s of capture time: 1000 by default, a busy site), so that
// the store sees distinct flows and per-minute series of realistic size.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "collect/record_json.h"
#include "history/clickhouse_store.h"
#include "history/history_query.h"
#include "history/history_writer.h"
#include "history/sqlite_store.h"
#include "history/stored_record.h"
#include "wire/zmq_message.h"

using namespace vedetta;
using namespace vedetta::history;

namespace {

// CPU seconds (user + system) this process has used so far.
double cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

double now_s() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

std::vector<wire::FlowRecord> load_records(const std::string& path) {
  std::ifstream in(path);
  std::string line, error;
  std::vector<wire::FlowRecord> records;
  while (std::getline(in, line)) wire::decode_json_flows(line, records, error);
  return records;
}

// flow_row_from_record is paid on the collector's thread (HistoryWriter::add),
// not the writer's: timed apart, the insert loop below reuses converted rows.
std::vector<FlowRow> convert_rows(const std::vector<wire::FlowRecord>& records) {
  std::vector<FlowRow> rows;
  std::string error;
  size_t json_bytes = 0, stored_bytes = 0;
  const int kRounds = 200;
  const double t0 = now_s();
  for (int round = 0; round < kRounds; ++round) {
    rows.clear();
    for (const auto& r : records) {
      FlowRow row;
      if (flow_row_from_record(r, row, error)) rows.push_back(std::move(row));
    }
  }
  const double per_flow_us = (now_s() - t0) * 1e6 / (kRounds * records.size());
  for (const auto& r : records) {
    std::string json;
    collect::append_record_json(r, json);
    json_bytes += json.size();
  }
  for (const FlowRow& row : rows) stored_bytes += row.stored_record.size();
  std::printf("flow_row_from_record: %.2f us per flow; record %zu bytes stored (JSON %zu)\n",
              per_flow_us, stored_bytes / std::max<size_t>(rows.size(), 1),
              json_bytes / std::max<size_t>(records.size(), 1));
  return rows;
}

void time_query(const char* what, const std::function<nlohmann::json()>& ask) {
  const double t0 = now_s();
  const nlohmann::json answer = ask();
  std::printf("query %-44s %8.1f ms  %s\n", what, (now_s() - t0) * 1000,
              answer.dump().substr(0, 90).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::string json, target;
  uint64_t flows = 1'000'000;
  size_t batch = 1000;
  double flows_per_s = 1000;
  bool queries_only = false, no_record = false, no_queries = false, record_as_json = false;
  for (int i = 1; i < argc; ++i) {
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (!strcmp(argv[i], "--json")) json = next();
    else if (!strcmp(argv[i], "--store")) target = next();
    else if (!strcmp(argv[i], "--flows")) flows = std::stoull(next());
    else if (!strcmp(argv[i], "--batch")) batch = std::stoul(next());
    else if (!strcmp(argv[i], "--flows-per-s")) flows_per_s = std::stod(next());
    else if (!strcmp(argv[i], "--queries-only")) queries_only = true;
    else if (!strcmp(argv[i], "--no-record")) no_record = true;  // what the record column costs
    else if (!strcmp(argv[i], "--no-queries")) no_queries = true;  // for profiles of the insert
    // The record as JSON text, as stored before the compact form (still read back alike).
    else if (!strcmp(argv[i], "--record-as-json")) record_as_json = true;
  }
  if (json.empty() || target.empty()) {
    std::fprintf(stderr, "USAGE: %s --json FLOWS.json --store sqlite:PATH|clickhouse://... "
                 "[--flows N] [--batch N] [--flows-per-s R] [--queries-only] [--no-queries] [--no-record] [--record-as-json]\n", argv[0]);
    return 2;
  }
  std::vector<FlowRow> rows = convert_rows(load_records(json));
  if (record_as_json)
    for (FlowRow& row : rows) row.stored_record = stored_record_json(row.stored_record);
  if (rows.empty()) {
    std::fprintf(stderr, "%s: no flows\n", json.c_str());
    return 1;
  }
  std::shared_ptr<FlowStore> store;
  if (target.rfind("sqlite:", 0) == 0)
    store = std::make_shared<SqliteStore>(target.substr(7));
  else
    store = std::make_shared<ClickHouseStore>(parse_clickhouse_url(target));

  const int64_t base_ms = 1'700'000'000'000;
  const int64_t spread_ms = static_cast<int64_t>(flows / flows_per_s * 1000);
  if (!queries_only) {
    WriterOptions o;
    o.batch_size = batch;
    o.max_queued = std::max<size_t>(100'000, batch * 4);
    HistoryWriter writer(store, o);
    const double t0 = now_s(), cpu0 = cpu_s();
    for (uint64_t i = 0; i < flows; ++i) {
      // Blocking producer: the bench measures the store, so nothing may be dropped.
      while (i % 1000 == 0 && writer.stats().queued + 1000 > o.max_queued)
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      FlowRow row = rows[i % rows.size()];
      const int64_t duration = row.last_ms - row.first_ms;
      row.first_ms = base_ms + static_cast<int64_t>(i * (spread_ms / double(flows)));
      row.last_ms = row.first_ms + std::min<int64_t>(duration, 120'000);
      row.client_port = 1024 + i % 60'000;
      row.uid = static_cast<int64_t>(i);
      if (no_record) row.stored_record.clear();
      writer.add(std::move(row));
    }
    const double added = now_s();
    writer.stop();
    const double t1 = now_s(), cpu = cpu_s() - cpu0;
    const WriterStats s = writer.stats();
    std::printf("insert %s: %llu flows in %.2f s = %.0f flows/s (batch %zu; producer done at %.2f s); "
                "written %llu, dropped %llu, failures %llu; bench CPU %.2f s = %.1f us/flow\n",
                store->describe().c_str(), (unsigned long long)flows, t1 - t0, flows / (t1 - t0),
                batch, added - t0, (unsigned long long)s.written, (unsigned long long)s.dropped,
                (unsigned long long)s.failures, cpu, cpu * 1e6 / flows);
  }
  if (no_queries) return 0;
  HistoryQuery q(*store);
  const std::string from = std::to_string(base_ms / 1000), to = std::to_string((base_ms + spread_ms) / 1000 + 3600);
  const std::string day_to = std::to_string((base_ms + spread_ms / 10) / 1000);  // a tenth
  time_query("top 10 applications, whole range", [&] { return q.top({{"by", "application"}, {"from", from}, {"to", to}}); });
  time_query("top 10 hosts, whole range", [&] { return q.top({{"by", "host"}, {"from", from}, {"to", to}}); });
  time_query("top 10 peers, whole range", [&] { return q.top({{"by", "peer"}, {"from", from}, {"to", to}}); });
  time_query("top 10 applications, first tenth", [&] { return q.top({{"by", "application"}, {"from", from}, {"to", day_to}}); });
  time_query("flows page 1 by bytes, first tenth", [&] { return q.flows({{"from", from}, {"to", day_to}}); });
  time_query("flows of host, whole range, by bytes", [&] { return q.flows({{"from", from}, {"to", to}, {"host", rows[0].server_ip}}); });
  time_query("series of interface, whole range, 60 s", [&] {
    return q.timeseries({{"kind", "interface"}, {"key", rows[0].interface}, {"from", from}, {"to", to}, {"bucket", "60"}});
  });
  return 0;
}
