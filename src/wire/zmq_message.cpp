// Both frames of a ZeroMQ message together: which payload codec applies,
// whether it is compressed, and the bounds a collector needs against
// oversized or hostile messages.
#include <simdjson.h>

#include "wire/size_text.h"
#include "wire/utf8_text.h"
#include "wire/zmq_message.h"

namespace vedetta::wire {
namespace {
constexpr size_t kKeepScratchBytes = 4u << 20;
}  // namespace

void encode_payload(ZmqHeader& h, std::span<const uint8_t> body, std::vector<uint8_t>& out) {
  out.clear();
  h.uncompressed_size = 0;
  if (h.compressed) {
    if (h.layout != HeaderLayout::kV3) out.push_back(0);
    zlib_compress(body, out);
    h.uncompressed_size = uint32_t(body.size());
  } else {
    out.assign(body.begin(), body.end());
  }
  h.size = uint32_t(out.size());
}

bool decode_message(std::span<const uint8_t> frame1, std::span<const uint8_t> frame2,
                    DecodedMessage& out, std::string& error) {
  out.flows.clear();
  out.text.clear();
  if (!decode_header(frame1, out.header, error)) return false;
  ZmqHeader& h = out.header;
  const std::string where = "topic \"" + h.topic + "\": ";
  if (frame2.size() > kMaxPayloadBytes) {
    error = where + "payload of " + std::to_string(frame2.size()) + " bytes is over the limit of " +
            size_text(kMaxPayloadBytes);
    return false;
  }
  std::span<const uint8_t> payload = frame2;
  // Older layouts flag zlib data with a leading 0x00, which neither JSON
  // text nor TLV (byte 0 = version 1) can start with.
  if (h.layout != HeaderLayout::kV3) h.compressed = !frame2.empty() && frame2[0] == 0;
  thread_local std::vector<uint8_t> inflated;
  if (h.compressed) {
    inflated.clear();
    std::string why;
    auto zdata = h.layout == HeaderLayout::kV3 ? frame2 : frame2.subspan(1);
    if (!zlib_inflate(zdata, kMaxPayloadBytes, inflated, why)) {
      error = where + "compressed payload: " + why;
      return false;
    }
    payload = inflated;
  }
  // The scratch buffer lives on; a rare huge message should not pin its size.
  struct Trim {
    ~Trim() {
      if (inflated.capacity() > kKeepScratchBytes) std::vector<uint8_t>().swap(inflated);
    }
  } trim_after_decoding;

  if (h.topic == "flow") {
    bool ok = h.format == PayloadFormat::kTlv
                  ? decode_tlv_flows(payload, out.flows, error)
                  : decode_json_flows(std::string_view(reinterpret_cast<const char*>(payload.data()),
                                                       payload.size()),
                                      out.flows, error);
    if (!ok) error = where + error;
    return ok;
  }
  // Other topics (event, template, counter...) are JSON text for the caller.
  std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    error = where + "payload is not UTF-8 text: invalid byte at " +
            std::to_string(first_invalid_utf8(text));
    return false;
  }
  out.text.assign(text);
  return true;
}

}  // namespace vedetta::wire
