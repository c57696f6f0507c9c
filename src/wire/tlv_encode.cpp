// Flow records → nDPI TLV, byte for byte what libndpi's serializer writes
// for the same calls (ndpi_serialize_uint32_uint64, _int64, _float,
// _string; string keys with nDPI's numeric-key shortcut). Two liberties,
// both readable by libndpi's deserializer: booleans, which nDPI's TLV
// silently drops, travel as a u8 0/1, and a small negative int64 is packed
// like nDPI packs an int32 instead of always taking 8 bytes.
#include <algorithm>
#include <charconv>
#include <cstring>

#include "wire/byte_order.h"
#include "wire/tlv_types.h"
#include "wire/zmq_message.h"

namespace vedetta::wire {
namespace {

using namespace tlv;

class TlvWriter {
 public:
  explicit TlvWriter(std::vector<uint8_t>& out) : out_(out) {}

  void header() {
    out_.push_back(kSerializerVersion);
    out_.push_back(kFormatTlv);
  }
  void end_of_record() { out_.push_back(kEndOfRecord); }

  void field(const RecordField& f) {
    if (std::holds_alternative<std::monostate>(f.value)) return;  // TLV has no null
    const size_t type_at = out_.size();
    out_.push_back(0);
    const uint8_t key_type = key(f);
    out_[type_at] = uint8_t(key_type << 4 | value(f.value));
  }

 private:
  uint8_t* grow(size_t n) {
    out_.resize(out_.size() + n);
    return out_.data() + out_.size() - n;
  }

  uint8_t number(uint32_t v) {
    if (v <= 0xFF) return out_.push_back(uint8_t(v)), kUint8;
    if (v <= 0xFFFF) return bytes::put_be16(grow(2), uint16_t(v)), kUint16;
    return bytes::put_be32(grow(4), v), kUint32;
  }

  void string(std::string_view s) {
    // Longer strings are cut at a character boundary: the length is a u16.
    size_t n = std::min<size_t>(s.size(), 0xFFFF);
    while (n < s.size() && n > 0 && (uint8_t(s[n]) & 0xC0) == 0x80) --n;
    uint8_t* p = grow(2 + n);
    bytes::put_be16(p, uint16_t(n));
    std::memcpy(p + 2, s.data(), n);
  }

  uint8_t key(const RecordField& f) {
    if (f.id != 0) return number(f.id);
    // nDPI turns an all-digit string key into a number key.
    uint32_t numeric = 0;
    auto r = std::from_chars(f.name.data(), f.name.data() + f.name.size(), numeric);
    if (!f.name.empty() && r.ec == std::errc() && r.ptr == f.name.data() + f.name.size())
      return number(numeric);
    string(f.name);
    return kString;
  }

  uint8_t value(const FieldValue& v) {
    if (auto* u = std::get_if<uint64_t>(&v)) {
      if (*u <= 0xFFFFFFFFu) return number(uint32_t(*u));
      return bytes::put_be64(grow(8), *u), kUint64;
    }
    if (auto* i = std::get_if<int64_t>(&v)) {
      if (*i >= -128 && *i <= 127) return out_.push_back(uint8_t(int8_t(*i))), kInt8;
      if (*i >= -32768 && *i <= 32767) return bytes::put_be16(grow(2), uint16_t(int16_t(*i))), kInt16;
      if (*i >= INT32_MIN && *i <= INT32_MAX) return bytes::put_be32(grow(4), uint32_t(int32_t(*i))), kInt32;
      return bytes::put_be64(grow(8), uint64_t(*i)), kInt64;
    }
    if (auto* d = std::get_if<double>(&v)) {
      float f = float(*d);
      std::memcpy(grow(4), &f, 4);
      return kFloat;
    }
    if (auto* s = std::get_if<std::string>(&v)) return string(*s), kString;
    return out_.push_back(std::get<bool>(v) ? 1 : 0), kUint8;
  }

  std::vector<uint8_t>& out_;
};

}  // namespace

void encode_tlv_flows(std::span<const FlowRecord> flows, std::vector<uint8_t>& out) {
  size_t fields = 0;
  for (const FlowRecord& f : flows) fields += f.fields.size();
  out.reserve(out.size() + 2 + flows.size() + fields * 8);
  TlvWriter w(out);
  w.header();
  for (const FlowRecord& flow : flows) {
    for (const RecordField& f : flow.fields) w.field(f);
    w.end_of_record();
  }
}

}  // namespace vedetta::wire
