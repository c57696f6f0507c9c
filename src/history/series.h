#pragma once
// Per-minute time series kept beside the flows: bytes each way and flows
// started, per interface, application, host and process (PID@HOST, as the
// live API keys processes). A flow's bytes are spread over the minutes of its
// span in proportion to the time it overlaps each (integer arithmetic, so
// every store gets exactly the same numbers); it counts as one flow in the
// minute it started. The writer aggregates a batch before inserting it, and
// queries sum the rows of a bucket (several batches may hold rows of one minute).
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "history/flow_row.h"

namespace vedetta::history {

inline constexpr int64_t kMinuteMs = 60'000;
// Longer flows are spread over their last week only (vedetta probes export
// long flows every --lifetime-timeout anyway).
inline constexpr int64_t kMaxSpreadMinutes = 7 * 24 * 60;

struct SeriesPoint {
  int64_t minute = 0;  // epoch minutes (UTC)
  std::string kind;    // interface | application | host | process
  std::string key;
  int64_t bytes_sent = 0, bytes_rcvd = 0, flows = 0;
  int64_t day() const { return minute / (24 * 60); }
};

inline constexpr std::array<Column, 7> kSeriesColumns = {{
    {"day", ColumnType::kInt},
    {"minute", ColumnType::kInt},
    {"kind", ColumnType::kText},
    {"key", ColumnType::kText},
    {"bytes_sent", ColumnType::kInt},
    {"bytes_rcvd", ColumnType::kInt},
    {"flows", ColumnType::kInt},
}};

template <class OnInt, class OnText>
void for_each_value(const SeriesPoint& p, OnInt&& on_int, OnText&& on_text) {
  on_int(p.day()), on_int(p.minute), on_text(p.kind), on_text(p.key);
  on_int(p.bytes_sent), on_int(p.bytes_rcvd), on_int(p.flows);
}

// "Unknown" for a flow nDPI did not name, as the live model shows it.
std::string application_key(const FlowRow& row);
// "PID@IP", or "" when the end's process is not known.
std::string process_key(int64_t pid, const std::string& ip);

class SeriesAccumulator {
 public:
  void add(const FlowRow& row);
  std::vector<SeriesPoint> take();  // the sums so far, in (minute, kind, key) order; then empty

 private:
  void add_entry(const FlowRow& row, const std::string& kind, const std::string& key,
                 bool reversed);
  struct Sums {
    int64_t sent = 0, rcvd = 0, flows = 0;
  };
  std::map<std::tuple<int64_t, std::string, std::string>, Sums> sums_;
};

}  // namespace vedetta::history
