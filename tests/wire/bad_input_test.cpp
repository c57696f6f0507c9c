// Hostile or broken messages: every refusal names what is wrong and where,
// leaves the output as it was, and nothing crashes or allocates without
// bound.
#include <gtest/gtest.h>

#include "sample_flows.h"
#include "wire/zmq_message.h"

namespace vedetta::wire {
namespace {

using testing::sample_flows;

std::span<const uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string json_error(std::string_view text) {
  std::vector<FlowRecord> out = sample_flows(1);
  std::string error;
  EXPECT_FALSE(decode_json_flows(text, out, error)) << text;
  EXPECT_EQ(out.size(), 1u) << "a refused message added flows";
  return error;
}

std::string tlv_error(const std::vector<uint8_t>& bytes) {
  std::vector<FlowRecord> out = sample_flows(1);
  std::string error;
  EXPECT_FALSE(decode_tlv_flows(bytes, out, error));
  EXPECT_EQ(out.size(), 1u) << "a refused message added flows";
  return error;
}

TEST(BadTlv, EveryTruncationIsRefusedOrEndsOnARecord) {
  std::vector<uint8_t> full;
  encode_tlv_flows(sample_flows(3), full);
  std::vector<size_t> record_ends;
  {
    // Where records end: decode prefixes of full records.
    for (size_t n = 3; n <= full.size(); ++n) {
      std::vector<FlowRecord> out;
      std::string error;
      if (full[n - 1] == 1 && decode_tlv_flows(std::span(full.data(), n), out, error)) record_ends.push_back(n);
    }
    ASSERT_EQ(record_ends.size(), 3u);
  }
  for (size_t n = 0; n < full.size(); ++n) {
    std::vector<FlowRecord> out = sample_flows(1);
    std::string error;
    bool ok = decode_tlv_flows(std::span(full.data(), n), out, error);
    bool at_record_end = n == 2 || std::find(record_ends.begin(), record_ends.end(), n) != record_ends.end();
    EXPECT_EQ(ok, at_record_end) << "prefix " << n << ": " << error;
    if (!ok) {
      EXPECT_EQ(out.size(), 1u);
      EXPECT_EQ(error.rfind("TLV: ", 0), 0u) << error;
      EXPECT_NE(error.find("byte"), std::string::npos) << error;
    }
  }
}

TEST(BadTlv, ErrorsNameTheItemAndTheByte) {
  EXPECT_EQ(tlv_error({}), "TLV: payload of 0 bytes, shorter than the 2-byte header at byte 0");
  EXPECT_EQ(tlv_error({2, 1}), "TLV: serializer version 2 (expected 1) at byte 0");
  EXPECT_EQ(tlv_error({1, 2}), "TLV: serialization format 2 (expected 1, TLV) at byte 1");
  // key type 5 (u64) does not exist in nDPI.
  EXPECT_EQ(tlv_error({1, 1, 0x22, 8, 1, 0x52, 0, 1}),
            "TLV: item type 0x52: key type 5 is not a number or a string at byte 5");
  EXPECT_EQ(tlv_error({1, 1, 0x20, 8, 1}),
            "TLV: item type 0x20: value type 0 is not a number or a string at byte 2");
  // A string value announcing 9 bytes with 3 left.
  EXPECT_EQ(tlv_error({1, 1, 0x2b, 8, 0, 9, 'a', 'b', 'c'}),
            "TLV: value of the item at byte 2 needs 9 bytes, 3 left (truncated?)");
  EXPECT_EQ(tlv_error({1, 1, 0x22, 8, 1}), "TLV: record has no end-of-record (truncated?) at byte 2");
  EXPECT_EQ(tlv_error({1, 1, 0x0d, 1}), "TLV: end of block without its start at byte 2");
  EXPECT_EQ(tlv_error({1, 1, 0x0c, 0, 1, 'b', 1}),
            "TLV: end of record inside block or list \"b\" at byte 6");
  std::vector<uint8_t> deep{1, 1};
  for (int i = 0; i < 40; ++i) deep.insert(deep.end(), {0x0e, 0, 1, 'l'});
  EXPECT_EQ(tlv_error(deep), "TLV: blocks and lists nested deeper than 32 at byte 130");
}

TEST(BadTlv, FieldsPerMessageAreBounded) {
  // 3 bytes per field on the wire, ~70 in memory: refused before it adds up.
  std::vector<uint8_t> bytes{1, 1};
  for (size_t i = 0; i <= kMaxFieldsPerMessage; ++i) bytes.insert(bytes.end(), {0x22, 8, 1});
  bytes.push_back(1);
  EXPECT_EQ(tlv_error(bytes), "TLV: more than 4000000 fields in one message at byte " +
                                  std::to_string(2 + 3 * kMaxFieldsPerMessage));
}

TEST(BadJson, FieldsPerMessageAreBounded) {
  std::string text = "[";
  for (size_t i = 0; i <= kMaxFieldsPerMessage / 4; ++i) text += "{\"1\":1,\"2\":2,\"4\":6,\"7\":80},";
  text.back() = ']';
  EXPECT_EQ(json_error(text).rfind("JSON flows: more than 4000000 fields in one message at byte ", 0), 0u);
}

TEST(BadTlv, RandomBytesNeverCrash) {
  uint32_t state = 99;
  for (int round = 0; round < 20000; ++round) {
    std::vector<uint8_t> bytes{1, 1};
    size_t n = (state = state * 1103515245 + 12345) >> 24;
    for (size_t i = 0; i < n; ++i) bytes.push_back(uint8_t((state = state * 1103515245 + 12345) >> 16));
    std::vector<FlowRecord> out;
    std::string error;
    if (!decode_tlv_flows(bytes, out, error)) {
      EXPECT_TRUE(out.empty() && !error.empty());
    }
  }
}

TEST(BadJson, ErrorsNameWhatAndWhere) {
  EXPECT_EQ(json_error(""), "JSON flows: empty payload at byte 0");
  EXPECT_EQ(json_error("[{\"8\":\"a\xff\"}]"), "JSON flows: invalid UTF-8 at byte 8");
  EXPECT_EQ(json_error("[{\"8\":\"\xed\xa0\x80\"}]"), "JSON flows: invalid UTF-8 at byte 7");  // a surrogate
  EXPECT_EQ(json_error("42"), "JSON flows: expected a flow object or an array of them, found a number at byte 0");
  EXPECT_EQ(json_error("[{\"8\":1},7]"), "JSON flows: element 1 of the array is a number, not a flow object at byte 9");
  EXPECT_EQ(json_error("{\"8\":}"),
            "JSON flows: bad structure (a missing or extra comma, brace or key) at byte 5");
  EXPECT_EQ(json_error("[{\"8\":1}"), "JSON flows: the text ends inside an object or array, or goes on after it at byte 8");
  EXPECT_EQ(json_error("{\"8\":\"abc"), "JSON flows: a string is not closed before the end at byte 9");
  EXPECT_EQ(json_error("{\"8\":tru}"), "JSON flows: invalid value at byte 5");
  EXPECT_EQ(json_error("{\"8\":12ab}"), "JSON flows: invalid number at byte 5");
  EXPECT_EQ(json_error("[{\"8\":1}] x"),
            "JSON flows: the text ends inside an object or array, or goes on after it at byte 11");
  EXPECT_EQ(json_error("[{\"8\":1}]]"), "JSON flows: content after the JSON value at byte 9");
  EXPECT_EQ(json_error("{8:1}"), "JSON flows: bad structure (a missing or extra comma, brace or key) at byte 1");
}

TEST(BadJson, DeepOrOddInputIsRefusedOrKept) {
  // Nested values are skipped over as text, however deep.
  std::string deep = "{\"1\":" + std::string(5000, '[') + std::string(5000, ']') + "}";
  std::vector<FlowRecord> nested;
  std::string why;
  ASSERT_TRUE(decode_json_flows(deep, nested, why)) << why;
  EXPECT_EQ(nested.at(0).fields.at(0).value, FieldValue(deep.substr(5, 10000)));
  EXPECT_EQ(json_error(std::string(100000, '[')).rfind("JSON flows: ", 0), 0u);
  EXPECT_EQ(json_error("{\"1\":" + std::string(100000, '[')).rfind("JSON flows: ", 0), 0u);
  // Odd but valid: empty array, empty objects, duplicate keys, escapes.
  std::vector<FlowRecord> out;
  std::string error;
  ASSERT_TRUE(decode_json_flows("[]", out, error)) << error;
  ASSERT_TRUE(decode_json_flows(" [ {} , {} ] ", out, error)) << error;
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(decode_json_flows(R"({"8":"a","8":"b","\u0041":"\u00e9\n"})", out, error)) << error;
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].fields.size(), 3u);
  EXPECT_EQ(out[0].fields[2].name, "A");
  EXPECT_EQ(out[0].fields[2].value, FieldValue(std::string("\xc3\xa9\n")));
}

