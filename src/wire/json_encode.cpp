// Flow records → ntop's JSON flow payload: an array of objects keyed by
// element id as a string ("8":"10.0.0.1","7":5556), the shape nProbe sent
// in 2014. Fields no table knows keep the name they came with.
#include <charconv>
#include <cmath>

#include "wire/utf8_text.h"
#include "wire/zmq_message.h"

namespace vedetta::wire {
namespace {

void append_escaped(std::string& out, std::string_view s) {
  out += '"';
  size_t plain_from = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.substr(plain_from, i - plain_from));
    plain_from = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        const char* digits = "0123456789abcdef";
        out += "\\u00";
        out += digits[c >> 4];
        out += digits[c & 15];
      }
    }
  }
  out.append(s.substr(plain_from));
  out += '"';
}

void append_text(std::string& out, std::string_view s) {
  if (first_invalid_utf8(s) == std::string_view::npos) return append_escaped(out, s);
  append_escaped(out, repair_utf8(s));  // JSON text must be UTF-8
}

template <typename T>
void append_number(std::string& out, T v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_value(std::string& out, const FieldValue& v) {
  if (auto* u = std::get_if<uint64_t>(&v)) return append_number(out, *u);
  if (auto* i = std::get_if<int64_t>(&v)) return append_number(out, *i);
  if (auto* d = std::get_if<double>(&v)) {
    if (!std::isfinite(*d)) return void(out += "null");  // JSON has no NaN or infinity
    const size_t start = out.size();
    append_number(out, *d);
    // "100" would come back as an integer: keep it a real number.
    if (out.find_first_of(".en", start) == std::string::npos) out += ".0";
    return;
  }
  if (auto* s = std::get_if<std::string>(&v)) return append_text(out, *s);
  if (auto* b = std::get_if<bool>(&v)) return void(out += *b ? "true" : "false");
  out += "null";
}

}  // namespace

void encode_json_flows(std::span<const FlowRecord> flows, std::string& out) {
  out += '[';
  for (size_t n = 0; n < flows.size(); ++n) {
    if (n) out += ',';
    out += '{';
    bool first = true;
    for (const RecordField& f : flows[n].fields) {
      if (!first) out += ',';
      first = false;
      if (f.id != 0) {
        out += '"';
        append_number(out, f.id);
        out += '"';
      } else {
        append_text(out, f.name);
      }
      out += ':';
      append_value(out, f.value);
    }
    out += '}';
  }
  out += ']';
}

}  // namespace vedetta::wire
