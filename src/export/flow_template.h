#pragma once
// nProbe-style templates: "-T '%IPV4_SRC_ADDR %L4_SRC_PORT %L7_PROTO'".
#include <string>
#include <vector>

#include "export/fields.h"

namespace vedetta {

// Throws UserError naming the column and the unknown field.
std::vector<const FieldDef*> parse_template(const std::string& text);

}  // namespace vedetta
