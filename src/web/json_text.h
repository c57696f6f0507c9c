#pragma once
// JSON text as the console writes it: strings from outside (process names,
// command lines) may hold invalid UTF-8, which nlohmann refuses to dump by
// default; it is replaced by U+FFFD instead.
#include <string>

#include <nlohmann/json.hpp>

namespace vedetta::web {

inline std::string dump_json(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace vedetta::web
