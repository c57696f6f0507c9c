#pragma once
// Samples the counters of the processes that own sockets (see
// process_resources.h), so that an exported flow can be given what its
// process used between its first and last packet. A process is sampled
// about once a second while it holds an open socket, once more when a flow
// of it is exported, and gets the kernel's totals when it exits; its
// history is forgotten a while after its last socket or its exit.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "attribution/process_resources.h"

namespace vedetta {

// The kernel's totals for a process that has just exited (from its exit event).
struct ExitTotals {
  uint64_t time_us = 0;
  uint64_t cpu_ns = 0, min_flt = 0, maj_flt = 0, maxrss_kb = 0;
};

class ResourceSampler {
 public:
  static constexpr uint64_t kEveryUs = 1'000'000;        // sampling period
  static constexpr uint64_t kSampleWhileUs = 2'000'000;  // after the last sign of interest
  static constexpr uint64_t kKeepUs = 300'000'000;       // history kept after that or exit
  static constexpr uint64_t kBirthKeepUs = 10'000'000;   // fork times of unwatched processes
  static constexpr uint64_t kFlowEdgeEveryUs = 100'000;  // extra samples when flows start/end

  explicit ResourceSampler(SampleClock clock, std::string proc_root = "/proc")
      : clock_(clock), proc_root_(std::move(proc_root)) {}

  // The process uses a socket now: sampled at once if it is new, or if
  // `flow_edge` (connect, accept, close) and its last sample is older than
  // kFlowEdgeEveryUs, so that a flow's ends fall near samples.
  void watch(uint32_t pid, uint64_t now_us, bool flow_edge = false);
  // Samples the watched processes due for it and forgets old histories.
  // `owners`: pids holding an open socket now (they stay watched).
  void tick(uint64_t now_us, const std::vector<uint32_t>& owners);
  // A new process (fork): any history under its pid is an older process's.
  void on_fork(uint32_t pid, uint64_t time_us);
  void on_exit(uint32_t pid, const ExitTotals& totals);
  // What the process used during [first_us, last_us]; samples it first if
  // it is alive and not sampled since last_us. nullopt: never sampled.
  std::optional<FlowResources> usage(uint32_t pid, uint64_t first_us, uint64_t last_us,
                                     uint64_t now_us);
  size_t size() const { return by_pid_.size(); }
  const SampleClock& clock() const { return clock_; }

 private:
  struct Tracked {
    ResourceHistory history;
    uint64_t start_us = 0;     // process start, 0 = unknown
    uint64_t interest_us = 0;  // last socket seen or flow exported
    uint64_t birth_us = 0;     // fork time when the events gave it
    bool exited = false;       // exit totals added: no more samples
    bool gone = false;         // /proc had it no more (polling: no exit totals)
  };
  void sample(uint32_t pid, Tracked& t, uint64_t now_us);
  Tracked& track(uint32_t pid);

  SampleClock clock_;
  std::string proc_root_;
  std::unordered_map<uint32_t, Tracked> by_pid_;
  std::unordered_map<uint32_t, uint64_t> births_;  // pid → fork time, not watched yet
};

}  // namespace vedetta
