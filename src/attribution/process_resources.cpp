#include "attribution/process_resources.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "common/proc_files.h"

namespace vedetta {
namespace {

bool parse_u64(std::string_view text, uint64_t& out) {
  auto r = std::from_chars(text.data(), text.data() + text.size(), out);
  return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

// The kB number after `key` in /proc/PID/status ("VmRSS:\t  1904 kB").
std::optional<uint64_t> status_kb(const std::string& text, const char* key) {
  size_t at = text.find(key);
  if (at == std::string::npos) return std::nullopt;
  at += std::strlen(key);
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
  size_t end = text.find_first_not_of("0123456789", at);
  uint64_t v = 0;
  if (end == at || !parse_u64(std::string_view(text).substr(at, end - at), v)) return std::nullopt;
  return v;
}

// Sum of delayacct_blkio_ticks over the threads: /proc/PID/stat gives only
// the main thread's.
uint64_t threads_blkio_ticks(const std::string& base) {
  uint64_t sum = 0;
  for (const std::string& tid : numeric_entries(base + "/task"))
    if (auto s = parse_proc_stat(read_text_file(base + "/task/" + tid + "/stat")))
      sum += s->blkio_ticks;
  return sum;
}

// Value of a counter at `t`: linear between the samples around it, the
// nearest one outside them.
template <class Get>
std::optional<double> counter_at(const std::vector<ResourceSample>& v, uint64_t t, Get get,
                                 bool (*usable)(const ResourceSample&)) {
  const ResourceSample* before = nullptr;
  const ResourceSample* after = nullptr;
  for (const ResourceSample& s : v) {
    if (!usable(s)) continue;
    if (s.time_us <= t) before = &s;
    if (s.time_us >= t && !after) after = &s;
  }
  if (!before && !after) return std::nullopt;
  if (!before) return double(get(*after));
  if (!after || after->time_us == before->time_us) return double(get(*before));
  double f = double(t - before->time_us) / double(after->time_us - before->time_us);
  return get(*before) + f * (double(get(*after)) - double(get(*before)));
}

bool any_sample(const ResourceSample&) { return true; }
bool blkio_sample(const ResourceSample& s) { return s.has_blkio; }

}  // namespace

std::optional<ProcStat> parse_proc_stat(const std::string& text) {
  // "PID (COMM) STATE ...": COMM may hold spaces and parentheses, so fields
  // are counted from the last ')'.
  size_t close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::vector<std::string_view> f;  // f[0] is field 3 (state)
  std::string_view rest = std::string_view(text).substr(close + 1);
  size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\n')) ++i;
    size_t start = i;
    while (i < rest.size() && rest[i] != ' ' && rest[i] != '\n') ++i;
    if (i > start) f.push_back(rest.substr(start, i - start));
  }
  auto field = [&f](int n) { return f[n - 3]; };
  if (f.size() < 42 - 2) return std::nullopt;
  ProcStat s;
  uint64_t utime = 0, stime = 0;
  if (!parse_u64(field(10), s.min_flt) || !parse_u64(field(12), s.maj_flt) ||
      !parse_u64(field(14), utime) || !parse_u64(field(15), stime) ||
      !parse_u64(field(20), s.num_threads) || !parse_u64(field(22), s.start_ticks) ||
      !parse_u64(field(24), s.rss_pages) || !parse_u64(field(42), s.blkio_ticks))
    return std::nullopt;
  s.cpu_ticks = utime + stime;
  return s;
}

std::optional<uint64_t> parse_schedstat_cpu_ns(const std::string& text) {
  size_t end = text.find(' ');
  uint64_t v = 0;
  if (end == std::string::npos || !parse_u64(std::string_view(text).substr(0, end), v))
    return std::nullopt;
  return v;
}

std::optional<StatusMemory> parse_status_memory(const std::string& text) {
  auto rss = status_kb(text, "\nVmRSS:");
  auto hwm = status_kb(text, "\nVmHWM:");
  if (!rss || !hwm) return std::nullopt;  // kernel threads have no memory lines
  return StatusMemory{*rss, *hwm};
}

ResourceSample make_sample(const ProcStat& stat, std::optional<uint64_t> schedstat_ns,
                           std::optional<StatusMemory> memory, uint64_t now_us,
                           const SampleClock& clock) {
  ResourceSample s;
  s.time_us = now_us;
  // utime + stime is the whole process's exact runtime printed in ticks;
  // schedstat is the main thread's to the nanosecond, which is the whole
  // process when it is the only thread (and never had others: max).
  s.cpu_ns = stat.cpu_ticks * clock.tick_ns;
  if (stat.num_threads == 1 && schedstat_ns) s.cpu_ns = std::max(s.cpu_ns, *schedstat_ns);
  s.min_flt = stat.min_flt;
  s.maj_flt = stat.maj_flt;
  if (memory) {
    s.rss_kb = s.peak_rss_kb = memory->rss_kb;
    s.hwm_kb = memory->hwm_kb;
    s.has_memory = true;
  }
  uint64_t start_us = stat.start_ticks * (clock.tick_ns / 1000) + clock.boot_to_epoch_us;
  // A task forked while delay accounting was off has no delay record (the
  // kernel allocates it at fork): its blkio delay reads 0 forever.
  s.has_blkio = clock.delayacct.on && start_us >= clock.delayacct.since_us;
  if (s.has_blkio) s.blkio_ns = stat.blkio_ticks * clock.tick_ns;
  return s;
}

std::optional<ResourceSample> read_resource_sample(const std::string& proc_root, uint32_t pid,
                                                   uint64_t now_us, const SampleClock& clock,
                                                   uint64_t* start_us) {
  std::string base = proc_root + "/" + std::to_string(pid);
  auto stat = parse_proc_stat(read_text_file(base + "/stat"));
  if (!stat) return std::nullopt;
  ResourceSample s =
      make_sample(*stat, parse_schedstat_cpu_ns(read_text_file(base + "/schedstat")),
                  parse_status_memory(read_text_file(base + "/status")), now_us, clock);
  if (s.has_blkio && stat->num_threads > 1) s.blkio_ns = threads_blkio_ticks(base) * clock.tick_ns;
  if (start_us) *start_us = stat->start_ticks * (clock.tick_ns / 1000) + clock.boot_to_epoch_us;
  return s;
}

void ResourceHistory::add(ResourceSample s) {
  if (!samples_.empty()) {
    const ResourceSample& p = samples_.back();
    s.time_us = std::max(s.time_us, p.time_us);
    s.cpu_ns = std::max(s.cpu_ns, p.cpu_ns);
    s.min_flt = std::max(s.min_flt, p.min_flt);
    s.maj_flt = std::max(s.maj_flt, p.maj_flt);
    if (s.has_blkio && p.has_blkio) s.blkio_ns = std::max(s.blkio_ns, p.blkio_ns);
  }
  samples_.push_back(s);
  if (samples_.size() > kCapacity) thin();
}

void ResourceHistory::thin() {
  // The oldest sample stays (often the zero point at process start), then
  // every other one of the older half; the newer half is kept whole.
  size_t half = samples_.size() / 2;
  std::vector<ResourceSample> kept{samples_[0]};
  for (size_t i = 1; i < samples_.size(); ++i) {
    // (A sample with memory is not folded into one without: the exit totals.)
    bool drop = i < half && i % 2 == 1 && samples_[i].has_memory == samples_[i + 1].has_memory;
    if (!drop) {
      kept.push_back(samples_[i]);
      continue;
    }
    ResourceSample& next = samples_[i + 1];
    next.peak_rss_kb = std::max(next.peak_rss_kb, samples_[i].peak_rss_kb);
  }
  if (kept.size() == samples_.size()) kept.erase(kept.begin() + 1);  // stay bounded regardless
  samples_ = std::move(kept);
}

std::optional<FlowResources> ResourceHistory::usage(uint64_t first_us, uint64_t last_us) const {
  if (samples_.empty()) return std::nullopt;
  if (last_us < first_us) last_us = first_us;
  FlowResources r;
  double duration_ns = double(last_us - first_us) * 1000.0;
  auto delta = [&](auto get, bool (*usable)(const ResourceSample&)) -> std::optional<double> {
    auto a = counter_at(samples_, first_us, get, usable);
    auto b = counter_at(samples_, last_us, get, usable);
    if (!a || !b) return std::nullopt;
    return *b - *a;
  };
  r.cpu_ns = uint64_t(*delta([](const ResourceSample& s) { return s.cpu_ns; }, any_sample) + 0.5);
  r.min_flt = uint64_t(*delta([](const ResourceSample& s) { return s.min_flt; }, any_sample) + 0.5);
  r.maj_flt = uint64_t(*delta([](const ResourceSample& s) { return s.maj_flt; }, any_sample) + 0.5);
  if (duration_ns > 0) {
    r.has_cpu_load = true;
    r.cpu_load_pct = 100.0 * double(r.cpu_ns) / duration_ns;
    if (auto io = delta([](const ResourceSample& s) { return s.blkio_ns; }, blkio_sample)) {
      r.has_iowait = true;
      r.iowait_pct = 100.0 * *io / duration_ns;
    }
  }
  // Memory: the level at the end (the first sample from the last packet on,
  // else the latest), the largest level sampled from the sample before the
  // flow to the one after it, and the high-water mark if it rose meanwhile
  // (then it was reached during the flow, sampled or not).
  const ResourceSample* floor = nullptr;  // last one with memory at or before first_us
  const ResourceSample* ceil = nullptr;   // first one with memory at or after last_us
  const ResourceSample* hwm_end = nullptr;
  for (const ResourceSample& s : samples_) {
    if (s.has_memory && s.time_us <= first_us) floor = &s;
    if (s.has_memory && s.time_us >= last_us && !ceil) ceil = &s;
    if (s.hwm_kb && (!hwm_end || hwm_end->time_us < last_us)) hwm_end = &s;
  }
  for (const ResourceSample& s : samples_) {
    if (!s.has_memory) continue;
    if (floor && s.time_us < floor->time_us) continue;
    if (ceil && s.time_us > ceil->time_us) break;
    r.has_memory = true;
    r.actual_kb = s.rss_kb;  // the last one in the window
    r.peak_kb = std::max(r.peak_kb, s.peak_rss_kb);
  }
  if (hwm_end && hwm_end->hwm_kb > (floor ? floor->hwm_kb : 0)) {
    r.peak_kb = std::max(r.peak_kb, hwm_end->hwm_kb);
    r.has_memory = true;
  }
  if (r.has_memory) r.peak_kb = std::max(r.peak_kb, r.actual_kb);
  return r;
}

}  // namespace vedetta
