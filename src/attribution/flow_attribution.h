#pragma once
// Joins flows and processes: the eBPF socket and process events feed a
// ProcessTable and a SocketMap; a flow leaving the table asks for the
// process at its client end and at its server end. A flow has a local end
// only if some local socket carries it, so no match = a remote flow.
#include <cstdint>
#include <memory>

#include "attribution/process_table.h"
#include "attribution/socket_map.h"
#include "ebpf/syscall_capture.h"
#include "flow/flow.h"

namespace vedetta {

struct FlowProcesses {
  ProcessRef client, server;
};

struct AttributionStats {
  uint64_t flows = 0;             // flows asked about
  uint64_t flows_attributed = 0;  // with at least one end known
  uint64_t bytes = 0, bytes_attributed = 0;
  SyscallCaptureDrops drops;
};

class FlowAttribution {
 public:
  // Loads and attaches the BPF programs: throws UserError with the reason
  // when BPF or root is missing.
  FlowAttribution();

  // Takes the events waiting in the ring buffers (never blocks).
  void drain();
  FlowProcesses lookup(const Flow& flow);
  AttributionStats stats() const;

 private:
  std::unique_ptr<SyscallCapture> capture_;
  ProcessTable processes_;
  SocketMap sockets_{processes_};
  AttributionStats stats_;
  uint64_t last_expire_ns_ = 0;
};

}  // namespace vedetta
