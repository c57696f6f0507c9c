#pragma once
// ntop's ZeroMQ messages (docs: ../shared/docs/ntop-zmq.md): frame 1 is a
// binary header whose size tells its version apart, frame 2 the payload
// (JSON text or nDPI TLV, optionally zlib-compressed). Encoding and decoding
// of both frames; no sockets here (export/zmq_exporter.h, collect/zmq_input.h).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wire/flow_record.h"

namespace vedetta::wire {

enum class PayloadFormat : uint8_t { kJson, kTlv };

// Header layouts by frame-1 size: 40 (v0, 2014), 24 (v1), 28 (v2), 36 (v3).
enum class HeaderLayout : uint8_t { kV0 = 40, kV1 = 24, kV2 = 28, kV3 = 36 };

struct ZmqHeader {
  std::string topic;         // "flow", "event", "template", ...
  HeaderLayout layout = HeaderLayout::kV3;
  PayloadFormat format = PayloadFormat::kJson;
  bool compressed = false;   // zlib payload (v3 flag, or first byte 0x00 before v3)
  bool has_msg_id = false;   // v0 has none
  uint32_t msg_id = 0;
  uint32_t source_id = 0;
  uint32_t size = 0;         // payload bytes as sent
  uint32_t uncompressed_size = 0;  // v3 only (0 otherwise)
};

// Frame 1 for `h` in its layout (fields that layout lacks are left out).
std::vector<uint8_t> encode_header(const ZmqHeader& h);
// False with `error` naming what is wrong ("header of 17 bytes: no version has that size").
bool decode_header(std::span<const uint8_t> frame, ZmqHeader& h, std::string& error);

// Flow payloads. JSON: an array of objects with numeric string keys
// ("8":"10.0.0.1"); TLV: nDPI serializer v1 records, one per flow.
void encode_json_flows(std::span<const FlowRecord> flows, std::string& out);
void encode_tlv_flows(std::span<const FlowRecord> flows, std::vector<uint8_t>& out);
// Appends the decoded flows; keys may be ids, "PEN.id" or names (see
// element_id_of_key). False with `error` saying what and at which byte; the
// flows of a bad message are not appended.
bool decode_json_flows(std::string_view text, std::vector<FlowRecord>& out, std::string& error);
bool decode_tlv_flows(std::span<const uint8_t> data, std::vector<FlowRecord>& out,
                      std::string& error);

// zlib (deflate with zlib header). Inflation stops at `max_size` bytes
// (oversized or corrupt input is an error, not an allocation).
void zlib_compress(std::span<const uint8_t> in, std::vector<uint8_t>& out);
bool zlib_inflate(std::span<const uint8_t> in, size_t max_size, std::vector<uint8_t>& out,
                  std::string& error);

// Frame 2 for `body` (JSON text or TLV bytes) under header `h`: zlib data
// when h.compressed (v3 says so in its flags; older layouts mark it with a
// 0x00 byte before the zlib stream, as ntopng expects). Sets h.size and
// h.uncompressed_size to match; encode_header(h) afterwards.
void encode_payload(ZmqHeader& h, std::span<const uint8_t> body, std::vector<uint8_t>& out);

// Both frames of a message as the collector sees them.
struct DecodedMessage {
  ZmqHeader header;
  std::vector<FlowRecord> flows;  // topic "flow"
  std::string text;               // other topics (event, template...): the JSON text
};
inline constexpr size_t kMaxPayloadBytes = 64u << 20;  // larger messages are refused
// A field in memory is ~70 bytes, on the wire as little as 3 (TLV): this
// bounds what one message can make the decoders allocate (a payload of
// kMaxPayloadBytes of real flows has about 2 million fields).
inline constexpr size_t kMaxFieldsPerMessage = 4'000'000;
bool decode_message(std::span<const uint8_t> frame1, std::span<const uint8_t> frame2,
                    DecodedMessage& out, std::string& error);

}  // namespace vedetta::wire
