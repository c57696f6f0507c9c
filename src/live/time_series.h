#pragma once
// Throughput over time, in memory (docs/console.md "Live model"): for every
// interface and the top entries (by bytes in the kept span) of each other
// kind, one point per second for `fine_s`; for every entry, one point per
// minute for `coarse_s`. At most `max_entries` entries per kind: a new one
// beyond is not kept and counted (dropped()). Entries quiet for `coarse_s`
// are forgotten. Thread-safe: the collector thread adds, HTTP threads read.
#include <array>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

namespace vedetta::live {

enum class SeriesKind { kInterface, kApplication, kHost, kProcess };
// "interface" → kInterface...; nullopt for other names.
std::optional<SeriesKind> series_kind(const std::string& name);

struct SeriesOptions {
  size_t top = 50;            // entries of each kind (but interfaces: all) with 1 s points
  size_t max_entries = 20000;  // per kind
  int64_t fine_s = 3600;
  int64_t coarse_s = 2 * 3600;
  int64_t rank_every_s = 10;  // how often the top entries are chosen again
};

class TimeSeries {
 public:
  explicit TimeSeries(SeriesOptions options = {}) : options_(options) {}

  // Bytes sent and received by `key` since the last commit.
  void add(SeriesKind kind, const std::string& key, uint64_t sent, uint64_t rcvd);
  // Closes second `now` (epoch seconds), `dt` seconds after the previous one.
  void commit(int64_t now, double dt);

  // {"kind","key","resolution","points":[[T, SENT_BPS, RCVD_BPS]...]} of
  // points within [from, to]; NotFound if the entry is not kept.
  nlohmann::json query(SeriesKind kind, const std::string& key, std::optional<double> from,
                       std::optional<double> to) const;
  uint64_t dropped() const;
  size_t entries() const;  // over every kind

 private:
  struct Point {
    int64_t t;
    double sent, rcvd;  // 1 s points: bits per second; 1 min points: bytes in the minute
  };
  struct Entry {
    uint64_t pending_sent = 0, pending_rcvd = 0;
    bool fine_on = false;
    std::deque<Point> fine, coarse;
    uint64_t kept_bytes = 0;  // over the coarse points: the ranking
    int64_t last_active = 0;
  };
  using Entries = std::unordered_map<std::string, Entry>;
  void rank(SeriesKind kind, Entries& entries);
  void trim(Entry& e, int64_t now);

  SeriesOptions options_;
  mutable std::mutex mutex_;
  std::array<Entries, 4> kinds_;
  std::unordered_set<std::string> refused_;  // "kind/key" not kept
  uint64_t refused_beyond_ = 0;              // refused after refused_ was full
  int64_t last_rank_ = 0;
};

}  // namespace vedetta::live
