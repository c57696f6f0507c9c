#include "history/sql_text.h"

namespace vedetta::history {

std::string column_names(std::span<const Column> columns, bool with_record) {
  std::string out;
  for (const Column& c : columns) {
    if (!out.empty()) out += ", ";
    out += c.name;
  }
  if (with_record) out += ", record";
  return out;
}

}  // namespace vedetta::history
