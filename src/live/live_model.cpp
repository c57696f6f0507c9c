// The collector side of the live model: flows in, snapshots out.
#include "live/live_model.h"

#include <algorithm>
#include <chrono>
#include <iterator>

namespace vedetta::live {
namespace {

double wall_now() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

uint64_t tracked_key(size_t interface, uint64_t model_id) {
  return (static_cast<uint64_t>(interface) << 48) | model_id;
}

// "up"/"down" when the throughput moved by more than a tenth (and more than
// a few bits: idle flows stay "flat").
const char* trend(double before, double now) {
  const double change = now - before;
  if (std::abs(change) <= std::max(0.1 * before, 8.0)) return "flat";
  return change > 0 ? "up" : "down";
}

bool by_flow_id(const std::shared_ptr<const FlowEntry>& a,
                const std::shared_ptr<const FlowEntry>& b) {
  return a->id < b->id;
}

}  // namespace

const FlowEntry* Snapshot::find(uint64_t id) const {
  auto it = std::lower_bound(flows.begin(), flows.end(), id,
                             [](const auto& f, uint64_t wanted) { return f->id < wanted; });
  return it != flows.end() && (*it)->id == id ? it->get() : nullptr;
}

LiveModel::LiveModel(LiveModelOptions options)
    : options_(options), now_(wall_now), series_(options.series),
      snapshot_(std::make_shared<Snapshot>()) {
  started_ = now_();
}

std::shared_ptr<const Snapshot> LiveModel::snapshot() const {
  std::lock_guard lock(snapshot_mutex_);
  return snapshot_;
}

LiveModel::Tracked& LiveModel::track(size_t interface, uint64_t model_id) {
  Tracked& t = tracked_[tracked_key(interface, model_id)];
  if (!t.api_id) t.api_id = next_id_++;
  return t;
}

uint64_t LiveModel::account(size_t interface, const FlowEntry& e, Tracked& t) {
  // Totals only grow, but a re-merged flow may count from another observer.
  const uint64_t c2s = e.bytes_c2s > t.bytes_c2s ? e.bytes_c2s - t.bytes_c2s : 0;
  const uint64_t s2c = e.bytes_s2c > t.bytes_s2c ? e.bytes_s2c - t.bytes_s2c : 0;
  const uint64_t packets = e.packets_c2s + e.packets_s2c;
  if (interface < counters_.size()) {
    InterfaceCounters& c = counters_[interface];
    c.bytes += c2s + s2c;
    c.tick_bytes += c2s + s2c;
    c.packets += packets > t.packets ? packets - t.packets : 0;
  }
  t.bytes_c2s = std::max(t.bytes_c2s, e.bytes_c2s);
  t.bytes_s2c = std::max(t.bytes_s2c, e.bytes_s2c);
  t.packets = std::max(t.packets, packets);
  if (c2s + s2c == 0) return 0;
  series_.add(SeriesKind::kInterface, e.interface, c2s, s2c);
  if (!e.application.empty()) series_.add(SeriesKind::kApplication, e.application, c2s, s2c);
  for_each_end(e, [&](const FlowEnd& end, const FlowEnd&, uint64_t, uint64_t, bool is_client) {
    const uint64_t sent = is_client ? c2s : s2c, rcvd = is_client ? s2c : c2s;
    series_.add(SeriesKind::kHost, end.ip, sent, rcvd);
    if (end.process) series_.add(SeriesKind::kProcess, end.process->key, sent, rcvd);
  });
  return c2s + s2c;
}

void LiveModel::flow_done(size_t interface, const collect::CollectedFlow& flow,
                          const wire::FlowRecord& merged) {
  Tracked& t = track(interface, flow.id);
  const std::string& name = interface < names_.size() ? names_[interface] : flow.observations.front().observer;
  auto entry = std::make_shared<FlowEntry>(read_finished_flow_entry(flow, merged, name, t.api_id));
  account(interface, *entry, t);
  const bool from_file = interface < kinds_.size() && kinds_[interface] == "file";
  finished_.push_back({now_(), from_file, entry});
  fresh_.push_back(std::move(entry));
  tracked_.erase(tracked_key(interface, flow.id));
}

void LiveModel::keep_finished(double now) {
  std::sort(fresh_.begin(), fresh_.end(), by_flow_id);
  const auto old_end = static_cast<std::ptrdiff_t>(finished_by_id_.size());
  std::move(fresh_.begin(), fresh_.end(), std::back_inserter(finished_by_id_));
  fresh_.clear();
  std::inplace_merge(finished_by_id_.begin(), finished_by_id_.begin() + old_end,
                     finished_by_id_.end(), by_flow_id);

  std::vector<const FlowEntry*> gone;
  for (; finished_.size() > options_.max_finished_flows; finished_.pop_front())
    gone.push_back(finished_.front().entry.get());
  std::erase_if(finished_, [&](const Finished& f) {
    const bool expired = !f.until_stop && now - f.at > options_.finished_keep_s;
    if (expired) gone.push_back(f.entry.get());
    return expired;
  });
  if (gone.empty()) return;
  std::sort(gone.begin(), gone.end());
  std::erase_if(finished_by_id_, [&](const auto& e) {
    return std::binary_search(gone.begin(), gone.end(), e.get());
  });
}

void LiveModel::tick(const std::vector<collect::CollectorInterface>& interfaces) {
  const double now = now_();
  const double dt = last_tick_ > 0 ? std::max(now - last_tick_, 1e-3) : 1;
  last_tick_ = now;
  names_.resize(interfaces.size());
  kinds_.resize(interfaces.size());
  counters_.resize(interfaces.size());
  for (size_t i = 0; i < interfaces.size(); ++i) {
    names_[i] = interfaces[i].input.name();
    kinds_[i] = interfaces[i].input.kind();
  }
  auto snap = std::make_shared<Snapshot>();
  snap->taken = now;
  for (size_t i = 0; i < interfaces.size(); ++i) {
    interfaces[i].model.for_each_flow([&](const collect::CollectedFlow& flow) {
      Tracked& t = track(i, flow.id);
      auto entry = std::make_shared<FlowEntry>(
          read_flow_entry(flow, flow.merged(names_[i]), names_[i], t.api_id));
      const uint64_t bytes = account(i, *entry, t);
      // A flow met for the first time brings bytes of its whole life so far.
      const double span = t.seen ? dt : std::max(dt, entry->duration());
      const double throughput = bytes * 8 / span;
      entry->throughput_bps = throughput;
      entry->trend = trend(t.throughput_bps, throughput);
      t.throughput_bps = throughput;
      t.seen = true;
      snap->flows.push_back(std::move(entry));
    });
  }
  keep_finished(now);
  FlowList active = std::move(snap->flows);
  std::sort(active.begin(), active.end(), by_flow_id);
  snap->flows.clear();
  snap->flows.reserve(active.size() + finished_by_id_.size());
  std::merge(std::make_move_iterator(active.begin()), std::make_move_iterator(active.end()),
             finished_by_id_.begin(), finished_by_id_.end(), std::back_inserter(snap->flows),
             by_flow_id);
  for (size_t i = 0; i < interfaces.size(); ++i) {
    InterfaceEntry e;
    e.name = names_[i];
    e.kind = kinds_[i];
    e.active_flows = interfaces[i].model.active_flows();
    e.flows_seen = interfaces[i].model.stats().flows_created;
    e.model_evictions = interfaces[i].model.stats().evictions;
    e.input = interfaces[i].input.stats();
    e.bytes = counters_[i].bytes;
    e.packets = counters_[i].packets;
    e.throughput_bps = counters_[i].tick_bytes * 8 / dt;
    counters_[i].tick_bytes = 0;
    series_.add(SeriesKind::kInterface, e.name, 0, 0);  // kept even while quiet
    snap->interfaces.push_back(std::move(e));
  }
  series_.commit(static_cast<int64_t>(now), dt);
  std::lock_guard lock(snapshot_mutex_);
  snapshot_ = std::move(snap);
}

}  // namespace vedetta::live
