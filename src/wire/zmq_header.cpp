// Frame 1 of ntop's ZeroMQ messages. The layouts are ntopng's C structs
// (include/ntop_typedefs.h) with natural x86-64 alignment; their byte order
// is what ntopng's collector (src/ZMQCollectorInterface.cpp) expects:
//   v0 (40): topic[32], u32 version, u32 size                  host order
//   v1 (24): topic[16], u8 version, u8 source_id, u16 size,    size host order,
//            u32 msg_id                                       msg_id network order
//   v2 (28): topic[16], u8 version, pad, u16 size, u32 msg_id, msg_id network order,
//            u32 source_id                                     the rest host order
//   v3 (36): topic[16], u8 version (4), u8 flags, pad[2],      sizes host order,
//            u32 uncompressed_size, u32 compressed_size,      msg_id and source_id
//            u32 msg_id, u32 source_id                         network order
// Versions in v0-v2: 1 = compatibility (msg_id in host order), 2 = JSON,
// 3 = TLV. v3 puts the payload kind in flags (2 = TLV, 4 = zlib).
// Host order is little-endian here: ntop's probes and collectors run on x86.
// The v3 byte orders follow goflow2's ZeroMQ transport, written to feed
// ntopng 6.4 (ntopng's own v3 reader was not among the sources at hand).
#include <algorithm>
#include <cstring>

#include "wire/byte_order.h"
#include "wire/zmq_message.h"

namespace vedetta::wire {
namespace {

constexpr uint8_t kVersionCompat = 1, kVersionJson = 2, kVersionTlv = 3, kVersionV3 = 4;
constexpr uint8_t kFlagTlv = 2, kFlagCompressed = 4;

size_t topic_capacity(HeaderLayout layout) { return layout == HeaderLayout::kV0 ? 32 : 16; }

// The topic as C code writes it with snprintf: cut to leave room for a NUL.
void put_topic(uint8_t* frame, size_t capacity, std::string_view topic) {
  size_t n = std::min(topic.size(), capacity - 1);
  std::memcpy(frame, topic.data(), n);
}

bool read_topic(const uint8_t* frame, size_t capacity, std::string& topic, std::string& error) {
  size_t n = 0;
  while (n < capacity && frame[n] != 0) {
    if (frame[n] < 0x20 || frame[n] > 0x7E) {
      error = "ZeroMQ header: topic has the non-printable byte 0x" +
              std::string(1, "0123456789abcdef"[frame[n] >> 4]) +
              std::string(1, "0123456789abcdef"[frame[n] & 15]) + " at byte " + std::to_string(n);
      return false;
    }
    ++n;
  }
  if (n == 0) {
    error = "ZeroMQ header: empty topic";
    return false;
  }
  topic.assign(reinterpret_cast<const char*>(frame), n);
  return true;
}

uint8_t legacy_version(const ZmqHeader& h) {
  return h.format == PayloadFormat::kTlv ? kVersionTlv : kVersionJson;
}

}  // namespace

std::vector<uint8_t> encode_header(const ZmqHeader& h) {
  using namespace bytes;
  std::vector<uint8_t> frame(static_cast<size_t>(h.layout), 0);
  uint8_t* p = frame.data();
  put_topic(p, topic_capacity(h.layout), h.topic);
  const uint16_t size16 = uint16_t(std::min<uint32_t>(h.size, 0xFFFF));
  switch (h.layout) {
    case HeaderLayout::kV0:
      put_le32(p + 32, legacy_version(h));
      put_le32(p + 36, h.size);
      break;
    case HeaderLayout::kV1:
      p[16] = legacy_version(h);
      p[17] = uint8_t(h.source_id);
      put_le16(p + 18, size16);
      put_be32(p + 20, h.msg_id);
      break;
    case HeaderLayout::kV2:
      p[16] = legacy_version(h);
      put_le16(p + 18, size16);
      put_be32(p + 20, h.msg_id);
      put_le32(p + 24, h.source_id);
      break;
    case HeaderLayout::kV3:
      p[16] = kVersionV3;
      p[17] = uint8_t((h.format == PayloadFormat::kTlv ? kFlagTlv : 0) |
                      (h.compressed ? kFlagCompressed : 0));
      put_le32(p + 20, h.compressed ? h.uncompressed_size : h.size);
      put_le32(p + 24, h.size);
      put_be32(p + 28, h.msg_id);
      put_be32(p + 32, h.source_id);
      break;
  }
  return frame;
}

bool decode_header(std::span<const uint8_t> frame, ZmqHeader& h, std::string& error) {
  using namespace bytes;
  const size_t n = frame.size();
  if (n != 40 && n != 24 && n != 28 && n != 36) {
    error = "ZeroMQ header of " + std::to_string(n) +
            " bytes: no version has that size (40, 24, 28 or 36)";
    return false;
  }
  h = ZmqHeader{};
  h.layout = static_cast<HeaderLayout>(n);
  const uint8_t* p = frame.data();
  if (!read_topic(p, topic_capacity(h.layout), h.topic, error)) return false;

  if (h.layout == HeaderLayout::kV0) {
    // The 2014 format had no message ids; ntopng reads TLV when version is 3.
    h.format = get_le32(p + 32) == kVersionTlv ? PayloadFormat::kTlv : PayloadFormat::kJson;
    h.size = get_le32(p + 36);
    return true;
  }
  const uint8_t version = p[16];
  if (h.layout == HeaderLayout::kV3) {
    if (version != kVersionV3) {
      error = "ZeroMQ header of 36 bytes: version " + std::to_string(version) + " at byte 16 (expected 4)";
      return false;
    }
    const uint8_t flags = p[17];
    h.format = (flags & kFlagTlv) ? PayloadFormat::kTlv : PayloadFormat::kJson;
    h.compressed = (flags & kFlagCompressed) != 0;
    h.uncompressed_size = get_le32(p + 20);
    h.size = get_le32(p + 24);
    h.has_msg_id = true;
    h.msg_id = get_be32(p + 28);
    h.source_id = get_be32(p + 32);
    return true;
  }
  if (version != kVersionCompat && version != kVersionJson && version != kVersionTlv) {
    error = "ZeroMQ header of " + std::to_string(n) + " bytes: version " + std::to_string(version) +
            " at byte 16 (expected 1, 2 or 3)";
    return false;
  }
  h.format = version == kVersionTlv ? PayloadFormat::kTlv : PayloadFormat::kJson;
  h.size = get_le16(p + 18);
  h.has_msg_id = true;
  // Compatibility senders wrote msg_id in host order and no source id.
  h.msg_id = version == kVersionCompat ? get_le32(p + 20) : get_be32(p + 20);
  if (version != kVersionCompat)
    h.source_id = h.layout == HeaderLayout::kV1 ? p[17] : get_le32(p + 24);
  return true;
}

}  // namespace vedetta::wire
