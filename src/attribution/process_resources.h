#pragma once
// What a process used while one of its flows was active: CPU time, page
// faults, memory and I/O wait, from samples of its cumulative counters
// (/proc/PID/stat, schedstat, status; the kernel's totals at exit) taken
// before, during and after the flow. docs/probe.md gives the formulas.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vedetta {

// One reading of a process's counters. Counters only grow; memory is a level.
struct ResourceSample {
  uint64_t time_us = 0;  // epoch µs (packet time's clock)
  uint64_t cpu_ns = 0;   // CPU time of all its threads, living and dead
  uint64_t min_flt = 0, maj_flt = 0;
  uint64_t blkio_ns = 0;  // block I/O delay (delay accounting), all threads
  uint64_t rss_kb = 0;    // resident set now
  uint64_t hwm_kb = 0;    // high-water mark of the resident set (VmHWM; maxrss at exit)
  // Largest rss_kb among the samples folded into this one when the history
  // was thinned (rss_kb itself otherwise).
  uint64_t peak_rss_kb = 0;
  bool has_memory = false;  // false for the zero point at process start
  bool has_blkio = false;   // false without delay accounting for this process
};

// /proc/PID/stat, /proc/PID/schedstat and /proc/PID/status, parsed. Each
// returns nullopt when the text is not what the kernel writes.
struct ProcStat {
  uint64_t min_flt = 0, maj_flt = 0;
  uint64_t cpu_ticks = 0;  // utime + stime (the exact runtime, in USER_HZ units)
  uint64_t num_threads = 0;
  uint64_t start_ticks = 0;  // since boot
  uint64_t rss_pages = 0;
  uint64_t blkio_ticks = 0;  // delayacct_blkio_ticks (field 42)
};
std::optional<ProcStat> parse_proc_stat(const std::string& text);
std::optional<uint64_t> parse_schedstat_cpu_ns(const std::string& text);
struct StatusMemory {
  uint64_t rss_kb = 0, hwm_kb = 0;
};
std::optional<StatusMemory> parse_status_memory(const std::string& text);

// Delay accounting (kernel.task_delayacct): off, or on for the processes
// started at or after `since_us` (epoch µs; 0 = all: it was on before).
struct DelayAccounting {
  bool on = false;
  uint64_t since_us = 0;
};

// How /proc readings become samples.
struct SampleClock {
  int64_t boot_to_epoch_us = 0;   // epoch µs = boot-clock µs + this
  uint64_t tick_ns = 10'000'000;  // one USER_HZ tick
  DelayAccounting delayacct;
};

// The counters of a running process; nullopt if it is gone or unreadable.
// `start_us` receives its start time (when all its counters were zero).
std::optional<ResourceSample> read_resource_sample(const std::string& proc_root, uint32_t pid,
                                                   uint64_t now_us, const SampleClock& clock,
                                                   uint64_t* start_us = nullptr);
// A sample from the pieces above (exposed for tests).
ResourceSample make_sample(const ProcStat& stat, std::optional<uint64_t> schedstat_ns,
                           std::optional<StatusMemory> memory, uint64_t now_us,
                           const SampleClock& clock);

// What the process used during [first_us, last_us].
struct FlowResources {
  uint64_t cpu_ns = 0;
  double cpu_load_pct = 0;    // cpu_ns ÷ duration × 100 (above 100 with several CPUs)
  bool has_cpu_load = false;  // false for a flow of one instant
  uint64_t min_flt = 0, maj_flt = 0;
  uint64_t actual_kb = 0, peak_kb = 0;
  bool has_memory = false;
  double iowait_pct = 0;  // blkio delay ÷ duration × 100
  bool has_iowait = false;
};

// A process's samples, oldest first, at most kCapacity: when full, every
// other sample of the older half goes (its peak folded into the next), so
// a long flow's start stays covered, more coarsely.
class ResourceHistory {
 public:
  static constexpr size_t kCapacity = 64;
  // Counters are kept monotonic (a reading slightly lower than the previous
  // one, as when a thread exits, repeats the previous value).
  void add(ResourceSample s);
  const std::vector<ResourceSample>& samples() const { return samples_; }
  bool empty() const { return samples_.empty(); }
  const ResourceSample& last() const { return samples_.back(); }
  // nullopt when no sample is at or before first_us and none at or after
  // last_us (nothing to take a difference of).
  std::optional<FlowResources> usage(uint64_t first_us, uint64_t last_us) const;

 private:
  void thin();
  std::vector<ResourceSample> samples_;
};

}  // namespace vedetta
