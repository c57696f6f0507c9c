// Flow payloads: JSON and TLV written by the encoders decode to the same
// records, alone and inside whole messages of every header layout,
// compressed or not; ntop's 2014 flow reads the same as JSON and as nDPI TLV.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "record_compare.h"
#include "sample_flows.h"
#include "wire/zmq_message.h"

namespace vedetta::wire {
namespace {

using testing::as_tlv_carries_it;
using testing::records_difference;
using testing::sample_flows;

constexpr HeaderLayout kLayouts[] = {HeaderLayout::kV0, HeaderLayout::kV1, HeaderLayout::kV2,
                                     HeaderLayout::kV3};

std::vector<FlowRecord> with_unusual_values() {
  std::vector<FlowRecord> flows = sample_flows(3);
  flows[0].add(57596, -0.0);                            // a real number that looks integral
  flows[0].add(57595, 100.0);
  flows[1].add(61446, int64_t(-5));                     // signed values
  flows[1].add(61447, int64_t(-40000));
  flows[1].add(61458, int64_t(-5000000000));
  flows[1].add(61459, uint64_t(0xFFFFFFFFFFFFFFFFull));
  flows[2].add_unknown("VENDOR_THING", std::string("quote \" backslash \\ tab \t é ✓"));
  flows[2].add_unknown("9.42", uint64_t(7));            // another enterprise's element
  flows[2].add(58029, std::string(300, 'x'));           // long command line
  return flows;
}

std::vector<FlowRecord> tlv_view(const std::vector<FlowRecord>& flows) {
  std::vector<FlowRecord> out;
  for (const FlowRecord& f : flows) out.push_back(as_tlv_carries_it(f));
  return out;
}

TEST(FlowPayload, JsonRoundTripKeepsEveryValueType) {
  auto flows = with_unusual_values();
  std::string text;
  encode_json_flows(flows, text);
  EXPECT_EQ(text.rfind("[{\"8\":\"10.0.0.1\",\"12\":", 0), 0u) << text.substr(0, 40);
  std::vector<FlowRecord> decoded;
  std::string error;
  ASSERT_TRUE(decode_json_flows(text, decoded, error)) << error;
  EXPECT_EQ(records_difference(flows, decoded), "");
}

TEST(FlowPayload, TlvRoundTripKeepsWhatTlvCarries) {
  auto flows = with_unusual_values();
  std::vector<uint8_t> bytes;
  encode_tlv_flows(flows, bytes);
  std::vector<FlowRecord> decoded;
  std::string error;
  ASSERT_TRUE(decode_tlv_flows(bytes, decoded, error)) << error;
  EXPECT_EQ(records_difference(tlv_view(flows), decoded), "");
}

TEST(FlowPayload, DecodingAppendsToWhatIsThere) {
  std::vector<FlowRecord> out = sample_flows(2);
  std::vector<uint8_t> bytes;
  encode_tlv_flows(sample_flows(3, 10), bytes);
  std::string error;
  ASSERT_TRUE(decode_tlv_flows(bytes, out, error)) << error;
  EXPECT_EQ(out.size(), 5u);
  std::string text;
  encode_json_flows(sample_flows(1), text);
  ASSERT_TRUE(decode_json_flows(text, out, error)) << error;
  EXPECT_EQ(out.size(), 6u);
}

TEST(FlowPayload, EveryLayoutAndCompressionThroughDecodeMessage) {
  const auto flows = sample_flows(64);
  std::string json;
  encode_json_flows(flows, json);
  std::vector<uint8_t> tlv;
  encode_tlv_flows(flows, tlv);
  for (HeaderLayout layout : kLayouts) {
    for (PayloadFormat format : {PayloadFormat::kJson, PayloadFormat::kTlv}) {
      for (bool compressed : {false, true}) {
        SCOPED_TRACE("layout " + std::to_string(int(layout)) + (format == PayloadFormat::kTlv ? " TLV" : " JSON") +
                     (compressed ? " compressed" : ""));
        ZmqHeader h;
        h.topic = "flow", h.layout = layout, h.format = format, h.compressed = compressed;
        h.msg_id = 77, h.source_id = 5;
        std::vector<uint8_t> frame2;
        if (format == PayloadFormat::kJson)
          encode_payload(h, std::span(reinterpret_cast<const uint8_t*>(json.data()), json.size()), frame2);
        else
          encode_payload(h, tlv, frame2);
        if (compressed) {
          EXPECT_LT(frame2.size(), (format == PayloadFormat::kJson ? json.size() : tlv.size()) / 2);
        }
        DecodedMessage m;
        std::string error;
        ASSERT_TRUE(decode_message(encode_header(h), frame2, m, error)) << error;
        EXPECT_EQ(m.header.compressed, compressed);
        EXPECT_EQ(m.header.format, format);
        EXPECT_EQ(m.header.msg_id, layout == HeaderLayout::kV0 ? 0u : 77u);
        EXPECT_EQ(records_difference(format == PayloadFormat::kJson ? flows : tlv_view(flows), m.flows), "");
        EXPECT_TRUE(m.text.empty());
      }
    }
  }
}

TEST(FlowPayload, OtherTopicsAreText) {
  const std::string event = R"({"bytes":10,"packets":2,"probe":{"uuid":"u-1"}})";
  for (bool compressed : {false, true}) {
    ZmqHeader h;
    h.topic = "event", h.layout = HeaderLayout::kV2, h.compressed = compressed;
    std::vector<uint8_t> frame2;
    encode_payload(h, std::span(reinterpret_cast<const uint8_t*>(event.data()), event.size()), frame2);
    DecodedMessage m;
    std::string error;
    ASSERT_TRUE(decode_message(encode_header(h), frame2, m, error)) << error;
    EXPECT_EQ(m.header.topic, "event");
    EXPECT_EQ(m.text, event);
    EXPECT_TRUE(m.flows.empty());
  }
}

// ---- ntop's 2014 flow: JSON as nProbe sent it, TLV as nDPI 4.2 writes it.

std::vector<uint8_t> read_fixture(const std::string& name) {
  std::ifstream in(std::string(VEDETTA_SHARED_DIR) + "/fixtures/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read fixture " << name;
  return {std::istreambuf_iterator<char>(in), {}};
}

// Same ids in the same order; numbers compared as unsigned (the TLV packs
// them into the smallest type), text as text.
std::string fixture_difference(const FlowRecord& a, const FlowRecord& b) {
  if (a.fields.size() != b.fields.size()) return "field counts differ";
  for (size_t i = 0; i < a.fields.size(); ++i) {
    const RecordField& x = a.fields[i];
    const RecordField& y = b.fields[i];
    if (x.id != y.id) return "field " + std::to_string(i) + ": id " + std::to_string(x.id) + " vs " + std::to_string(y.id);
    uint64_t ux, uy;
    std::string tx, ty;
    bool numbers = !std::holds_alternative<std::string>(x.value) && as_unsigned(&x.value, ux) &&
                   as_unsigned(&y.value, uy);
    if (numbers ? ux != uy : !(as_text(&x.value, tx) && as_text(&y.value, ty) && tx == ty))
      return "field " + std::to_string(x.id) + " differs";
  }
  return "";
}

TEST(NtopFixture, JsonAndNdpiTlvDecodeToTheSameFlow) {
  auto json = read_fixture("ntop-2014-flow.json");
  auto tlv = read_fixture("ntop-2014-flow.tlv");
  std::vector<FlowRecord> from_json, from_tlv;
  std::string error;
  ASSERT_TRUE(decode_json_flows(std::string_view(reinterpret_cast<char*>(json.data()), json.size()),
                                from_json, error)) << error;
  ASSERT_TRUE(decode_tlv_flows(tlv, from_tlv, error)) << error;
  ASSERT_EQ(from_json.size(), 1u);
  ASSERT_EQ(from_tlv.size(), 1u);
  EXPECT_EQ(from_json[0].fields.size(), 32u);
  EXPECT_EQ(fixture_difference(from_json[0], from_tlv[0]), "");
  std::string text;
  ASSERT_TRUE(as_text(from_json[0].get(57641), text));
  EXPECT_EQ(text, "consumer");
  uint64_t pid = 0;
  ASSERT_TRUE(as_unsigned(from_tlv[0].get(57847), pid));
  EXPECT_EQ(pid, 5357u);
}

TEST(NtopFixture, EncoderWritesThe2014Shape) {
  auto json = read_fixture("ntop-2014-flow.json");
  std::string original(json.begin(), json.end());
  while (!original.empty() && (original.back() == '\n' || original.back() == '\r')) original.pop_back();
  std::vector<FlowRecord> flows;
  std::string error;
  ASSERT_TRUE(decode_json_flows(original, flows, error)) << error;
  std::string text;
  encode_json_flows(flows, text);
  EXPECT_EQ(text, "[" + original + "]");  // nProbe's object, in an array of one

  // The same records as TLV are what nDPI's serializer wrote for that flow.
  std::vector<uint8_t> tlv;
  encode_tlv_flows(flows, tlv);
  EXPECT_EQ(tlv, read_fixture("ntop-2014-flow.tlv"));
}

TEST(NtopFixture, EveryHeaderLayoutCarriesTheJsonFlow) {
  auto json = read_fixture("ntop-2014-flow.json");
  auto tlv = read_fixture("ntop-2014-flow.tlv");
  std::vector<FlowRecord> reference;
  std::string error;
  ASSERT_TRUE(decode_tlv_flows(tlv, reference, error)) << error;
  for (HeaderLayout layout : kLayouts) {
    for (bool compressed : {false, true}) {
      ZmqHeader h;
      h.topic = "flow", h.layout = layout, h.compressed = compressed;
      std::vector<uint8_t> frame2;
      encode_payload(h, json, frame2);
      DecodedMessage m;
      ASSERT_TRUE(decode_message(encode_header(h), frame2, m, error)) << error;
      ASSERT_EQ(m.flows.size(), 1u);
      EXPECT_EQ(fixture_difference(m.flows[0], reference[0]), "") << "layout " << int(layout);
    }
    // And the TLV fixture itself under a TLV header.
    ZmqHeader h;
    h.topic = "flow", h.layout = layout, h.format = PayloadFormat::kTlv;
    std::vector<uint8_t> frame2;
    encode_payload(h, tlv, frame2);
    DecodedMessage m;
    ASSERT_TRUE(decode_message(encode_header(h), frame2, m, error)) << error;
    ASSERT_EQ(m.flows.size(), 1u);
    EXPECT_EQ(testing::record_difference(m.flows[0], reference[0]), "");
  }
}

TEST(NtopFixture, KeysMayBeNamesOrPenIds) {
  const std::string text =
      R"({"IPV4_SRC_ADDR":"10.1.2.3","35632.118":"7.91","8":"10.1.2.4","FANCY_VENDOR_KEY":true,)"
      R"("n":null,"neg":-3,"big":123456789012345678901234567890,"nested":{"a":[1,2]}})";
  std::vector<FlowRecord> out;
  std::string error;
  ASSERT_TRUE(decode_json_flows(text, out, error)) << error;
  ASSERT_EQ(out.size(), 1u);
  const auto& f = out[0].fields;
  ASSERT_EQ(f.size(), 8u);
  EXPECT_EQ(f[0].id, 8u);
  EXPECT_EQ(f[1].id, 57590u);
  EXPECT_EQ(f[2].id, 8u);
  EXPECT_EQ(f[3].id, 0u);
  EXPECT_EQ(f[3].name, "FANCY_VENDOR_KEY");
  EXPECT_EQ(f[3].value, FieldValue(true));
  EXPECT_EQ(f[4].value.index(), 0u);
  EXPECT_EQ(f[5].value, FieldValue(int64_t(-3)));
  EXPECT_EQ(f[6].value, FieldValue(std::string("123456789012345678901234567890")));
  EXPECT_EQ(f[7].value, FieldValue(std::string(R"({"a":[1,2]})")));
}

}  // namespace
}  // namespace vedetta::wire
