// libFuzzer target: decode_tlv_flows on arbitrary bytes; what it accepts
// must survive encode_tlv_flows → decode_tlv_flows unchanged.
#include <cstdio>
#include <cstdlib>

#include "fuzz_roundtrip.h"
#include "wire/zmq_message.h"

using namespace vedetta::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<FlowRecord> flows;
  std::string error;
  if (!decode_tlv_flows(std::span(data, size), flows, error)) {
    if (error.empty() || !flows.empty()) std::abort();  // refusals must say why, and add nothing
    return 0;
  }
  testing::check_round_trip(flows, [](const std::vector<FlowRecord>& in) {
    std::vector<uint8_t> bytes;
    encode_tlv_flows(in, bytes);
    std::vector<FlowRecord> out;
    std::string why;
    if (!decode_tlv_flows(bytes, out, why)) {
      std::fprintf(stderr, "our own TLV was refused: %s\n", why.c_str());
      std::abort();
    }
    return out;
  });
  return 0;
}
