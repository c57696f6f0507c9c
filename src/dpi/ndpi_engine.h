#pragma once
// Application detection with nDPI 4.2, fed the way its own ndpiReader feeds
// it: the IP packet, its captured length and a millisecond clock; detection
// stops when a protocol is found and nDPI wants no more packets, or after
// max_tcp/udp_packets, and an undetected flow gets nDPI's give-up guess.
#include <cstdint>
#include <string>

#include "decode/decoded_packet.h"
#include "flow/flow.h"

struct ndpi_detection_module_struct;

namespace vedetta {

struct DpiOptions {
  bool enabled = true;
  std::string protos_file;      // custom protocols (ndpiReader -p)
  std::string categories_file;  // custom categories (ndpiReader -c)
  uint32_t max_tcp_packets = 80;  // ndpiReader -T
  uint32_t max_udp_packets = 24;  // ndpiReader -U
  bool guess_on_giveup = true;  // ndpiReader's default; -d turns it off
};

struct DpiStats {
  uint64_t packets_inspected = 0;
  uint64_t flows_detected = 0;   // application found by inspection
  uint64_t flows_guessed = 0;    // not found: given up (guessed by port/IP, or unknown)
};

class NdpiEngine {
 public:
  explicit NdpiEngine(const DpiOptions& options);  // throws UserError on bad files
  ~NdpiEngine();
  NdpiEngine(const NdpiEngine&) = delete;
  NdpiEngine& operator=(const NdpiEngine&) = delete;

  // Feeds one packet of `flow` while detection is not complete.
  void on_packet(Flow& flow, const DecodedPacket& p);
  // Completes detection (give-up guess) and frees nDPI's per-flow state.
  // Called when the flow leaves the table.
  void finish(Flow& flow);

  std::string protocol_name(const DpiResult& r) const;  // "TLS.Google", "DNS", "Unknown"
  std::string protocol_id(const DpiResult& r) const;    // "91.126", "5", "0"
  std::string app_name(uint16_t id) const;
  std::string category_name(uint16_t id) const;
  static const char* confidence_name(uint8_t c);
  const DpiStats& stats() const { return stats_; }
  bool enabled() const { return options_.enabled; }
  // Bytes nDPI allocates per flow under inspection.
  static size_t flow_state_bytes();

 private:
  void collect(Flow& flow);
  void complete(Flow& flow, bool give_up);

  DpiOptions options_;
  ndpi_detection_module_struct* ndpi_ = nullptr;
  uint64_t last_ms_ = 0;  // nDPI needs a clock that never goes back
  DpiStats stats_;
};

}  // namespace vedetta