TEST(BadZlib, CorruptTruncatedAndOversizedAreRefused) {
  std::string text(100000, 'a');
  std::vector<uint8_t> z;
  zlib_compress(as_bytes(text), z);
  std::vector<uint8_t> out;
  std::string error;
  ASSERT_TRUE(zlib_inflate(z, text.size(), out, error)) << error;
  EXPECT_EQ(out.size(), text.size());

  out.clear();
  EXPECT_FALSE(zlib_inflate(z, text.size() - 1, out, error));
  EXPECT_EQ(error, "zlib: data inflates past the limit of 99999 bytes");
  EXPECT_TRUE(out.empty());

  EXPECT_FALSE(zlib_inflate(std::span(z.data(), z.size() - 5), 1 << 20, out, error));
  EXPECT_EQ(error.rfind("zlib: stream truncated at compressed byte", 0), 0u) << error;

  std::vector<uint8_t> corrupt = z;
  corrupt[0] ^= 0xFF;
  EXPECT_FALSE(zlib_inflate(corrupt, 1 << 20, out, error));
  EXPECT_EQ(error, "zlib: incorrect header check at compressed byte 2");

  std::vector<uint8_t> trailing = z;
  trailing.push_back(0);
  EXPECT_FALSE(zlib_inflate(trailing, 1 << 20, out, error));
  EXPECT_EQ(error, "zlib: 1 bytes after the end of the stream");
  EXPECT_TRUE(out.empty());
}

