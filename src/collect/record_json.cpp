#include "collect/record_json.h"

#include <charconv>
#include <cstdio>

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

}  // namespace

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
