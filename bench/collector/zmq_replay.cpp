// Sends pre-serialized ntop flow messages to a collector as fast as it takes
// them: the sender of bench/collector/ingest.sh. It connects to a collector
// that binds (vedetta server -i tcp://127.0.0.1:PORTc), waits for its
// subscription, then sends MESSAGES messages of FLOWS flows each, with
// blocking sends on an XPUB socket with ZMQ_XPUB_NODROP, so a slow
// collector slows the sender down instead of losing messages.
//
//   vedetta_bench_zmq_replay ENDPOINT json|tlv MESSAGES SOURCE_ID [FLOWS]
#include <zmq.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "wire/elements.h"
#include "wire/zmq_message.h"

using namespace vedetta::wire;

namespace {

uint32_t id(const char* name) { return find_element(std::string_view(name))->id; }

// A flow as a vedetta probe exports it: ~40 fields, processes at both ends.
FlowRecord probe_like(uint32_t n) {
  FlowRecord r;
  const std::string client = "10.1." + std::to_string((n >> 8) & 255) + "." + std::to_string(n & 255);
  r.add(id("FLOW_ID"), uint64_t{n});
  r.add(id("EXPORT_REASON"), std::string("idle"));
  r.add(id("IP_PROTOCOL_VERSION"), uint64_t{4});
  r.add(id("PROTOCOL"), uint64_t{6});
  r.add(id("IPV4_SRC_ADDR"), client);
  r.add(id("L4_SRC_PORT"), uint64_t{1024 + n % 60000});
  r.add(id("IPV4_DST_ADDR"), std::string("192.168.1.10"));
  r.add(id("L4_DST_PORT"), uint64_t{443});
  r.add(id("IN_PKTS"), uint64_t{12});
  r.add(id("IN_BYTES"), uint64_t{1800});
  r.add(id("OUT_PKTS"), uint64_t{20});
  r.add(id("OUT_BYTES"), uint64_t{24000});
  r.add(id("INITIATOR_PKTS"), uint64_t{12});
  r.add(id("INITIATOR_OCTETS"), uint64_t{1800});
  r.add(id("RESPONDER_PKTS"), uint64_t{20});
  r.add(id("RESPONDER_OCTETS"), uint64_t{24000});
  r.add(id("FLOW_START_MILLISECONDS"), uint64_t{1'700'000'000'000ULL + n});
  r.add(id("FLOW_END_MILLISECONDS"), uint64_t{1'700'000'000'900ULL + n});
  r.add(id("TCP_FLAGS"), uint64_t{27});
  r.add(id("L7_PROTO"), std::string("91.126"));
  r.add(id("L7_PROTO_NAME"), std::string("TLS.Google"));
  r.add(id("FLOW_SERVER_NAME"), std::string("www.google.com"));
  r.add(id("SRC_PROC_PID"), uint64_t{4000 + n % 100});
  r.add(id("SRC_PROC_NAME"), std::string("curl"));
  r.add(id("SRC_PROC_USER_NAME"), std::string("alice"));
  r.add(id("SRC_FATHER_PROC_PID"), uint64_t{3999});
  r.add(id("SRC_FATHER_PROC_NAME"), std::string("bash"));
  r.add(id("SRC_PROC_UID"), uint64_t{1000});
  r.add(id("SRC_PROC_CMDLINE"), std::string("curl -s https://www.google.com/"));
  r.add(id("SRC_PROC_ACTUAL_MEMORY"), uint64_t{8120});
  r.add(id("SRC_PROC_PEAK_MEMORY"), uint64_t{8200});
  r.add(id("SRC_PROC_AVERAGE_CPU_LOAD"), uint64_t{230});
  r.add(id("DST_PROC_PID"), uint64_t{900});
  r.add(id("DST_PROC_NAME"), std::string("nginx"));
  r.add(id("DST_PROC_USER_NAME"), std::string("www-data"));
  r.add(id("DST_PROC_UID"), uint64_t{33});
  r.add(id("DST_PROC_CMDLINE"), std::string("nginx: worker process"));
  r.add(id("FLOW_LOCAL_ENDS"), std::string("both"));
  return r;
}

bool send_frames(void* s, const std::vector<uint8_t>& h, const void* p, size_t n) {
  return zmq_send(s, h.data(), h.size(), ZMQ_SNDMORE) >= 0 && zmq_send(s, p, n, 0) >= 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s ENDPOINT json|tlv MESSAGES SOURCE_ID [FLOWS]\n", argv[0]);
    return 2;
  }
  const std::string endpoint = argv[1];
  const bool tlv = std::strcmp(argv[2], "tlv") == 0;
  const long messages = std::atol(argv[3]);
  const uint32_t source_id = static_cast<uint32_t>(std::atol(argv[4]));
  const int flows = argc > 5 ? std::atoi(argv[5]) : 64;

  // 256 different payloads, serialized before the clock starts.
  std::vector<std::vector<uint8_t>> payloads;
  for (int m = 0; m < 256; ++m) {
    std::vector<FlowRecord> batch;
    for (int f = 0; f < flows; ++f) batch.push_back(probe_like(uint32_t(source_id * 1'000'000 + m * flows + f)));
    std::vector<uint8_t> bytes;
    if (tlv) {
      encode_tlv_flows(batch, bytes);
    } else {
      std::string text;
      encode_json_flows(batch, text);
      bytes.assign(text.begin(), text.end());
    }
    payloads.push_back(std::move(bytes));
  }

  void* ctx = zmq_ctx_new();
  void* s = zmq_socket(ctx, ZMQ_XPUB);
  int one = 1, hwm = 1000;
  zmq_setsockopt(s, ZMQ_XPUB_NODROP, &one, sizeof one);
  zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm);
  if (zmq_connect(s, endpoint.c_str()) != 0) {
    std::fprintf(stderr, "connect %s: %s\n", endpoint.c_str(), zmq_strerror(zmq_errno()));
    return 1;
  }
  char sub[64];
  if (zmq_recv(s, sub, sizeof sub, 0) < 0) return 1;  // the collector's subscription

  ZmqHeader h;
  h.topic = "flow";
  h.layout = HeaderLayout::kV3;
  h.format = tlv ? PayloadFormat::kTlv : PayloadFormat::kJson;
  h.source_id = source_id;
  h.has_msg_id = true;
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < messages; ++i) {
    const auto& p = payloads[i % payloads.size()];
    h.msg_id = static_cast<uint32_t>(i);
    h.size = h.uncompressed_size = static_cast<uint32_t>(p.size());
    if (!send_frames(s, encode_header(h), p.data(), p.size())) {
      std::fprintf(stderr, "send: %s\n", zmq_strerror(zmq_errno()));
      return 1;
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("sent %ld messages (%ld flows) in %.3f s: %.0f flows/s\n", messages,
              messages * flows, secs, messages * flows / secs);
  // Until the collector took every message: a slow one must not lose the tail
  // (a lost tail shows in no msg_id gap, so the run would look short, not lossy).
  int linger = -1;
  zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
  zmq_close(s);
  zmq_ctx_term(ctx);
  return 0;
}
