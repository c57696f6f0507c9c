#include "filter/result.h"

namespace vedetta::filter {

namespace {

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string render_error(const FilterError& error, std::string_view source,
                         std::string_view origin) {
  const Span& at = error.where;
  std::string out;
  out += origin;
  out += ':' + std::to_string(at.line) + ':' + std::to_string(at.column) + ": " + error.message;

  size_t offset = at.offset < source.size() ? at.offset : source.size();
  size_t line_start = 0;
  if (offset > 0) {
    size_t nl = source.rfind('\n', offset - 1);
    if (nl != std::string_view::npos) line_start = nl + 1;
  }
  size_t line_end = source.find('\n', offset);
  if (line_end == std::string_view::npos) line_end = source.size();
  std::string_view line = source.substr(line_start, line_end - line_start);
  if (line.empty() && source.empty()) return out;

  out += '\n';
  for (char c : line) {
    bool control = static_cast<unsigned char>(c) < 0x20 && c != '\t';
    out += control ? ' ' : c;
  }
  out += '\n';
  // Prefix keeps tabs so the underline lines up under the offending text.
  for (size_t i = line_start; i < offset; ++i) {
    if (is_continuation(source[i])) continue;
    out += source[i] == '\t' ? '\t' : ' ';
  }
  size_t end = at.offset + at.length;
  if (end > line_end) end = line_end;  // underline one line only
  size_t marks = 0;
  for (size_t i = offset; i < end; ++i)
    if (!is_continuation(source[i])) ++marks;
  out += std::string(marks == 0 ? 1 : marks, marks == 0 ? '^' : '~');
  return out;
}

}  // namespace vedetta::filter
