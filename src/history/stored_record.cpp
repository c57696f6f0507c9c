#include "history/stored_record.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "history/flow_store.h"
#include "wire/elements.h"

namespace vedetta::history {
namespace {

using nlohmann::json;

// The stored JSON keeps each value's type: unsigned, signed, real, text, bool.
wire::FieldValue field_value(const json& v) {
  switch (v.type()) {
    case json::value_t::number_unsigned: return v.get<uint64_t>();
    case json::value_t::number_integer: return v.get<int64_t>();
    case json::value_t::number_float: return v.get<double>();
    case json::value_t::string: return v.get<std::string>();
    case json::value_t::boolean: return v.get<bool>();
    default: return std::monostate{};  // null
  }
}

// Keys are element names, the id as text for elements no table knows
// (collect/record_json.cpp), or the name an unnamed field arrived with.
void add_field(wire::FlowRecord& r, const std::string& key, wire::FieldValue value) {
  if (const wire::Element* e = wire::find_element(std::string_view(key))) {
    r.add(e->id, std::move(value));
    return;
  }
  uint32_t id = 0;
  auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
  if (ec == std::errc() && end == key.data() + key.size() && id != 0)
    r.add(id, std::move(value));
  else
    r.add_unknown(key, std::move(value));
}

}  // namespace

wire::FlowRecord stored_record(const std::string& stored, int64_t uid) {
  const json parsed = json::parse(stored, nullptr, false);
  if (!parsed.is_object())
    throw StoreError("history: flow " + std::to_string(uid) +
                     ": its stored record is not a JSON object");
  wire::FlowRecord r;
  r.fields.reserve(parsed.size());
  for (const auto& [key, value] : parsed.items()) add_field(r, key, field_value(value));
  return r;
}

}  // namespace vedetta::history
