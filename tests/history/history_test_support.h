#pragma once
// Flows for the history tests: the built probe's JSON of corpus pcaps, read
// back and merged by the collector's own code (collect::FlowModel), as
// `vedetta server` would hand them to the history writer. And a private
// temporary directory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "collect/flow_model.h"
#include "history/flow_row.h"
#include "history/history_writer.h"
#include "wire/zmq_message.h"

namespace vedetta::history::test {

inline std::string temp_dir(const std::string& name) {
  std::string dir = std::filesystem::temp_directory_path() /
                    ("vedetta-history-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The merged records of a replay of `pcap` (a file of VEDETTA_PCAP_DIR).
inline std::vector<wire::FlowRecord> merged_records(const std::string& pcap,
                                                    const std::string& dir) {
  const std::string json = dir + "/" + pcap + ".json";
  const std::string command = std::string(VEDETTA_BINARY) + " probe -q -i " + VEDETTA_PCAP_DIR +
                              "/" + pcap + " --json " + json + " >/dev/null 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  std::vector<wire::FlowRecord> out;
  collect::FlowModel model("replay:" + pcap, {}, [&](const collect::CollectedFlow& f) {
    out.push_back(f.merged("replay:" + pcap));
  });
  std::ifstream in(json);
  std::string line, error;
  while (std::getline(in, line)) {
    std::vector<wire::FlowRecord> records;
    EXPECT_TRUE(wire::decode_json_flows(line, records, error)) << error;
    for (auto& r : records) model.flow({"probe", 1}, std::move(r));
  }
  model.flush_all();
  return out;
}

// Rows of several pcaps (different days, IPv4 and IPv6, TCP and UDP).
// Pcaps carry no processes: the test gives the client end of every other
// flow a process derived from its port, so that the process columns, filters
// and top-N have something to work on.
inline std::vector<FlowRow> replay_rows(const std::string& dir) {
  std::vector<FlowRow> rows;
  for (const char* pcap : {"1kxun.pcap", "443-chrome.pcap", "dns_long_domainname.pcap",
                           "quic.pcap", "android.pcap"}) {
    for (const wire::FlowRecord& r : merged_records(pcap, dir)) {
      FlowRow row;
      std::string error;
      if (!flow_row_from_record(r, row, error)) continue;
      if (row.client_port % 2 == 0) {
        row.client.pid = 1000 + row.client_port % 7;
        row.client.name = "proc" + std::to_string(row.client_port % 3);
        row.client.user = row.client_port % 4 ? "alice" : "bob";
        row.client.container = row.client_port % 5 ? "" : "c0ffee";
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

// Writer options for tests: small batches, quick retries, log lines kept.
struct TestWriter {
  std::vector<std::string> log;
  std::mutex log_mutex;
  uint64_t added = 0;

  WriterOptions options(size_t batch_size, size_t max_queued, double retry_s) {
    WriterOptions o;
    o.batch_size = batch_size;
    o.max_queued = max_queued;
    o.batch_age_s = 0.1;
    o.retry_first_s = retry_s;
    o.retry_max_s = retry_s * 3;
    o.log = [this](const std::string& line) {
      std::lock_guard lock(log_mutex);
      log.push_back(line);
    };
    return o;
  }
  // Adds `n` rows taken round from `rows`, each with its own uid (the count so far).
  void add(HistoryWriter& writer, const std::vector<FlowRow>& rows, size_t n) {
    for (size_t i = 0; i < n; ++i, ++added) {
      FlowRow row = rows[added % rows.size()];
      row.uid = static_cast<int64_t>(added);
      writer.add(std::move(row));
    }
  }
  std::string last_log() {
    std::lock_guard lock(log_mutex);
    return log.empty() ? "" : log.back();
  }
  std::string first_log() {
    std::lock_guard lock(log_mutex);
    return log.empty() ? "" : log.front();
  }
};

}  // namespace vedetta::history::test
