// Frame 1: every layout encodes and decodes to the same header, bytes sit
// where ntopng's structs put them, and bad frames are refused by name.
#include <gtest/gtest.h>

#include "wire/zmq_message.h"

namespace vedetta::wire {
namespace {

ZmqHeader header(HeaderLayout layout, PayloadFormat format) {
  ZmqHeader h;
  h.topic = "flow";
  h.layout = layout;
  h.format = format;
  h.msg_id = 0x01020304;
  h.source_id = layout == HeaderLayout::kV1 ? 0x42 : 0x0A0B0C0D;
  h.size = 1234;
  h.has_msg_id = layout != HeaderLayout::kV0;
  return h;
}

TEST(ZmqHeader, EveryLayoutRoundTrips) {
  for (auto layout : {HeaderLayout::kV0, HeaderLayout::kV1, HeaderLayout::kV2, HeaderLayout::kV3}) {
    for (auto format : {PayloadFormat::kJson, PayloadFormat::kTlv}) {
      ZmqHeader in = header(layout, format);
      if (layout == HeaderLayout::kV3) in.compressed = true, in.uncompressed_size = 99999;
      std::vector<uint8_t> frame = encode_header(in);
      ASSERT_EQ(frame.size(), size_t(layout));
      ZmqHeader out;
      std::string error;
      ASSERT_TRUE(decode_header(frame, out, error)) << error;
      EXPECT_EQ(out.topic, "flow");
      EXPECT_EQ(out.layout, layout);
      EXPECT_EQ(out.format, format);
      EXPECT_EQ(out.size, 1234u);
      EXPECT_EQ(out.has_msg_id, layout != HeaderLayout::kV0);
      if (layout != HeaderLayout::kV0) {
        EXPECT_EQ(out.msg_id, 0x01020304u);
        EXPECT_EQ(out.source_id, in.source_id);
      }
      if (layout == HeaderLayout::kV3) {
        EXPECT_TRUE(out.compressed);
        EXPECT_EQ(out.uncompressed_size, 99999u);
      }
    }
  }
}

TEST(ZmqHeader, BytesWhereNtopngReadsThem) {
  // v2 (zmq_msg_hdr_v2): version at 16, size at 18 (host order), msg_id at
  // 20 (network order), source_id at 24 (host order).
  auto v2 = encode_header(header(HeaderLayout::kV2, PayloadFormat::kTlv));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(v2.data())), "flow");
  EXPECT_EQ(v2[16], 3);  // ZMQ_MSG_VERSION_TLV
  EXPECT_EQ(v2[18] | v2[19] << 8, 1234);
  EXPECT_EQ((std::vector<uint8_t>(v2.begin() + 20, v2.begin() + 24)), (std::vector<uint8_t>{1, 2, 3, 4}));
  EXPECT_EQ((std::vector<uint8_t>(v2.begin() + 24, v2.end())),
            (std::vector<uint8_t>{0x0D, 0x0C, 0x0B, 0x0A}));

  // v3: version 4 and flags at 16-17, sizes host order, ids network order.
  ZmqHeader h3 = header(HeaderLayout::kV3, PayloadFormat::kTlv);
  h3.compressed = true, h3.uncompressed_size = 5000;
  auto v3 = encode_header(h3);
  EXPECT_EQ(v3[16], 4);
  EXPECT_EQ(v3[17], 2 | 4);  // TLV | compressed
  EXPECT_EQ(v3[20] | v3[21] << 8, 5000);
  EXPECT_EQ(v3[24] | v3[25] << 8, 1234);
  EXPECT_EQ(v3[28], 1);
  EXPECT_EQ(v3[35], 0x0D);

  // v0 (2014): topic[32], then version and size as host-order u32.
  auto v0 = encode_header(header(HeaderLayout::kV0, PayloadFormat::kJson));
  EXPECT_EQ(v0[32], 2);
  EXPECT_EQ(v0[36] | v0[37] << 8, 1234);