TEST(BadMessage, BombsGarbageAndLimits) {
  ZmqHeader h;
  h.topic = "flow", h.layout = HeaderLayout::kV3, h.compressed = true;
  // 65 MiB of spaces (valid JSON padding) squeezed into ~65 KB.
  std::string bomb(kMaxPayloadBytes + (1u << 20), ' ');
  std::vector<uint8_t> frame2;
  encode_payload(h, as_bytes(bomb), frame2);
  EXPECT_LT(frame2.size(), 200000u);
  DecodedMessage m;
  std::string error;
  EXPECT_FALSE(decode_message(encode_header(h), frame2, m, error));
  EXPECT_EQ(error, "topic \"flow\": compressed payload: zlib: data inflates past the limit of 64 MiB");

  std::vector<uint8_t> huge(kMaxPayloadBytes + 1, ' ');
  h.compressed = false;
  EXPECT_FALSE(decode_message(encode_header(h), huge, m, error));
  EXPECT_EQ(error, "topic \"flow\": payload of 67108865 bytes is over the limit of 64 MiB");

  // An older layout whose payload starts with 0x00 but is no zlib stream.
  h.layout = HeaderLayout::kV2;
  std::vector<uint8_t> fake{0, 'n', 'o', 't', ' ', 'z'};
  EXPECT_FALSE(decode_message(encode_header(h), fake, m, error));
  EXPECT_EQ(error.rfind("topic \"flow\": compressed payload: zlib: ", 0), 0u) << error;

  // TLV header, JSON body; JSON header, TLV body.
  h.format = PayloadFormat::kTlv;
  std::string json = R"([{"8":"1.2.3.4"}])";
  EXPECT_FALSE(decode_message(encode_header(h), as_bytes(json), m, error));
  EXPECT_EQ(error, "topic \"flow\": TLV: serializer version 91 (expected 1) at byte 0");
  h.format = PayloadFormat::kJson;
  std::vector<uint8_t> tlv;
  encode_tlv_flows(sample_flows(1), tlv);
  EXPECT_FALSE(decode_message(encode_header(h), tlv, m, error));
  EXPECT_EQ(error.rfind("topic \"flow\": JSON flows: ", 0), 0u) << error;

  // Non-flow topics must be text.
  h.topic = "event";
  std::vector<uint8_t> binary{'{', 0xC0, '}'};
  EXPECT_FALSE(decode_message(encode_header(h), binary, m, error));
  EXPECT_EQ(error, "topic \"event\": payload is not UTF-8 text: invalid byte at 1");

  // Garbage first frames.
  std::vector<uint8_t> junk(17, 0x41);
  EXPECT_FALSE(decode_message(junk, tlv, m, error));
  EXPECT_EQ(error, "ZeroMQ header of 17 bytes: no version has that size (40, 24, 28 or 36)");
}

}  // namespace
}  // namespace vedetta::wire
