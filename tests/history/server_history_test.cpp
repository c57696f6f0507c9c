// The built `vedetta server --data-dir DIR` stores what a probe replaying a
// corpus pcap sends it: DIR/history.db holds every merged flow, with the
// collector's input as interface, and answers the history queries.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "clickhouse_server.h"
#include "history/history_query.h"
#include "history/sqlite_store.h"
#include "history_test_support.h"

namespace vedetta::history {
namespace {

TEST(ServerHistory, ProbeReplayLandsInDataDir) {
  const std::string dir = test::temp_dir("server");
  const std::string input = "tcp://127.0.0.1:" + std::to_string(test::free_port());
  const std::string server = std::string(VEDETTA_BINARY) + " server -q -i " + input +
                             " --data-dir " + dir + "/data --history-days 0 --merge-wait 0.2 "
                             "--duration 8 --keep-root 2>" + dir + "/server.err";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", server.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  sleep(1);
  const std::string probe = std::string(VEDETTA_BINARY) + " probe -q -i " + VEDETTA_PCAP_DIR +
                            "/1kxun.pcap --zmq " + input + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(probe.c_str()), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  std::stringstream err;
  err << std::ifstream(dir + "/server.err").rdbuf();
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << err.str();
  // The exit report names the store and the count; the probe's JSON of the same pcap has 140 flows.
  EXPECT_NE(err.str().find("vedetta: history: SQLite " + dir + "/data/history.db: 140 flows written"),
            std::string::npos)
      << err.str();
  SqliteStore store(dir + "/data/history.db");
  EXPECT_EQ(store.integrity_check(), "ok");
  HistoryQuery q(store);
  const nlohmann::json flows = q.flows({{"from", "0"}, {"to", "4000000000"}, {"port", "49612"}});
  ASSERT_EQ(flows["total"], 1);
  EXPECT_EQ(flows["flows"][0]["interface"], input);
  EXPECT_EQ(flows["flows"][0]["bytes"]["total"], 1288 + 797);
}

}  // namespace
}  // namespace vedetta::history
