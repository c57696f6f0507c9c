// nDPI TLV → flow records. Accepts every item libndpi 4.2's serializer
// writes: number and string keys, unsigned, signed, float and string values,
// blocks and lists (their fields are kept as unknown fields named
// "block.key", since flows have no nesting). Every read is bounds-checked;
// an error names the item and its byte offset in the payload.
#include <cstring>
#include <simdjson.h>

#include "wire/byte_order.h"
#include "wire/elements.h"
#include "wire/tlv_types.h"
#include "wire/utf8_text.h"
#include "wire/zmq_message.h"

namespace vedetta::wire {
namespace {

using namespace tlv;

constexpr size_t kMaxNesting = 32;  // nDPI's own serializer nests a few levels at most

class TlvReader {
 public:
  TlvReader(std::span<const uint8_t> data, std::string& error) : data_(data), error_(error) {}

  bool read(std::vector<FlowRecord>& out) {
    if (data_.size() < 2)
      return fail("payload of " + std::to_string(data_.size()) + " bytes, shorter than the 2-byte header", 0);
    if (data_[0] != kSerializerVersion)
      return fail("serializer version " + std::to_string(data_[0]) + " (expected 1)", 0);
    if (data_[1] != kFormatTlv)
      return fail("serialization format " + std::to_string(data_[1]) + " (expected 1, TLV)", 1);
    pos_ = 2;
    FlowRecord record;
    size_t record_at = pos_;
    size_t expected_fields = 16;
    record.fields.reserve(expected_fields);
    while (pos_ < data_.size()) {
      const size_t item_at = pos_;
      const uint8_t type = data_[pos_++];
      if (type == kEndOfRecord) {
        if (!scopes_.empty())
          return fail("end of record inside block or list \"" + scopes_.back().name + "\"", item_at);
        if (!record.fields.empty()) {
          expected_fields = record.fields.size();
          out.push_back(std::move(record));
          record = FlowRecord{};
        }
        record.fields.reserve(expected_fields);
        record_at = pos_;
        continue;
      }
      if (!item(type, item_at, record)) return false;
    }
    if (!record.fields.empty() || !scopes_.empty())
      return fail("record has no end-of-record (truncated?)", record_at);
    return true;
  }

 private:
  struct Scope {
    std::string name;
    bool list;
  };

  bool fail(const std::string& what, size_t at) {
    error_ = "TLV: " + what + " at byte " + std::to_string(at);
    return false;
  }

  bool need(size_t n, const char* what, size_t item_at) {
    if (data_.size() - pos_ >= n) [[likely]] return true;
    return truncated(n, what, item_at);
  }

  [[gnu::noinline]] bool truncated(size_t n, const char* what, size_t item_at) {
    error_ = "TLV: " + std::string(what) + " of the item at byte " + std::to_string(item_at) +
             " needs " + std::to_string(n) + " bytes, " + std::to_string(data_.size() - pos_) +
             " left (truncated?)";
    return false;
  }

  bool read_string(std::string_view& s, const char* what, size_t item_at) {
    if (!need(2, what, item_at)) return false;
    const uint16_t n = bytes::get_be16(&data_[pos_]);
    pos_ += 2;
    if (!need(n, what, item_at)) return false;
    s = std::string_view(reinterpret_cast<const char*>(&data_[pos_]), n);
    pos_ += n;
    return true;
  }

  bool scope_marker(uint8_t type, size_t item_at) {
    if (type == kStartOfBlock || type == kStartOfList) {
      std::string_view name;
      if (!read_string(name, "block name", item_at)) return false;
      if (scopes_.size() == kMaxNesting)
        return fail("blocks and lists nested deeper than " + std::to_string(kMaxNesting), item_at);
      scopes_.push_back({std::string(name), type == kStartOfList});
      return true;
    }
    const bool list = type == kEndOfList;
    if (scopes_.empty() || scopes_.back().list != list)
      return fail(std::string(list ? "end of list" : "end of block") + " without its start", item_at);
    scopes_.pop_back();
    return true;
  }

  bool item(uint8_t type, size_t item_at, FlowRecord& record) {
    if (type >= kStartOfBlock && type <= kEndOfList) return scope_marker(type, item_at);
    if (++fields_ > kMaxFieldsPerMessage) [[unlikely]]
      return fail("more than " + std::to_string(kMaxFieldsPerMessage) + " fields in one message", item_at);
    const uint8_t key_type = type >> 4, value_type = type & 0x0F;
    // Filled in place; a record with an error is thrown away whole.
    RecordField& field = record.fields.emplace_back();
    return key(key_type, item_at, field) && value(value_type, item_at, field.value);
  }

