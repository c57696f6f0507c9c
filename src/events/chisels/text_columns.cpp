#include "events/chisels/text_columns.h"

#include <cstdio>
#include <ctime>

namespace vedetta::events::chisels {

std::string format_bytes(uint64_t bytes) {
  // Thresholds compare with '>', so exactly 1024 stays "1024B".
  static constexpr struct {
    double size;
    const char* unit;
  } kUnits[] = {{1024.0 * 1024 * 1024 * 1024 * 1024, "P"},
                {1024.0 * 1024 * 1024 * 1024, "T"},
                {1024.0 * 1024 * 1024, "G"},
                {1024.0 * 1024, "M"},
                {1024.0, "KB"}};
  // sysdig's values are Lua numbers (doubles): compare and divide as doubles.
  double value = static_cast<double>(bytes);
  char text[64];
  for (const auto& u : kUnits)
    if (value > u.size) {
      std::snprintf(text, sizeof text, "%.2f%s", value / u.size, u.unit);
      return text;
    }
  std::snprintf(text, sizeof text, "%lluB", static_cast<unsigned long long>(bytes));
  return text;
}

std::string pad_column(std::string_view text, size_t width) {
  if (text.size() < width) {
    std::string out(text);
    out.append(width - text.size(), ' ');
    return out;
  }
  if (width == 0) return {};
  std::string out(text.substr(0, width - 1));
  out += ' ';
  return out;
}

std::string clock_seconds_text(uint64_t ts_ns) {
  time_t sec = static_cast<time_t>(ts_ns / 1000000000ULL);
  struct tm tm {};
  localtime_r(&sec, &tm);
  char text[16];
  std::strftime(text, sizeof text, "%H:%M:%S", &tm);
  return text;
}

}  // namespace vedetta::events::chisels
