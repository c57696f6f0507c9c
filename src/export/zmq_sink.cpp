#include "export/zmq_sink.h"

#include "common/user_error.h"
#include "export/flow_record_builder.h"

namespace vedetta {

ZmqSink::ZmqSink(ZmqExportOptions options, std::vector<const FieldDef*> fields)
    : fields_(std::move(fields)) {
  for (const FieldDef* f : fields_)
    options.template_fields.push_back({f->id, std::string(f->name), std::string(f->description)});
  exporter_ = std::make_unique<ZmqExporter>(std::move(options));
}

void ZmqSink::write(const FlowExport& e) {
  wire::FlowRecord record;
  record.fields.reserve(fields_.size());
  build_flow_record(e, fields_, record);
  exporter_->add(std::move(record));
}

int64_t ZmqSink::export_queue_full() const {
  return static_cast<int64_t>(exporter_->stats().export_queue_full);
}

std::string ZmqSink::report() const {
  ZmqExportStats s = exporter_->stats();
  return format(
      "zmq %s: %llu flows in %llu messages sent, %llu flows dropped "
      "(drops.export_queue_full: queue full, or no collector took them)\n",
      exporter_->endpoint().c_str(), (unsigned long long)s.flows_sent,
      (unsigned long long)s.messages_sent, (unsigned long long)s.export_queue_full);
}

}  // namespace vedetta
