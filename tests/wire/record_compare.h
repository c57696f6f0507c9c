#pragma once
// Comparing flow records in tests and fuzzers: exact (JSON keeps every
// value type) or as TLV carries them (doubles as 32-bit floats, booleans as
// the numbers 0 and 1).
#include <cmath>
#include <string>
#include <vector>

#include "wire/flow_record.h"

namespace vedetta::wire::testing {

inline bool same_value(const FieldValue& a, const FieldValue& b) {
  const double* da = std::get_if<double>(&a);
  const double* db = std::get_if<double>(&b);
  if (da && db && std::isnan(*da) && std::isnan(*db)) return true;
  return a == b;
}

// Empty if equal, else what differs first.
inline std::string record_difference(const FlowRecord& a, const FlowRecord& b) {
  if (a.fields.size() != b.fields.size())
    return std::to_string(a.fields.size()) + " fields vs " + std::to_string(b.fields.size());
  for (size_t i = 0; i < a.fields.size(); ++i) {
    const RecordField& x = a.fields[i];
    const RecordField& y = b.fields[i];
    if (x.id != y.id || x.name != y.name || !same_value(x.value, y.value)) {
      std::string tx, ty;
      as_text(&x.value, tx), as_text(&y.value, ty);
      return "field " + std::to_string(i) + ": " + std::to_string(x.id) + "/" + x.name + "=" + tx +
             " (type " + std::to_string(x.value.index()) + ") vs " + std::to_string(y.id) + "/" +
             y.name + "=" + ty + " (type " + std::to_string(y.value.index()) + ")";
    }
  }
  return "";
}

inline std::string records_difference(const std::vector<FlowRecord>& a, const std::vector<FlowRecord>& b) {
  if (a.size() != b.size()) return std::to_string(a.size()) + " records vs " + std::to_string(b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    std::string d = record_difference(a[i], b[i]);
    if (!d.empty()) return "record " + std::to_string(i) + ": " + d;
  }
  return "";
}

// What a record becomes after a trip through TLV.
inline FlowRecord as_tlv_carries_it(FlowRecord r) {
  for (RecordField& f : r.fields) {
    if (auto* d = std::get_if<double>(&f.value)) f.value = double(float(*d));
    if (auto* b = std::get_if<bool>(&f.value)) f.value = uint64_t(*b ? 1 : 0);
  }
  std::erase_if(r.fields, [](const RecordField& f) { return f.value.index() == 0; });
  return r;
}

}  // namespace vedetta::wire::testing
