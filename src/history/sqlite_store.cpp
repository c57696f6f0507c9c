#include "history/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include "common/user_error.h"
#include "history/sql_text.h"

namespace vedetta::history {
namespace {

class SqliteDialect : public SqlDialect {
 public:
  std::string quote(std::string_view text) const override {
    std::string out = "'";
    for (char c : text) {
      if (c == '\'') out += '\'';
      out += c;
    }
    return out + "'";
  }
  std::string int_div(const std::string& a, const std::string& b) const override {
    return "((" + a + ") / (" + b + "))";  // integers divide as integers
  }
  std::string contains(const std::string& haystack, const std::string& needle) const override {
    return "(instr(" + haystack + ", " + needle + ") > 0)";
  }
  std::string flows_table(bool with_record) const override {
    return with_record ? "flows" : "flow_columns";
  }
};

// Errors after which the same batch may go through later.
bool transient(int rc) {
  const int primary = rc & 0xff;
  return primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_BUSY ||
         primary == SQLITE_LOCKED || primary == SQLITE_CANTOPEN;
}

std::string create_table(std::string_view name, std::span<const Column> columns) {
  std::string sql;
  for (const Column& c : columns)
    sql += (sql.empty() ? "" : ", ") + std::string(c.name) +
           (c.type == ColumnType::kInt ? " INTEGER NOT NULL" : " TEXT NOT NULL");
  return "CREATE TABLE IF NOT EXISTS " + std::string(name) + " (" + sql + ")";
}

std::string insert_sql(std::string_view table, std::span<const Column> columns) {
  std::string marks;
  for (size_t i = 0; i < columns.size(); ++i) marks += i ? ", ?" : "?";
  return "INSERT INTO " + std::string(table) + " (" + column_names(columns, false) +
         ") VALUES (" + marks + ")";
}

// Binds the first `columns` values of `row` (a FlowRow's record is stored apart).
template <class Row>
int bind_and_step(sqlite3_stmt* st, const Row& row, size_t columns) {
  int i = 0;
  const int n = static_cast<int>(columns);
  for_each_value(
      row, [&](int64_t v) { sqlite3_bind_int64(st, ++i, v); },
      [&](std::string_view s) {
        if (++i <= n)
          sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
      });
  const int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc;
}

}  // namespace

SqliteStore::SqliteStore(std::string path) : path_(std::move(path)) {
  // Private like the rest of the data directory (command lines, user names):
  // created 0600, and SQLite gives its -wal and -shm files the same mode.
  if (int fd = open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600); fd >= 0) close(fd);
  int rc = sqlite3_open_v2(path_.c_str(), &write_db_,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) fail("cannot open it", rc);
  sqlite3_busy_timeout(write_db_, 5000);
  // auto_vacuum must be chosen before the first table: it lets size
  // retention give pages back to the file system.
  exec("PRAGMA auto_vacuum = INCREMENTAL");
  exec("PRAGMA journal_mode = WAL");
  // NORMAL in WAL mode: a committed batch survives the process being killed
  // (only a power cut may lose the last ones), at a fraction of FULL's fsyncs.
  exec("PRAGMA synchronous = NORMAL");
  // Inserts walk the indexes' pages: with SQLite's 2 MB default cache they
  // are read again and again (pread was the top of the profile).
  exec("PRAGMA cache_size = -65536");  // 64 MB
  exec("PRAGMA mmap_size = 268435456");
  // The whole record (stored_record.h, a few hundred bytes) lives in its own
  // table, so that scans of the columns (every top-N) read fewer pages; the view
  // `flows` joins them back for the queries that want the record.
  exec(create_table("flow_columns", kFlowColumns));
  // A file from before the collector column gets it (its flows: ""); where
  // the column is there already this fails ("duplicate column"), harmlessly.
  sqlite3_exec(write_db_, "ALTER TABLE flow_columns ADD COLUMN collector TEXT NOT NULL DEFAULT ''",
               nullptr, nullptr, nullptr);
  exec("CREATE TABLE IF NOT EXISTS flow_records (id INTEGER PRIMARY KEY, record TEXT NOT NULL)");
  exec("CREATE VIEW IF NOT EXISTS flows AS SELECT c.*, r.record AS record FROM flow_columns c "
       "LEFT JOIN flow_records r ON r.id = c.rowid");
  exec("CREATE INDEX IF NOT EXISTS flows_by_first ON flow_columns (first_ms)");
  exec("CREATE INDEX IF NOT EXISTS flows_by_last ON flow_columns (last_ms)");
  // A past flow's details (GET /api/v1/history/flows/{uid}) find it by uid.
  exec("CREATE INDEX IF NOT EXISTS flows_by_uid ON flow_columns (uid)");
  exec(create_table("series", kSeriesColumns));
  exec("CREATE INDEX IF NOT EXISTS series_by_key ON series (kind, key, minute)");
  exec("CREATE INDEX IF NOT EXISTS series_by_minute ON series (minute)");
  for (auto [stmt, sql] :
       {std::pair{&insert_flow_, insert_sql("flow_columns", kFlowColumns)},
        std::pair{&insert_record_, std::string("INSERT INTO flow_records (id, record) VALUES (?, ?)")},
        std::pair{&insert_series_, insert_sql("series", kSeriesColumns)}}) {
    rc = sqlite3_prepare_v2(write_db_, sql.c_str(), -1, stmt, nullptr);
    if (rc != SQLITE_OK) fail("cannot prepare an insert", rc);
  }
  rc = sqlite3_open_v2(path_.c_str(), &read_db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                       nullptr);
  if (rc != SQLITE_OK) fail("cannot open it for reading", rc);
  sqlite3_busy_timeout(read_db_, 5000);
  sqlite3_exec(read_db_, "PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456", nullptr, nullptr,
               nullptr);
}

