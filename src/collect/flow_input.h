#pragma once
// One source of collected flows for `vedetta server`: ZeroMQ endpoints
// (collect/zmq_input.h) or a NetFlow/IPFIX UDP socket (collect/netflow_input.h).
// The server waits on every input with zmq_poll, then lets the ready ones
// read what they have, without blocking, into a RecordHandler.
#include <zmq.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wire/flow_record.h"

namespace vedetta::collect {

// Where a record came from: the sending probe/exporter as the input knows it.
struct FlowOrigin {
  std::string source;      // "tcp://h1:5556" endpoint, or "10.0.0.1:2055" exporter address
  uint32_t source_id = 0;  // ZeroMQ header source id, NetFlow source id / IPFIX domain
};

class RecordHandler {
 public:
  virtual ~RecordHandler() = default;
  virtual void flow(const FlowOrigin& origin, wire::FlowRecord&& record) = 0;
  // Probe statistics ("event" topic) and other non-flow JSON messages.
  virtual void message(const FlowOrigin& origin, std::string_view topic, std::string_view json) {}
};

// Counters of one input; all monotonic.
struct InputStats {
  uint64_t messages = 0;           // well-formed messages/datagrams received
  uint64_t flows = 0;              // flow records handed to the handler
  uint64_t lost_messages = 0;      // ZeroMQ msg_id gaps / NetFlow sequence gaps
  uint64_t source_restarts = 0;    // a msg_id/sequence going back: the sender restarted
  uint64_t bad_messages = 0;       // refused: garbage, wrong header size, truncated...
  uint64_t kernel_drops = 0;       // UDP datagrams the kernel dropped (socket buffer full)
  uint64_t unknown_templates = 0;  // NetFlow/IPFIX data sets before their template
  // A local probe inside the server (collect/local_probe_input.h):
  uint64_t capture_kernel_drops = 0;     // packets the kernel dropped (buffer full)
  uint64_t capture_interface_drops = 0;  // packets the interface dropped
  uint64_t live_queue_full = 0;          // records lost: the queue to the collector was full
  uint64_t probe_flows_evicted = 0;      // flows the probe's table pushed out (--max-flows)
};

class FlowInput {
 public:
  virtual ~FlowInput() = default;
  virtual std::string name() const = 0;  // as given to -i
  // What feeds it: "zmq", "netflow", "capture" (a live interface), "file" (a capture file).
  virtual std::string kind() const = 0;
  // Capabilities it still needs once the server has dropped root.
  virtual std::vector<int> capabilities_needed() const { return {}; }
  // What to wait on (ZeroMQ sockets or plain fds), appended to `items`.
  virtual void poll_items(std::vector<zmq_pollitem_t>& items) = 0;
  // Reads everything ready now (never blocks) and hands it to `handler`.
  virtual void read_ready(RecordHandler& handler) = 0;
  virtual InputStats stats() const = 0;
  // The server stops: stop producing, keep what is left for a last read_ready().
  virtual void finish() {}
  // Per-source detail for the report (losses per source id...), one line each.
  virtual std::vector<std::string> source_lines() const { return {}; }
};

}  // namespace vedetta::collect
