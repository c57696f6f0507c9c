#include "history/series.h"

#include <algorithm>

namespace vedetta::history {
namespace {

// The part of `total` that falls before `t` in [first, last], rounded down:
// bucket sums telescope to exactly `total`.
int64_t share_before(int64_t total, int64_t first, int64_t last, int64_t t) {
  if (t <= first) return 0;
  if (t >= last) return total;
  return static_cast<int64_t>(static_cast<__int128>(total) * (t - first) / (last - first));
}

}  // namespace

std::string application_key(const FlowRow& row) {
  return row.application.empty() ? "Unknown" : row.application;
}

std::string process_key(int64_t pid, const std::string& ip) {
  return pid > 0 ? std::to_string(pid) + "@" + ip : std::string();
}

void SeriesAccumulator::add(const FlowRow& row) {
  add_entry(row, "interface", row.interface, false);
  add_entry(row, "application", application_key(row), false);
  add_entry(row, "host", row.client_ip, false);
  if (row.server_ip != row.client_ip) add_entry(row, "host", row.server_ip, true);
  if (std::string k = process_key(row.client.pid, row.client_ip); !k.empty())
    add_entry(row, "process", k, false);
  if (std::string k = process_key(row.server.pid, row.server_ip); !k.empty())
    add_entry(row, "process", k, true);
}

// `reversed`: the entry is the server end, for which client→server is received.
void SeriesAccumulator::add_entry(const FlowRow& row, const std::string& kind,
                                  const std::string& key, bool reversed) {
  const int64_t sent = reversed ? row.bytes_s2c : row.bytes_c2s;
  const int64_t rcvd = reversed ? row.bytes_c2s : row.bytes_s2c;
  const int64_t last_minute = row.last_ms / kMinuteMs;
  const int64_t first = std::max(row.first_ms, (last_minute - kMaxSpreadMinutes + 1) * kMinuteMs);
  const int64_t first_minute = first / kMinuteMs;
  for (int64_t m = first_minute; m <= last_minute; ++m) {
    Sums& s = sums_[{m, kind, key}];
    if (first_minute == last_minute) {
      s.sent += sent, s.rcvd += rcvd;
    } else {
      const int64_t from = m * kMinuteMs, to = from + kMinuteMs;
      const int64_t last = row.last_ms;
      s.sent += share_before(sent, first, last, to) - share_before(sent, first, last, from);
      s.rcvd += share_before(rcvd, first, last, to) - share_before(rcvd, first, last, from);
    }
    if (m == first_minute) s.flows += 1;
  }
}

std::vector<SeriesPoint> SeriesAccumulator::take() {
  std::vector<SeriesPoint> out;
  out.reserve(sums_.size());
  for (auto& [k, s] : sums_)
    out.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), s.sent, s.rcvd, s.flows});
  sums_.clear();
  return out;
}

}  // namespace vedetta::history