SqliteStore::~SqliteStore() {
  sqlite3_finalize(insert_flow_);
  sqlite3_finalize(insert_record_);
  sqlite3_finalize(insert_series_);
  sqlite3_close(read_db_);
  sqlite3_close(write_db_);
}

const SqlDialect& SqliteStore::dialect() const {
  static const SqliteDialect kDialect;
  return kDialect;
}

void SqliteStore::fail(const std::string& what, int rc) const {
  sqlite3* db = write_db_ ? write_db_ : read_db_;
  std::string message = format("history %s: %s: %s", path_.c_str(), what.c_str(),
                               db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  if (transient(rc)) throw StoreUnavailable(message);
  throw StoreError(message);
}

void SqliteStore::exec(const std::string& sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(write_db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return;
  std::string message = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  fail("\"" + sql.substr(0, 40) + "\" failed (" + message + ")", rc);
}

void SqliteStore::insert(Batch& batch) {
  exec("BEGIN IMMEDIATE");
  int rc = SQLITE_DONE;
  for (const FlowRow& row : batch.flows) {
    if ((rc = bind_and_step(insert_flow_, row, kFlowColumns.size())) != SQLITE_DONE) break;
    sqlite3_bind_int64(insert_record_, 1, sqlite3_last_insert_rowid(write_db_));
    // A blob: the stored form is binary (older files hold JSON text; both read back alike).
    sqlite3_bind_blob(insert_record_, 2, row.stored_record.data(),
                      static_cast<int>(row.stored_record.size()), SQLITE_STATIC);
    rc = sqlite3_step(insert_record_);
    sqlite3_reset(insert_record_);
    if (rc != SQLITE_DONE) break;
  }
  if (rc == SQLITE_DONE)
    for (const SeriesPoint& p : batch.series)
      if ((rc = bind_and_step(insert_series_, p, kSeriesColumns.size())) != SQLITE_DONE) break;
  if (rc == SQLITE_DONE && sqlite3_exec(write_db_, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK)
    return;
  if (rc == SQLITE_DONE) rc = sqlite3_errcode(write_db_);
  std::string message = sqlite3_errmsg(write_db_);
  sqlite3_exec(write_db_, "ROLLBACK", nullptr, nullptr, nullptr);
  const std::string what = format("history %s: writing %zu flows failed: %s", path_.c_str(),
                                  batch.flows.size(), message.c_str());
  if (transient(rc)) throw StoreUnavailable(what);
  throw StoreError(what);
}

int64_t SqliteStore::used_bytes() {
  auto one = [&](const char* pragma) {
    sqlite3_stmt* st = nullptr;
    int64_t v = 0;
    if (sqlite3_prepare_v2(write_db_, pragma, -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
  };
  return (one("PRAGMA page_count") - one("PRAGMA freelist_count")) * one("PRAGMA page_size");
}

std::string SqliteStore::apply_retention(const RetentionPolicy& policy, int64_t now_ms) {
  std::string note;
  if (policy.max_days > 0) {
    const int64_t cutoff = now_ms - static_cast<int64_t>(policy.max_days * 86'400'000);
    const std::string old = format("SELECT rowid FROM flow_columns WHERE last_ms < %lld", (long long)cutoff);
    exec("DELETE FROM flow_records WHERE id IN (" + old + ")");
    exec("DELETE FROM flow_columns WHERE rowid IN (" + old + ")");
    const int deleted = sqlite3_changes(write_db_);
    exec(format("DELETE FROM series WHERE minute < %lld", (long long)(cutoff / kMinuteMs)));
    if (deleted > 0) note += format("%d flows older than %g days deleted", deleted, policy.max_days);
  }
  if (policy.max_mb > 0) {
    const int64_t limit = static_cast<int64_t>(policy.max_mb) << 20;
    int64_t deleted = 0;
    // The oldest tenth at a time, until under 90% of the bound (some room
    // for the next batches before deleting again).
    for (int round = 0; round < 20 && used_bytes() > limit * 9 / 10; ++round) {
      const std::string oldest =
          "SELECT rowid FROM flow_columns ORDER BY first_ms LIMIT (SELECT count(*) / 10 + 1 FROM "
          "flow_columns)";
      exec("DELETE FROM flow_records WHERE id IN (" + oldest + ")");
      exec("DELETE FROM flow_columns WHERE rowid IN (" + oldest + ")");
      deleted += sqlite3_changes(write_db_);
      exec("DELETE FROM series WHERE minute < coalesce((SELECT min(first_ms) FROM flow_columns), "
           "9223372036854775807) / 60000");
    }
    if (deleted > 0) {
      if (!note.empty()) note += "; ";
      note += format("%lld oldest flows deleted to stay under %llu MB", (long long)deleted,
                     (unsigned long long)policy.max_mb);
    }
  }
  if (!note.empty()) {
    exec("PRAGMA incremental_vacuum");
    exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  return note;
}

ResultRows SqliteStore::select(const std::string& sql) const {
  std::lock_guard lock(read_mutex_);
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(read_db_, sql.c_str(), -1, &st, nullptr);
  if (rc != SQLITE_OK)
    throw StoreError("history query failed: " + std::string(sqlite3_errmsg(read_db_)) + " (" +
                     sql + ")");
  ResultRows rows;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    auto& row = rows.emplace_back();
    for (int i = 0, n = sqlite3_column_count(st); i < n; ++i) {
      const unsigned char* text = sqlite3_column_text(st, i);
      row.emplace_back(text ? reinterpret_cast<const char*>(text) : "",
                       static_cast<size_t>(sqlite3_column_bytes(st, i)));
    }
  }
  std::string error = rc == SQLITE_DONE ? "" : sqlite3_errmsg(read_db_);
  sqlite3_finalize(st);
  if (!error.empty()) {
    const std::string what = "history query failed: " + error;
    if (transient(rc)) throw StoreUnavailable(what);
    throw StoreError(what);
  }
  return rows;
}

std::string SqliteStore::integrity_check() const {
  ResultRows rows = select("PRAGMA integrity_check");
  std::string out;
  for (auto& r : rows) out += (out.empty() ? "" : "\n") + (r.empty() ? "" : r[0]);
  return out;
}

}  // namespace vedetta::history
