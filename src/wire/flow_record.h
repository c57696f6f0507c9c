#pragma once
// A flow as it travels between vedetta processes and the ntop world: a list
// of (element id, value) pairs, the common shape of ZeroMQ JSON and TLV
// payloads and NetFlow v9/IPFIX records. The probe builds one from each
// exported flow (export/flow_record_builder.h); the collector parses the wire
// formats into one and merges it into its live model.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace vedetta::wire {

// Element ids are numbered as ntop numbers them: IANA/NetFlow ids as they
// are, ntop's private elements (PEN 35632, element n) as 57472 + n, and
// vedetta's own from 61440 up (see wire/elements.h).
inline constexpr uint32_t kNtopPen = 35632;
inline constexpr uint32_t kNtopBase = 57472;
inline constexpr uint32_t ntop_element(uint32_t n) { return kNtopBase + n; }
inline constexpr uint32_t kOwnBase = 61440;

// Numbers stay numbers, addresses and names stay text ("10.0.0.1",
// "aa:bb:cc:dd:ee:ff"), as in ntop's JSON.
using FieldValue = std::variant<std::monostate, uint64_t, int64_t, double, std::string, bool>;

struct RecordField {
  uint32_t id = 0;   // 0: an element no table knows; `name` says what it was called
  std::string name;  // only when id == 0 ("VENDOR_THING", "9.42")
  FieldValue value;
};

struct FlowRecord {
  std::vector<RecordField> fields;

  // The value of element `id`, or null if the record does not carry it.
  const FieldValue* get(uint32_t id) const {
    for (const RecordField& f : fields)
      if (f.id == id) return &f.value;
    return nullptr;
  }
  void add(uint32_t id, FieldValue v) { fields.push_back({id, {}, std::move(v)}); }
  void add_unknown(std::string name, FieldValue v) {
    fields.push_back({0, std::move(name), std::move(v)});
  }
};

// Typed reads with a conversion where it is harmless (a number sent as text
// "123", a signed number that is not negative). False if absent or not convertible.
bool as_unsigned(const FieldValue* v, uint64_t& out);
bool as_text(const FieldValue* v, std::string& out);  // numbers are rendered

}  // namespace vedetta::wire
