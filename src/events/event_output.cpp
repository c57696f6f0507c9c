#include "events/event_output.h"

#include <cctype>
#include <map>

#include <nlohmann/json.hpp>

#include "common/user_error.h"
#include "events/event_formatter.h"
#include "filter/parser.h"

namespace vedetta::events {

namespace {

// sysdig's default line as fields, for -j without -p.
constexpr std::string_view kDefaultJsonFormat =
    "%evt.cpu %evt.dir %evt.info %evt.num %evt.outputtime %evt.type %proc.name %thread.tid";

bool field_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_';
}

// A field written after '%': the registry's longest name that the text
// starts with, plus .ARG or [ARG] for fields that take one.
filter::FieldRef parse_field(std::string_view text, size_t column) {
  size_t end = 0;
  while (end < text.size() && field_char(text[end])) ++end;
  if (end < text.size() && text[end] == '[') {
    size_t close = text.find(']', end);
    if (close != std::string_view::npos) end = close + 1;
  }
  while (end > 0 && text[end - 1] == '.') --end;  // "%proc.name." ends a sentence
  std::string name(text.substr(0, end));
  auto parsed = filter::parse_filter(name + " exists");
  if (!parsed)
    throw UserError(format("output format: column %zu: %s", column,
                           parsed.error().message.c_str()));
  return parsed.value().root->check.field;
}

}  // namespace

EventOutput::EventOutput(std::string_view format, bool json) : json_(json) {
  if (format.empty()) {
    if (!json) {
      default_line_ = true;
      return;
    }
    format = kDefaultJsonFormat;
    print_all_ = true;
  }
  if (!format.empty() && format[0] == '*') {
    print_all_ = true;
    format.remove_prefix(1);
  }
  std::string literal;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      literal += format[i];
      continue;
    }
    if (i + 1 < format.size() && format[i + 1] == '%') {  // "%%" prints '%'
      literal += '%';
      ++i;
      continue;
    }
    std::string_view rest = format.substr(i + 1);
    filter::FieldRef field = parse_field(rest, i + 1);
    std::string written = field.to_string();
    pieces_.push_back({std::move(literal), std::move(field), written});
    literal.clear();
    // Skip what parse_field consumed: the written form may differ in
    // spelling (evt.arg[fd] vs evt.arg.fd), so measure the source text.
    size_t used = 0;
    while (used < rest.size() && field_char(rest[used])) ++used;
    if (used < rest.size() && rest[used] == '[') {
      size_t close = rest.find(']', used);
      if (close != std::string_view::npos) used = close + 1;
    }
    while (used > 0 && rest[used - 1] == '.') --used;
    i += used;
  }
  if (!literal.empty()) pieces_.push_back({std::move(literal), {}, {}});
}

bool EventOutput::render(const EventFields& fields, const Event& e, const ThreadTable& threads,
                         std::string& out) const {
  if (default_line_) {
    out = format_default_line(e, threads);
    return true;
  }
  out.clear();
  if (json_) {
    // Keys in sorted order, as sysdig's JSON writer prints them.
    nlohmann::ordered_json obj;
    std::map<std::string, nlohmann::json> sorted;
    for (const Piece& p : pieces_) {
      if (!p.field.info) continue;
      filter::FieldValue v = fields.get(p.field);
      if (!v.present() && !print_all_) return false;
      nlohmann::json j;
      if (!v.present())
        j = nullptr;
      else if (p.field.info->type == filter::FieldType::Bool)
        j = v.num() != 0;
      else if (v.kind() == filter::FieldValue::Kind::Number)
        j = v.num();
      else if (p.key == "evt.outputtime")
        j = static_cast<int64_t>(e.ts_ns);
      else if (p.key == "evt.info")  // sysdig's JSON does not cut long buffers
        j = event_info_text(e, threads, false);
      else
        j = v.to_string();
      sorted[p.key] = std::move(j);
    }
    for (auto& [k, v] : sorted) obj[k] = std::move(v);
    out = obj.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return true;
  }
  for (const Piece& p : pieces_) {
    out += p.literal;
    if (!p.field.info) continue;
    filter::FieldValue v = fields.get(p.field);
    if (!v.present() && !print_all_) return false;
    out += fields.text(p.field);
  }
  return true;
}

}  // namespace vedetta::events
