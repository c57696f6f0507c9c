// The compact stored form of a flow's record: read back, it gives the same
// JSON as the record itself, for real merged records and for every kind of
// value; records stored as JSON by earlier versions read back unchanged; a
// damaged column gives a message naming the byte, never a crash.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "collect/record_json.h"
#include "history/history_query.h"
#include "history/sqlite_store.h"
#include "history/stored_record.h"
#include "history_test_support.h"
#include "wire/elements.h"

namespace vedetta::history {
namespace {

std::string json_of(const wire::FlowRecord& r) {
  std::string out;
  collect::append_record_json(r, out);
  return out;
}

std::string stored(const wire::FlowRecord& r) {
  std::string out;
  append_stored_record(r, out);
  return out;
}

TEST(StoredRecord, RealRecordsReadBackAsTheirJson) {
  const std::string dir = test::temp_dir("stored-record");
  size_t records = 0, json_bytes = 0, stored_bytes = 0;
  for (const char* pcap : {"1kxun.pcap", "443-chrome.pcap", "quic.pcap", "android.pcap"}) {
    for (const wire::FlowRecord& r : test::merged_records(pcap, dir)) {
      const std::string json = json_of(r), form = stored(r);
      ASSERT_EQ(stored_record_json(form), json) << pcap;
      ++records, json_bytes += json.size(), stored_bytes += form.size();
    }
  }
  ASSERT_GT(records, 200u);
  // The point of the form: well under half of the JSON.
  EXPECT_LT(stored_bytes * 2, json_bytes) << stored_bytes << " stored bytes for " << json_bytes
                                          << " bytes of JSON";
}

// The whole path: merged records into the writer, SQLite, and back as the
// `fields` of the flows' details. (ClickHouse answers as SQLite does: the
// SameAnswersAsSqlite test.)
TEST(StoredRecord, DetailsFromTheStoreAreTheRecordsJson) {
  const std::string dir = test::temp_dir("stored-record-details");
  const std::vector<wire::FlowRecord> records = test::merged_records("1kxun.pcap", dir);
  auto store = std::make_shared<SqliteStore>(dir + "/history.db");
  HistoryWriter writer(store, {});
  std::map<int64_t, nlohmann::json> expected;  // uid → the record's JSON
  for (const wire::FlowRecord& r : records) {
    FlowRow row;
    std::string error;
    ASSERT_TRUE(flow_row_from_record(r, row, error)) << error;
    expected[row.uid] = nlohmann::json::parse(json_of(r));
    writer.add(r);
  }
  ASSERT_TRUE(writer.wait_idle(30));
  const nlohmann::json answer = HistoryQuery(*store).flows(
      {{"from", "0"}, {"to", "4000000000"}, {"details", "1"}, {"limit", "1000"}});
  ASSERT_EQ(answer["flows"].size(), expected.size());
  for (const nlohmann::json& f : answer["flows"]) {
    const int64_t uid = std::stoll(f["uid"].get<std::string>());  // digits: 63 bits
    ASSERT_TRUE(expected.count(uid)) << f["uid"];
    EXPECT_EQ(f["fields"], expected[uid]);
  }
}

TEST(StoredRecord, EveryKindOfValue) {
  wire::FlowRecord r;
  auto id = [](const char* name) { return wire::find_element(name)->id; };
  r.add(id("L4_DST_PORT"), uint64_t{443});
  r.add(id("IPV4_SRC_ADDR"), std::string("10.0.0.1"));  // a smaller id after a larger one
  r.add(id("IN_BYTES"), std::numeric_limits<uint64_t>::max());
  r.add(id("FLOW_ID"), std::numeric_limits<int64_t>::min());
  r.add(id("L4_SRC_PORT"), int64_t{-1});
  r.add(id("CLIENT_NW_LATENCY_MS"), 1.0 / 3);
  r.add(id("SERVER_NW_LATENCY_MS"), -0.0005);
  r.add(id("DIRECTION_GUESSED"), true);
  r.add(id("L7_PROTO_NAME"), false);
  r.add(id("L7_CATEGORY"), std::monostate{});
  r.add(id("FLOW_SERVER_NAME"), std::string());
  r.add(65'000, std::string("an id no table knows"));
  r.add_unknown("VENDOR_\"THING\"\n", std::string("caf\xc3\xa9 \x01 \xff"));
  r.add_unknown("", uint64_t{0});
  r.add(id("L4_DST_PORT"), uint64_t{80});  // the same element twice
  const std::string form = stored(r);
  EXPECT_EQ(stored_record_json(form), json_of(r));
  wire::FlowRecord back;
  std::string error;
  ASSERT_TRUE(decode_stored_record(form, back, error)) << error;
  ASSERT_EQ(back.fields.size(), r.fields.size());
  for (size_t i = 0; i < r.fields.size(); ++i) {
    EXPECT_EQ(back.fields[i].id, r.fields[i].id) << i;
    EXPECT_EQ(back.fields[i].name, r.fields[i].name) << i;
    EXPECT_EQ(back.fields[i].value, r.fields[i].value) << i;  // doubles bit for bit too
  }
  EXPECT_EQ(stored_record_json(stored(wire::FlowRecord{})), "{}");
}

TEST(StoredRecord, JsonStoredByEarlierVersionsIsReturnedAsItIs) {
  const std::string old = R"({"IPV4_SRC_ADDR":"10.0.0.1","L4_SRC_PORT":1234})";
  EXPECT_EQ(stored_record_json(old), old);
}

TEST(StoredRecord, DamagedColumnsNameTheByte) {
  wire::FlowRecord r;
  r.add(wire::find_element("FLOW_SERVER_NAME")->id, std::string("example.org"));
  const size_t second_field_at = stored(r).size();
  r.add(wire::find_element("IN_BYTES")->id, uint64_t{1} << 40);
  const std::string form = stored(r);
  auto error_of = [](std::string_view column) {
    const auto j = nlohmann::json::parse(stored_record_json(column));  // still JSON
    return j.contains("error") ? j["error"].get<std::string>() : std::string();
  };
  // Every cut inside a field is reported; none crashes.
  for (size_t n = 1; n < form.size(); ++n) {
    wire::FlowRecord back;
    std::string error;
    if (decode_stored_record(form.substr(0, n), back, error)) continue;  // cut between fields
    EXPECT_NE(error.find("truncated at byte "), std::string::npos) << n << ": " << error;
  }
  EXPECT_EQ(error_of(form.substr(0, form.size() - 1)),
            "stored record unreadable: field truncated at byte " + std::to_string(second_field_at));
  EXPECT_EQ(error_of(""), "stored record unreadable: empty");
  EXPECT_EQ(error_of("\x07xyz"), "stored record unreadable: unknown format 7 at byte 0");
  EXPECT_EQ(error_of(form + "\x3f"), "stored record unreadable: unknown field type 63 at byte " +
                                         std::to_string(form.size()));
  // A delta that leads below id 1.
  EXPECT_EQ(error_of(std::string("\x01\x01\x01", 3)), "stored record unreadable: element id -1 at byte 1");
}

}  // namespace
}  // namespace vedetta::history
