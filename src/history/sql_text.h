#pragma once
// Pieces of SQL text both stores build from the column lists.
#include <span>
#include <string>

#include "history/flow_row.h"

namespace vedetta::history {

// "a, b, c": the names of `columns` (and "record" after the flow columns).
std::string column_names(std::span<const Column> columns, bool with_record);

}  // namespace vedetta::history
