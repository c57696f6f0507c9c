#pragma once
// The exportable flow fields, named and numbered as ntop does (see
// docs/fields.md): IANA/NetFlow ids, ntop private ids (57472 + n), and
// vedetta's own from 61440 up. One table drives JSON keys, templates (-T)
// and the docs.
#include <cstdint>
#include <string_view>
#include <vector>

#include "export/flow_export.h"

namespace vedetta {

class FieldWriter {
 public:
  virtual ~FieldWriter() = default;
  virtual void number(uint64_t v) = 0;
  virtual void real(double v) = 0;
  virtual void text(std::string_view v) = 0;
  virtual void boolean(bool v) = 0;
  // A field with nothing to say (an IPv6 address of an IPv4 flow) writes
  // nothing at all and is left out.
};

struct FieldDef {
  std::string_view name;
  uint32_t id;
  std::string_view description;
  void (*write)(const FlowExport&, FieldWriter&);
};

const std::vector<FieldDef>& all_fields();
const FieldDef* find_field(std::string_view name);  // case-insensitive; null if unknown

}  // namespace vedetta
