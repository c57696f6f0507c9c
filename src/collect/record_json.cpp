#include "collect/record_json.h"

#include <charconv>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "export/json_text.h"
#include "wire/elements.h"

namespace vedetta::collect {
namespace {

struct ValueWriter {
  std::string& out;
  void operator()(std::monostate) { out += "null"; }
  void operator()(uint64_t v) { append_number(v); }
  void operator()(int64_t v) { append_number(v); }
  void operator()(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.3f", v);
    out += b;
  }
  void operator()(const std::string& v) { append_json_string(out, v); }
  void operator()(bool v) { out += v ? "true" : "false"; }
  template <typename T>
  void append_number(T v) {
    char b[24];
    auto r = std::to_chars(b, b + sizeof b, v);
    out.append(b, r.ptr);
  }
};

using nlohmann::json;

// The JSON keeps each value's type: unsigned, signed, real, text, bool.
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

// Keys are element names, the id as text for elements no table knows, or
// the name an unnamed field arrived with (append_record_json).
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

std::optional<wire::FlowRecord> parse_record_json(std::string_view text) {
  const json parsed = json::parse(text, nullptr, false);
  if (!parsed.is_object()) return std::nullopt;
  wire::FlowRecord r;
  r.fields.reserve(parsed.size());
  for (const auto& [key, value] : parsed.items()) add_field(r, key, field_value(value));
  return r;
}

void append_record_json(const wire::FlowRecord& r, std::string& out) {
  out.push_back('{');
  bool first = true;
  for (const wire::RecordField& f : r.fields) {
    if (!first) out.push_back(',');
    first = false;
    const wire::Element* e = f.id ? wire::find_element(f.id) : nullptr;
    if (e)
      append_json_string(out, e->name);
    else if (f.id)
      append_json_string(out, std::to_string(f.id));
    else
      append_json_string(out, f.name);
    out.push_back(':');
    std::visit(ValueWriter{out}, f.value);
  }
  out.push_back('}');
}

}  // namespace vedetta::collect
