#pragma once
// Agent mode (`vedetta probe --events-only`, nProbe's agent mode): flows
// from socket system calls alone, no packet capture. The eBPF capture's
// events go to SocketCallPackets (packets) and, when given, to process
// attribution (one capture for both).
#include <cstdint>
#include <memory>

#include "attribution/flow_attribution.h"
#include "capture/packet_source.h"
#include "ebpf/syscall_capture.h"
#include "probe/socket_call_packets.h"

namespace vedetta {

struct AgentStats : SocketCallStats {
  SyscallCaptureIoUring io_uring;   // I/O that passes no syscall tracepoint
  uint64_t other_fds = 0;           // calls on files, pipes, unix sockets: left in the kernel
  SyscallCaptureDrops drops;
};

class AgentSource {
 public:
  static constexpr const char* kInputName = "syscalls";
  // Loads the BPF programs; throws UserError (root, BPF) with the reason.
  explicit AgentSource(uint32_t snaplen);
  ~AgentSource();

  enum class Next { kPacket, kIdle };
  // The next packet (valid until the next call); kIdle after ~50 ms without.
  Next next(RawPacket& out);
  // At the end: every event still in the reorder window, as packets.
  bool next_remaining(RawPacket& out);
  AgentStats stats() const;
  // Attribution reads the same events (one BPF capture for both).
  void feed(FlowAttribution* attribution) { attribution_ = attribution; }

 private:
  std::unique_ptr<SyscallCapture> capture_;
  FlowAttribution* attribution_ = nullptr;
  SocketCallPackets packets_;
};

}  // namespace vedetta
