// libFuzzer target: decode_json_flows on arbitrary text; what it accepts
// must survive encode_json_flows → decode_json_flows unchanged.
#include <cstdio>
#include <cstdlib>

#include "fuzz_roundtrip.h"
#include "wire/zmq_message.h"

using namespace vedetta::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<FlowRecord> flows;
  std::string error;
  if (!decode_json_flows(std::string_view(reinterpret_cast<const char*>(data), size), flows, error)) {
    if (error.empty() || !flows.empty()) std::abort();  // refusals must say why, and add nothing
    return 0;
  }
  testing::check_round_trip(flows, [](const std::vector<FlowRecord>& in) {
    std::string text;
    encode_json_flows(in, text);
    std::vector<FlowRecord> out;
    std::string why;
    if (!decode_json_flows(text, out, why)) {
      std::fprintf(stderr, "our own JSON was refused: %s\n%s\n", why.c_str(), text.c_str());
      std::abort();
    }
    return out;
  });
  return 0;
}
