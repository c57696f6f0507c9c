#include "wire/flow_record.h"

#include <charconv>
#include <cstdio>

namespace vedetta::wire {

bool as_unsigned(const FieldValue* v, uint64_t& out) {
  if (!v) return false;
  if (auto* u = std::get_if<uint64_t>(v)) return out = *u, true;
  if (auto* i = std::get_if<int64_t>(v)) return *i >= 0 ? (out = uint64_t(*i), true) : false;
  if (auto* d = std::get_if<double>(v)) return *d >= 0 ? (out = uint64_t(*d), true) : false;
  if (auto* b = std::get_if<bool>(v)) return out = *b ? 1 : 0, true;
  if (auto* s = std::get_if<std::string>(v)) {
    auto r = std::from_chars(s->data(), s->data() + s->size(), out);
    return r.ec == std::errc() && r.ptr == s->data() + s->size() && !s->empty();
  }
  return false;
}

bool as_text(const FieldValue* v, std::string& out) {
  if (!v) return false;
  if (auto* s = std::get_if<std::string>(v)) return out = *s, true;
  if (auto* u = std::get_if<uint64_t>(v)) return out = std::to_string(*u), true;
  if (auto* i = std::get_if<int64_t>(v)) return out = std::to_string(*i), true;
  if (auto* b = std::get_if<bool>(v)) return out = *b ? "true" : "false", true;
  if (auto* d = std::get_if<double>(v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", *d);
    return out = buf, true;
  }
  return false;
}

}  // namespace vedetta::wire
