// ClickHouse going away under a running `vedetta server --dump-flows`: the
// history routes answer 503 naming ClickHouse at once (no hang), the status
// shows the store unavailable with its last error, the live routes go on;
// once ClickHouse is back, the history answers again and the flows that
// arrived meanwhile (buffered by the writer) are stored.
#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "clickhouse_server.h"
#include "history_test_support.h"
#include "server_process.h"

namespace vedetta::history {
namespace {

constexpr const char* kEver = "from=0&to=4000000000";

// The built probe replays `pcap` to the server's ZeroMQ input, `endpoint`,
// which the server binds (collector mode): the server is there before the
// probe starts, so no flow is sent before it subscribes.
void replay(const std::string& pcap, const std::string& endpoint) {
  const std::string probe = std::string(VEDETTA_BINARY) + " probe -q -i " + VEDETTA_PCAP_DIR + "/" +
                            pcap + " --zmq " + endpoint + " --zmq-probe-mode >/dev/null 2>&1";
  EXPECT_EQ(std::system(probe.c_str()), 0) << probe;
}

nlohmann::json history_status(int port) { return test::api_get(port, "/api/v1/status").body["history"]; }

int64_t history_total(int port) {
  test::ApiAnswer a = test::api_get(port, std::string("/api/v1/history/flows?") + kEver + "&limit=1");
  return a.status == 200 ? a.body["total"].get<int64_t>() : -1;
}

TEST(ClickHouseOutage, HistoryRoutesAnswer503ThenRecover) {
  auto started = test::start_clickhouse("outage");
  if (!started) return;
  test::ClickHouseServer& clickhouse = *started;
  const std::string dir = clickhouse.dir();
  const size_t before = test::merged_records("1kxun.pcap", dir).size();
  const size_t during = test::merged_records("443-chrome.pcap", dir).size();

  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(test::free_port());
  const int port = test::free_port();
  test::ServerProcess server({"-i", endpoint + "c", "--dump-flows", clickhouse.url("outage"),
                              "--history-days", "0", "--merge-wait", "0.2", "--data-dir",
                              dir + "/vedetta-data", "--http-port", std::to_string(port)},
                             dir + "/server.err");
  ASSERT_TRUE(test::wait_until([&] { return !server.running() || test::api_get(port, "/api/v1/status").status == 200; }, 30) && server.running())
      << server.stderr_text();
  replay("1kxun.pcap", endpoint);
  ASSERT_TRUE(test::wait_until([&] { return history_total(port) == static_cast<int64_t>(before); }, 30))
      << history_status(port).dump();

  // ClickHouse goes away; flows keep arriving, so the writer finds out too.
  clickhouse.stop();
  const std::string day = "from=1400000000&to=1400086400";
  const std::string routes[] = {std::string("/api/v1/history/flows?") + kEver,
                                std::string("/api/v1/history/top?by=application&") + kEver,
                                "/api/v1/history/timeseries?kind=interface&key=x&" + day,
                                "/api/v1/history/drilldown?kind=interface&key=x&t=1400000000&bucket=60"};
  for (const std::string& route : routes) {
    test::ApiAnswer a = test::api_get(port, route);
    EXPECT_EQ(a.status, 503) << route << ": " << a.body.dump();
    // docs/api.md: {"error": "history: ClickHouse HOST:PORT: Couldn't connect to server"}
    EXPECT_EQ(a.body.value("error", "").rfind("history: ClickHouse 127.0.0.1:", 0), 0u) << a.body.dump();
    // docs/history.md: a refused connection fails at once; the connect timeout is 3 s.
    EXPECT_LT(a.seconds, 3.5) << route;
  }
  replay("443-chrome.pcap", endpoint);
  ASSERT_TRUE(test::wait_until([&] { return history_status(port)["store_available"] == false; }, 30))
      << history_status(port).dump();
  const nlohmann::json down = history_status(port);
  EXPECT_NE(down["last_error"].get<std::string>().find("ClickHouse"), std::string::npos) << down.dump();
  EXPECT_GT(down["queued"].get<int64_t>(), 0) << down.dump();
  EXPECT_EQ(down["written"], before) << down.dump();
  // The live side does not depend on the store.
  test::ApiAnswer live = test::api_get(port, "/api/v1/flows?limit=1");
  EXPECT_EQ(live.status, 200) << live.body.dump();
  EXPECT_GT(live.body["total"].get<int64_t>(), 0) << live.body.dump();

  // Back: the buffered flows are written and the routes answer again.
  ASSERT_TRUE(clickhouse.start()) << "see " << dir << "/error.log";
  ASSERT_TRUE(test::wait_until(
      [&] { return history_total(port) == static_cast<int64_t>(before + during); }, 60))
      << history_status(port).dump();
  for (const std::string& route : routes)
    EXPECT_EQ(test::api_get(port, route).status, 200) << route;
  const nlohmann::json up = history_status(port);
  EXPECT_EQ(up["store_available"], true) << up.dump();
  EXPECT_EQ(up["written"], before + during) << up.dump();
  EXPECT_EQ(up["dropped"], 0) << up.dump();
  EXPECT_TRUE(server.stop()) << server.stderr_text();
  const std::string err = server.stderr_text();
  EXPECT_NE(err.find("vedetta: history: ClickHouse 127.0.0.1:"), std::string::npos) << err;
  EXPECT_NE(err.find("; buffering up to 100000 flows, retrying"), std::string::npos) << err;
  EXPECT_NE(err.find("writing again after"), std::string::npos) << err;
}

// A ClickHouse that accepts connections but answers nothing (stopped with
// SIGSTOP: the kernel still completes the handshake) holds a history query
// for the query timeout, 30 s, then it is a 503; the live routes answer
// meanwhile.
TEST(ClickHouseOutage, FrozenClickHouseIs503AfterTheQueryTimeout) {
  auto started = test::start_clickhouse("frozen");
  if (!started) return;
  test::ClickHouseServer& clickhouse = *started;
  const std::string dir = clickhouse.dir();
  const int port = test::free_port();
  test::ServerProcess server({"-i", "tcp://127.0.0.1:" + std::to_string(test::free_port()) + "c",
                              "--dump-flows", clickhouse.url("frozen"), "--data-dir",
                              dir + "/vedetta-data", "--http-port", std::to_string(port)},
                             dir + "/server.err");
  const std::string flows = std::string("/api/v1/history/flows?") + kEver;
  ASSERT_TRUE(test::wait_until([&] { return !server.running() || test::api_get(port, flows).status == 200; }, 30) && server.running())
      << server.stderr_text();

  clickhouse.freeze(true);
  test::ApiAnswer history;
  std::thread waiting([&] { history = test::api_get(port, flows); });
  std::this_thread::sleep_for(std::chrono::seconds(2));
  test::ApiAnswer live = test::api_get(port, "/api/v1/flows?limit=1");
  EXPECT_EQ(live.status, 200) << "a live route waits behind a hung history query";
  EXPECT_LT(live.seconds, 3.0);
  waiting.join();
  clickhouse.freeze(false);
  EXPECT_EQ(history.status, 503) << history.body.dump();
  EXPECT_EQ(history.body.value("error", "").rfind("history: ClickHouse 127.0.0.1:", 0), 0u)
      << history.body.dump();
  EXPECT_GE(history.seconds, 29.0);
  EXPECT_LT(history.seconds, 35.0);
  EXPECT_EQ(test::api_get(port, flows).status, 200) << "answers again once ClickHouse does";
}

}  // namespace
}  // namespace vedetta::history
