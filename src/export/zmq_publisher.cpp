#include "export/zmq_publisher.h"

#include <unistd.h>
#include <zmq.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "common/user_error.h"
#include "wire/zmq_endpoint.h"

namespace vedetta {
namespace {

// Messages (not frames) a collector's pipe may hold before sends report
// EAGAIN. A message is up to 64 flows (~100 KB of JSON), so this stays
// modest: the exporter's own queue, which is counted, does the buffering.
constexpr int kSendHighWaterMark = 256;
// ZMTP heartbeats drop a collector that vanished without closing (host
// down, cable cut): with XPUB_NODROP its full pipe would hold up the others.
constexpr int kHeartbeatIntervalMs = 5000;
constexpr int kHeartbeatTimeoutMs = 20000;

// A subscription prefix covers `topic` if the topic starts with it ("" = all).
bool covers(std::string_view prefix, std::string_view topic) {
  return topic.substr(0, prefix.size()) == prefix;
}

}  // namespace

uint32_t default_source_id() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  std::string key = std::string(host) + ":" + std::to_string(getpid());
  uint32_t h = 2166136261u;  // FNV-1a
  for (unsigned char c : key) h = (h ^ c) * 16777619u;
  return h ? h : 1;
}

ZmqPublisher::ZmqPublisher(const ZmqExportOptions& o)
    : source_id_(o.source_id ? o.source_id : default_source_id()), probe_mode_(o.probe_mode) {
  context_ = zmq_ctx_new();
  socket_ = zmq_socket(context_, ZMQ_XPUB);
  try {
    set_option(ZMQ_IPV6, 1, "ZMQ_IPV6");  // tcp://[::1]:5556; "*" binds both families
    set_option(ZMQ_XPUB_NODROP, 1, "ZMQ_XPUB_NODROP");
    // Every subscribe and unsubscribe (not only the first/last per topic):
    // the number of collectors, and a template for each new one.
    set_option(ZMQ_XPUB_VERBOSER, 1, "ZMQ_XPUB_VERBOSER");
    set_option(ZMQ_SNDHWM, kSendHighWaterMark, "ZMQ_SNDHWM");
    set_option(ZMQ_HEARTBEAT_IVL, kHeartbeatIntervalMs, "ZMQ_HEARTBEAT_IVL");
    set_option(ZMQ_HEARTBEAT_TIMEOUT, kHeartbeatTimeoutMs, "ZMQ_HEARTBEAT_TIMEOUT");
    set_option(ZMQ_TCP_KEEPALIVE, 1, "ZMQ_TCP_KEEPALIVE");
    set_option(ZMQ_RECONNECT_IVL_MAX, 5000, "ZMQ_RECONNECT_IVL_MAX");
    if (!o.curve_server_key.empty()) setup_curve(o.curve_server_key);
    int rc = o.probe_mode ? zmq_connect(socket_, o.endpoint.c_str())
                          : zmq_bind(socket_, o.endpoint.c_str());
    if (rc != 0)
      throw UserError(format("--zmq '%s': cannot %s: %s", o.endpoint.c_str(),
                             o.probe_mode ? "connect" : "bind", zmq_strerror(errno)));
  } catch (...) {
    close(0);
    throw;
  }
  endpoint_ = o.probe_mode ? o.endpoint : wire::bound_endpoint(socket_, o.endpoint);
}

ZmqPublisher::~ZmqPublisher() { close(0); }

void ZmqPublisher::set_option(int option, int value, const char* name) {
  if (zmq_setsockopt(socket_, option, &value, sizeof value) != 0)
    throw UserError(format("ZeroMQ: cannot set %s: %s", name, zmq_strerror(errno)));
}

// The probe is the CURVE client: the collector's public key, and a key
// pair of its own made for this run (the collector authenticates no one:
// CURVE here encrypts, as ntop uses it).
void ZmqPublisher::setup_curve(const std::string& server_key) {
  char public_key[41], secret_key[41];
  if (zmq_curve_keypair(public_key, secret_key) != 0)
    throw UserError(format("ZeroMQ CURVE unavailable: %s", zmq_strerror(errno)));
  if (zmq_setsockopt(socket_, ZMQ_CURVE_SERVERKEY, server_key.data(), server_key.size()) != 0 ||
      zmq_setsockopt(socket_, ZMQ_CURVE_PUBLICKEY, public_key, 40) != 0 ||
      zmq_setsockopt(socket_, ZMQ_CURVE_SECRETKEY, secret_key, 40) != 0)
    throw UserError(format("ZeroMQ CURVE keys refused: %s", zmq_strerror(errno)));
}

int ZmqPublisher::drain_subscriptions() {
  int new_template_subscribers = 0;
  char frame[256];
  for (;;) {
    int n = zmq_recv(socket_, frame, sizeof frame, ZMQ_DONTWAIT);
    if (n < 1) break;  // EAGAIN: nothing more (an empty frame says nothing)
    std::string_view topic(frame + 1, std::min<size_t>(n, sizeof frame) - 1);
    int delta = frame[0] == 1 ? 1 : frame[0] == 0 ? -1 : 0;
    if (covers(topic, "flow")) flow_subscribers_ = std::max(0, flow_subscribers_ + delta);
    if (delta > 0 && covers(topic, "template")) ++new_template_subscribers;
  }
  return new_template_subscribers;
}

bool ZmqPublisher::send(OutMessage& m) {
  if (!m.header_sent) {
    wire::ZmqHeader h;
    h.topic = m.topic;
    h.layout = wire::HeaderLayout::kV3;
    h.format = m.format;
    h.compressed = m.compressed;
    h.has_msg_id = true;
    h.msg_id = next_msg_id_;
    h.source_id = source_id_;
    h.size = static_cast<uint32_t>(m.payload.size());
    h.uncompressed_size = m.uncompressed_size;
    header_ = wire::encode_header(h);
    if (zmq_send(socket_, header_.data(), header_.size(), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
      return false;
    m.header_sent = true;
    ++next_msg_id_;  // frame 1 is out with this id: the message is underway
  }
  return zmq_send(socket_, m.payload.data(), m.payload.size(), ZMQ_DONTWAIT) >= 0;
}

void ZmqPublisher::close(int linger_ms) {
  if (socket_) {
    zmq_setsockopt(socket_, ZMQ_LINGER, &linger_ms, sizeof linger_ms);
    zmq_close(socket_);
    socket_ = nullptr;
  }
  if (context_) {
    zmq_ctx_term(context_);  // waits for the linger at most
    context_ = nullptr;
  }
}

}  // namespace vedetta
