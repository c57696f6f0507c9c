#pragma once
// How `vedetta events` prints an event, as sysdig does: the default line,
// a -p format of %field tokens, or -j JSON (one object per line whose keys
// are the format's fields).
//
// A -p format prints an event only when every field in it has a value,
// unless it starts with '*' (sysdig's rule); missing values print "<NA>"
// (null in JSON).
#include <string>
#include <string_view>
#include <vector>

#include "events/event_fields.h"
#include "filter/ast.h"

namespace vedetta::events {

class EventOutput {
 public:
  // `format` empty: sysdig's default line (or its default JSON fields with
  // `json`). Throws UserError naming the unknown field and its column.
  EventOutput(std::string_view format, bool json);

  // The line for the current event of `fields`, without the newline, or
  // false when the format says not to print it.
  bool render(const EventFields& fields, const Event& e, const ThreadTable& threads,
              std::string& out) const;

 private:
  struct Piece {
    std::string literal;      // printed before the field
    filter::FieldRef field;   // info null: the literal only (the tail)
    std::string key;          // the field as written, the JSON key
  };
  std::vector<Piece> pieces_;
  bool default_line_ = false;
  bool print_all_ = false;
  bool json_ = false;
};

}  // namespace vedetta::events
