#include "live/time_series.h"

#include <algorithm>
#include <vector>

#include "live/live_api.h"

namespace vedetta::live {
namespace {

constexpr const char* kKindNames[] = {"interface", "application", "host", "process"};
constexpr size_t kMaxRefusedKept = 1'000'000;

}  // namespace

std::optional<SeriesKind> series_kind(const std::string& name) {
  for (size_t i = 0; i < 4; ++i)
    if (name == kKindNames[i]) return static_cast<SeriesKind>(i);
  return std::nullopt;
}

void TimeSeries::add(SeriesKind kind, const std::string& key, uint64_t sent, uint64_t rcvd) {
  // Interfaces are kept while quiet; other entries start with their first byte.
  if (!sent && !rcvd && kind != SeriesKind::kInterface) return;
  std::lock_guard lock(mutex_);
  Entries& entries = kinds_[static_cast<size_t>(kind)];
  auto it = entries.find(key);
  if (it == entries.end()) {
    if (entries.size() >= options_.max_entries) {
      if (refused_.size() < kMaxRefusedKept)
        refused_.insert(std::string(kKindNames[static_cast<size_t>(kind)]) + "/" + key);
      else
        ++refused_beyond_;
      return;
    }
    it = entries.emplace(key, Entry{}).first;
    it->second.fine_on = kind == SeriesKind::kInterface;
  }
  it->second.pending_sent += sent;
  it->second.pending_rcvd += rcvd;
}

void TimeSeries::trim(Entry& e, int64_t now) {
  while (!e.fine.empty() && e.fine.front().t <= now - options_.fine_s) e.fine.pop_front();
  while (!e.coarse.empty() && e.coarse.front().t <= now - options_.coarse_s) {
    e.kept_bytes -= static_cast<uint64_t>(e.coarse.front().sent + e.coarse.front().rcvd);
    e.coarse.pop_front();
  }
}

void TimeSeries::commit(int64_t now, double dt) {
  std::lock_guard lock(mutex_);
  if (dt <= 0) dt = 1;
  const bool rank_now = now - last_rank_ >= options_.rank_every_s;
  for (size_t k = 0; k < kinds_.size(); ++k) {
    Entries& entries = kinds_[k];
    for (auto it = entries.begin(); it != entries.end();) {
      Entry& e = it->second;
      const uint64_t sent = e.pending_sent, rcvd = e.pending_rcvd;
      e.pending_sent = e.pending_rcvd = 0;
      if (e.fine_on) e.fine.push_back({now, sent * 8 / dt, rcvd * 8 / dt});
      if (sent || rcvd) {
        const int64_t minute = now - now % 60;
        if (e.coarse.empty() || e.coarse.back().t != minute) e.coarse.push_back({minute, 0, 0});
        e.coarse.back().sent += sent;
        e.coarse.back().rcvd += rcvd;
        e.kept_bytes += sent + rcvd;
        e.last_active = now;
      }
      trim(e, now);
      const bool forgotten = static_cast<SeriesKind>(k) != SeriesKind::kInterface &&
                             now - e.last_active >= options_.coarse_s;
      it = forgotten ? entries.erase(it) : std::next(it);
    }
    if (rank_now && static_cast<SeriesKind>(k) != SeriesKind::kInterface)
      rank(static_cast<SeriesKind>(k), entries);
  }
  if (rank_now) last_rank_ = now;
}

void TimeSeries::rank(SeriesKind, Entries& entries) {
  std::vector<std::pair<uint64_t, Entry*>> order;
  order.reserve(entries.size());
  for (auto& [key, e] : entries) order.emplace_back(e.kept_bytes, &e);
  const size_t top = std::min(options_.top, order.size());
  std::nth_element(order.begin(), order.begin() + top, order.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; i < order.size(); ++i) {
    Entry& e = *order[i].second;
    e.fine_on = i < top && order[i].first > 0;
    if (!e.fine_on) e.fine.clear();
  }
}

nlohmann::json TimeSeries::query(SeriesKind kind, const std::string& key,
                                 std::optional<double> from, std::optional<double> to) const {
  std::lock_guard lock(mutex_);
  const Entries& entries = kinds_[static_cast<size_t>(kind)];
  auto it = entries.find(key);
  if (it == entries.end())
    throw NotFound(std::string("timeseries: no series kept for ") +
                   kKindNames[static_cast<size_t>(kind)] + " '" + key + "'");
  const Entry& e = it->second;
  // 1 s points when they reach back far enough, else the minutes.
  const bool fine = e.fine_on && !e.fine.empty() && (!from || *from >= e.fine.front().t);
  nlohmann::json points = nlohmann::json::array();
  for (const Point& p : fine ? e.fine : e.coarse) {
    if ((from && p.t < *from) || (to && p.t > *to)) continue;
    if (fine)
      points.push_back({p.t, p.sent, p.rcvd});
    else
      points.push_back({p.t, p.sent * 8 / 60, p.rcvd * 8 / 60});
  }
  return {{"kind", kKindNames[static_cast<size_t>(kind)]},
          {"key", key},
          {"resolution", fine ? 1 : 60},
          {"points", std::move(points)}};
}

uint64_t TimeSeries::dropped() const {
  std::lock_guard lock(mutex_);
  return refused_.size() + refused_beyond_;
}

size_t TimeSeries::entries() const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const Entries& e : kinds_) n += e.size();
  return n;
}

}  // namespace vedetta::live
