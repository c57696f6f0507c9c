#include "collect/local_probe_input.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/user_error.h"
#include "export/fields.h"
#include "export/flow_record_builder.h"

namespace vedetta::collect {

// On the probe's thread: each exported flow as a record into the queue.
class LocalProbeInput::QueueSink : public FlowSink {
 public:
  explicit QueueSink(LocalProbeInput& input) : input_(input) {
    for (const auto& f : all_fields()) fields_.push_back(&f);
  }
  void write(const FlowExport& e) override {
    wire::FlowRecord record;
    build_flow_record(e, fields_, record);
    input_.push(std::move(record));
  }
  void tick() override { input_.update_probe_stats(); }

 private:
  LocalProbeInput& input_;
  std::vector<const FieldDef*> fields_;
};

bool LocalProbeInput::handles(std::string_view spec) {
  for (std::string_view scheme : {"tcp://", "ipc://", "netflow://", "ipfix://"})
    if (spec.starts_with(scheme)) return false;
  return !spec.empty();
}

LocalProbeInput::LocalProbeInput(const std::string& spec, LocalProbeOptions options)
    : spec_(spec), options_(std::move(options)) {
  ProbeOptions& o = options_.probe;
  o.inputs = {spec};
  o.stats_interval_s = 0;  // the server prints its own lines
  o.active_export_s = options_.active_export_s;
  try {
    probe_ = std::make_unique<Probe>(o);
  } catch (const UserError& e) {
    throw UserError(format("-i %s: %s", spec.c_str(), e.what()));
  }
  if (!probe_->attribution_warning().empty())
    std::fprintf(stderr, "vedetta: warning: -i %s: %s\n", spec.c_str(),
                 probe_->attribution_warning().c_str());
  probe_->add_sink(std::make_unique<QueueSink>(*this));
  event_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (event_fd_ < 0) throw UserError(format("-i %s: eventfd: %s", spec.c_str(), strerror(errno)));
}

LocalProbeInput::~LocalProbeInput() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  space_.notify_all();
  probe_->stop();
  if (thread_.joinable()) thread_.join();
  if (event_fd_ >= 0) close(event_fd_);
}

void LocalProbeInput::finish() {
  probe_->stop();
  if (!thread_.joinable()) return;
  // The last flows may not fit the queue: take them as they come.
  {
    std::unique_lock lock(mutex_);
    finishing_ = true;
  }
  space_.notify_all();
  thread_.join();
}

std::string LocalProbeInput::kind() const {
  return probe_->replaying_files() ? "file" : "capture";
}

void LocalProbeInput::poll_items(std::vector<zmq_pollitem_t>& items) {
  if (!thread_.joinable()) {
    thread_ = std::thread([this] {
      probe_->run();
      update_probe_stats();
      std::lock_guard lock(mutex_);
      probe_done_ = true;
      final_report_ = probe_->report();
    });
  }
  items.push_back({nullptr, event_fd_, ZMQ_POLLIN, 0});
}

void LocalProbeInput::push(wire::FlowRecord&& record) {
  bool was_empty = false;
  {
    std::unique_lock lock(mutex_);
    if (queue_.size() >= options_.queue_records && !finishing_) {
      if (!probe_->replaying_files()) {
        ++stats_.live_queue_full;
        return;
      }
      space_.wait(lock, [this] {
        return stopping_ || finishing_ || queue_.size() < options_.queue_records;
      });
      if (stopping_) return;
    }
    was_empty = queue_.empty();
    queue_.push_back(std::move(record));
  }
  if (was_empty) {
    const uint64_t one = 1;
    (void)!write(event_fd_, &one, sizeof one);
  }
}

void LocalProbeInput::update_probe_stats() {
  const CaptureStats c = probe_->capture_stats();
  const uint64_t evicted = probe_->flows().stats().evicted;
  std::lock_guard lock(mutex_);
  stats_.capture_kernel_drops = c.kernel_dropped;
  stats_.capture_interface_drops = c.interface_dropped;
  stats_.probe_flows_evicted = evicted;
}

void LocalProbeInput::read_ready(RecordHandler& handler) {
  uint64_t count = 0;
  (void)!read(event_fd_, &count, sizeof count);
  std::deque<wire::FlowRecord> ready;
  {
    std::lock_guard lock(mutex_);
    ready.swap(queue_);
    stats_.messages += ready.size();
    stats_.flows += ready.size();
  }
  space_.notify_all();
  const FlowOrigin origin{spec_, 0};
  for (wire::FlowRecord& r : ready) handler.flow(origin, std::move(r));
}

InputStats LocalProbeInput::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

std::vector<std::string> LocalProbeInput::source_lines() const {
  std::lock_guard lock(mutex_);
  if (!probe_done_) return {"local probe: running"};
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < final_report_.size()) {
    size_t end = final_report_.find('\n', start);
    if (end == std::string::npos) end = final_report_.size();
    if (end > start) lines.push_back(final_report_.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace vedetta::collect
