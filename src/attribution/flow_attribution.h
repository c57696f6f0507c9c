#pragma once
// Joins flows and processes: the eBPF socket and process events (or, without
// BPF, a scan of the sockets every second) feed a ProcessTable and a
// SocketMap; a flow leaving the table asks for the process at its client
// end and at its server end. A flow has a local end only if some local
// socket carries it, so no match = a remote flow.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "attribution/host_addresses.h"
#include "attribution/interface_namespaces.h"
#include "attribution/process_table.h"
#include "attribution/resource_sampler.h"
#include "attribution/socket_map.h"
#include "attribution/socket_scan.h"
#include "ebpf/event_clock.h"
#include "ebpf/syscall_capture.h"
#include "flow/flow.h"

namespace vedetta {

struct FlowProcesses {
  ProcessRef client, server;
  // Other processes that used the same socket (a forked child, a parent).
  std::vector<uint32_t> client_others, server_others;
  // What each used while the flow was active (nullopt: no process, or
  // never sampled).
  std::optional<FlowResources> client_resources, server_resources;
};

struct AttributionStats {
  uint64_t flows = 0;             // flows asked about
  uint64_t flows_attributed = 0;  // with at least one end known
  uint64_t bytes = 0, bytes_attributed = 0;
  // Flows with an address of this host at one end (loopback included): the
  // ones that should have a process.
  uint64_t local_flows = 0, local_flows_attributed = 0;
  uint64_t local_bytes = 0, local_bytes_attributed = 0;
  SyscallCaptureDrops drops;
  uint64_t socket_events = 0;     // eBPF socket events received
  uint64_t socket_events_applied = 0;  // of which changed the socket map (IP sockets, exits
                                       // of successful calls, close entries)
  uint64_t process_events = 0;    // eBPF fork/exec/exit events received
  uint64_t scans = 0;             // socket scans (1 with eBPF: the seeding at start)
  // Flow ends looked up in the one namespace their capture interface gives
  // (the others: in every namespace the scope allows).
  uint64_t ends_by_interface = 0;
  // eBPF: events the kernel side kept to itself (lean mode): a process's
  // repeated send/receive on a socket and peer; enter events and closes of
  // files and pipes.
  uint64_t left_in_kernel_io = 0, left_in_kernel_other = 0;
};

class FlowAttribution {
 public:
  enum class Source {
    kEbpf,  // kernel events, seeded at start from the sockets that exist
    kPoll,  // socket scans only: misses what lives less than a second
    kFed,   // kernel events handed in by the caller (agent mode's own capture)
  };
  // With kEbpf, loads and attaches the BPF programs: throws UserError with
  // the reason when BPF or root is missing. Either way the processes and
  // sockets that exist now are read before this returns.
  // `delayacct`: whether I/O wait can be measured (see DelayAccounting).
  // Which network namespaces' sockets name a flow's processes: all of the
  // machine's (a probe on the host sees its containers' veth traffic), or
  // only the probe's own (a probe inside one host of several sharing a kernel).
  enum class NamespaceScope { kAll, kOwn };
  explicit FlowAttribution(Source source = Source::kEbpf, DelayAccounting delayacct = {},
                           NamespaceScope scope = NamespaceScope::kAll);
  NamespaceScope scope() const { return scope_; }
  uint32_t own_namespace() const { return own_netns_; }

  // Takes the events waiting in the ring buffers (never blocks); when
  // polling, scans the sockets if the last scan is a second old.
  void drain();
  // kFed: the caller's events, as they come (process exits are applied at
  // the next drain()).
  void on_syscall_event(const vedetta_syscall_event& e);
  void on_process_event(const vedetta_process_event& p);
  // `ifindex`: the interface that captured the flow (0 = not known). With
  // scope kAll, each end is then looked up among the sockets of the
  // namespace that owns its address, of those the interface's packets
  // belong to (its own, its veth peer's, its bridge ports' peers');
  // otherwise, or when none owns it, in every namespace, the own first.
  FlowProcesses lookup(const Flow& flow, uint32_t ifindex = 0);
  AttributionStats stats() const;
  // The process as the table knows it now (null if it does not).
  ProcessRef current_process(uint32_t pid) const { return processes_.find(pid); }
  Source source() const { return source_; }
  // Namespaces whose sockets or addresses could not be read, each said once.
  std::vector<std::string> take_warnings();

 private:
  void scan(uint64_t now_ns);
  uint32_t end_namespace(uint32_t ifindex, const IpAddress& address);
  void read_interfaces(uint64_t now_ns);
  void sample_resources();
  std::optional<FlowResources> resources(const ProcessRef& p, const Flow& flow);

  Source source_;
  std::unique_ptr<SyscallCapture> capture_;
  ProcessTable processes_;
  SocketMap sockets_{processes_};
  SocketScanner scanner_;
  AttributionStats stats_;
  uint64_t last_expire_ns_ = 0;
  HostAddresses host_addresses_;  // this host's addresses, for the local-flow statistic
  // Epoch minus boot clock (packets carry epoch times, events boot-clock ones).
  int64_t epoch_offset_ns_ = event_clock_to_epoch_offset_ns();
  uint64_t last_scan_ns_ = 0;
  NamespaceScope scope_ = NamespaceScope::kAll;
  uint32_t own_netns_ = 0;
  // Scope kAll: capture interface → the namespaces behind it, read again
  // when the kernel announces a change.
  InterfaceNamespaces interfaces_;
  std::unique_ptr<RouteChanges> interface_changes_;
  bool interfaces_changed_ = false;
  uint64_t interfaces_read_ns_ = 0;
  uint64_t changes_checked_ns_ = 0;
  ResourceSampler resources_;
  uint64_t last_sample_us_ = 0;
  std::vector<ExitTotals> exits_;      // applied after the socket events of the same drain
  std::vector<uint32_t> exit_pids_;
  std::vector<uint32_t> owners_;       // scratch
};

}  // namespace vedetta
