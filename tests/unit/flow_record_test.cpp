// wire/flow_record.h, wire/elements.h and export/flow_record_builder.h: the
// element dictionary agrees with the probe's export fields, JSON keys map
// to ids as ntop writes them, and an exported flow becomes a record.
#include "wire/flow_record.h"

#include <gtest/gtest.h>

#include "export/fields.h"
#include "export/flow_record_builder.h"
#include "wire/elements.h"

namespace vedetta {
namespace {

using namespace wire;

// Every field the probe exports is in the dictionary under the same name
// and id, so a collector reading our JSON by names or ids gets the same record.
TEST(Elements, EveryExportFieldIsKnownWithItsName) {
  for (const FieldDef& f : all_fields()) {
    const Element* e = find_element(f.id);
    ASSERT_NE(e, nullptr) << f.name << " id " << f.id;
    EXPECT_EQ(e->name, f.name) << f.id;
    EXPECT_EQ(find_element(f.name), e);
    EXPECT_GT(e->length, 0u);
  }
}

TEST(Elements, JsonKeysAsNtopWritesThem) {
  EXPECT_EQ(element_id_of_key("8"), 8u);
  EXPECT_EQ(element_id_of_key("57590"), 57590u);
  EXPECT_EQ(element_id_of_key("35632.118"), 57590u);  // PEN.id
  EXPECT_EQ(element_id_of_key("IPV4_SRC_ADDR"), 8u);
  EXPECT_EQ(element_id_of_key("SRC_PROC_NAME"), 57641u);
  EXPECT_EQ(element_id_of_key("9.118"), 0u);  // another enterprise: unknown
  EXPECT_EQ(element_id_of_key("35632."), 0u);
  EXPECT_EQ(element_id_of_key("35632.99999"), 0u);
  EXPECT_EQ(element_id_of_key("8x"), 0u);
  EXPECT_EQ(element_id_of_key(""), 0u);
  EXPECT_EQ(element_id_of_key("NO_SUCH_THING"), 0u);
  EXPECT_EQ(element_id_of_key("99999999999"), 0u);  // does not fit u32
}

TEST(FlowRecord, TypedReads) {
  FlowRecord r;
  r.add(1, uint64_t{56279});
  r.add(7, std::string("5556"));
  r.add(2, int64_t{-3});
  r.add(8, std::string("127.0.0.1"));
  uint64_t u = 0;
  std::string t;
  EXPECT_TRUE(as_unsigned(r.get(1), u));
  EXPECT_EQ(u, 56279u);
  EXPECT_TRUE(as_unsigned(r.get(7), u));
  EXPECT_EQ(u, 5556u);
  EXPECT_FALSE(as_unsigned(r.get(2), u));
  EXPECT_FALSE(as_unsigned(r.get(8), u));
  EXPECT_FALSE(as_unsigned(r.get(99), u));
  EXPECT_TRUE(as_text(r.get(1), t));
  EXPECT_EQ(t, "56279");
  EXPECT_TRUE(as_text(r.get(8), t));
  EXPECT_EQ(t, "127.0.0.1");
}

TEST(FlowRecordBuilder, ExportedFlowBecomesARecord) {
  Flow f;
  IpAddress::parse("10.1.1.1", f.key.lo.addr);
  IpAddress::parse("10.1.1.9", f.key.hi.addr);
  f.key.lo.port = 443;
  f.key.hi.port = 51000;
  f.key.l4_proto = 6;
  f.lo_is_client = false;
  f.c2s.packets = 10;
  f.c2s.ip_bytes = 1000;
  std::vector<const FieldDef*> fields = {find_field("IPV4_SRC_ADDR"), find_field("IPV6_SRC_ADDR"),
                                         find_field("L4_DST_PORT"), find_field("IN_BYTES"),
                                         find_field("DIRECTION_GUESSED")};
  FlowRecord r;
  FlowExport e{f, ExportReason::kIdle, nullptr, "eth0", 2, {}, {}, {}, {}, {}, {}};
  build_flow_record(e, fields, r);
  ASSERT_EQ(r.fields.size(), 4u);  // no IPv6 address for an IPv4 flow
  EXPECT_EQ(std::get<std::string>(*r.get(8)), "10.1.1.9");
  EXPECT_EQ(std::get<uint64_t>(*r.get(11)), 443u);
  EXPECT_EQ(std::get<uint64_t>(*r.get(1)), 1000u);
  EXPECT_EQ(std::get<bool>(*r.get(61445)), false);
}

}  // namespace
}  // namespace vedetta
