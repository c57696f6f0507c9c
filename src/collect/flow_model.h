#pragma once
// The live model of one collector interface: every flow the probes and
// exporters feeding it have reported, merged. When the probe on host A
// reports the client process of a flow and the probe on host B the server
// process of the same flow (same tuple, overlapping time), the model holds
// one flow with both processes; its counters come from one observation
// (the one that saw the most packets), never summed over observers.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "collect/flow_input.h"
#include "collect/flow_sides.h"
#include "wire/flow_record.h"

namespace vedetta::collect {

struct FlowModelOptions {
  // A flow every observer has finished with is output this long after its
  // last record, so that the other end's probe has time to report it.
  double merge_wait_s = 2;
  // A flow with no record for this long is output even if an observer
  // announced more (it went away).
  double idle_timeout_s = 120;
  // Slack when matching time spans of observers (clocks of different hosts).
  double pair_slack_s = 2;
  size_t max_flows = 1'000'000;  // beyond, the least recently updated is output (eviction)
};

struct FlowModelStats {
  uint64_t records = 0;   // flow records merged in
  uint64_t no_tuple = 0;  // records without addresses: not placeable, dropped
  uint64_t flows_created = 0;
  uint64_t paired = 0;    // flows that got a second observer
  uint64_t reversed = 0;  // records turned around to match their flow
  uint64_t flows_output = 0;
  uint64_t evictions = 0;  // output early: max_flows reached
};

// One observer's view of a flow: its latest record and its counters.
struct Observation {
  std::string observer;     // "tcp://h1:5556#1234" (input source and source id)
  wire::FlowRecord latest;  // the newest record it sent
  FlowCounters counters;    // totals (accumulated if the sender only sends deltas)
  bool final = false;       // its last record said the flow is over
  uint64_t first_ms = 0, last_ms = 0;
};

struct CollectedFlow {
  uint64_t id = 0;
  FlowTuple tuple;
  uint64_t first_ms = 0, last_ms = 0;  // union of the observers' spans
  double updated = 0;                  // monotonic seconds of the last record
  std::vector<Observation> observations;

  const Observation& counting() const;  // the observation whose counters stand
  // The merged record: the counting observation's fields (with its total
  // counters as IN_/OUT_ and INITIATOR_/RESPONDER_), each end's process
  // fields from an observer that had them, and the collector's own fields
  // (COLLECTOR_INPUT, FLOW_OBSERVATIONS, COUNTERS_FROM).
  wire::FlowRecord merged(const std::string& input_name) const;
};

class FlowModel : public RecordHandler {
 public:
  using Output = std::function<void(const CollectedFlow&)>;
  FlowModel(std::string input_name, FlowModelOptions options, Output output);

  void flow(const FlowOrigin& origin, wire::FlowRecord&& record) override;
  void message(const FlowOrigin& origin, std::string_view topic, std::string_view json) override;
  // Outputs the flows that are done at monotonic time `now` (seconds).
  void expire(double now);
  void flush_all();  // at shutdown: outputs every flow

  const std::string& input_name() const { return input_name_; }
  const FlowModelStats& stats() const { return stats_; }
  size_t active_flows() const { return flows_.size(); }
  // Every flow held now, in no particular order.
  template <typename Visit>
  void for_each_flow(Visit&& visit) const {
    for (const auto& [id, f] : flows_) visit(f);
  }
  // Latest "event" message (probe statistics) per observer.
  const std::map<std::string, std::string>& probe_events() const { return probe_events_; }
  void set_clock(std::function<double()> now) { now_ = std::move(now); }

 private:
  CollectedFlow* find(const FlowTuple& t, uint64_t first_ms, uint64_t last_ms,
                      const std::string& observer, bool& reversed);
  void evict_oldest();
  void output(uint64_t id);

  std::string input_name_;
  FlowModelOptions options_;
  Output output_;
  std::function<double()> now_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, CollectedFlow> flows_;
  std::unordered_map<FlowTuple, std::vector<uint64_t>, FlowTupleHash> by_tuple_;
  std::map<std::string, std::string> probe_events_;
  FlowModelStats stats_;
};

// The observer name of a record's origin: "SOURCE#SOURCE_ID".
std::string observer_name(const FlowOrigin& origin);

}  // namespace vedetta::collect
