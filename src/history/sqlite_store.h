#pragma once
// History in SQLite: DATA_DIR/history.db in WAL mode, so that readers (the
// API) never wait for the writer and a killed process leaves the last
// committed batch intact. One transaction per batch with prepared statements.
#include <mutex>
#include <string>

#include "history/flow_store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace vedetta::history {

class SqliteStore : public FlowStore {
 public:
  // Opens or creates the database and its schema; throws StoreError.
  explicit SqliteStore(std::string path);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  std::string describe() const override { return "SQLite " + path_; }
  void insert(Batch& batch) override;
  std::string apply_retention(const RetentionPolicy& policy, int64_t now_ms) override;
  ResultRows select(const std::string& sql) const override;
  const SqlDialect& dialect() const override;
  // "ok", or what PRAGMA integrity_check found.
  std::string integrity_check() const;

 private:
  void exec(const std::string& sql);  // on the writing connection
  int64_t used_bytes();
  [[noreturn]] void fail(const std::string& what, int rc) const;

  std::string path_;
  sqlite3* write_db_ = nullptr;
  sqlite3* read_db_ = nullptr;  // queries; WAL lets it read while the writer writes
  mutable std::mutex read_mutex_;
  sqlite3_stmt* insert_flow_ = nullptr;
  sqlite3_stmt* insert_record_ = nullptr;
  sqlite3_stmt* insert_series_ = nullptr;
};

}  // namespace vedetta::history
