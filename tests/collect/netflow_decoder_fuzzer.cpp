// libFuzzer target for the NetFlow v5/v9/IPFIX decoder (format in
// netflow_fuzz_input.h). Besides the sanitizers, it traps when a promise is
// broken: whatever records the decoder returns, the encoder turns them into
// NetFlow v9 and IPFIX packets that decode again without an error.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "netflow_fuzz_input.h"
#include "wire/netflow_decoder.h"
#include "wire/netflow_encoder.h"

namespace {

using namespace vedetta::wire;

[[noreturn]] void broken(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz invariant broken: %s: %s\n", what, detail.c_str());
  std::abort();
}

void reencode(const std::vector<FlowRecord>& records, NetflowProtocol protocol) {
  NetflowEncoder enc({protocol, 1, 1400, 3, 0});
  std::vector<std::vector<uint8_t>> packets;
  for (const FlowRecord& r : records) enc.add(r, 1'700'000'000'000, packets);
  enc.flush(1'700'000'000'000, packets);
  NetflowDecoder again;
  std::vector<FlowRecord> out;
  for (const auto& p : packets) {
    NetflowPacketInfo info;
    std::string error;
    if (p.size() > 65535) broken("encoder packet over 64 KiB", std::to_string(p.size()));
    if (!again.decode("re-encoded", p.data(), p.size(), out, info, error))
      broken("encoder output does not decode", error);
    if (info.unknown_template_sets) broken("encoder data before its template", "");
  }
  if (out.size() + enc.stats().records_dropped != records.size())
    broken("records lost between encoder and decoder", std::to_string(out.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using vedetta::fuzz::kDatagramHeader;
  NetflowDecoderLimits limits;
  limits.max_streams = 4;
  limits.max_templates_per_stream = 64;
  NetflowDecoder decoder(limits);
  std::vector<FlowRecord> records;
  size_t at = 0;
  while (size - at >= kDatagramHeader) {
    const char* exporter = data[at] & 1 ? "192.0.2.1:2055" : "[2001:db8::1]:4739";
    size_t len = size_t(data[at + 1]) << 8 | data[at + 2];
    at += kDatagramHeader;
    if (len > size - at) len = size - at;
    // A copy of exactly `len` bytes: ASan then sees any read past the datagram.
    std::vector<uint8_t> datagram(data + at, data + at + len);
    at += len;
    NetflowPacketInfo info;
    std::string error;
    if (!decoder.decode(exporter, datagram.data(), datagram.size(), records, info, error) &&
        error.empty())
      broken("refused without a reason", "");
  }
  reencode(records, NetflowProtocol::kV9);
  reencode(records, NetflowProtocol::kIpfix);
  return 0;
}
