#pragma once
// Where history lives: SQLite under the server's data directory (the
// default) or ClickHouse. The writer inserts batches of flows and their
// per-minute series; the queries (history_query.h) are plain SQL in the
// subset both databases speak, with the few differences in SqlDialect, and
// come back as rows of text.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "history/flow_row.h"
#include "history/series.h"

namespace vedetta::history {

// The store cannot take writes now but may later (disk full, ClickHouse
// unreachable or restarting): keep the batch and retry.
struct StoreUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Anything else (a statement the database refuses, a corrupt file): retrying
// the same batch will not help.
struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class SqlDialect {
 public:
  virtual ~SqlDialect() = default;
  virtual std::string quote(std::string_view text) const = 0;  // a string literal
  virtual std::string int_div(const std::string& a, const std::string& b) const = 0;
  // 1 if `needle` (a literal) occurs in `haystack`, else 0.
  virtual std::string contains(const std::string& haystack, const std::string& needle) const = 0;
  // What to select flows from: "flows", or in SQLite the table without the
  // record's JSON when the query does not need it (scans read far less).
  virtual std::string flows_table(bool with_record) const { return "flows"; }
};

using ResultRows = std::vector<std::vector<std::string>>;

struct Batch {
  std::vector<FlowRow> flows;
  std::vector<SeriesPoint> series;
  bool flows_written = false;
};

struct RetentionPolicy {
  double max_days = 0;  // 0 = keep forever
  uint64_t max_mb = 0;  // 0 = no size bound
};

class FlowStore {
 public:
  virtual ~FlowStore() = default;
  virtual std::string describe() const = 0;  // "SQLite /var/lib/vedetta/history.db"
  // Both tables of a batch: all or nothing in SQLite (one transaction);
  // ClickHouse writes the flows, marks the batch, then the series, so that a
  // retry after a failure in between does not write the flows twice.
  virtual void insert(Batch& batch) = 0;
  // Drops what is older than policy.max_days before now_ms, then the oldest
  // until the store is under policy.max_mb. Returns a line for the log, "" if nothing went.
  virtual std::string apply_retention(const RetentionPolicy& policy, int64_t now_ms) = 0;
  // A SELECT over the tables `flows` and `series`; thread-safe against insert().
  virtual ResultRows select(const std::string& sql) const = 0;
  virtual const SqlDialect& dialect() const = 0;
};

}  // namespace vedetta::history
