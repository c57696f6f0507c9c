#pragma once
// --json FILE|-: one JSON object per exported flow, keys = field names.
#include <cstdio>
#include <string>
#include <vector>

#include "export/fields.h"

namespace vedetta {

class JsonLinesSink : public FlowSink {
 public:
  // Opens `path` ("-" = stdout). Throws UserError if it cannot be written.
  JsonLinesSink(const std::string& path, std::vector<const FieldDef*> fields);
  ~JsonLinesSink() override;
  void write(const FlowExport& e) override;
  void flush() override;
  // Renders one flow (also used by tests).
  static void render(const FlowExport& e, const std::vector<const FieldDef*>& fields,
                     std::string& out);

 private:
  FILE* file_ = nullptr;
  bool owns_ = false;
  std::vector<const FieldDef*> fields_;
  std::vector<std::string> keys_;  // `"NAME":` of each field, rendered once
  std::string line_;
};

}  // namespace vedetta
