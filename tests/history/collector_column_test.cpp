// The `collector` column (--collector-name): part of the uid, stored and
// filtered on in both stores, and added to a database made before it.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "clickhouse_server.h"
#include "history/clickhouse_store.h"
#include "history/history_query.h"
#include "history/sqlite_store.h"
#include "history/stored_record.h"
#include "history_test_support.h"

namespace vedetta::history {
namespace {

// The rows of 1kxun.pcap as collector `name` stores them.
std::vector<FlowRow> rows_of(const std::string& name, const std::string& dir) {
  std::vector<FlowRow> rows;
  for (const wire::FlowRecord& r : test::merged_records("1kxun.pcap", dir)) {
    FlowRow row;
    std::string error;
    if (flow_row_from_record(r, row, error, name)) rows.push_back(std::move(row));
  }
  return rows;
}

void insert(FlowStore& store, std::vector<FlowRow> rows) {
  Batch batch;
  batch.flows = std::move(rows);
  store.insert(batch);
}

int64_t total(const FlowStore& store, const std::string& collector) {
  live::Params p = {{"from", "0"}, {"to", "4000000000"}};
  if (!collector.empty()) p["collector"] = collector;
  return HistoryQuery(store).flows(p)["total"].get<int64_t>();
}

TEST(CollectorColumn, NamePartOfTheUid) {
  const std::string dir = test::temp_dir("collector-uid");
  const std::vector<FlowRow> a = rows_of("", dir), b = rows_of("h1", dir), c = rows_of("h2", dir);
  ASSERT_EQ(a.size(), 140u);
  ASSERT_EQ(b.size(), a.size());
  // Unnamed: the record's hash alone, as before collector names.
  EXPECT_EQ(a[0].uid, flow_uid("", stored_record_json(a[0].stored_record)));
  EXPECT_EQ(b[0].collector, "h1");
  EXPECT_EQ(b[0].stored_record, c[0].stored_record);
  EXPECT_NE(b[0].uid, c[0].uid);
  EXPECT_NE(a[0].uid, b[0].uid);
  EXPECT_EQ(b[0].uid, rows_of("h1", dir)[0].uid) << "the same flow and name, the same uid";
  EXPECT_GE(b[0].uid, 0);
}

// Both stores: the two collectors' rows apart by name; an old database
// (its collector column dropped here) gets the column back on opening, its
// flows with collector "".
void check_store(const std::function<std::unique_ptr<FlowStore>()>& open,
                 const std::function<void()>& drop_column, const std::string& dir) {
  {
    auto store = open();
    insert(*store, rows_of("", dir));
  }
  drop_column();
  auto store = open();
  insert(*store, rows_of("h1", dir));
  insert(*store, rows_of("h2", dir));
  EXPECT_EQ(total(*store, ""), 3 * 140);
  EXPECT_EQ(total(*store, "h1"), 140);
  EXPECT_EQ(total(*store, "h2"), 140);
  ResultRows unnamed = store->select("SELECT count() FROM flows WHERE collector = ''");
  EXPECT_EQ(unnamed.at(0).at(0), "140");
  ResultRows uids = store->select("SELECT count(DISTINCT uid) FROM flows");
  EXPECT_EQ(uids.at(0).at(0), "420");
  live::Params p = {{"from", "0"}, {"to", "4000000000"}, {"collector", "h2"}, {"limit", "1"}};
  EXPECT_EQ(HistoryQuery(*store).flows(p)["flows"][0]["collector"], "h2");
}

TEST(CollectorColumn, SqliteAddsItToAnOldFile) {
  const std::string dir = test::temp_dir("collector-sqlite");
  const std::string path = dir + "/history.db";
  check_store([&] { return std::make_unique<SqliteStore>(path); },
              [&] {
                sqlite3* db = nullptr;
                ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
                EXPECT_EQ(sqlite3_exec(db, "ALTER TABLE flow_columns DROP COLUMN collector", nullptr,
                                       nullptr, nullptr),
                          SQLITE_OK)
                    << sqlite3_errmsg(db);
                sqlite3_close(db);
              },
              dir);
}

TEST(CollectorColumn, ClickHouseAddsItToAnOldDatabase) {
  auto clickhouse = test::start_clickhouse("collector-clickhouse");
  if (!clickhouse) return;
  const ClickHouseUrl url = parse_clickhouse_url(clickhouse->url("old"));
  check_store([&] { return std::make_unique<ClickHouseStore>(url); },
              [&] { ClickHouseStore(url).execute("ALTER TABLE flows DROP COLUMN collector"); },
              clickhouse->dir());
}

}  // namespace
}  // namespace vedetta::history
