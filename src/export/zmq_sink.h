#pragma once
// --zmq: every exported flow as a flow record (the -T template's fields, or
// all) handed to a ZeroMQ exporter. write() only builds the record and
// enqueues it: the packet loop never waits on the network.
#include <memory>
#include <string>
#include <vector>

#include "export/fields.h"
#include "export/zmq_exporter.h"

namespace vedetta {

class ZmqSink : public FlowSink {
 public:
  // Binds or connects now (throws UserError); `fields` also make the template.
  ZmqSink(ZmqExportOptions options, std::vector<const FieldDef*> fields);
  void write(const FlowExport& e) override;
  void flush() override { exporter_->flush(); }
  void tick() override { exporter_->tick(); }
  int64_t export_queue_full() const override;
  std::string report() const override;

  ZmqExporter& exporter() { return *exporter_; }

 private:
  std::vector<const FieldDef*> fields_;
  std::unique_ptr<ZmqExporter> exporter_;
};

}  // namespace vedetta
