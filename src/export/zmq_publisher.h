#pragma once
// The socket side of the ZeroMQ exporter, used only by its sending thread:
// an XPUB socket (a PUB that reports a full queue instead of dropping, and
// tells who subscribes), the msg_id sequence, and sends that never wait.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "export/zmq_exporter.h"

namespace vedetta {

// A message ready to go: its payload already encoded (and compressed).
struct OutMessage {
  std::string topic;  // "flow", "event", "template"
  wire::PayloadFormat format = wire::PayloadFormat::kJson;
  bool compressed = false;
  uint32_t uncompressed_size = 0;
  std::vector<uint8_t> payload;
  size_t flows = 0;          // flow records inside (for the drop count)
  bool header_sent = false;  // frame 1 is out, frame 2 still to send
};

class ZmqPublisher {
 public:
  // Creates the socket, binds (or connects in probe mode); throws UserError.
  explicit ZmqPublisher(const ZmqExportOptions& options);
  ~ZmqPublisher();
  ZmqPublisher(const ZmqPublisher&) = delete;
  ZmqPublisher& operator=(const ZmqPublisher&) = delete;

  const std::string& endpoint() const { return endpoint_; }
  uint32_t source_id() const { return source_id_; }

  // Reads the subscription frames XPUB queued (it must be read, or they
  // pile up). Returns how many new subscribers want the "template" topic.
  int drain_subscriptions();
  // Connected (probe mode), one collector: ZeroMQ keeps its pipe, and the
  // subscriptions it repeats on each reconnection, while it is away.
  int flow_subscribers() const {
    return probe_mode_ ? std::min(flow_subscribers_, 1) : flow_subscribers_;
  }

  // Sends without waiting; false when the socket's queue is full (retry
  // the same message later: a half-sent message is finished first).
  bool send(OutMessage& m);
  // Messages dropped before the socket: their ids are skipped so that the
  // collector counts them as lost.
  void skip_ids(uint64_t n) { next_msg_id_ += static_cast<uint32_t>(n); }
  // Closes now, leaving queued frames `linger_ms` to leave.
  void close(int linger_ms);

 private:
  void set_option(int option, int value, const char* name);
  void setup_curve(const std::string& server_key);

  void* context_ = nullptr;
  void* socket_ = nullptr;
  std::string endpoint_;
  uint32_t source_id_ = 0;
  uint32_t next_msg_id_ = 1;  // 0 means "no id" to ntopng
  int flow_subscribers_ = 0;
  bool probe_mode_ = false;
  std::vector<uint8_t> header_;
};

// Default header source id: the host name and the pid hashed, so that two
// probes on one host (namespaces share the host name) differ; never 0.
uint32_t default_source_id();

}  // namespace vedetta
