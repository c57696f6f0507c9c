// A collector (the built `vedetta server`) killed with SIGKILL and started
// again on the same --data-dir counts exactly the messages it missed while
// it was down: the probe's queue (4 messages) overflows meanwhile, the
// dropped messages' msg_ids are skipped, so the restarted collector's first
// message is numbered past the gap — only a collector that remembers the
// last msg_id it took before dying can count that gap.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "export/zmq_exporter.h"
#include "spawn_vedetta.h"
#include "zmq_test_support.h"

namespace vedetta {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The flow count of the newest stats line ("... N msgs, F flows in, ..."), or -1.
long last_stats_flows(const std::string& err) {
  static const std::regex kLine(R"( msgs, (\d+) flows in,)");
  long n = -1;
  for (auto it = std::sregex_iterator(err.begin(), err.end(), kLine); it != std::sregex_iterator();
       ++it)
    n = std::stol((*it)[1]);
  return n;
}

// Numbers of the exit report's "input ...: N messages, F flows received, L
// lost messages, R source restarts".
struct Report {
  long flows = -1, lost = -1, restarts = -1;
};
Report exit_report(const std::string& err) {
  static const std::regex kLine(
      R"(input \S+: \d+ messages, (\d+) flows received, (\d+) lost messages, (\d+) source restarts)");
  std::smatch m;
  Report r;
  if (std::regex_search(err, m, kLine))
    r = {std::stol(m[1]), std::stol(m[2]), std::stol(m[3])};
  return r;
}

class CollectorRestart : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/vedetta-restart-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
  }
  void TearDown() override {
    for (pid_t pid : running_) kill(pid, SIGKILL), waitpid(pid, nullptr, 0);
    std::filesystem::remove_all(dir_);
  }
  pid_t start_server(const std::string& endpoint, const std::string& err) {
    pid_t pid = test::spawn_vedetta(
        "server", {"-i", endpoint, "--data-dir", dir_ + "/data", "--http-port", "0", "--stats-interval", "0.1",
                   "--keep-root"},
        err);
    running_.push_back(pid);
    return pid;
  }
  void stop(pid_t pid, int signal) {
    kill(pid, signal);
    waitpid(pid, nullptr, 0);
    std::erase(running_, pid);
  }
  std::string dir_;
  std::vector<pid_t> running_;
};

TEST_F(CollectorRestart, MessagesMissedWhileDownAreCountedExactly) {
  ZmqExportOptions o;
  o.endpoint = "tcp://127.0.0.1:*";
  o.source_id = 4242;
  o.flows_per_message = 1;  // one message per add()+flush()
  o.queue_messages = 4;     // what waits while no collector listens
  o.close_wait_s = 0.5;
  ZmqExporter exporter(o);
  auto send = [&](uint64_t from, uint64_t to) {  // one at a time: the queue is small
    for (uint64_t i = from; i < to; ++i) {
      exporter.add(test::test_record(i));
      exporter.flush();
    }
  };
  auto subscribers = [&] { return exporter.stats().subscribers; };

  const std::string err1 = dir_ + "/first.err", err2 = dir_ + "/second.err";
  pid_t first = start_server(exporter.endpoint(), err1);
  ASSERT_GT(first, 0);
  ASSERT_TRUE(test::wait_until([&] { return subscribers() == 1; }, 20)) << slurp(err1);
  send(0, 100);
  ASSERT_TRUE(test::wait_until([&] { return last_stats_flows(slurp(err1)) == 100; }, 20))
      << slurp(err1);
  stop(first, SIGKILL);  // no report, no clean shutdown
  ASSERT_TRUE(test::wait_until([&] { return subscribers() == 0; }, 20));

  // While nobody listens: 4 messages wait, 46 are dropped (their ids
  // skipped). No flush(): it would give up waiting and drop the 4 too.
  ASSERT_EQ(exporter.stats().export_queue_full, 0u);
  for (uint64_t i = 100; i < 150; ++i) exporter.add(test::test_record(i));
  const uint64_t dropped = 46;
  ASSERT_TRUE(test::wait_until([&] { return exporter.stats().export_queue_full == dropped; }, 10))
      << exporter.stats().export_queue_full;

  pid_t second = start_server(exporter.endpoint(), err2);
  ASSERT_TRUE(test::wait_until([&] { return subscribers() == 1; }, 20)) << slurp(err2);
  send(150, 160);
  const long expected = static_cast<long>(50 - dropped + 10);
  ASSERT_TRUE(test::wait_until([&] { return last_stats_flows(slurp(err2)) == expected; }, 20))
      << slurp(err2);
  stop(second, SIGTERM);
  Report r = exit_report(slurp(err2));
  EXPECT_EQ(r.flows, expected) << slurp(err2);
  EXPECT_EQ(r.lost, static_cast<long>(dropped)) << slurp(err2);
  EXPECT_EQ(r.restarts, 0) << slurp(err2);
}

// The same without --data-dir: nothing remembered, the gap at the start is
// not seen (this is what the data directory is for).
TEST_F(CollectorRestart, WithoutADataDirTheGapBeforeTheFirstMessageIsUnknown) {
  ZmqExportOptions o;
  o.endpoint = "tcp://127.0.0.1:*";
  o.source_id = 4343;
  o.flows_per_message = 1;
  o.queue_messages = 2;
  o.close_wait_s = 0.5;
  ZmqExporter exporter(o);
  for (uint64_t i = 0; i < 20; ++i) exporter.add(test::test_record(i));  // nobody listens
  ASSERT_TRUE(test::wait_until([&] { return exporter.stats().export_queue_full == 18; }, 10))
      << exporter.stats().export_queue_full;
  const std::string err = dir_ + "/plain.err";
  pid_t pid = test::spawn_vedetta(
      "server", {"-i", exporter.endpoint(), "--stats-interval", "0.1", "--keep-root",
                 "--data-dir", "", "--http-port", "0"},
      err);
  running_.push_back(pid);
  ASSERT_TRUE(test::wait_until([&] { return last_stats_flows(slurp(err)) == 2; }, 20))
      << slurp(err);
  stop(pid, SIGTERM);
  EXPECT_EQ(exit_report(slurp(err)).lost, 0) << slurp(err);
}

}  // namespace
}  // namespace vedetta
