#include "export/flow_template.h"

#include <cctype>

#include "common/user_error.h"

namespace vedetta {

std::vector<const FieldDef*> parse_template(const std::string& text) {
  std::vector<const FieldDef*> out;
  size_t i = 0;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i])) || text[i] == ',') {
      ++i;
      continue;
    }
    size_t start = i;
    if (text[i] == '@') {  // nProbe's macros
      size_t end = text.find('@', i + 1);
      std::string macro = text.substr(i, end == std::string::npos ? std::string::npos : end - i + 1);
      if (macro != "@PROCESS@")
        throw UserError(format("template column %zu: unknown macro %s (known: @PROCESS@)",
                               start + 1, macro.c_str()));
      for (const auto& f : all_fields())
        if (f.name.find("_PROC_") != std::string_view::npos ||
            f.name.find("_FATHER_PROC_") != std::string_view::npos)
          out.push_back(&f);
      i = end + 1;
      continue;
    }
    if (text[i] != '%')
      throw UserError(format("template column %zu: expected '%%FIELD', found '%c' (fields start "
                             "with %%, e.g. -T \"%%IPV4_SRC_ADDR %%L4_SRC_PORT\")",
                             start + 1, text[i]));
    ++i;
    size_t name_start = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_'))
      ++i;
    std::string name = text.substr(name_start, i - name_start);
    const FieldDef* f = find_field(name);
    if (!f)
      throw UserError(format("template column %zu: unknown field '%%%s' (see 'vedetta probe "
                             "--list-fields')",
                             start + 1, name.c_str()));
    out.push_back(f);
  }
  if (out.empty()) throw UserError("empty template: give at least one %FIELD");
  return out;
}

}  // namespace vedetta
