#pragma once
// The history questions of the console and the API (docs/api.md, "History"),
// answered the same way by every store: the SQL is built once, in the subset
// SQLite and ClickHouse share (differences in SqlDialect), every literal is
// quoted by the store's dialect, and every ordering ends with a unique key so
// that ties come back in the same order from both.
//
// Parameters are the query string as given (live::Params); a bad one throws
// live::BadQuery naming it (400). A store that cannot answer now throws
// StoreUnavailable (503: ClickHouse unreachable), anything else StoreError (500).
// Thread-safe: the API's threads may ask while the writer writes.
// Times are epoch seconds; buckets are UTC.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "history/flow_store.h"
#include "live/live_api.h"

namespace vedetta::history {

class HistoryQuery {
 public:
  explicit HistoryQuery(const FlowStore& store) : store_(store) {}

  // GET /api/v1/history/flows: flows that overlap [from, to) with the live
  // table's filters, sorted and paged.
  nlohmann::json flows(const live::Params& p) const;
  // GET /api/v1/history/flows/UID: one past flow with everything the live
  // flow's details show (process details of both ends, TCP health, every
  // field of its record). Throws live::BadQuery for a UID that is not a
  // number, live::NotFound for one the store does not hold.
  nlohmann::json flow(const std::string& uid) const;
  // GET /api/v1/history/top: by=process|application|host|peer over [from, to).
  nlohmann::json top(const live::Params& p) const;
  // GET /api/v1/history/timeseries: kind=interface|application|host|process,
  // key, bytes per bucket (a multiple of 60 s) over [from, to).
  nlohmann::json timeseries(const live::Params& p) const;
  // GET /api/v1/history/drilldown: the flows of one point of a series
  // (kind, key, t = the bucket's start, bucket), sorted and paged like flows().
  nlohmann::json drilldown(const live::Params& p) const;

 private:
  const FlowStore& store_;
};

}  // namespace vedetta::history
