#pragma once
// A readable table on the terminal: one row per exported flow. With a
// template (-T) the columns are its fields; otherwise a summary row.
#include <cstdio>
#include <string>
#include <vector>

#include "export/fields.h"

namespace vedetta {

class TableSink : public FlowSink {
 public:
  TableSink(FILE* out, std::vector<const FieldDef*> template_fields);
  void write(const FlowExport& e) override;
  void flush() override { std::fflush(out_); }

 private:
  void header();
  FILE* out_;
  std::vector<const FieldDef*> fields_;
  uint64_t rows_ = 0;
};

// Renders one field as plain text ("" when absent).
std::string field_text(const FieldDef& f, const FlowExport& e);

}  // namespace vedetta
