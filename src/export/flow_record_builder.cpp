#include "export/flow_record_builder.h"

namespace vedetta {
namespace {

class RecordWriter : public FieldWriter {
 public:
  explicit RecordWriter(wire::FlowRecord& out) : out_(out) {}
  void field(uint32_t id) { id_ = id; }
  void number(uint64_t v) override { out_.add(id_, v); }
  void real(double v) override { out_.add(id_, v); }
  void text(std::string_view v) override { out_.add(id_, std::string(v)); }
  void boolean(bool v) override { out_.add(id_, v); }

 private:
  wire::FlowRecord& out_;
  uint32_t id_ = 0;
};

}  // namespace

void build_flow_record(const FlowExport& e, const std::vector<const FieldDef*>& fields,
                       wire::FlowRecord& out) {
  RecordWriter w(out);
  for (const FieldDef* f : fields) {
    w.field(f->id);
    f->write(e, w);
  }
}

}  // namespace vedetta
