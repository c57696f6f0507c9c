// The SQLite store behind the history writer: what goes in comes back through
// the queries; retention by age and size; a kill -9 while writing leaves an
// intact database missing at most the queue and one batch; a full disk (a
// small tmpfs, root only) is reported, buffered, counted, and writing resumes
// when there is room again.
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <thread>

#include "history/history_query.h"
#include "history/history_writer.h"
#include "history/query_params.h"
#include "history/sqlite_store.h"
#include "history_test_support.h"
#include "support/live_prerequisite.h"

namespace vedetta::history {
namespace {

using nlohmann::json;

const std::vector<FlowRow>& replay() {
  static const std::vector<FlowRow> rows = test::replay_rows(test::temp_dir("sqlite-replay"));
  return rows;
}

WriterOptions quiet_options() {
  WriterOptions o;
  o.log = [](const std::string&) {};
  return o;
}

int64_t count_flows(const FlowStore& store) { return std::stoll(store.select("SELECT count(*) FROM flows").at(0).at(0)); }

const live::Params kAllTime = {{"from", "0"}, {"to", "4000000000"}};

live::Params all_time(live::Params extra) {
  extra.insert(kAllTime.begin(), kAllTime.end());
  return extra;
}

TEST(SqliteStore, AnswersWhatWasWritten) {
  const std::string dir = test::temp_dir("sqlite-answers");
  auto store = std::make_shared<SqliteStore>(dir + "/history.db");
  HistoryWriter writer(store, quiet_options());
  int64_t bytes = 0;
  for (const FlowRow& row : replay()) {
    writer.add(row);
    bytes += row.bytes_c2s + row.bytes_s2c;
  }
  ASSERT_TRUE(writer.wait_idle(30));
  EXPECT_EQ(writer.stats().written, replay().size());
  HistoryQuery q(*store);
  EXPECT_EQ(q.flows(kAllTime)["total"], replay().size());
  // Top applications add up to every byte (limit above the number of applications).
  int64_t top_bytes = 0;
  const json top = q.top(all_time({{"by", "application"}, {"limit", "1000"}}));
  for (const json& item : top["items"])
    top_bytes += item["bytes"]["total"].get<int64_t>();
  EXPECT_EQ(top_bytes, bytes);
  // The first page sorted by bytes starts with the biggest flow.
  int64_t biggest = 0;
  for (const FlowRow& r : replay()) biggest = std::max(biggest, r.bytes_c2s + r.bytes_s2c);
  EXPECT_EQ(q.flows(kAllTime)["flows"][0]["bytes"]["total"], biggest);
  // Filters narrow: every flow answered for host X has X at one end.
  const json of_host = q.flows(all_time({{"host", "192.168.115.8"}, {"limit", "1000"}}));
  EXPECT_GT(of_host["flows"].size(), 10u);
  for (const json& f : of_host["flows"])
    EXPECT_TRUE(f["client"]["ip"] == "192.168.115.8" || f["server"]["ip"] == "192.168.115.8");
  // Each point of a series drills down to flows that overlap its bucket.
  const json series = q.timeseries(
      all_time({{"kind", "interface"}, {"key", "replay:1kxun.pcap"}, {"from", "1470104340"},
                {"to", "1470104520"}, {"bucket", "60"}}));
  int points = 0;
  for (const json& p : series["points"]) {
    if (p[1].get<int64_t>() + p[2].get<int64_t>() == 0) continue;
    ++points;
    const json flows = q.drilldown({{"kind", "interface"}, {"key", "replay:1kxun.pcap"},
                                    {"t", std::to_string(p[0].get<int64_t>())}, {"bucket", "60"}});
    EXPECT_GT(flows["total"].get<int>(), 0) << p.dump();
  }
  EXPECT_GT(points, 1);
  EXPECT_EQ(store->integrity_check(), "ok");
}

TEST(SqliteStore, BadParametersNameThemselves) {
  const std::string dir = test::temp_dir("sqlite-bad");
  SqliteStore store(dir + "/history.db");
  HistoryQuery q(store);
  auto message = [](auto&& call) {
    try {
      call();
    } catch (const live::BadQuery& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message([&] { q.flows({{"sort", "foo"}}); }),
            "history: sort: unknown value 'foo' (one of bytes, packets, throughput, duration, "
            "first_seen, last_seen, application, client_process, server_process)");
  EXPECT_EQ(message([&] { q.flows({{"from", "yesterday"}}); }),
            "history: from: 'yesterday' is not a time in epoch seconds");
  EXPECT_EQ(message([&] { q.flows({{"port", "70000"}}); }),
            "history: port: '70000' is not a whole number from 0 to 65535");
  EXPECT_EQ(message([&] { q.flows({{"l4", "XTP"}}); }),
            "history: l4: unknown protocol 'XTP' (TCP, UDP, ICMP, ... or 0-255)");
  EXPECT_EQ(message([&] { q.top({{"by", "country"}}); }),
            "history: by: unknown value 'country' (one of application, host, peer, process)");
  EXPECT_EQ(message([&] { q.timeseries({{"kind", "host"}}); }),
            "history: key: missing (the interface, application, host or PID@HOST)");
  EXPECT_EQ(message([&] { q.timeseries({{"key", "x"}, {"bucket", "90"}}); }),
            "history: bucket: must be a multiple of 60 seconds");
  EXPECT_EQ(message([&] { q.flows({{"process_key", "ntopng"}}); }),
            "history: process_key: 'ntopng' is not PID@HOST");
  EXPECT_EQ(message([&] { q.flows({{"host", std::string("a\0b", 3)}}); }),
            "history: host: contains a NUL character");
  // Quotes in values are data, not SQL.
  EXPECT_EQ(q.flows({{"process", "x' OR '1'='1"}})["total"], 0);
}

TEST(SqliteStore, RetentionByAgeAndSize) {
  const std::string dir = test::temp_dir("sqlite-retention");
  auto store = std::make_shared<SqliteStore>(dir + "/history.db");
  {
    HistoryWriter writer(store, quiet_options());
    for (int copy = 0; copy < 20; ++copy)
      for (FlowRow row : replay()) {
        row.uid += copy;
        writer.add(std::move(row));
      }
    ASSERT_TRUE(writer.wait_idle(60));
  }
  const int64_t all = count_flows(*store);
  ASSERT_EQ(all, int64_t(replay().size() * 20));
  // Size: a bound below what is stored deletes the oldest flows first.
  const std::string note = store->apply_retention({0, 1}, now_epoch_ms());
  EXPECT_NE(note.find("oldest flows deleted to stay under 1 MB"), std::string::npos) << note;
  const int64_t left = count_flows(*store);
  EXPECT_GT(left, 0);
  EXPECT_LT(left, all);
  const int64_t oldest_left =
      std::stoll(store->select("SELECT min(first_ms) FROM flows").at(0).at(0));
  int64_t older_rows = 0;
  for (const FlowRow& r : replay()) older_rows += r.first_ms < oldest_left;
  EXPECT_GT(older_rows, 0);
  // Age: the corpus is years old; keeping 1 day keeps nothing.
  EXPECT_NE(store->apply_retention({1, 0}, now_epoch_ms()).find("older than 1 days"), std::string::npos);
  EXPECT_EQ(count_flows(*store), 0);
  EXPECT_EQ(store->select("SELECT count(*) FROM series").at(0).at(0), "0");
  EXPECT_EQ(store->integrity_check(), "ok");
}

// The writer applies retention by itself (every retention_interval_s).
TEST(SqliteStore, WriterAppliesRetention) {
  const std::string dir = test::temp_dir("sqlite-writer-retention");
  auto store = std::make_shared<SqliteStore>(dir + "/history.db");
  test::TestWriter t;
  WriterOptions o = t.options(1000, 100'000, 0.1);
  o.retention.max_days = 30;  // the corpus is years old
  o.retention_interval_s = 0.2;
  HistoryWriter writer(store, o);
  t.add(writer, replay(), replay().size());
  ASSERT_TRUE(writer.wait_idle(30));
  // One log line per pass that deleted something (more than one if the flows
  // came in two batches); the line comes after the pass, vacuum included.
  auto deleted = [&] {
    size_t sum = 0;
    std::lock_guard lock(t.log_mutex);
    for (const std::string& line : t.log) {
      size_t n = 0;
      if (std::sscanf(line.c_str(), "retention: %zu flows older than 30 days deleted", &n) == 1)
        sum += n;
    }
    return sum;
  };
  for (int i = 0; i < 100 && deleted() < replay().size(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(deleted(), replay().size()) << t.last_log();
  EXPECT_EQ(count_flows(*store), 0);
  EXPECT_EQ(writer.stats().written, replay().size());
}

// A writer process killed with SIGKILL in the middle of its writes.
TEST(SqliteStore, KillDashNineLosesAtMostQueueAndBatch) {
  const std::string dir = test::temp_dir("sqlite-kill");
  const std::string path = dir + "/history.db";
  const auto& rows = replay();
  constexpr size_t kBatch = 500, kQueue = 2000;
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipe_fds[0]);
    auto store = std::make_shared<SqliteStore>(path);
    WriterOptions o = quiet_options();
    o.batch_size = kBatch;
    o.max_queued = kQueue;
    HistoryWriter writer(store, o);
    for (uint64_t added = 0;; ++added) {
      while (writer.stats().queued >= kQueue) std::this_thread::sleep_for(std::chrono::microseconds(200));
      FlowRow row = rows[added % rows.size()];
      row.uid = static_cast<int64_t>(added);
      writer.add(std::move(row));
      if (added % 100 == 0 && write(pipe_fds[1], &added, sizeof added) != sizeof added) _exit(1);
    }
  }
  close(pipe_fds[1]);
  uint64_t seen = 0, value = 0;
  while (seen < 30'000 && read(pipe_fds[0], &value, sizeof value) == sizeof value) seen = value + 1;
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  close(pipe_fds[0]);
  ASSERT_TRUE(WIFSIGNALED(status));
  ASSERT_GE(seen, 30'000u);

  SqliteStore store(path);  // opens (and recovers the WAL of) the killed writer's database
  EXPECT_EQ(store.integrity_check(), "ok");
  const int64_t stored = count_flows(store);
  std::printf("killed after at least %llu flows added; %lld stored\n", (unsigned long long)seen,
              (long long)stored);
  EXPECT_GE(stored + int64_t(kQueue + kBatch), int64_t(seen));
  EXPECT_EQ(store.select("SELECT count(DISTINCT uid) FROM flows").at(0).at(0), std::to_string(stored));
  // The series of every committed batch is there too (same transaction).
  EXPECT_EQ(store.select("SELECT sum(flows) FROM series WHERE kind = 'interface'").at(0).at(0),
            std::to_string(stored));
  // And the database takes writes again.
  auto reopened = std::make_shared<SqliteStore>(path);
  HistoryWriter writer(reopened, quiet_options());
  writer.add(rows[0]);
  ASSERT_TRUE(writer.wait_idle(10));
  EXPECT_EQ(count_flows(*reopened), stored + 1);
}

TEST(SqliteStore, FullDiskIsReportedBufferedAndResumed) {
  if (geteuid() != 0) return test_support::skip_or_fail("needs root to mount a small tmpfs");
  // A private mount namespace: the tmpfs goes away with this process.
  if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return test_support::skip_or_fail(std::string("cannot make a private mount namespace: ") +
                                      strerror(errno));
  const std::string dir = test::temp_dir("sqlite-full");
  ASSERT_EQ(mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=1m"), 0) << strerror(errno);
  auto store = std::make_shared<SqliteStore>(dir + "/history.db");
  test::TestWriter t;
  WriterOptions o = t.options(200, 1000, 0.05);
  HistoryWriter writer(store, o);
  for (int i = 0; i < 400 && writer.stats().store_available; ++i) {
    t.add(writer, replay(), 200);
    writer.wait_idle(2);
  }
  WriterStats s = writer.stats();
  ASSERT_FALSE(s.store_available) << "1 MB never filled up";
  EXPECT_NE(s.last_error.find("full"), std::string::npos) << s.last_error;
  t.add(writer, replay(), 3000);  // beyond the bound: dropped and counted
  s = writer.stats();
  EXPECT_GE(s.dropped, 3000u - o.max_queued);
  EXPECT_EQ(s.written + s.dropped + s.queued, t.added);
  EXPECT_NE(t.first_log().find("buffering up to 1000 flows, retrying"), std::string::npos)
      << t.first_log();
  const uint64_t written_while_full = s.written;
  // Room again: the buffered flows go in.
  ASSERT_EQ(mount("tmpfs", dir.c_str(), "tmpfs", MS_REMOUNT, "size=64m"), 0) << strerror(errno);
  ASSERT_TRUE(writer.wait_idle(30));
  s = writer.stats();
  EXPECT_TRUE(s.store_available);
  EXPECT_GT(s.written, written_while_full);
  EXPECT_EQ(s.written + s.dropped, t.added);
  EXPECT_EQ(count_flows(*store), int64_t(s.written));
  EXPECT_EQ(store->integrity_check(), "ok");
  EXPECT_NE(t.last_log().find("writing again after"), std::string::npos) << t.last_log();
  writer.stop();
  umount2(dir.c_str(), MNT_DETACH);  // the directory itself is removed at the end
}

}  // namespace
}  // namespace vedetta::history
