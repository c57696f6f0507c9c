// A real ClickHouse (Debian's clickhouse-server, started by the test with a
// private config) and SQLite receive the flows of the same pcap replays and
// answer the same history queries with the same JSON; a ClickHouse stopped
// and started again gets the buffered flows, and the overflow is counted.
#include <gtest/gtest.h>

#include <thread>

#include "clickhouse_server.h"
#include "common/user_error.h"
#include "history/clickhouse_store.h"
#include "history/history_query.h"
#include "history/history_writer.h"
#include "history/query_params.h"
#include "history/sqlite_store.h"
#include "history_test_support.h"
#include "support/live_prerequisite.h"

namespace vedetta::history {
namespace {

using nlohmann::json;

WriterOptions quiet_options() {
  WriterOptions o;
  o.log = [](const std::string&) {};
  return o;
}

void write_all(const std::vector<FlowRow>& rows, std::shared_ptr<FlowStore> store) {
  HistoryWriter writer(std::move(store), quiet_options());
  for (const FlowRow& r : rows) writer.add(r);
  ASSERT_TRUE(writer.wait_idle(60));
  EXPECT_EQ(writer.stats().written, rows.size()) << writer.stats().last_error;
}

// The questions both stores must answer alike: every sort both ways, each
// filter, top-N by each key, series at several buckets and their drill-downs.
std::vector<std::pair<std::string, live::Params>> questions(const std::vector<FlowRow>& rows) {
  std::vector<std::pair<std::string, live::Params>> out;
  const live::Params all = {{"from", "0"}, {"to", "4000000000"}};
  auto with = [&](live::Params extra) {
    extra.insert(all.begin(), all.end());
    return extra;
  };
  for (const char* sort : {"bytes", "packets", "throughput", "duration", "first_seen", "last_seen",
                           "application", "client_process", "server_process"})
    for (const char* order : {"asc", "desc"})
      out.push_back({"flows", with({{"sort", sort}, {"order", order}, {"limit", "25"}, {"offset", "3"}})});
  const std::vector<std::pair<std::string, std::string>> filters = {
      {"host", "192.168.115.8"}, {"port", "443"},         {"l4", "UDP"},
      {"l4", "6"},               {"app", "dns"},          {"app", "QUIC"},
      {"application", "Unknown"}, {"process", "proc1"},   {"pid", "1003"},
      {"user", "bob"},           {"container", "c0ffee"}, {"interface", "replay:quic.pcap"},
      {"q", "google"},           {"q", "it's"},           {"process_key", "1005@192.168.115.8"}};
  for (const auto& [k, v] : filters) {
    out.push_back({"flows", with({{k, v}, {"limit", "1000"}, {"details", "1"}})});
    for (const char* by : {"application", "host", "peer", "process"})
      out.push_back({"top", with({{k, v}, {"by", by}, {"limit", "1000"}})});
  }
  for (const char* by : {"application", "host", "peer", "process"})
    out.push_back({"top", with({{"by", by}, {"limit", "5"}})});
  // Series over each interface's span, by minute and by hour; their drill-downs.
  std::map<std::string, std::pair<int64_t, int64_t>> spans;
  for (const FlowRow& r : rows) {
    auto [it, fresh] = spans.try_emplace(r.interface, r.first_ms, r.last_ms);
    it->second.first = std::min(it->second.first, r.first_ms);
    it->second.second = std::max(it->second.second, r.last_ms);
  }
  for (const auto& [interface, span] : spans) {
    const std::string from = std::to_string(span.first / 1000 - 120),
                      to = std::to_string(span.second / 1000 + 3600);
    for (int64_t seconds : {60, 3600, 86'400}) {
      if ((span.second - span.first) / 1000 / seconds > 5000) continue;  // a pcap spanning a year
      const std::string bucket = std::to_string(seconds);
      out.push_back({"timeseries", {{"kind", "interface"}, {"key", interface}, {"from", from},
                                    {"to", to}, {"bucket", bucket}}});
      out.push_back({"drilldown", {{"kind", "interface"}, {"key", interface},
                                   {"t", std::to_string(span.first / 1000 / 60 * 60)},
                                   {"bucket", bucket}, {"limit", "1000"}}});
    }
  }
  const std::string from = "1470104000", to = "1470105000";  // 1kxun.pcap
  for (auto [kind, key] : {std::pair{"host", "192.168.115.8"}, {"application", "HTTP"},
                           {"application", "Unknown"}, {"process", "1005@192.168.115.8"}}) {
    out.push_back({"timeseries", {{"kind", kind}, {"key", key}, {"from", from}, {"to", to}, {"bucket", "60"}}});
    out.push_back({"drilldown", {{"kind", kind}, {"key", key}, {"t", "1470104340"}, {"bucket", "60"}}});
  }
  // One flow's details: every tenth flow, and each flow with a process.
  for (size_t i = 0; i < rows.size(); ++i)
    if (i % 10 == 0 || rows[i].client.pid > 0 || rows[i].server.pid > 0)
      out.push_back({"flow", {{"uid", std::to_string(rows[i].uid)}}});
  return out;
}

json ask(const HistoryQuery& q, const std::string& what, const live::Params& p) {
  if (what == "flows") return q.flows(p);
  if (what == "top") return q.top(p);
  if (what == "timeseries") return q.timeseries(p);
  if (what == "flow") return q.flow(p.at("uid"));
  return q.drilldown(p);
}

TEST(ClickHouseStore, SameAnswersAsSqlite) {
  auto server = test::start_clickhouse("clickhouse-same");
  if (!server) return;
  const std::vector<FlowRow> rows = test::replay_rows(server->dir());
  ASSERT_GT(rows.size(), 200u);
  auto sqlite = std::make_shared<SqliteStore>(server->dir() + "/history.db");
  auto clickhouse = std::make_shared<ClickHouseStore>(parse_clickhouse_url(server->url("flows_same")));
  write_all(rows, sqlite);
  write_all(rows, clickhouse);
  const HistoryQuery from_sqlite(*sqlite), from_clickhouse(*clickhouse);
  int non_empty = 0, asked = 0;
  for (const auto& [what, params] : questions(rows)) {
    const json a = ask(from_sqlite, what, params), b = ask(from_clickhouse, what, params);
    json p(params);
    EXPECT_EQ(a, b) << what << " " << p.dump() << "\nSQLite:     " << a.dump().substr(0, 2000)
                    << "\nClickHouse: " << b.dump().substr(0, 2000);
    ++asked;
    if (what == "flow") {  // one flow: found, with its record's fields
      non_empty += a.contains("fields") && !a["fields"].empty();
      continue;
    }
    const json* list = a.contains("flows") ? &a["flows"] : a.contains("items") ? &a["items"] : nullptr;
    auto traffic = [](const json& point) { return point[1] != 0 || point[2] != 0; };
    if (list ? !list->empty() : std::any_of(a["points"].begin(), a["points"].end(), traffic))
      ++non_empty;
    else
      std::printf("empty answer: %s %s\n", what.c_str(), p.dump().c_str());
  }
  // The questions are not vacuous: all have answers but q=it's (5 questions
  // checking that a quote is data).
  EXPECT_EQ(non_empty, asked - 5);
  EXPECT_GT(asked, 140);
  // A uid neither holds: both say so.
  EXPECT_THROW(from_sqlite.flow("12345"), live::NotFound);
  EXPECT_THROW(from_clickhouse.flow("12345"), live::NotFound);
}

TEST(ClickHouseStore, StoppedAndStartedAgain) {
  auto server = test::start_clickhouse("clickhouse-restart");
  if (!server) return;
  const std::vector<FlowRow> rows = test::replay_rows(server->dir());
  auto store = std::make_shared<ClickHouseStore>(parse_clickhouse_url(server->url("flows_restart")));
  test::TestWriter t;
  WriterOptions o = t.options(100, 300, 0.1);
  HistoryWriter writer(store, o);
  t.add(writer, rows, 250);
  ASSERT_TRUE(writer.wait_idle(30));
  ASSERT_EQ(writer.stats().written, 250u);

  server->stop();
  t.add(writer, rows, 1000);
  for (int i = 0; i < 100 && writer.stats().failures == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  WriterStats s = writer.stats();
  EXPECT_GT(s.failures, 0u);
  EXPECT_FALSE(s.store_available);
  EXPECT_NE(s.last_error.find("Couldn't connect to server"), std::string::npos) << s.last_error;
  // 300 queued plus at most the batch being retried are kept; the rest is counted.
  EXPECT_GE(s.dropped, 1000u - 300 - 100);
  EXPECT_LE(s.dropped, 1000u - 300);
  EXPECT_EQ(s.written + s.dropped + s.queued, t.added);

  ASSERT_TRUE(server->start());
  ASSERT_TRUE(writer.wait_idle(60));
  s = writer.stats();
  EXPECT_TRUE(s.store_available);
  EXPECT_EQ(s.written + s.dropped, t.added);
  EXPECT_GE(s.written, 250u + 300);
  EXPECT_EQ(store->select("SELECT count(*) FROM flows").at(0).at(0), std::to_string(s.written));
  EXPECT_EQ(store->select("SELECT count(DISTINCT uid) FROM flows").at(0).at(0), std::to_string(s.written));
  EXPECT_NE(t.last_log().find("writing again after"), std::string::npos) << t.last_log();
}

TEST(ClickHouseStore, RetentionDropsDayPartitions) {
  auto server = test::start_clickhouse("clickhouse-retention");
  if (!server) return;
  const std::vector<FlowRow> rows = test::replay_rows(server->dir());
  auto store = std::make_shared<ClickHouseStore>(parse_clickhouse_url(server->url("flows_retention")));
  // Enough copies of the replay to take a few MB on disk.
  std::vector<FlowRow> copies;
  for (int copy = 0; copy < 60; ++copy)
    for (FlowRow r : rows) {
      r.uid += copy;
      r.stored_record += std::string(copy % 7, ' ');  // less compressible, like real records
      copies.push_back(std::move(r));
    }
  write_all(copies, store);
  std::set<int64_t> days;
  for (const FlowRow& r : rows) days.insert(r.day());
  ASSERT_GT(days.size(), 2u);
  auto distinct_days = [&] {
    std::set<int64_t> out;
    for (const auto& r : store->select("SELECT DISTINCT day FROM flows")) out.insert(std::stoll(r.at(0)));
    return out;
  };
  EXPECT_EQ(distinct_days(), days);
  // Age: with "now" two days after the newest day, keeping 1.5 days keeps that day only.
  const int64_t newest = *days.rbegin();
  std::string note = store->apply_retention({1.5, 0}, (newest + 2) * 86'400'000);
  EXPECT_EQ(note, format("%zu day partitions dropped (oldest day %lld)", days.size() - 1,
                         (long long)*days.begin()));
  EXPECT_EQ(distinct_days(), std::set<int64_t>{newest});
  EXPECT_EQ(store->select("SELECT count(*) FROM series WHERE day != " + std::to_string(newest)).at(0).at(0), "0");
  // Size: the newest day is never dropped for size.
  EXPECT_EQ(store->apply_retention({0, 1}, now_epoch_ms()), "");
  EXPECT_EQ(distinct_days(), std::set<int64_t>{newest});
  // Every day older than 30 days from the real now goes.
  store->apply_retention({30, 0}, now_epoch_ms());
  EXPECT_EQ(store->select("SELECT count(*) FROM flows").at(0).at(0), "0");
  EXPECT_EQ(store->select("SELECT count(*) FROM series").at(0).at(0), "0");
}

TEST(ClickHouseUrl, ParsesAndRefuses) {
  ClickHouseUrl u = parse_clickhouse_url("clickhouse://ann:p%40ss@db.example:9123/netflows");
  EXPECT_EQ(u.user, "ann");
  EXPECT_EQ(u.password, "p@ss");
  EXPECT_EQ(u.host, "db.example");
  EXPECT_EQ(u.port, 9123);
  EXPECT_EQ(u.database, "netflows");
  u = parse_clickhouse_url("clickhouse://localhost");
  EXPECT_EQ(u.user, "default");
  EXPECT_EQ(u.port, 8123);
  EXPECT_EQ(u.database, "vedetta");
  for (const char* bad : {"http://localhost", "clickhouse://", "clickhouse://h:99999/db",
                          "clickhouse://h/db;DROP"}) {
    EXPECT_THROW(parse_clickhouse_url(bad), UserError) << bad;
  }
  try {
    parse_clickhouse_url("clickhouse://h/db;DROP");
  } catch (const UserError& e) {
    EXPECT_STREQ(e.what(),
                 "--dump-flows clickhouse://h/db;DROP: the database name must be letters, digits "
                 "and '_' (expected clickhouse://USER:PASSWORD@HOST:8123/DATABASE)");
  }
}

}  // namespace
}  // namespace vedetta::history
