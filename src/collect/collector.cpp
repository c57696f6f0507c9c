#include "collect/collector.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "collect/record_json.h"
#include "common/user_error.h"

namespace vedetta::collect {
namespace {

double monotonic_now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

Collector::Collector(CollectorOptions options) : options_(std::move(options)) {
  if (options_.inputs.empty()) throw UserError("server: no input (-i tcp://HOST:PORT ...)");
  options_.input.state_dir = options_.data_dir;
  for (const std::string& spec : options_.inputs) {
    Interface i;
    i.input = open_input(spec, options_.input);
    const size_t index = interfaces_.size();
    i.model = std::make_unique<FlowModel>(
        spec, options_.model, [this, index](const CollectedFlow& f) { output(f, index); });
    interfaces_.push_back(std::move(i));
  }
  if (options_.json_path == "-") {
    json_ = stdout;
  } else if (!options_.json_path.empty()) {
    json_ = std::fopen(options_.json_path.c_str(), "w");
    if (!json_)
      throw UserError(
          format("cannot write JSON output '%s': %s", options_.json_path.c_str(), strerror(errno)));
    owns_json_ = true;
  }
  if (options_.zmq_export) exporter_ = std::make_unique<ZmqExporter>(*options_.zmq_export);
}

Collector::~Collector() {
  if (owns_json_) std::fclose(json_);
}

std::vector<int> Collector::capabilities_needed() const {
  std::vector<int> all;
  for (const Interface& i : interfaces_)
    for (int c : i.input->capabilities_needed())
      if (std::find(all.begin(), all.end(), c) == all.end()) all.push_back(c);
  return all;
}

void Collector::output(const CollectedFlow& flow, size_t interface) {
  if (!options_.observer && !json_ && !exporter_ && !options_.on_merged_flow) return;
  wire::FlowRecord merged = flow.merged(interfaces_[interface].input->name());
  if (options_.observer) options_.observer->flow_done(interface, flow, merged);
  if (options_.on_merged_flow) options_.on_merged_flow(merged);
  if (json_) {
    line_.clear();
    append_record_json(merged, line_);
    line_.push_back('\n');
    std::fwrite(line_.data(), 1, line_.size(), json_);
  }
  if (exporter_) exporter_->add(std::move(merged));
}

void Collector::tick_observer() {
  if (!options_.observer) return;
  std::vector<CollectorInterface> view;
  for (const Interface& i : interfaces_) view.push_back({*i.input, *i.model});
  options_.observer->tick(view);
}

void Collector::run() {
  const double started = monotonic_now();
  double last_expire = started, last_stats = started, last_tick = started;
  tick_observer();
  std::vector<zmq_pollitem_t> items;
  std::vector<size_t> owner;  // interface of each poll item
  while (!stop_requested_) {
    items.clear();
    owner.clear();
    for (size_t i = 0; i < interfaces_.size(); ++i) {
      interfaces_[i].input->poll_items(items);
      owner.resize(items.size(), i);
    }
    const int ready = zmq_poll(items.data(), static_cast<int>(items.size()), 100);
    if (ready < 0 && zmq_errno() != EINTR)
      throw UserError(
          format("server: waiting on the inputs failed: %s", zmq_strerror(zmq_errno())));
    std::vector<bool> done(interfaces_.size(), false);
    for (size_t k = 0; ready > 0 && k < items.size(); ++k) {
      if (!(items[k].revents & ZMQ_POLLIN) || done[owner[k]]) continue;
      done[owner[k]] = true;
      Interface& i = interfaces_[owner[k]];
      i.input->read_ready(*i.model);
    }
    const double now = monotonic_now();
    if (now - last_expire >= 0.2) {
      for (Interface& i : interfaces_) i.model->expire(now);
      last_expire = now;
      if (json_) std::fflush(json_);
    }
    if (now - last_tick >= 1) {
      tick_observer();
      last_tick = now;
    }
    if (options_.stats_interval_s > 0 && now - last_stats >= options_.stats_interval_s) {
      std::fprintf(stderr, "%s\n", stats_line().c_str());
      last_stats = now;
    }
    if (options_.duration_s > 0 && now - started >= options_.duration_s) break;
  }
  // What is still pending on the sockets (and a local probe's last flows),
  // then every flow still held.
  for (Interface& i : interfaces_) i.input->finish();
  for (Interface& i : interfaces_) i.input->read_ready(*i.model);
  for (Interface& i : interfaces_) i.model->flush_all();
  tick_observer();
  if (json_) std::fflush(json_);
}

std::string Collector::stats_line() const {
  std::string out = "server:";
  for (const Interface& i : interfaces_) {
    const InputStats s = i.input->stats();
    const FlowModelStats& m = i.model->stats();
    out += format(
        " [%s] %llu msgs, %llu flows in, %zu active, %llu out, %llu paired, "
        "%llu lost msgs, %llu bad, %llu kernel drops;",
        i.input->name().c_str(), (unsigned long long)s.messages, (unsigned long long)s.flows,
        i.model->active_flows(), (unsigned long long)m.flows_output, (unsigned long long)m.paired,
        (unsigned long long)s.lost_messages, (unsigned long long)s.bad_messages,
        (unsigned long long)s.kernel_drops);
  }
  if (exporter_) {
    const ZmqExportStats e = exporter_->stats();
    out += format(" re-export: %llu flows sent, drops.export_queue_full %llu",
                  (unsigned long long)e.flows_sent, (unsigned long long)e.export_queue_full);
  }
  return out;
}

std::string Collector::report() const {
  std::string out;
  for (const Interface& i : interfaces_) {
    const InputStats s = i.input->stats();
    const FlowModelStats& m = i.model->stats();
    out += format(
        "vedetta: server: input %s: %llu messages, %llu flows received, %llu lost "
        "messages, %llu source restarts, %llu bad messages, %llu kernel drops, %llu "
        "records before their template\n",
        i.input->name().c_str(), (unsigned long long)s.messages, (unsigned long long)s.flows,
        (unsigned long long)s.lost_messages, (unsigned long long)s.source_restarts,
        (unsigned long long)s.bad_messages, (unsigned long long)s.kernel_drops,
        (unsigned long long)s.unknown_templates);
    for (const std::string& line : i.input->source_lines())
      out += "vedetta: server:   " + line + "\n";
    out += format(
        "vedetta: server: model %s: %llu records, %llu flows, %llu paired across "
        "observers, %llu turned around, %llu without addresses, %llu evicted, %llu "
        "output\n",
        i.input->name().c_str(), (unsigned long long)m.records, (unsigned long long)m.flows_created,
        (unsigned long long)m.paired, (unsigned long long)m.reversed,
        (unsigned long long)m.no_tuple, (unsigned long long)m.evictions,
        (unsigned long long)m.flows_output);
  }
  if (exporter_) {
    const ZmqExportStats e = exporter_->stats();
    out += format(
        "vedetta: server: re-export: %llu messages, %llu flows sent, "
        "drops.export_queue_full %llu\n",
        (unsigned long long)e.messages_sent, (unsigned long long)e.flows_sent,
        (unsigned long long)e.export_queue_full);
  }
  return out;
}

}  // namespace vedetta::collect
