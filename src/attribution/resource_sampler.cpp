#include "attribution/resource_sampler.h"

namespace vedetta {

ResourceSampler::Tracked& ResourceSampler::track(uint32_t pid) {
  auto [it, added] = by_pid_.try_emplace(pid);
  if (added) {
    if (auto b = births_.find(pid); b != births_.end()) {
      it->second.birth_us = b->second;
      births_.erase(b);
    }
  }
  return it->second;
}

void ResourceSampler::sample(uint32_t pid, Tracked& t, uint64_t now_us) {
  uint64_t start_us = 0;
  auto s = read_resource_sample(proc_root_, pid, now_us, clock_, &start_us);
  if (!s) {
    t.gone = true;
    return;
  }
  // Another process under the same pid (polling sees no forks): start over.
  if (t.start_us && start_us != t.start_us) {
    uint64_t interest = t.interest_us;
    t = Tracked{};
    t.interest_us = interest;
  }
  t.start_us = start_us;
  if (t.history.empty() && start_us < now_us) {
    // Every counter was zero when the process started: the point before
    // any flow of it.
    ResourceSample zero;
    zero.time_us = start_us;
    zero.has_blkio = s->has_blkio;
    t.history.add(zero);
  }
  t.history.add(*s);
}

void ResourceSampler::watch(uint32_t pid, uint64_t now_us, bool flow_edge) {
  Tracked& t = track(pid);
  t.interest_us = now_us;
  if (t.exited || t.gone) return;
  if (t.history.empty() || (flow_edge && t.history.last().time_us + kFlowEdgeEveryUs <= now_us))
    sample(pid, t, now_us);
}

void ResourceSampler::tick(uint64_t now_us, const std::vector<uint32_t>& owners) {
  for (uint32_t pid : owners) watch(pid, now_us);
  for (auto it = by_pid_.begin(); it != by_pid_.end();) {
    Tracked& t = it->second;
    uint64_t quiet_since = t.exited ? t.history.last().time_us : t.interest_us;
    if (quiet_since + kKeepUs < now_us) {
      it = by_pid_.erase(it);
      continue;
    }
    bool due = t.history.empty() || t.history.last().time_us + kEveryUs <= now_us;
    if (!t.exited && !t.gone && due && t.interest_us + kSampleWhileUs >= now_us)
      sample(it->first, t, now_us);
    ++it;
  }
  for (auto it = births_.begin(); it != births_.end();) {
    if (it->second + kBirthKeepUs < now_us)
      it = births_.erase(it);
    else
      ++it;
  }
}

void ResourceSampler::on_fork(uint32_t pid, uint64_t time_us) {
  auto it = by_pid_.find(pid);
  if (it == by_pid_.end()) {
    births_[pid] = time_us;
    return;
  }
  // Already watched (its socket events were read first): the same process
  // if it started at the fork (start times are in 10 ms ticks).
  Tracked& t = it->second;
  if (t.start_us && t.start_us + 20'000 >= time_us) {
    if (!t.birth_us) t.birth_us = time_us;
    return;
  }
  by_pid_.erase(it);
  births_[pid] = time_us;
}

void ResourceSampler::on_exit(uint32_t pid, const ExitTotals& totals) {
  auto it = by_pid_.find(pid);
  if (it == by_pid_.end()) return;  // no socket seen: no flow will ask
  Tracked& t = it->second;
  if (t.exited) return;
  if (t.history.empty()) {
    // Gone before its first sample: its fork is the zero point, if seen.
    if (!t.birth_us) return;
    ResourceSample zero;
    zero.time_us = t.birth_us;
    t.history.add(zero);
  }
  ResourceSample s;
  s.time_us = totals.time_us;
  s.cpu_ns = totals.cpu_ns;
  s.min_flt = totals.min_flt;
  s.maj_flt = totals.maj_flt;
  s.hwm_kb = totals.maxrss_kb;  // the mm is gone: no level, only the peak
  t.history.add(s);
  t.exited = true;
}

std::optional<FlowResources> ResourceSampler::usage(uint32_t pid, uint64_t first_us,
                                                    uint64_t last_us, uint64_t now_us) {
  auto it = by_pid_.find(pid);
  if (it == by_pid_.end()) return std::nullopt;
  Tracked& t = it->second;
  t.interest_us = now_us;
  if (!t.exited && !t.gone && (t.history.empty() || t.history.last().time_us < last_us))
    sample(pid, t, now_us);
  if (t.history.empty()) return std::nullopt;
  return t.history.usage(first_us, last_us);
}

}  // namespace vedetta