  // v1: u8 source id at 17.
  auto v1 = encode_header(header(HeaderLayout::kV1, PayloadFormat::kJson));
  EXPECT_EQ(v1[16], 2);
  EXPECT_EQ(v1[17], 0x42);
}

TEST(ZmqHeader, CompatibilityVersionHasHostOrderMessageId) {
  auto frame = encode_header(header(HeaderLayout::kV1, PayloadFormat::kJson));
  frame[16] = 1;  // ZMQ_COMPATIBILITY_MSG_VERSION
  frame[20] = 7, frame[21] = 0, frame[22] = 0, frame[23] = 0;
  ZmqHeader h;
  std::string error;
  ASSERT_TRUE(decode_header(frame, h, error)) << error;
  EXPECT_EQ(h.msg_id, 7u);
  EXPECT_EQ(h.source_id, 0u);
}

TEST(ZmqHeader, LongTopicIsCutLikeSnprintf) {
  ZmqHeader in = header(HeaderLayout::kV3, PayloadFormat::kJson);
  in.topic = "listening-ports-and-more";
  ZmqHeader out;
  std::string error;
  ASSERT_TRUE(decode_header(encode_header(in), out, error)) << error;
  EXPECT_EQ(out.topic, "listening-ports");  // 15 characters and the NUL
}

TEST(ZmqHeader, WrongSizesAreNamed) {
  for (size_t n = 0; n <= 64; ++n) {
    if (n == 24 || n == 28 || n == 36 || n == 40) continue;
    std::vector<uint8_t> frame(n, 'a');
    ZmqHeader h;
    std::string error;
    EXPECT_FALSE(decode_header(frame, h, error));
    EXPECT_EQ(error, "ZeroMQ header of " + std::to_string(n) +
                         " bytes: no version has that size (40, 24, 28 or 36)");
  }
}

TEST(ZmqHeader, BadVersionsAndTopicsAreRefused) {
  std::string error;
  ZmqHeader h;
  auto v3 = encode_header(header(HeaderLayout::kV3, PayloadFormat::kJson));
  v3[16] = 2;
  EXPECT_FALSE(decode_header(v3, h, error));
  EXPECT_EQ(error, "ZeroMQ header of 36 bytes: version 2 at byte 16 (expected 4)");

  auto v2 = encode_header(header(HeaderLayout::kV2, PayloadFormat::kJson));
  v2[16] = 9;
  EXPECT_FALSE(decode_header(v2, h, error));
  EXPECT_EQ(error, "ZeroMQ header of 28 bytes: version 9 at byte 16 (expected 1, 2 or 3)");

  auto bad_topic = encode_header(header(HeaderLayout::kV1, PayloadFormat::kJson));
  bad_topic[2] = 0x07;
  EXPECT_FALSE(decode_header(bad_topic, h, error));
  EXPECT_EQ(error, "ZeroMQ header: topic has the non-printable byte 0x07 at byte 2");

  auto empty_topic = encode_header(header(HeaderLayout::kV1, PayloadFormat::kJson));
  empty_topic[0] = 0;
  EXPECT_FALSE(decode_header(empty_topic, h, error));
  EXPECT_EQ(error, "ZeroMQ header: empty topic");
}

TEST(ZmqHeader, GarbageOfValidSizesNeverCrashes) {
  uint32_t state = 12345;
  for (int round = 0; round < 20000; ++round) {
    size_t n = std::initializer_list<size_t>{24, 28, 36, 40}.begin()[round % 4];
    std::vector<uint8_t> frame(n);
    for (auto& b : frame) b = uint8_t((state = state * 1103515245 + 12345) >> 16);
    ZmqHeader h;
    std::string error;
    if (!decode_header(frame, h, error)) {
      EXPECT_FALSE(error.empty());
    }
  }
}

}  // namespace
}  // namespace vedetta::wire
