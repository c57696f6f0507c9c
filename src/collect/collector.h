#pragma once
// `vedetta server` as a collector: inputs (ZeroMQ, NetFlow/IPFIX), one live
// model per input, and what the merged flows go to: JSON lines and/or a
// ZeroMQ re-export to a collector above (hierarchies). One thread: zmq_poll
// over every input, then expiry of finished flows.
#include <atomic>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "collect/collector_observer.h"
#include "collect/flow_model.h"
#include "collect/input_factory.h"
#include "export/zmq_exporter.h"

namespace vedetta::collect {

struct CollectorOptions {
  std::vector<std::string> inputs;  // one interface each (see input_factory.h)
  InputOptions input;
  FlowModelOptions model;
  std::string json_path;                       // "" = none, "-" = stdout
  std::optional<ZmqExportOptions> zmq_export;  // re-export upward
  double stats_interval_s = 5;                 // 0 = no periodic line
  double duration_s = 0;                       // 0 = until stopped
  CollectorObserver* observer = nullptr;       // the console's live model (none = no console)
  // The server's data directory: what must survive a restart of the server
  // (the ZeroMQ senders' msg_ids, so that losses across it are counted).
  // "" = nothing kept.
  std::string data_dir;
  // Also called with each merged flow (the history writer); may be empty.
  std::function<void(const wire::FlowRecord&)> on_merged_flow;
};

class Collector {
 public:
  explicit Collector(CollectorOptions options);  // opens everything; throws UserError
  ~Collector();
  void run();
  void stop() { stop_requested_ = true; }
  std::string report() const;  // multi-line, for stderr at exit
  std::string stats_line() const;
  // Capabilities the inputs still need after the privilege drop (a local probe's).
  std::vector<int> capabilities_needed() const;

 private:
  struct Interface {
    std::unique_ptr<FlowInput> input;
    std::unique_ptr<FlowModel> model;
  };
  void output(const CollectedFlow& flow, size_t interface);
  void tick_observer();

  CollectorOptions options_;
  std::vector<Interface> interfaces_;
  FILE* json_ = nullptr;
  bool owns_json_ = false;
  std::string line_;
  std::unique_ptr<ZmqExporter> exporter_;
  std::atomic<bool> stop_requested_{false};
};

}  // namespace vedetta::collect
