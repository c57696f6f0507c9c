#pragma once
// Sends flow records to ZeroMQ collectors in ntop's format. The caller
// (probe or collector re-export) only enqueues: a bounded queue and a
// sending thread keep a slow or absent collector from ever blocking packet
// processing; what does not fit is counted (drops.export_queue_full).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "wire/flow_record.h"
#include "wire/zmq_message.h"

namespace vedetta {

struct ZmqExportOptions {
  std::string endpoint;           // "tcp://*:5556" (bind) or "tcp://collector:5556" (connect)
  bool probe_mode = false;        // connect to a collector that binds (nProbe --zmq-probe-mode)
  wire::PayloadFormat format = wire::PayloadFormat::kJson;
  bool compress = false;          // zlib payloads
  uint32_t source_id = 0;         // header source id (0: derived from the host and pid)
  size_t flows_per_message = 64;  // batch size; a batch also goes out after 1 s
  size_t queue_messages = 4096;   // bound of the send queue, in messages
  double event_interval_s = 5;    // "event" messages with the statistics
  std::string curve_server_key;   // Z85 public key of the collector ("" = no CURVE)
};

struct ZmqExportStats {
  uint64_t messages_sent = 0;
  uint64_t flows_sent = 0;
  uint64_t export_queue_full = 0;  // flows dropped: queue full or the socket refused
};

class ZmqExporter {
 public:
  explicit ZmqExporter(ZmqExportOptions options);  // throws UserError (bad endpoint...)
  ~ZmqExporter();                                   // sends what is queued (bounded wait)
  void add(wire::FlowRecord&& flow);                // never blocks
  // Statistics for the periodic "event" message (JSON object text).
  void set_event_source(std::function<std::string()> make_event_json);
  ZmqExportStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vedetta
