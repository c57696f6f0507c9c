// stored_record(): the record column read back gives the record that was
// stored, field for field, for every flow of a replayed pcap and for each
// kind of value (numbers of each sign, reals, text, flags, elements no table
// knows), bytes that are not UTF-8 as they came (the details show them as
// U+FFFD); a column that is not a record is a StoreError naming the flow.
#include <gtest/gtest.h>

#include <map>

#include "history/flow_row.h"
#include "history/flow_store.h"
#include "history/stored_record.h"
#include "history_test_support.h"
#include "live/flow_json.h"
#include "wire/elements.h"

namespace vedetta::history {
namespace {

// A record as {key: value}: the element id, or the name of an unnamed field.
std::map<std::string, wire::FieldValue> by_key(const wire::FlowRecord& r) {
  std::map<std::string, wire::FieldValue> out;
  for (const wire::RecordField& f : r.fields) out[f.id ? std::to_string(f.id) : f.name] = f.value;
  return out;
}

// Stored and read back; reals keep the 3 decimals the record JSON writes.
void expect_round_trip(const wire::FlowRecord& original) {
  FlowRow row;
  std::string error;
  ASSERT_TRUE(flow_row_from_record(original, row, error)) << error;
  const auto want = by_key(original), got = by_key(stored_record(row.stored_record, row.uid));
  ASSERT_EQ(got.size(), want.size()) << row.stored_record;
  for (const auto& [key, value] : want) {
    ASSERT_TRUE(got.count(key)) << key;
    if (const double* d = std::get_if<double>(&value))
      EXPECT_NEAR(std::get<double>(got.at(key)), *d, 0.0005) << key;
    else
      EXPECT_EQ(got.at(key), value) << key << " in " << row.stored_record;
  }
}

void add(wire::FlowRecord& r, const char* name, wire::FieldValue v) {
  const wire::Element* e = wire::find_element(name);
  ASSERT_NE(e, nullptr) << name;
  r.add(e->id, std::move(v));
}

TEST(StoredRecord, EveryFlowOfAReplayReadsBackAsStored) {
  const auto records = test::merged_records("1kxun.pcap", test::temp_dir("stored-record"));
  ASSERT_GT(records.size(), 100u);
  for (const auto& r : records) expect_round_trip(r);
}

TEST(StoredRecord, EachKindOfValue) {
  wire::FlowRecord r;
  add(r, "IPV4_SRC_ADDR", std::string("10.0.0.1"));
  add(r, "IPV4_DST_ADDR", std::string("10.0.0.2"));
  add(r, "PROTOCOL", uint64_t{6});
  add(r, "FLOW_START_MILLISECONDS", uint64_t{1'700'000'000'000});
  add(r, "FLOW_END_MILLISECONDS", uint64_t{18'446'744'073'709'551'615u});  // the largest
  add(r, "SRC_PROC_NAME", std::string("it's \"quoted\" <b>\xc3\xa9</b>"));
  add(r, "SRC_PROC_AVERAGE_CPU_LOAD", 12.345);
  add(r, "DIRECTION_GUESSED", true);
  r.add(4'000'000'000u, int64_t{-42});       // an id no table knows: kept by number
  r.add_unknown("VENDOR_THING", std::monostate{});  // unnamed, sent as null
  expect_round_trip(r);
}

TEST(StoredRecord, TextThatIsNotUtf8ReadsBackAsItCameAndShowsReplaced) {
  wire::FlowRecord r;
  add(r, "IPV4_SRC_ADDR", std::string("10.0.0.1"));
  add(r, "IPV4_DST_ADDR", std::string("10.0.0.2"));
  add(r, "FLOW_START_MILLISECONDS", uint64_t{1'700'000'000'000});
  add(r, "SRC_PROC_CMDLINE", std::string("bad-\xff\xfe-utf8"));
  FlowRow row;
  std::string error;
  ASSERT_TRUE(flow_row_from_record(r, row, error)) << error;
  const wire::FlowRecord back = stored_record(row.stored_record, row.uid);
  const wire::FieldValue* cmdline = back.get(wire::find_element("SRC_PROC_CMDLINE")->id);
  ASSERT_NE(cmdline, nullptr);
  EXPECT_EQ(std::get<std::string>(*cmdline), "bad-\xff\xfe-utf8");
  EXPECT_EQ(live::record_fields_json(back)["SRC_PROC_CMDLINE"], "bad-\uFFFD\uFFFD-utf8");
}

TEST(StoredRecord, TextThatIsNotARecordNamesTheFlow) {
  for (const char* bad : {"", "{", "[1, 2]", "\"text\"", "{\"a\": 1", "\x01\x09", "\x07"}) {
    try {
      stored_record(bad, 77);
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const StoreError& e) {
      EXPECT_NE(std::string(e.what()).find("flow 77"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace vedetta::history
