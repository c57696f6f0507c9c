#pragma once
// A flow at the moment it is exported, as the sinks see it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "attribution/process_info.h"
#include "attribution/process_resources.h"
#include "flow/flow.h"

namespace vedetta {

class NdpiEngine;

struct FlowExport {
  const Flow& flow;
  ExportReason reason;
  const NdpiEngine* dpi = nullptr;  // for protocol names; null with --no-dpi
  const char* interface_name = "";  // capture source the flow was seen on
  unsigned interface_index = 0;     // its ifindex (0 for files and "any")
  // The processes at the client and server ends (null: not local, or not
  // known: attribution off).
  ProcessRef client_process, server_process;
  // What each used while the flow was active (see attribution/process_resources.h).
  std::optional<FlowResources> client_resources, server_resources;
  // Other processes that used the same socket at each end (forked children...).
  std::vector<uint32_t> client_others, server_others;
  // Attribution ran for this flow: a missing process then means a remote end.
  bool attribution_on = false;

  // Deltas since the flow's previous export (what IN_/OUT_ counters carry).
  uint64_t delta_in_packets() const { return flow.c2s.packets - flow.exported_c2s().packets; }
  uint64_t delta_in_bytes() const { return flow.c2s.ip_bytes - flow.exported_c2s().ip_bytes; }
  uint64_t delta_out_packets() const { return flow.s2c.packets - flow.exported_s2c().packets; }
  uint64_t delta_out_bytes() const { return flow.s2c.ip_bytes - flow.exported_s2c().ip_bytes; }
};

class FlowSink {
 public:
  virtual ~FlowSink() = default;
  virtual void write(const FlowExport& e) = 0;
  virtual void flush() {}
  // Called from the packet loop at least once a second (periodic work
  // without a thread of one's own).
  virtual void tick() {}
  // Sinks with a send queue: flows it dropped (drops.export_queue_full);
  // -1 for sinks without one.
  virtual int64_t export_queue_full() const { return -1; }
  // Lines for the exit report ("" = nothing to say).
  virtual std::string report() const { return {}; }
};

}  // namespace vedetta