  bool key(uint8_t key_type, size_t item_at, RecordField& field) {
    uint32_t id = 0;
    switch (key_type) {
      case kUint8:
        if (!need(1, "key", item_at)) return false;
        id = data_[pos_++];
        break;
      case kUint16:
        if (!need(2, "key", item_at)) return false;
        id = bytes::get_be16(&data_[pos_]), pos_ += 2;
        break;
      case kUint32:
        if (!need(4, "key", item_at)) return false;
        id = bytes::get_be32(&data_[pos_]), pos_ += 4;
        break;
      case kString:
        return string_key(item_at, field);
      default:
        return fail("item type 0x" + hex(data_[item_at]) + ": key type " + std::to_string(key_type) +
                        " is not a number or a string",
                    item_at);
    }
    if (id != 0 && scopes_.empty()) [[likely]] {
      field.id = id;
      return true;
    }
    return named_key(std::to_string(id), field);
  }

  [[gnu::noinline]] bool string_key(size_t item_at, RecordField& field) {
    std::string_view name;
    return read_string(name, "key", item_at) && named_key(std::string(name), field);
  }

  // A key that is a name, or any key inside a block or list ("block.key").
  [[gnu::noinline]] bool named_key(std::string text, RecordField& field) {
    if (!scopes_.empty()) {
      std::string path;
      for (const Scope& s : scopes_) path += s.name + ".";
      field.name = valid_text(path + text);
      return true;
    }
    field.id = element_id_of_key(text);
    if (field.id == 0) field.name = valid_text(text);
    return true;
  }

  bool value(uint8_t value_type, size_t item_at, FieldValue& v) {
    switch (value_type) {
      case kUint8:
        if (!need(1, "value", item_at)) return false;
        v = uint64_t(data_[pos_]), pos_ += 1;
        return true;
      case kUint16:
        if (!need(2, "value", item_at)) return false;
        v = uint64_t(bytes::get_be16(&data_[pos_])), pos_ += 2;
        return true;
      case kUint32:
        if (!need(4, "value", item_at)) return false;
        v = uint64_t(bytes::get_be32(&data_[pos_])), pos_ += 4;
        return true;
      case kUint64:
        if (!need(8, "value", item_at)) return false;
        v = bytes::get_be64(&data_[pos_]), pos_ += 8;
        return true;
      case kInt8:
        if (!need(1, "value", item_at)) return false;
        v = int64_t(int8_t(data_[pos_])), pos_ += 1;
        return true;
      case kInt16:
        if (!need(2, "value", item_at)) return false;
        v = int64_t(int16_t(bytes::get_be16(&data_[pos_]))), pos_ += 2;
        return true;
      case kInt32:
        if (!need(4, "value", item_at)) return false;
        v = int64_t(int32_t(bytes::get_be32(&data_[pos_]))), pos_ += 4;
        return true;
      case kInt64:
        if (!need(8, "value", item_at)) return false;
        v = int64_t(bytes::get_be64(&data_[pos_])), pos_ += 8;
        return true;
      case kFloat: {
        if (!need(4, "value", item_at)) return false;
        float f;
        std::memcpy(&f, &data_[pos_], 4);
        pos_ += 4;
        v = double(f);
        return true;
      }
      case kString: {
        std::string_view s;
        if (!read_string(s, "value", item_at)) return false;
        if (is_utf8(s)) v.emplace<std::string>(s);
        else v = repair_utf8(s);
        return true;
      }
      default:
        return fail("item type 0x" + hex(data_[item_at]) + ": value type " +
                        std::to_string(value_type) + " is not a number or a string",
                    item_at);
    }
  }

  // nDPI copies strings byte for byte; what is not UTF-8 is repaired so that
  // nothing downstream prints or re-encodes invalid text.
  static std::string valid_text(std::string_view s) { return is_utf8(s) ? std::string(s) : repair_utf8(s); }

  // Flow strings are short and mostly ASCII: a plain scan beats a call
  // into simdjson's dispatched validator for those.
  static bool is_utf8(std::string_view s) {
    uint64_t high = 0;
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      high |= word;
    }
    for (; i < s.size(); ++i) high |= uint8_t(s[i]);
    if ((high & 0x8080808080808080ull) == 0) return true;
    return simdjson::validate_utf8(s.data(), s.size());
  }

  static std::string hex(uint8_t b) {
    const char* digits = "0123456789abcdef";
    return {digits[b >> 4], digits[b & 15]};
  }

  std::span<const uint8_t> data_;
  std::string& error_;
  size_t pos_ = 0;
  size_t fields_ = 0;
  std::vector<Scope> scopes_;
};

}  // namespace

bool decode_tlv_flows(std::span<const uint8_t> data, std::vector<FlowRecord>& out,
                      std::string& error) {
  const size_t first_new = out.size();
  TlvReader reader(data, error);
  if (reader.read(out)) return true;
  out.resize(first_new);
  return false;
}

}  // namespace vedetta::wire
