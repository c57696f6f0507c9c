#include "history/history_writer.h"

#include <cstdio>

#include "common/user_error.h"
#include "history/series.h"

namespace vedetta::history {
namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
Clock::duration to_duration(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

int64_t epoch_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

HistoryWriter::HistoryWriter(std::shared_ptr<FlowStore> store, WriterOptions options)
    : store_(std::move(store)), options_(std::move(options)) {
  if (options_.batch_size == 0) options_.batch_size = 1;
  thread_ = std::thread([this] { run(); });
}

HistoryWriter::~HistoryWriter() { stop(); }

void HistoryWriter::log(const std::string& line) const {
  if (options_.log)
    options_.log(line);
  else
    std::fprintf(stderr, "vedetta: history: %s\n", line.c_str());
}

void HistoryWriter::add(const wire::FlowRecord& merged) {
  FlowRow row;
  std::string error;
  if (!flow_row_from_record(merged, row, error, options_.collector_name)) {
    std::lock_guard lock(mutex_);
    ++stats_.added;
    ++stats_.bad_records;
    return;
  }
  add(std::move(row));
}

void HistoryWriter::add(FlowRow row) {
  std::lock_guard lock(mutex_);
  ++stats_.added;
  if (stopping_ || queue_.size() >= options_.max_queued) {
    ++stats_.dropped;
    return;
  }
  if (queue_.empty()) oldest_queued_ = Clock::now();
  queue_.push_back(std::move(row));
  if (queue_.size() >= options_.batch_size) wake_.notify_one();
}

void HistoryWriter::take_batch(Batch& batch) {
  const size_t n = std::min(queue_.size(), options_.batch_size);
  batch = Batch{};
  batch.flows.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    batch.flows.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  in_flight_ = n;
  if (!queue_.empty()) oldest_queued_ = Clock::now();  // the rest waits one more age at most
}

bool HistoryWriter::write(Batch& batch) {
  try {
    store_->insert(batch);
  } catch (const StoreUnavailable& e) {
    std::lock_guard lock(mutex_);
    ++stats_.failures;
    stats_.last_error = e.what();
    if (stats_.store_available) {
      stats_.store_available = false;
      unavailable_since_ = Clock::now();
      dropped_at_outage_ = stats_.dropped;
      log(std::string(e.what()) + "; buffering up to " + std::to_string(options_.max_queued) +
          " flows, retrying");
    }
    return false;
  } catch (const StoreError& e) {
    std::lock_guard lock(mutex_);
    ++stats_.failures;
    stats_.dropped += batch.flows.size();
    stats_.last_error = e.what();
    log(format("%s; %zu flows dropped", e.what(), batch.flows.size()));
    return true;
  }
  std::lock_guard lock(mutex_);
  stats_.written += batch.flows.size();
  ++stats_.batches;
  if (!stats_.store_available) {
    stats_.store_available = true;
    log(format("%s: writing again after %.1f s; %llu flows dropped meanwhile",
               store_->describe().c_str(), seconds(Clock::now() - unavailable_since_),
               (unsigned long long)(stats_.dropped - dropped_at_outage_)));
  }
  return true;
}

void HistoryWriter::maybe_apply_retention() {
  const bool any = options_.retention.max_days > 0 || options_.retention.max_mb > 0;
  if (!any || Clock::now() - last_retention_ < to_duration(options_.retention_interval_s)) return;
  last_retention_ = Clock::now();
  try {
    std::string note = store_->apply_retention(options_.retention, epoch_ms());
    if (!note.empty()) log("retention: " + note);
  } catch (const std::exception& e) {
    std::lock_guard lock(mutex_);
    stats_.last_error = e.what();
    log(std::string("retention: ") + e.what());
  }
}

void HistoryWriter::run() {
  Batch batch;
  double backoff = options_.retry_first_s;
  std::unique_lock lock(mutex_);
  for (;;) {
    if (in_flight_ == 0) {
      const auto age = to_duration(options_.batch_age_s);
      wake_.wait_for(lock, age, [&] {
        return stopping_ || queue_.size() >= options_.batch_size ||
               (!queue_.empty() && Clock::now() - oldest_queued_ >= age);
      });
      const bool due = queue_.size() >= options_.batch_size ||
                       (!queue_.empty() && (stopping_ || Clock::now() - oldest_queued_ >= age));
      if (!due) {
        if (stopping_) break;
        lock.unlock();
        maybe_apply_retention();
        lock.lock();
        continue;
      }
      take_batch(batch);
      lock.unlock();
      SeriesAccumulator series;
      for (const FlowRow& row : batch.flows) series.add(row);
      batch.series = series.take();
      lock.lock();
    }
    const bool stopping = stopping_;
    lock.unlock();
    bool done = write(batch);
    if (!done && stopping) {  // one last try failed: what is left will not be written
      lock.lock();
      stats_.dropped += batch.flows.size() + queue_.size();
      log(format("stopping with the store unavailable: %zu flows not written",
                 batch.flows.size() + queue_.size()));
      queue_.clear();
      in_flight_ = 0;
      break;
    }
    if (done) {
      backoff = options_.retry_first_s;
      maybe_apply_retention();
    }
    lock.lock();
    if (done) {
      in_flight_ = 0;
      if (queue_.empty()) idle_.notify_all();
    } else {
      wake_.wait_for(lock, to_duration(backoff), [&] { return stopping_; });
      backoff = std::min(backoff * 2, options_.retry_max_s);
    }
  }
  idle_.notify_all();
}

void HistoryWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool HistoryWriter::wait_idle(double timeout_s) const {
  std::unique_lock lock(mutex_);
  return idle_.wait_for(lock, to_duration(timeout_s), [&] {
    return (queue_.empty() && in_flight_ == 0) || stopping_;
  });
}

WriterStats HistoryWriter::stats() const {
  std::lock_guard lock(mutex_);
  WriterStats s = stats_;
  s.queued = queue_.size() + in_flight_;
  return s;
}

std::string HistoryWriter::report() const {
  const WriterStats s = stats();
  std::string line = format(
      "vedetta: history: %s: %llu flows written in %llu batches, %llu dropped, %llu not storable, "
      "%llu failed writes",
      store_->describe().c_str(), (unsigned long long)s.written, (unsigned long long)s.batches,
      (unsigned long long)s.dropped, (unsigned long long)s.bad_records,
      (unsigned long long)s.failures);
  if (!s.last_error.empty()) line += "; last error: " + s.last_error;
  return line + "\n";
}

}  // namespace vedetta::history
