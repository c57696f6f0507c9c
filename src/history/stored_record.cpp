#include "history/stored_record.h"

#include <cstring>

#include "collect/record_json.h"
#include "export/json_text.h"
#include "history/flow_store.h"

namespace vedetta::history {
namespace {

// The first byte of the form; a record stored as JSON starts with '{'.
constexpr char kFormatVersion = 1;

// A field's type byte: the value's kind in the low bits, kNamed when the
// key is a name (an element no table knows) instead of an id.
enum Kind : uint8_t { kNull, kUnsigned, kSigned, kDouble, kText, kFalse, kTrue, kKinds };
constexpr uint8_t kKindMask = 0x07;
constexpr uint8_t kNamed = 0x08;

uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t unzigzag(uint64_t u) { return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1); }

void append_text(std::string& out, std::string_view s) {
  append_varint(out, s.size());
  out.append(s);
}

struct ValueWriter {
  std::string& out;
  void operator()(std::monostate) {}
  void operator()(uint64_t v) { append_varint(out, v); }
  void operator()(int64_t v) { append_varint(out, zigzag(v)); }
  void operator()(double v) {
    char b[sizeof v];
    std::memcpy(b, &v, sizeof v);  // every bit, so the JSON's rounding is the original's
    out.append(b, sizeof v);
  }
  void operator()(const std::string& v) { append_text(out, v); }
  void operator()(bool) {}  // in the kind
};

Kind kind_of(const wire::FieldValue& v) {
  switch (v.index()) {
    case 0: return kNull;
    case 1: return kUnsigned;
    case 2: return kSigned;
    case 3: return kDouble;
    case 4: return kText;
    default: return std::get<bool>(v) ? kTrue : kFalse;
  }
}

class Reader {
 public:
  Reader(std::string_view data, std::string& error) : data_(data), error_(error) {}

  bool read(wire::FlowRecord& record) {
    pos_ = 1;  // after the version byte
    uint32_t previous_id = 0;
    while (pos_ < data_.size()) {
      const size_t field_at = pos_;
      const uint8_t type = static_cast<uint8_t>(data_[pos_++]);
      const uint8_t kind = type & kKindMask;
      if (kind >= kKinds || (type & ~(kKindMask | kNamed)) != 0)
        return fail("unknown field type " + std::to_string(type), field_at);
      wire::RecordField& f = record.fields.emplace_back();
      if (type & kNamed) {
        if (!text(f.name, field_at)) return false;
      } else {
        uint64_t delta = 0;
        if (!varint(delta, field_at)) return false;
        const int64_t id = static_cast<int64_t>(previous_id) + unzigzag(delta);
        if (id <= 0 || id > UINT32_MAX) return fail("element id " + std::to_string(id), field_at);
        f.id = previous_id = static_cast<uint32_t>(id);
      }
      if (!value(static_cast<Kind>(kind), f.value, field_at)) return false;
    }
    return true;
  }

 private:
  bool fail(const std::string& what, size_t at) {
    error_ = what + " at byte " + std::to_string(at);
    return false;
  }

  bool varint(uint64_t& v, size_t field_at) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return fail("field truncated", field_at);
      const uint8_t b = static_cast<uint8_t>(data_[pos_++]);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return fail("number longer than 64 bits", field_at);
  }

  bool text(std::string& out, size_t field_at) {
    uint64_t n = 0;
    if (!varint(n, field_at)) return false;
    if (n > data_.size() - pos_) return fail("text truncated", field_at);
    out.assign(data_.data() + pos_, n);
    pos_ += n;
    return true;
  }

  bool value(Kind kind, wire::FieldValue& v, size_t field_at) {
    uint64_t u = 0;
    switch (kind) {
      case kNull: return true;
      case kFalse: return v = false, true;
      case kTrue: return v = true, true;
      case kUnsigned: return varint(u, field_at) && (v = u, true);
      case kSigned: return varint(u, field_at) && (v = unzigzag(u), true);
      case kText: return text(v.emplace<std::string>(), field_at);
      case kDouble: {
        double d = 0;
        if (data_.size() - pos_ < sizeof d) return fail("field truncated", field_at);
        std::memcpy(&d, data_.data() + pos_, sizeof d);
        pos_ += sizeof d;
        return v = d, true;
      }
      default: return fail("unknown value kind", field_at);
    }
  }

  std::string_view data_;
  std::string& error_;
  size_t pos_ = 0;
};

}  // namespace

void append_varint(std::string& out, uint64_t v) {
  for (; v >= 0x80; v >>= 7) out += static_cast<char>((v & 0x7f) | 0x80);
  out += static_cast<char>(v);
}

void append_stored_record(const wire::FlowRecord& record, std::string& out) {
  out += kFormatVersion;
  uint32_t previous_id = 0;
  for (const wire::RecordField& f : record.fields) {
    const Kind kind = kind_of(f.value);
    if (f.id == 0) {
      out += static_cast<char>(kind | kNamed);
      append_text(out, f.name);
    } else {
      out += static_cast<char>(kind);
      append_varint(out, zigzag(static_cast<int64_t>(f.id) - previous_id));
      previous_id = f.id;
    }
    std::visit(ValueWriter{out}, f.value);
  }
}

bool decode_stored_record(std::string_view stored, wire::FlowRecord& record, std::string& error) {
  record.fields.clear();
  if (stored.empty() || stored[0] != kFormatVersion) {
    error = stored.empty() ? "empty" : "unknown format " + std::to_string(uint8_t(stored[0])) + " at byte 0";
    return false;
  }
  return Reader(stored, error).read(record);
}

std::string stored_record_json(std::string_view stored) {
  if (!stored.empty() && stored[0] == '{') return std::string(stored);  // stored as JSON text
  wire::FlowRecord record;
  std::string error, out;
  if (!decode_stored_record(stored, record, error)) {
    out = "{\"error\":";
    append_json_string(out, "stored record unreadable: " + error);
    return out + "}";
  }
  collect::append_record_json(record, out);
  return out;
}

wire::FlowRecord stored_record(std::string_view stored, int64_t uid) {
  wire::FlowRecord record;
  std::string error;
  if (!stored.empty() && stored[0] == '{') {  // stored as JSON text
    if (auto parsed = collect::parse_record_json(stored)) return std::move(*parsed);
    error = "not a JSON object";
  } else if (decode_stored_record(stored, record, error)) {
    return record;
  }
  throw StoreError("history: flow " + std::to_string(uid) + ": its stored record is unreadable (" +
                   error + ")");
}

}  // namespace vedetta::history
