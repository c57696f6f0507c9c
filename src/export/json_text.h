#pragma once
// Appends a JSON string literal. Bytes from the network are not trusted:
// control characters are escaped and invalid UTF-8 becomes U+FFFD.
#include <string>
#include <string_view>

namespace vedetta {

void append_json_string(std::string& out, std::string_view s);

}  // namespace vedetta
