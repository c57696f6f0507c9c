#pragma once
// Reads the flow lines of an ndpiReader result file (`-v 2` output), e.g.
//   1  TCP 1.2.3.4:80 <-> [::1]:443 [VLAN: 5][proto: GTP:91.126/TLS.Google]...
//      [2 pkts/140 bytes <-> 2 pkts/227 bytes]...[Hostname/SNI: x.y]...
#include <cstdint>
#include <string>
#include <vector>

namespace vedetta::conformance {

struct ExpectedFlow {
  int line = 0;
  uint8_t l4_proto = 0;
  std::string src_addr, dst_addr;  // as printed (IPv6 without brackets)
  uint16_t src_port = 0, dst_port = 0;
  uint16_t vlan = 0;
  std::string tunnel;     // "", "GTP", "CAPWAP", "TZSP"
  std::string proto_id;   // "91.126", "7", "0"
  std::string proto_name; // "TLS.Google"
  uint64_t src_packets = 0, src_bytes = 0, dst_packets = 0, dst_bytes = 0;
  bool has_host = false;
  std::string host;
};

// Returns false with `error` set when the file cannot be read.
bool read_result_file(const std::string& path, std::vector<ExpectedFlow>& flows, std::string& error);

}  // namespace vedetta::conformance
