// Our TLV against libndpi's own serializer and deserializer (libndpi 4.2,
// the library ntopng and nProbe use): what encode_tlv_flows writes is byte
// for byte what nDPI writes for the same values, libndpi reads it back with
// the same keys and values, and decode_tlv_flows reads every item kind
// nDPI's serializer produces.
#include <gtest/gtest.h>

extern "C" {
#include <ndpi/ndpi_api.h>
}

#include "record_compare.h"
#include "sample_flows.h"
#include "wire/zmq_message.h"

namespace vedetta::wire {
namespace {

using testing::as_tlv_carries_it;
using testing::records_difference;
using testing::sample_flows;

class NdpiSerializer {
 public:
  NdpiSerializer() { EXPECT_EQ(ndpi_init_serializer(&s_, ndpi_serialization_format_tlv), 0); }
  ~NdpiSerializer() { ndpi_term_serializer(&s_); }
  ndpi_serializer* get() { return &s_; }
  std::vector<uint8_t> bytes() {
    u_int32_t len = 0;
    char* buf = ndpi_serializer_get_buffer(&s_, &len);
    return {reinterpret_cast<uint8_t*>(buf), reinterpret_cast<uint8_t*>(buf) + len};
  }

 private:
  ndpi_serializer s_;
};

// The nDPI calls a probe makes for these values.
void serialize_with_ndpi(const std::vector<FlowRecord>& flows, ndpi_serializer* s) {
  for (const FlowRecord& flow : flows) {
    for (const RecordField& f : flow.fields) {
      if (auto* u = std::get_if<uint64_t>(&f.value)) ndpi_serialize_uint32_uint64(s, f.id, *u);
      else if (auto* i = std::get_if<int64_t>(&f.value)) ndpi_serialize_uint32_int32(s, f.id, int32_t(*i));
      else if (auto* d = std::get_if<double>(&f.value)) ndpi_serialize_uint32_float(s, f.id, float(*d), "%.3f");
      else if (auto* t = std::get_if<std::string>(&f.value)) ndpi_serialize_uint32_string(s, f.id, t->c_str());
      else if (auto* b = std::get_if<bool>(&f.value)) ndpi_serialize_uint32_uint32(s, f.id, *b);
    }
    ndpi_serialize_end_of_record(s);
  }
}

TEST(NdpiTlv, EncoderWritesWhatNdpiWrites) {
  auto flows = sample_flows(8);
  flows[3].add(61446, int64_t(-5));
  flows[3].add(61447, int64_t(-40000));
  flows[3].add(61448, int64_t(-3000000));
  NdpiSerializer ndpi;
  serialize_with_ndpi(flows, ndpi.get());
  std::vector<uint8_t> ours;
  encode_tlv_flows(flows, ours);
  EXPECT_EQ(ours, ndpi.bytes());
}

// Reads a whole TLV buffer with libndpi's deserializer into records: number
// keys as ids, string keys as names, values by the type nDPI reports.
std::vector<FlowRecord> deserialize_with_ndpi(std::vector<uint8_t> bytes) {
  ndpi_deserializer d;
  EXPECT_EQ(ndpi_init_deserializer_buf(&d, bytes.data(), u_int32_t(bytes.size())), 0);
  EXPECT_EQ(ndpi_deserialize_get_format(&d), ndpi_serialization_format_tlv);
  std::vector<FlowRecord> out;
  FlowRecord record;
  for (;;) {
    ndpi_serialization_type key_type;
    ndpi_serialization_type et = ndpi_deserialize_get_item_type(&d, &key_type);
    if (et == ndpi_serialization_unknown) break;
    if (et == ndpi_serialization_end_of_record) {
      out.push_back(std::move(record));
      record = FlowRecord{};
      ndpi_deserialize_next(&d);
      continue;
    }
    RecordField f;
    if (key_type == ndpi_serialization_string) {
      ndpi_string k;
      ndpi_deserialize_key_string(&d, &k);
      f.name.assign(k.str, k.str_len);
    } else {
      EXPECT_EQ(ndpi_deserialize_key_uint32(&d, &f.id), 0);
    }
    switch (et) {
      case ndpi_serialization_uint8:
      case ndpi_serialization_uint16:
      case ndpi_serialization_uint32: {
        u_int32_t v;
        EXPECT_EQ(ndpi_deserialize_value_uint32(&d, &v), 0);
        f.value = uint64_t(v);
        break;
      }
      case ndpi_serialization_uint64: {
        u_int64_t v;
        EXPECT_EQ(ndpi_deserialize_value_uint64(&d, &v), 0);
        f.value = uint64_t(v);
        break;
      }
      case ndpi_serialization_int8:
      case ndpi_serialization_int16:
      case ndpi_serialization_int32: {
        int32_t v;
        EXPECT_EQ(ndpi_deserialize_value_int32(&d, &v), 0);
        f.value = int64_t(v);
        break;
      }
      case ndpi_serialization_int64: {
        int64_t v;
        EXPECT_EQ(ndpi_deserialize_value_int64(&d, &v), 0);
        f.value = int64_t(v);
        break;
      }
      case ndpi_serialization_float: {
        float v;
        EXPECT_EQ(ndpi_deserialize_value_float(&d, &v), 0);
        f.value = double(v);
        break;
      }
      case ndpi_serialization_string: {
        ndpi_string v;
        EXPECT_EQ(ndpi_deserialize_value_string(&d, &v), 0);
        f.value = std::string(v.str, v.str_len);
        break;
      }
      default:
        ADD_FAILURE() << "nDPI reports item type " << int(et);
        return out;
    }
    record.fields.push_back(std::move(f));
    if (ndpi_deserialize_next(&d) != 0) break;
  }
  EXPECT_TRUE(record.fields.empty()) << "record without end-of-record";
  return out;
}

TEST(NdpiTlv, NdpiDeserializerReadsOurTlv) {
  auto flows = sample_flows(16);
  flows[2].add(61446, int64_t(-5));
  flows[2].add(61458, int64_t(-5000000000));
  flows[2].add(61443, uint64_t(0x1234567890ull));
  flows[5].add_unknown("VENDOR_THING", std::string("x"));
  std::vector<uint8_t> ours;
  encode_tlv_flows(flows, ours);
  std::vector<FlowRecord> expected;
  for (const auto& f : flows) expected.push_back(as_tlv_carries_it(f));
  EXPECT_EQ(records_difference(expected, deserialize_with_ndpi(ours)), "");
}

TEST(NdpiTlv, WeDecodeEveryItemKindNdpiWrites) {
  NdpiSerializer ndpi;
  ndpi_serializer* s = ndpi.get();
  ndpi_serialize_uint32_uint32(s, 8, 0x0A000001);  // an address as a number
  ndpi_serialize_uint32_int64(s, 61446, -7);       // int64, never packed by nDPI
  ndpi_serialize_uint32_int32(s, 61447, -300);
  ndpi_serialize_uint32_float(s, 57595, 1.5f, "%.1f");
  ndpi_serialize_uint32_uint64(s, 152, 1732700000123ull);
  ndpi_serialize_string_uint32(s, "IPV4_DST_ADDR", 7);  // a name key
  ndpi_serialize_string_string(s, "57641", "curl");     // digits: nDPI makes it a number key
  ndpi_serialize_string_int32(s, "VENDOR_SIGNED", -1);
  ndpi_serialize_string_float(s, "VENDOR_REAL", 2.0f, "%.1f");
  ndpi_serialize_string_uint64(s, "35632.118", 5000000000ull);
  ndpi_serialize_start_of_block(s, "tcp");
  ndpi_serialize_uint32_uint32(s, 1, 2);
  ndpi_serialize_end_of_block(s);
  ndpi_serialize_start_of_list(s, "hosts");
  ndpi_serialize_string_string(s, "a", "b");
  ndpi_serialize_end_of_list(s);
  ndpi_serialize_string_binary(s, "bin", "\xff\xfe", 2);  // not UTF-8
  ndpi_serialize_end_of_record(s);
  ndpi_serialize_uint32_string(s, 7, "");
  ndpi_serialize_end_of_record(s);

  std::vector<FlowRecord> out;
  std::string error;
  ASSERT_TRUE(decode_tlv_flows(ndpi.bytes(), out, error)) << error;
  ASSERT_EQ(out.size(), 2u);
  FlowRecord want;
  want.add(8, uint64_t(0x0A000001));
  want.add(61446, int64_t(-7));
  want.add(61447, int64_t(-300));
  want.add(57595, 1.5);
  want.add(152, uint64_t(1732700000123ull));
  want.add(12, uint64_t(7));
  want.add(57641, std::string("curl"));
  want.add_unknown("VENDOR_SIGNED", int64_t(-1));
  want.add_unknown("VENDOR_REAL", 2.0);
  want.add(57590, uint64_t(5000000000ull));
  want.add_unknown("tcp.1", uint64_t(2));
  want.add_unknown("hosts.a", std::string("b"));
  want.add_unknown("bin", std::string("\xEF\xBF\xBD\xEF\xBF\xBD"));  // repaired
  EXPECT_EQ(testing::record_difference(want, out[0]), "");
  FlowRecord second;
  second.add(7, std::string());
  EXPECT_EQ(testing::record_difference(second, out[1]), "");
}

}  // namespace
}  // namespace vedetta::wire
