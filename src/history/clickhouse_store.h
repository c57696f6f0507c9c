#pragma once
// History in ClickHouse over its HTTP interface (libcurl), for when several
// collectors feed one database or one disk is not enough. Written for
// Debian's clickhouse-server 18.16: plain Int64 and String columns (no
// DateTime64, IPv4/IPv6 types, codecs or TTL), MergeTree tables partitioned
// by UTC day, retention by dropping partitions. The schema is created on the
// first request that reaches the server (the server may be down when the
// collector starts).
#include <atomic>
#include <mutex>
#include <string>

#include "history/flow_store.h"

namespace vedetta::history {

struct ClickHouseUrl {
  std::string user = "default", password, host, database = "vedetta";
  int port = 8123;
};
// clickhouse://[USER[:PASSWORD]@]HOST[:PORT][/DATABASE]; throws UserError naming what is wrong.
ClickHouseUrl parse_clickhouse_url(const std::string& url);

class ClickHouseStore : public FlowStore {
 public:
  // Tries to create the schema now; an unreachable server is not an error
  // here (writes retry), but a refusal (bad password, bad database name) is: StoreError.
  explicit ClickHouseStore(const ClickHouseUrl& url);

  std::string describe() const override;
  void insert(Batch& batch) override;
  std::string apply_retention(const RetentionPolicy& policy, int64_t now_ms) override;
  ResultRows select(const std::string& sql) const override;
  const SqlDialect& dialect() const override;
  // Runs a statement that returns nothing (DDL, ALTER); throws like insert().
  void execute(const std::string& sql) const;

 private:
  void ensure_schema() const;
  void add_collector_column() const;
  // Bounds of one request (docs/history.md): a ClickHouse that is down
  // fails the connect at once or after 3 s; one that is frozen or overloaded
  // holds an insert up to 120 s, a query (the API waits on it) up to 30 s.
  static constexpr long kConnectTimeoutMs = 3'000, kRequestTimeoutMs = 120'000,
                        kQueryTimeoutMs = 30'000;
  // POSTs `body` to the HTTP interface, `query` (if any) in the URL, in
  // `database` ("" = the URL's); returns the answer.
  std::string post(const std::string& query, const std::string& body,
                   const std::string& database = "", long timeout_ms = kRequestTimeoutMs) const;

  ClickHouseUrl url_;
  mutable std::mutex schema_mutex_;
  mutable std::atomic<bool> schema_ready_{false};
};

}  // namespace vedetta::history
