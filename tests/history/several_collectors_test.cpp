// Several `vedetta server`s writing into one ClickHouse database at once:
// started together (so that they create the schema concurrently), each
// replaying its own corpus pcap with a probe inside; every flow of every
// collector must be there exactly once, with uids that do not collide, and
// any server reading that database answers for all of them.
#include <gtest/gtest.h>

#include <map>
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
  const std::vector<std::string> pcaps = {"1kxun.pcap", "443-chrome.pcap", "quic.pcap"};
  // What the probe alone exports for each pcap, merged as a collector does.
  std::map<std::string, size_t> expected;
  size_t expected_total = 0;
  for (const std::string& pcap : pcaps) {
    expected[pcap] = test::merged_records(pcap, dir).size();
    expected_total += expected[pcap];
  }

  // All three at once on a database that does not exist yet. The first
  // keeps its console up for the API check; the others stop after 8 s.
  const int http_port = test::free_port();
  std::vector<std::unique_ptr<test::ServerProcess>> servers;
  for (size_t i = 0; i < pcaps.size(); ++i) {
    const std::string own = dir + "/collector" + std::to_string(i);
    std::vector<std::string> args = {"-i", std::string(VEDETTA_PCAP_DIR) + "/" + pcaps[i],
                                     "--dump-flows", url, "--history-days", "0",
                                     "--merge-wait", "0.2", "--data-dir", own + "-data"};
    if (i == 0) {
      args.insert(args.end(), {"--http-port", std::to_string(http_port)});
    } else {
      args.insert(args.end(), {"--http-port", "0", "--duration", "8"});
    }
    servers.push_back(std::make_unique<test::ServerProcess>(args, own + ".err"));
  }
  for (size_t i = 1; i < servers.size(); ++i) {
    EXPECT_TRUE(servers[i]->wait_exit(60)) << servers[i]->stderr_text();
    // Each server's exit report: all of its pcap's flows written, none lost.
    EXPECT_NE(servers[i]->stderr_text().find(std::to_string(expected[pcaps[i]]) +
                                             " flows written in"),
              std::string::npos)
        << pcaps[i] << ": " << servers[i]->stderr_text();
    EXPECT_NE(servers[i]->stderr_text().find(" 0 dropped, 0 not storable, 0 failed writes"),
              std::string::npos)
        << servers[i]->stderr_text();
  }

  // The first server's API: its own history counters, then everyone's flows.
  const std::string first_written = std::to_string(expected[pcaps[0]]);
  ASSERT_TRUE(test::wait_until(
      [&] {
        auto s = test::api_get(http_port, "/api/v1/status");
        return s.status == 200 && s.body["history"]["written"] == expected[pcaps[0]];
      },
      60))
      << servers[0]->stderr_text();
  test::ApiAnswer all = test::api_get(http_port, std::string("/api/v1/history/flows?") + kEver + "&limit=1");
  ASSERT_EQ(all.status, 200) << all.body.dump();
  EXPECT_EQ(all.body["total"], expected_total) << "the API of one server sees every collector's flows";
  for (const std::string& pcap : pcaps) {
    const std::string interface = std::string(VEDETTA_PCAP_DIR) + "/" + pcap;
    test::ApiAnswer one = test::api_get(
        http_port, std::string("/api/v1/history/flows?") + kEver + "&limit=1&interface=" +
                       httplib::detail::encode_query_param(interface));
    EXPECT_EQ(one.body["total"], expected[pcap]) << pcap << ": " << one.body.dump();
  }
  EXPECT_TRUE(servers[0]->stop()) << servers[0]->stderr_text();
  EXPECT_NE(servers[0]->stderr_text().find(first_written + " flows written in"), std::string::npos)
      << servers[0]->stderr_text();

  // In ClickHouse itself: each collector's flows under its input, once each.
  ClickHouseStore store(parse_clickhouse_url(url));
  EXPECT_EQ(count_of(store, "SELECT count() FROM flows"), static_cast<int64_t>(expected_total));
  EXPECT_EQ(count_of(store, "SELECT uniqExact(uid) FROM flows"),
            static_cast<int64_t>(expected_total))
      << "two flows share a uid";
  for (const std::string& pcap : pcaps) {
    const std::string interface = std::string(VEDETTA_PCAP_DIR) + "/" + pcap;
    EXPECT_EQ(count_of(store, "SELECT count() FROM flows WHERE interface = " +
                                  store.dialect().quote(interface)),
              static_cast<int64_t>(expected[pcap]))
        << pcap;
  }
  // Every flow's series rows arrived too: one flow per flow and interface.
  EXPECT_EQ(count_of(store, "SELECT sum(flows) FROM series WHERE kind = 'interface'"),
            static_cast<int64_t>(expected_total));
}

}  // namespace
}  // namespace vedetta::history
