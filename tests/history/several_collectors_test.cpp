// Several `vedetta server`s writing into one ClickHouse database at once:
// started together (so that they create the schema concurrently), each
// replaying its own corpus pcap with a probe inside; every flow of every
// collector must be there exactly once, with uids that do not collide, and
// any server reading that database answers for all of them.
#include <gtest/gtest.h>

#include <map>
#include <numeric>
#include <memory>
#include <thread>

#include "clickhouse_server.h"
#include "history/clickhouse_store.h"
#include "history_test_support.h"
#include "server_process.h"

namespace vedetta::history {
namespace {

constexpr const char* kEver = "from=0&to=4000000000";

int64_t count_of(const FlowStore& store, const std::string& sql) {
  ResultRows rows = store.select(sql);
  return rows.empty() || rows[0].empty() ? -1 : std::stoll(rows[0][0]);
}

TEST(SeveralCollectors, SchemaCreatedByManyAtOnce) {
  auto clickhouse = test::start_clickhouse("schema-race");
  if (!clickhouse) return;
  // Eight stores opening one new database from eight threads, five times:
  // CREATE ... IF NOT EXISTS racing with itself must not be a refusal.
  for (int round = 0; round < 5; ++round) {
    const std::string url = clickhouse->url("race" + std::to_string(round));
    std::vector<std::string> errors(8);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < errors.size(); ++i)
      threads.emplace_back([&, i] {
        try {
          ClickHouseStore store(parse_clickhouse_url(url));
          store.select("SELECT count() FROM flows");
        } catch (const std::exception& e) {
          errors[i] = e.what();
        }
      });
    for (auto& t : threads) t.join();
    for (const std::string& e : errors) EXPECT_EQ(e, "") << "round " << round;
  }
}

TEST(SeveralCollectors, EveryFlowOnceInOneClickHouse) {
  auto clickhouse = test::start_clickhouse("several");
  if (!clickhouse) return;
  const std::string dir = clickhouse->dir(), url = clickhouse->url("shared");
  // The last collector replays the first one's pcap under the same input
  // name: only its --collector-name tells its flows (and their uids) apart.
  const std::vector<std::string> pcaps = {"1kxun.pcap", "443-chrome.pcap", "quic.pcap", "1kxun.pcap"};
  // What the probe alone exports for each pcap, merged as a collector does.
  std::map<std::string, int64_t> per_pcap;
  std::vector<int64_t> expected;
  for (const std::string& pcap : pcaps) {
    if (!per_pcap.count(pcap)) per_pcap[pcap] = test::merged_records(pcap, dir).size();
    ASSERT_GT(per_pcap[pcap], 0) << pcap;
    expected.push_back(per_pcap[pcap]);
  }
  const int64_t expected_total = std::accumulate(expected.begin(), expected.end(), int64_t{0});
  auto name = [](size_t i) { return "collector" + std::to_string(i); };

  // All at once on a database that does not exist yet. The first keeps its
  // console up for the API check; the others stop after 8 s.
  const int http_port = test::free_port();
  std::vector<std::unique_ptr<test::ServerProcess>> servers;
  for (size_t i = 0; i < pcaps.size(); ++i) {
    std::vector<std::string> args = {"-i", std::string(VEDETTA_PCAP_DIR) + "/" + pcaps[i],
                                     "--dump-flows", url, "--collector-name", name(i),
                                     "--history-days", "0", "--merge-wait", "0.2",
                                     "--data-dir", dir + "/" + name(i) + "-data"};
    if (i == 0) {
      args.insert(args.end(), {"--http-port", std::to_string(http_port)});
    } else {
      args.insert(args.end(), {"--http-port", "0", "--duration", "8"});
    }
    servers.push_back(std::make_unique<test::ServerProcess>(args, dir + "/" + name(i) + ".err"));
  }
  for (size_t i = 1; i < servers.size(); ++i) {
    const bool clean = servers[i]->wait_exit(60);
    const std::string err = servers[i]->stderr_text();
    EXPECT_TRUE(clean) << err;
    // Each server's exit report: all of its pcap's flows written, none lost.
    EXPECT_NE(err.find(std::to_string(expected[i]) + " flows written in"), std::string::npos)
        << name(i) << ": " << err;
    EXPECT_NE(err.find(" 0 dropped, 0 not storable, 0 failed writes"), std::string::npos) << err;
  }

  // The first server's API: its own history counters, then everyone's flows.
  ASSERT_TRUE(test::wait_until(
      [&] {
        auto s = test::api_get(http_port, "/api/v1/status");
        return s.status == 200 && s.body["history"]["written"] == expected[0];
      },
      60))
      << servers[0]->stderr_text();
  const std::string flows = std::string("/api/v1/history/flows?") + kEver + "&limit=1";
  test::ApiAnswer all = test::api_get(http_port, flows);
  ASSERT_EQ(all.status, 200) << all.body.dump();
  EXPECT_EQ(all.body["total"], expected_total) << "the API of one server sees every collector's flows";
  for (size_t i = 0; i < pcaps.size(); ++i) {
    test::ApiAnswer one = test::api_get(http_port, flows + "&collector=" + name(i));
    EXPECT_EQ(one.body["total"], expected[i]) << name(i) << ": " << one.body.dump();
    if (!one.body["flows"].empty()) EXPECT_EQ(one.body["flows"][0]["collector"], name(i));
  }
  EXPECT_TRUE(servers[0]->stop()) << servers[0]->stderr_text();
  EXPECT_NE(servers[0]->stderr_text().find(std::to_string(expected[0]) + " flows written in"),
            std::string::npos)
      << servers[0]->stderr_text();

  // In ClickHouse itself: each collector's flows under its name, once each.
  ClickHouseStore store(parse_clickhouse_url(url));
  EXPECT_EQ(count_of(store, "SELECT count() FROM flows"), expected_total);
  EXPECT_EQ(count_of(store, "SELECT uniqExact(uid) FROM flows"), expected_total)
      << "two flows share a uid";
  for (size_t i = 0; i < pcaps.size(); ++i)
    EXPECT_EQ(count_of(store, "SELECT count() FROM flows WHERE collector = '" + name(i) + "'"),
              expected[i])
        << name(i);
  // Two collectors, one input name: the interface alone mixes them.
  const std::string same_input = std::string(VEDETTA_PCAP_DIR) + "/1kxun.pcap";
  EXPECT_EQ(count_of(store, "SELECT count() FROM flows WHERE interface = " +
                                store.dialect().quote(same_input)),
            expected[0] + expected[3]);
  // ... and their records are the same: a uid of the record alone would collide.
  EXPECT_EQ(count_of(store, "SELECT uniqExact(record) FROM flows WHERE interface = " +
                                store.dialect().quote(same_input)),
            expected[0]);
  // Every flow's series rows arrived too: one flow per flow and interface.
  EXPECT_EQ(count_of(store, "SELECT sum(flows) FROM series WHERE kind = 'interface'"),
            expected_total);
}

}  // namespace
}  // namespace vedetta::history
