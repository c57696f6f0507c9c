#pragma once
// The console's live model: fed by the collector (collect::CollectorObserver,
// on its thread), asked by the web server (live::LiveApi, on HTTP threads).
//
// Once a second the collector thread turns every flow of every interface
// into a FlowEntry (throughput and trend from the byte totals of two
// consecutive ticks), adds the finished flows it keeps, and publishes the
// lot as an immutable Snapshot: HTTP threads take a shared_ptr to the
// newest one under a mutex held for a pointer copy, so they never see half
// an update and never hold up ingest. Hosts, processes and the graph are
// added up from a snapshot's flows per request (aggregates.h); throughput
// over time lives in TimeSeries. See docs/console.md.
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "collect/collector_observer.h"
#include "live/aggregates.h"
#include "live/live_api.h"
#include "live/time_series.h"

namespace vedetta::live {

struct LiveModelOptions {
  SeriesOptions series;
  // Finished flows kept for the pages: at most this many, each for this
  // long (seconds); flows of capture files are kept until the server stops.
  size_t max_finished_flows = 200'000;
  double finished_keep_s = 3600;
};

struct InterfaceEntry {
  std::string name, kind;
  uint64_t active_flows = 0, flows_seen = 0, bytes = 0, packets = 0;
  double throughput_bps = 0;
  collect::InputStats input;
  uint64_t model_evictions = 0;
};

// What HTTP threads read: never changed once published.
struct Snapshot {
  double taken = 0;  // epoch seconds
  std::vector<InterfaceEntry> interfaces;
  FlowList flows;  // active and kept finished flows, by id (find() searches it)

  const FlowEntry* find(uint64_t id) const;
};

class LiveModel : public LiveApi, public collect::CollectorObserver {
 public:
  explicit LiveModel(LiveModelOptions options = {});

  // collect::CollectorObserver (collector thread)
  void flow_done(size_t interface, const collect::CollectedFlow& flow,
                 const wire::FlowRecord& merged) override;
  void tick(const std::vector<collect::CollectorInterface>& interfaces) override;

  // LiveApi (any thread)
  nlohmann::json interfaces() const override;
  nlohmann::json flows(const Params& p) const override;
  nlohmann::json flow(uint64_t id) const override;
  nlohmann::json hosts(const Params& p) const override;
  nlohmann::json host(const std::string& ip) const override;
  nlohmann::json processes(const Params& p) const override;
  nlohmann::json process(const std::string& key) const override;
  nlohmann::json timeseries(const Params& p) const override;
  nlohmann::json graph(const Params& p) const override;
  nlohmann::json dashboard() const override;
  nlohmann::json status() const override;

  std::shared_ptr<const Snapshot> snapshot() const;
  // For tests: a clock other than the wall clock (epoch seconds).
  void set_clock(std::function<double()> now) { now_ = std::move(now); }

 private:
  // Per flow held by a collector model (collector thread only).
  struct Tracked {
    uint64_t api_id = 0;
    uint64_t bytes_c2s = 0, bytes_s2c = 0, packets = 0;
    double throughput_bps = 0;
    bool seen = false;  // at a tick before
  };
  struct InterfaceCounters {
    uint64_t bytes = 0, packets = 0, tick_bytes = 0;
  };
  Tracked& track(size_t interface, uint64_t model_id);
  // Counts what the flow did since it was last looked at; returns the new bytes.
  uint64_t account(size_t interface, const FlowEntry& entry, Tracked& t);
  // Moves the flows finished since the last tick into finished_by_id_, then
  // forgets those past their keep time or over the count.
  void keep_finished(double now);

  LiveModelOptions options_;
  std::function<double()> now_;
  double started_ = 0;
  TimeSeries series_;

  // Collector thread only.
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, Tracked> tracked_;  // by interface << 48 | model flow id
  struct Finished {
    double at = 0;            // when it finished
    bool until_stop = false;  // a capture file's: not forgotten with age
    std::shared_ptr<const FlowEntry> entry;
  };
  std::deque<Finished> finished_;  // oldest first
  // The same flows by id, kept sorted from tick to tick: each snapshot is a
  // linear merge of the active flows into it, not a sort of everything
  // (200,000 kept flows made the old per-tick sort and index cost the
  // collector most of a second: docs/benchmarks.md).
  FlowList finished_by_id_;
  FlowList fresh_;  // finished since the last tick
  std::vector<std::string> names_, kinds_;
  std::vector<InterfaceCounters> counters_;
  double last_tick_ = 0;

  mutable std::mutex snapshot_mutex_;  // guards the pointer only
  std::shared_ptr<const Snapshot> snapshot_;
};

}  // namespace vedetta::live
