#pragma once
// Moves finished flows from the collector thread into the store without ever
// making the collector wait: add() converts the merged record and queues it;
// a writer thread inserts batches of `batch_size` flows, or what is queued
// once the oldest has waited `batch_age_s`. While the store is unavailable
// (disk full, ClickHouse down) the thread retries the same batch with
// exponential backoff and the queue fills up to `max_queued` flows; beyond,
// flows are dropped and counted. So a kill -9 loses at most the queue and
// the batch being written; a stop (SIGTERM) writes everything queued.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "history/flow_store.h"
#include "wire/flow_record.h"

namespace vedetta::history {

struct WriterOptions {
  size_t batch_size = 1000;
  double batch_age_s = 1.0;
  size_t max_queued = 100'000;
  double retry_first_s = 0.5, retry_max_s = 10;
  RetentionPolicy retention;
  double retention_interval_s = 60;
  // Stored with each flow (column `collector`) and part of its uid: which of
  // several servers sharing one database stored it.
  std::string collector_name;
  // Where state changes go (store unavailable, back, retention); default stderr.
  std::function<void(const std::string&)> log;
};

struct WriterStats {
  uint64_t added = 0;        // flows handed to add()
  uint64_t written = 0;      // flows in the store
  uint64_t batches = 0;      // inserts that succeeded
  uint64_t dropped = 0;      // flows lost: queue full, refused by the store, or unwritten at stop
  uint64_t failures = 0;     // inserts that failed (each retry counts)
  uint64_t bad_records = 0;  // records without addresses or times: not storable
  uint64_t queued = 0;       // waiting now, the batch being written included
  bool store_available = true;
  std::string last_error;
};

class HistoryWriter {
 public:
  HistoryWriter(std::shared_ptr<FlowStore> store, WriterOptions options);
  ~HistoryWriter();  // stop()
  HistoryWriter(const HistoryWriter&) = delete;
  HistoryWriter& operator=(const HistoryWriter&) = delete;

  // Thread-safe; never blocks on the store.
  void add(const wire::FlowRecord& merged);
  void add(FlowRow row);
  // Writes what is queued (the store gets one more try if it is down, the
  // rest is counted as dropped) and ends the thread. Idempotent.
  void stop();
  // For tests and benchmarks: waits until everything added so far is written
  // or dropped; false on timeout.
  bool wait_idle(double timeout_s) const;

  WriterStats stats() const;
  std::string report() const;  // one line for the server's exit report
  FlowStore& store() { return *store_; }

 private:
  void run();
  void take_batch(Batch& batch);   // under mutex_
  bool write(Batch& batch);        // true when the batch is done with (written or dropped)
  void maybe_apply_retention();
  void log(const std::string& line) const;

  std::shared_ptr<FlowStore> store_;
  WriterOptions options_;
  mutable std::mutex mutex_;
  mutable std::condition_variable wake_, idle_;
  std::deque<FlowRow> queue_;
  std::chrono::steady_clock::time_point oldest_queued_;
  size_t in_flight_ = 0;
  bool stopping_ = false;
  WriterStats stats_;
  std::chrono::steady_clock::time_point last_retention_{};
  std::chrono::steady_clock::time_point unavailable_since_{};
  uint64_t dropped_at_outage_ = 0;
  std::thread thread_;
};

}  // namespace vedetta::history
