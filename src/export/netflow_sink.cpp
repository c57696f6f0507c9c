#include "export/netflow_sink.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "common/udp_address.h"
#include "common/user_error.h"
#include "export/flow_record_builder.h"

namespace vedetta {
namespace {

constexpr uint64_t kMaxWaitMs = 1000;  // a record waits this long at most for its packet to fill
constexpr int kSendBuffer = 4 << 20;

uint64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

const char* protocol_name(wire::NetflowProtocol p) {
  return p == wire::NetflowProtocol::kIpfix ? "ipfix" : "netflow";
}

std::vector<const FieldDef*> with_times(std::vector<const FieldDef*> fields) {
  if (fields.empty())
    for (const FieldDef& f : all_fields()) fields.push_back(&f);
  for (const char* name : {"FLOW_START_MILLISECONDS", "FLOW_END_MILLISECONDS"}) {
    const FieldDef* f = find_field(name);
    bool present = false;
    for (const FieldDef* g : fields) present |= g == f;
    if (f && !present) fields.push_back(f);
  }
  return fields;
}

}  // namespace

struct NetflowSink::Impl {
  NetflowSinkOptions options;
  std::vector<const FieldDef*> fields;
  int fd = -1;
  std::string destination_text;

  std::mutex mutex;  // encoder, stats, packets: the probe thread and the flusher
  wire::NetflowEncoder encoder;
  NetflowSinkStats stats;
  std::vector<std::vector<uint8_t>> packets;
  wire::FlowRecord record;

  std::condition_variable wake;
  bool stopping = false;
  std::thread flusher;

  Impl(NetflowSinkOptions o, std::vector<const FieldDef*> f)
      : options(std::move(o)),
        fields(with_times(std::move(f))),
        encoder(wire::NetflowEncoderOptions{options.protocol, options.source_id, 1400,
                                            options.template_every_packets,
                                            options.template_every_s}) {}

  void send_packets() {
    for (const auto& p : packets) {
      ssize_t n = ::send(fd, p.data(), p.size(), MSG_DONTWAIT);
      if (n == static_cast<ssize_t>(p.size())) {
        ++stats.packets_sent;
        stats.bytes_sent += p.size();
      } else {
        if (stats.first_error.empty()) stats.first_error = n < 0 ? strerror(errno) : "short send";
        ++stats.send_errors;
      }
    }
    packets.clear();
  }

  void flush_stale_packets() {
    std::unique_lock lock(mutex);
    while (!stopping) {
      wake.wait_for(lock, std::chrono::milliseconds(200));
      uint64_t since = encoder.pending_since_ms(), now = wall_ms();
      if (since && now >= since + kMaxWaitMs) {
        encoder.flush(now, packets);
        send_packets();
      }
    }
  }
};

NetflowSink::NetflowSink(NetflowSinkOptions options, std::vector<const FieldDef*> fields)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(fields))) {
  Impl& m = *impl_;
  const char* option = protocol_name(m.options.protocol);
  std::string host, port, error;
  if (!split_host_port(m.options.destination, host, port) || host.empty())
    throw UserError(format("--%s '%s': expected HOST:PORT (e.g. 127.0.0.1:2055, [::1]:4739)",
                           option, m.options.destination.c_str()));
  UdpAddress to;
  if (!resolve_udp(host, port, to, error))
    throw UserError(format("--%s '%s': %s", option, m.options.destination.c_str(), error.c_str()));
  m.destination_text = address_text(to.get());
  m.fd = ::socket(to.family(), SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  // connect(): the kernel then reports a closed collector port (ICMP) as a send error.
  if (m.fd < 0 || ::connect(m.fd, to.get(), to.length) != 0) {
    std::string why = strerror(errno);
    if (m.fd >= 0) ::close(m.fd);
    throw UserError(format("--%s '%s': cannot open a UDP socket to %s: %s", option,
                           m.options.destination.c_str(), m.destination_text.c_str(), why.c_str()));
  }
  int size = kSendBuffer;  // absorbs the burst of records at the end of a capture file
  setsockopt(m.fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
}

NetflowSink::~NetflowSink() {
  Impl& m = *impl_;
  {
    std::lock_guard lock(m.mutex);
    m.stopping = true;
  }
  m.wake.notify_all();
  if (m.flusher.joinable()) m.flusher.join();
  flush();
  ::close(m.fd);
}

void NetflowSink::write(const FlowExport& e) {
  Impl& m = *impl_;
  m.record.fields.clear();
  build_flow_record(e, m.fields, m.record);
  // Started by the first flow, not the constructor: after the probe has
  // dropped its privileges (capabilities are per thread).
  if (!m.flusher.joinable()) m.flusher = std::thread([&m] { m.flush_stale_packets(); });
  std::lock_guard lock(m.mutex);
  m.encoder.add(m.record, wall_ms(), m.packets);
  m.send_packets();
}

void NetflowSink::flush() {
  Impl& m = *impl_;
  std::lock_guard lock(m.mutex);
  m.encoder.flush(wall_ms(), m.packets);
  m.send_packets();
}

NetflowSinkStats NetflowSink::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

wire::NetflowEncoderStats NetflowSink::encoder_stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->encoder.stats();
}

std::string NetflowSink::report() const {
  NetflowSinkStats s = stats();
  wire::NetflowEncoderStats e = encoder_stats();
  bool ipfix = impl_->options.protocol == wire::NetflowProtocol::kIpfix;
  std::string line = format(
      "%s: %llu records, %llu packets (%llu bytes) sent to %s, %llu packets not sent (send "
      "errors), %llu templates (%llu template records)",
      ipfix ? "ipfix" : "netflow v9", (unsigned long long)e.records,
      (unsigned long long)s.packets_sent, (unsigned long long)s.bytes_sent,
      impl_->destination_text.c_str(), (unsigned long long)s.send_errors,
      (unsigned long long)e.templates, (unsigned long long)e.template_records);
  if (!s.first_error.empty()) line += " (first: " + s.first_error + ")";
  if (e.records_dropped)
    line += format(", %llu records too big to send", (unsigned long long)e.records_dropped);
  return line + "\n";
}

}  // namespace vedetta
