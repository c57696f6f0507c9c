// How many flows per second the ZeroMQ payload decoders turn into flow
// records: whole messages (header + payload, through decode_message) of 64
// flows of ~30 fields each, shaped like the probe's exports, in every
// payload format, plain and zlib-compressed. One thread. Rates are given
// per second of wall time and per second of this thread's CPU time (the
// figure that holds on a machine shared with other work).
//
//   vedetta_bench_decode_rate [seconds per case, default 2] [only: TLV, JSON...]
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "sample_flows.h"
#include "wire/zmq_message.h"

using namespace vedetta::wire;
using Clock = std::chrono::steady_clock;

namespace {

double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

constexpr size_t kFlowsPerMessage = 64;
constexpr size_t kMessages = 64;  // distinct messages, cycled

struct Message {
  std::vector<uint8_t> frame1, frame2;
};

std::vector<Message> make_messages(PayloadFormat format, bool compressed, size_t& payload_bytes) {
  std::vector<Message> messages;
  payload_bytes = 0;
  for (size_t m = 0; m < kMessages; ++m) {
    auto flows = testing::sample_flows(kFlowsPerMessage, uint32_t(m * kFlowsPerMessage));
    std::vector<uint8_t> body;
    if (format == PayloadFormat::kTlv) {
      encode_tlv_flows(flows, body);
    } else {
      std::string text;
      encode_json_flows(flows, text);
      body.assign(text.begin(), text.end());
    }
    payload_bytes += body.size();
    ZmqHeader h;
    h.topic = "flow", h.format = format, h.compressed = compressed, h.msg_id = uint32_t(m + 1);
    Message msg;
    encode_payload(h, body, msg.frame2);
    msg.frame1 = encode_header(h);
    messages.push_back(std::move(msg));
  }
  payload_bytes /= kMessages;
  return messages;
}

const char* only = nullptr;  // run just the case of that name

void run(const char* name, PayloadFormat format, bool compressed, double seconds) {
  if (only && std::string(only) != name) return;
  size_t payload_bytes = 0;
  const auto messages = make_messages(format, compressed, payload_bytes);
  DecodedMessage decoded;
  std::string error;
  uint64_t flows = 0, rounds = 0;
  const auto start = Clock::now();
  const double cpu_start = thread_cpu_seconds();
  double elapsed = 0;
  do {
    for (const Message& m : messages) {
      if (!decode_message(m.frame1, m.frame2, decoded, error)) {
        std::fprintf(stderr, "decode failed: %s\n", error.c_str());
        std::exit(1);
      }
      flows += decoded.flows.size();
    }
    ++rounds;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  const double cpu = thread_cpu_seconds() - cpu_start;
  std::printf("%-12s %6zu B/message  %9.0f flows/s (wall)  %9.0f flows/s (CPU)  %6.1f MB/s of payload (CPU)\n",
              name, payload_bytes, flows / elapsed, flows / cpu,
              rounds * kMessages * payload_bytes / cpu / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  if (argc > 2) only = argv[2];
  std::printf("decode_message, %zu flows of %zu fields per message, one thread\n", kFlowsPerMessage,
              testing::sample_flow(0).fields.size());
  run("TLV", PayloadFormat::kTlv, false, seconds);
  run("TLV + zlib", PayloadFormat::kTlv, true, seconds);
  run("JSON", PayloadFormat::kJson, false, seconds);
  run("JSON + zlib", PayloadFormat::kJson, true, seconds);
}
