#include "collect/flow_model.h"

#include <algorithm>
#include <chrono>

namespace vedetta::collect {
namespace {

using wire::FlowRecord;

constexpr uint32_t kInBytes = 1, kInPkts = 2, kOutBytes = 23, kOutPkts = 24, kInitOctets = 231,
                   kRespOctets = 232, kInitPkts = 298, kRespPkts = 299;
constexpr uint32_t kSrcPid = 57640, kDstPid = 57847;
constexpr uint32_t kLocalEnds = wire::kOwnBase + 24, kCollectorInput = wire::kOwnBase + 27,
                   kObservations = wire::kOwnBase + 28, kCountersFrom = wire::kOwnBase + 29;

bool is_counter(uint32_t id) {
  switch (id) {
    case kInBytes:
    case kInPkts:
    case kOutBytes:
    case kOutPkts:
    case kInitOctets:
    case kRespOctets:
    case kInitPkts:
    case kRespPkts:
      return true;
  }
  return false;
}

bool is_replaced(uint32_t id) {
  return is_counter(id) || id == kLocalEnds || id == kCollectorInput || id == kObservations ||
         id == kCountersFrom || process_side(id) != Side::kNone;
}

bool has_side(const FlowRecord& r, Side side) {
  for (const auto& f : r.fields)
    if (process_side(f.id) == side) return true;
  return false;
}

double monotonic_now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

uint64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string observer_name(const FlowOrigin& origin) {
  return origin.source + "#" + std::to_string(origin.source_id);
}

const Observation& CollectedFlow::counting() const {
  const Observation* best = &observations.front();
  for (const Observation& o : observations)
    if (o.counters.packets() > best->counters.packets()) best = &o;
  return *best;
}

FlowRecord CollectedFlow::merged(const std::string& input_name) const {
  const Observation& c = counting();
  FlowRecord out;
  out.fields.reserve(c.latest.fields.size() + 16);
  for (const auto& f : c.latest.fields)
    if (!is_replaced(f.id)) out.fields.push_back(f);
  const FlowCounters& n = c.counters;
  out.add(kInPkts, n.in_packets);
  out.add(kInBytes, n.in_bytes);
  out.add(kOutPkts, n.out_packets);
  out.add(kOutBytes, n.out_bytes);
  out.add(kInitPkts, n.in_packets);
  out.add(kInitOctets, n.in_bytes);
  out.add(kRespPkts, n.out_packets);
  out.add(kRespOctets, n.out_bytes);
  // Each end's process from an observer that knew it: the counting one first.
  for (Side side : {Side::kClient, Side::kServer}) {
    const Observation* from = has_side(c.latest, side) ? &c : nullptr;
    for (const Observation& o : observations)
      if (!from && has_side(o.latest, side)) from = &o;
    if (!from) continue;
    for (const auto& f : from->latest.fields)
      if (process_side(f.id) == side) out.fields.push_back(f);
  }
  bool local_ends_known = false;
  uint64_t observed = observations.size();
  for (const Observation& o : observations) {
    local_ends_known |= o.latest.get(kLocalEnds) != nullptr;
    uint64_t below = 0;  // a lower collector's merge counts its observers
    if (wire::as_unsigned(o.latest.get(kObservations), below)) observed = std::max(observed, below);
  }
  if (local_ends_known) {
    const bool client = out.get(kSrcPid), server = out.get(kDstPid);
    out.add(kLocalEnds,
            std::string(client ? (server ? "both" : "client") : (server ? "server" : "none")));
  }
  out.add(kCollectorInput, input_name);
  out.add(kObservations, observed);
  std::string from;
  if (!wire::as_text(c.latest.get(kCountersFrom), from)) from = c.observer;
  out.add(kCountersFrom, from);
  return out;
}

FlowModel::FlowModel(std::string input_name, FlowModelOptions options, Output output)
    : input_name_(std::move(input_name)),
      options_(options),
      output_(std::move(output)),
      now_(monotonic_now) {}

CollectedFlow* FlowModel::find(const FlowTuple& t, uint64_t first_ms, uint64_t last_ms,
                               const std::string& observer, bool& reversed) {
  const uint64_t slack = static_cast<uint64_t>(options_.pair_slack_s * 1000);
  for (bool rev : {false, true}) {
    auto it = by_tuple_.find(rev ? t.reversed() : t);
    if (it == by_tuple_.end()) continue;
    for (uint64_t id : it->second) {
      CollectedFlow& f = flows_.at(id);
      if (first_ms > f.last_ms + slack || last_ms + slack < f.first_ms) continue;
      // A probe never reports a flow again after its final export: the same
      // tuple from the same observer is then a new flow (a reused port).
      bool finished_here = false;
      for (const Observation& o : f.observations)
        finished_here |= o.observer == observer && o.final;
      if (finished_here) continue;
      reversed = rev;
      return &f;
    }
  }
  return nullptr;
}

void FlowModel::flow(const FlowOrigin& origin, FlowRecord&& record) {
  ++stats_.records;
  FlowTuple tuple;
  if (!read_tuple(record, tuple)) {
    ++stats_.no_tuple;
    return;
  }
  uint64_t first_ms = 0, last_ms = 0;
  if (!read_span_ms(record, first_ms, last_ms)) first_ms = last_ms = wall_ms();
  const std::string observer = observer_name(origin);
  bool reversed = false;
  CollectedFlow* flow = find(tuple, first_ms, last_ms, observer, reversed);
  if (reversed) {
    swap_sides(record);
    ++stats_.reversed;
  }
  if (!flow) {
    if (flows_.size() >= options_.max_flows) evict_oldest();
    const uint64_t id = next_id_++;
    flow = &flows_[id];
    flow->id = id;
    flow->tuple = tuple;
    flow->first_ms = first_ms;
    flow->last_ms = last_ms;
    by_tuple_[tuple].push_back(id);
    ++stats_.flows_created;
  }
  Observation* obs = nullptr;
  for (Observation& o : flow->observations)
    if (o.observer == observer) obs = &o;
  if (!obs) {
    obs = &flow->observations.emplace_back();
    obs->observer = observer;
    obs->first_ms = first_ms;
    if (flow->observations.size() == 2) ++stats_.paired;
  }
  bool totals = false;
  const FlowCounters c = read_counters(record, totals);
  if (totals) {
    obs->counters = c;
  } else {
    obs->counters.in_packets += c.in_packets;
    obs->counters.in_bytes += c.in_bytes;
    obs->counters.out_packets += c.out_packets;
    obs->counters.out_bytes += c.out_bytes;
  }
  obs->final = is_final_export(record);
  obs->first_ms = std::min(obs->first_ms, first_ms);
  obs->last_ms = std::max(obs->last_ms, last_ms);
  obs->latest = std::move(record);
  flow->first_ms = std::min(flow->first_ms, first_ms);
  flow->last_ms = std::max(flow->last_ms, last_ms);
  flow->updated = now_();
}

void FlowModel::message(const FlowOrigin& origin, std::string_view topic, std::string_view json) {
  if (topic == "event") probe_events_[observer_name(origin)] = std::string(json);
}

void FlowModel::evict_oldest() {
  // Output the least recently updated 1% at once, so that a flood costs one
  // scan per many new flows rather than one per flow.
  std::vector<std::pair<double, uint64_t>> ages;
  ages.reserve(flows_.size());
  for (const auto& [id, f] : flows_) ages.emplace_back(f.updated, id);
  const size_t n = std::max<size_t>(1, ages.size() / 100);
  std::nth_element(ages.begin(), ages.begin() + (n - 1), ages.end());
  for (size_t i = 0; i < n; ++i) {
    ++stats_.evictions;
    output(ages[i].second);
  }
}

void FlowModel::expire(double now) {
  std::vector<uint64_t> done;
  for (const auto& [id, f] : flows_) {
    const double quiet = now - f.updated;
    bool all_final = true;
    for (const Observation& o : f.observations) all_final &= o.final;
    if ((all_final && quiet >= options_.merge_wait_s) || quiet >= options_.idle_timeout_s)
      done.push_back(id);
  }
  std::sort(done.begin(), done.end());  // oldest flows first: a stable output order
  for (uint64_t id : done) output(id);
}

void FlowModel::flush_all() {
  std::vector<uint64_t> ids;
  for (const auto& [id, f] : flows_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  for (uint64_t id : ids) output(id);
}

void FlowModel::output(uint64_t id) {
  auto it = flows_.find(id);
  if (it == flows_.end()) return;
  output_(it->second);
  ++stats_.flows_output;
  auto& ids = by_tuple_[it->second.tuple];
  std::erase(ids, id);
  if (ids.empty()) by_tuple_.erase(it->second.tuple);
  flows_.erase(it);
}

}  // namespace vedetta::collect
