// The built `vedetta server --data-dir DIR` (or `--dump-flows clickhouse://`)
// stores what a probe replaying a corpus pcap sends it: every merged flow,
// with the collector's input as interface, answering the history queries.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "clickhouse_server.h"
#include "history/clickhouse_store.h"
#include "history/history_query.h"
#include "history/sqlite_store.h"
#include "history_test_support.h"

namespace vedetta::history {
namespace {

// Runs the built server with `history_options` for 8 s while the built probe
// replays 1kxun.pcap (140 flows) to it; returns the input and the server's stderr.
// The server binds (collector mode), so the probe, which waits at most 2 s
// at exit for a subscriber, never finishes before the server is there.
std::pair<std::string, std::string> serve_replay(const std::string& dir,
                                                 const std::string& history_options) {
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(test::free_port());
  const std::string input = endpoint + "c";
  const std::string server = std::string(VEDETTA_BINARY) + " server -q -i " + input + " " +
                             history_options + " --http-port 0 --merge-wait 0.2 --duration 8 --keep-root 2>" +
                             dir + "/server.err";
  const pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", server.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  sleep(1);
  const std::string probe = std::string(VEDETTA_BINARY) + " probe -q -i " + VEDETTA_PCAP_DIR +
                            "/1kxun.pcap --zmq " + endpoint + " --zmq-probe-mode >/dev/null 2>&1";
  EXPECT_EQ(std::system(probe.c_str()), 0);
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  std::stringstream err;
  err << std::ifstream(dir + "/server.err").rdbuf();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << err.str();
  return {input, err.str()};
}

void expect_the_replay(const FlowStore& store, const std::string& input) {
  HistoryQuery q(store);
  EXPECT_EQ(q.flows({{"from", "0"}, {"to", "4000000000"}})["total"], 140);
  const nlohmann::json flows = q.flows({{"from", "0"}, {"to", "4000000000"}, {"port", "49612"}});
  ASSERT_EQ(flows["total"], 1);
  EXPECT_EQ(flows["flows"][0]["interface"], input);
  EXPECT_EQ(flows["flows"][0]["bytes"]["total"], 1288 + 797);
}

TEST(ServerHistory, ProbeReplayLandsInDataDir) {
  const std::string dir = test::temp_dir("server");
  auto [input, err] = serve_replay(dir, "--data-dir " + dir + "/data --history-days 0");
  // The exit report names the store and the count; the probe's JSON of the same pcap has 140 flows.
  EXPECT_NE(err.find("vedetta: history: SQLite " + dir + "/data/history.db: 140 flows written"),
            std::string::npos)
      << err;
  struct stat st {};
  ASSERT_EQ(stat((dir + "/data/history.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  SqliteStore store(dir + "/data/history.db");
  EXPECT_EQ(store.integrity_check(), "ok");
  expect_the_replay(store, input);
}

TEST(ServerHistory, DumpFlowsToClickHouse) {
  auto clickhouse = test::start_clickhouse("server-clickhouse");
  if (!clickhouse) return;
  const std::string dir = clickhouse->dir(), url = clickhouse->url("from_server");
  auto [input, err] = serve_replay(dir, "--dump-flows " + url + " --history-days 0");
  EXPECT_NE(err.find("140 flows written in 1 batches, 0 dropped"), std::string::npos) << err;
  ClickHouseStore store(parse_clickhouse_url(url));
  expect_the_replay(store, input);
}

}  // namespace
}  // namespace vedetta::history
