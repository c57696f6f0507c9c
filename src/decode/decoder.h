#pragma once
// Packet → DecodedPacket. Strips link, VLAN/MPLS/PPPoE, IP (with IP-in-IP),
// tunnels and the transport header. Every read is bounds-checked; anything
// odd is counted as a named anomaly and the packet is skipped, never thrown.
#include <cstdint>

#include "decode/anomalies.h"
#include "decode/decoded_packet.h"

namespace vedetta {

struct DecoderOptions {
  bool decode_tunnels = true;  // GTP-U, TZSP, CAPWAP (ndpiReader -t)
  // Skip IP packets the snap length cut short instead of counting them with
  // the length their headers state (what ndpiReader does).
  bool discard_truncated = false;
};

class Decoder {
 public:
  Decoder(int datalink, DecoderOptions options = {}) : datalink_(datalink), options_(options) {}

  // Returns true when the packet belongs to a flow and `out` is filled.
  bool decode(const uint8_t* frame, uint32_t caplen, uint32_t wire_len, uint64_t ts_us,
              DecodedPacket& out);

  const AnomalyCounters& anomalies() const { return anomalies_; }
  AnomalyCounters& anomalies() { return anomalies_; }
  int datalink() const { return datalink_; }
  static bool supports_datalink(int datalink);

 private:
  int datalink_;
  DecoderOptions options_;
  AnomalyCounters anomalies_;
};

}  // namespace vedetta
