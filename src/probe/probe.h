#pragma once
// `vedetta probe`: capture → decode → flow table → nDPI → export, on one
// thread. Inputs and outputs are opened by the constructor, so a caller can
// drop privileges before run().
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "attribution/flow_attribution.h"
#include "capture/capture_group.h"
#include "decode/decoder.h"
#include "dpi/ndpi_engine.h"
#include "export/flow_export.h"
#include "flow/flow_table.h"
#include "probe/agent_source.h"
#include "probe/process_activity.h"

namespace vedetta {

struct ProbeOptions {
  std::vector<std::string> inputs;  // files or interfaces (-i)
  CaptureOptions capture;
  DecoderOptions decode;
  FlowTableOptions flows;
  DpiOptions dpi;
  double stats_interval_s = 5;  // periodic line on stderr; 0 = off (-q)
  uint64_t max_packets = 0;     // stop after this many packets (0 = no limit)
  // Attribute flows to local processes (live inputs only). kOn: eBPF events,
  // an error when BPF cannot be loaded; kPoll: socket scans every second;
  // kAuto: eBPF where it works, else polling (with a warning), off for
  // capture files.
  enum class Attribution { kOff, kAuto, kOn, kPoll } attribution = Attribution::kOff;
  std::string processes_json;   // active processes file ("" = none)
  DelayAccounting delayacct;    // I/O wait of the processes: measurable or not
  double duration_s = 0;        // stop after this long (0 = no limit)
  // Whose sockets name a flow's processes: kOwn = the probe's network
  // namespace only, kAll = every namespace of the machine; kAuto = kOwn when
  // the probe runs in a namespace other than the initial one (one "host" of
  // several sharing this kernel, a container), else kAll.
  enum class NetnsScope { kAuto, kOwn, kAll } netns_scope = NetnsScope::kAuto;
  // Agent mode: no interface, flows from the socket system calls (eBPF).
  bool events_only = false;
  // Live inputs: export every flow with new packets this often (reason
  // active), whatever the lifetime timeout; 0 = off. For a live view.
  double active_export_s = 0;
};

struct ProbeCounters {
  uint64_t packets = 0;         // read from the inputs
  uint64_t bytes = 0;           // frame bytes read
  uint64_t flow_packets = 0;    // decoded into a flow
  uint64_t exported = 0;        // flow records written
};

class Probe {
 public:
  explicit Probe(ProbeOptions options);  // throws UserError
  ~Probe();

  void add_sink(std::unique_ptr<FlowSink> sink) { sinks_.push_back(std::move(sink)); }
  // Runs until the files end, stop() is called, or a limit is reached; then
  // exports every remaining flow (reason shutdown).
  void run();
  void stop() { stop_requested_ = true; }

  // The exit report (also the last stats line), multi-line, for stderr.
  std::string report() const;
  std::string stats_line(double elapsed_s) const;

  const ProbeCounters& counters() const { return counters_; }
  const FlowTable& flows() const { return *table_; }
  const NdpiEngine& dpi() const { return *dpi_; }
  const FlowAttribution* attribution() const { return attribution_.get(); }
  // Said once on stderr when attribution is weaker than asked: kAuto fell
  // back to polling (why), polling misses short-lived processes ("" = none).
  const std::string& attribution_warning() const { return attribution_warning_; }
  // Capabilities still needed once running as another user than root.
  std::vector<int> capabilities_needed() const;
  AnomalyCounters anomalies() const;
  // Agent mode: packets made from calls; kernel drops = events lost.
  CaptureStats capture_stats() const;
  // Flows the sinks' send queues dropped; -1 if no sink has a queue.
  int64_t export_queue_full() const;
  const ProbeOptions& options() const { return options_; }
  // Capture files, read as fast as the probe goes (nothing is lost by waiting).
  bool replaying_files() const { return !live(); }

 private:
  void on_export(Flow& f, ExportReason reason);
  void process(const RawPacket& raw, size_t source);
  CaptureGroup::Next next_packet(RawPacket& raw, size_t& source);
  bool live() const { return agent_ || !inputs_->files(); }
  std::string agent_report() const;
  std::string capture_report() const;
  void open_attribution();
  void open_agent();
  void open_inputs();
  void drain_attribution();
  // Throws at start (a directory --user cannot write to); later failures
  // are a warning on stderr.
  void write_processes(bool at_start);

  ProbeOptions options_;
  std::unique_ptr<CaptureGroup> inputs_;  // null in agent mode
  std::unique_ptr<AgentSource> agent_;
  std::vector<Decoder> decoders_;  // one per input (datalinks differ)
  std::unique_ptr<NdpiEngine> dpi_;
  std::unique_ptr<FlowTable> table_;
  std::unique_ptr<FlowAttribution> attribution_;
  std::string attribution_warning_;
  ProcessActivity activity_;
  double last_processes_write_ = 0;
  bool processes_write_failed_ = false;
  double last_drain_ = 0;
  double last_active_export_ = 0;
  std::vector<std::unique_ptr<FlowSink>> sinks_;
  ProbeCounters counters_;
  std::atomic<bool> stop_requested_{false};
  uint64_t last_expire_us_ = 0;
  uint64_t last_packet_us_ = 0;
  double started_ = 0;
};

}  // namespace vedetta
