#pragma once
// Sends flow records to ZeroMQ collectors in ntop's format. The caller
// (probe or collector re-export) only enqueues: a bounded queue and a
// sending thread keep a slow or absent collector from ever blocking packet
// processing; what does not fit is counted (drops.export_queue_full).
// Messages wait in the queue while no collector subscribes or the socket
// is full (XPUB + ZMQ_XPUB_NODROP); a dropped message's msg_id is skipped,
// so collectors count it as lost too. Also "template" messages (to each new
// subscriber, and periodically) and "event" messages (set_event_source).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "wire/flow_record.h"
#include "wire/zmq_message.h"

namespace vedetta {

// One entry of the "template" message: the fields the flows carry.
struct ZmqTemplateField {
  uint32_t id = 0;    // element id (wire/flow_record.h numbering)
  std::string name;   // "IPV4_SRC_ADDR"
  std::string descr;  // one line for people
};

struct ZmqExportOptions {
  std::string endpoint;     // "tcp://*:5556" (bind) or "tcp://collector:5556" (connect)
  bool probe_mode = false;  // connect to a collector that binds (nProbe --zmq-probe-mode)
  wire::PayloadFormat format = wire::PayloadFormat::kJson;
  bool compress = false;            // zlib payloads
  uint32_t source_id = 0;           // header source id (0: derived from the host and pid)
  size_t flows_per_message = 64;    // batch size; a batch also goes out after 1 s
  size_t queue_messages = 4096;     // bound of the send queue, in messages...
  size_t queue_bytes = 64u << 20;   // ...and in encoded payload bytes
  double event_interval_s = 5;      // "event" messages with the statistics
  double template_interval_s = 60;  // "template" also goes to every new subscriber
  double close_wait_s = 2;          // flush()/destructor: longest wait for the queue to go
  // Capture files: a full queue makes add() wait (at most close_wait_s;
  // after such a timeout it drops until a send succeeds) instead of
  // dropping at once: a replay only slows down. Never for live capture.
  bool wait_when_full = false;
  std::string curve_server_key;  // Z85 public key of the collector ("" = no CURVE)
  // The "template" message; empty: the elements seen in the flows so far.
  std::vector<ZmqTemplateField> template_fields;
};

struct ZmqExportStats {
  uint64_t messages_sent = 0;
  uint64_t flows_sent = 0;
  uint64_t export_queue_full = 0;  // flows dropped: queue full, or unsent at close
  uint64_t messages_dropped = 0;   // the messages they made (their msg_ids are skipped)
  uint64_t subscribers = 0;        // collectors subscribed to flows now
};

class ZmqExporter {
 public:
  explicit ZmqExporter(ZmqExportOptions options);  // throws UserError (bad endpoint...)
  ~ZmqExporter();                                  // sends what is queued (bounded wait)
  void add(wire::FlowRecord&& flow);               // never blocks (see wait_when_full)
  // Statistics for the periodic "event" message (JSON object text). Called
  // from the thread calling add()/tick() (never from the sending thread),
  // so it may read that thread's counters without locks.
  void set_event_source(std::function<std::string()> make_event_json);
  // Builds the event message when one is due; call it at least once a
  // second from the adding thread when flows are rare (add() also does).
  void tick();
  // Sends the partial batch and waits (at most close_wait_s) until the
  // queue is empty; what remains is counted in export_queue_full.
  void flush();
  ZmqExportStats stats() const;  // thread-safe
  // The endpoint bound or connected, the port resolved ("tcp://*:*" binds a free one).
  const std::string& endpoint() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vedetta
