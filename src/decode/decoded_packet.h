#pragma once
// What the decoder tells the flow stage about one captured frame.
#include <cstdint>

#include "common/ip_address.h"

namespace vedetta {

enum class Tunnel : uint8_t { kNone, kGtp, kTzsp, kCapwap };
const char* tunnel_name(Tunnel t);  // "", "GTP", "TZSP", "CAPWAP"

struct DecodedPacket {
  uint64_t ts_us = 0;        // capture time, microseconds since the epoch
  uint32_t caplen = 0;       // bytes captured of the frame
  uint32_t wire_len = 0;     // frame length on the wire as the capture says (may hold an FCS)
  // Frame bytes counted for the flow: the captured frame, or, when the snap
  // length cut it, the link headers plus the (outermost) IP length.
  uint32_t frame_len = 0;

  uint32_t ifindex = 0;      // capturing interface, when the link header says (Linux cooked v2)
  uint16_t vlan_id = 0;      // innermost 802.1Q tag (0 = none)
  uint16_t outer_vlan_id = 0;
  bool has_mac = false;
  uint8_t src_mac[6] = {};
  uint8_t dst_mac[6] = {};
  Tunnel tunnel = Tunnel::kNone;

  // Innermost IP header (after IP-in-IP / GTP / TZSP / CAPWAP).
  IpAddress src, dst;
  uint8_t l4_proto = 0;      // IANA protocol number after IPv6 extension headers
  uint16_t src_port = 0, dst_port = 0;  // 0 for protocols without ports
  const uint8_t* l3 = nullptr;  // start of that IP header (what nDPI wants)
  uint32_t l3_captured = 0;     // bytes captured from l3 to the end of the frame
  uint32_t ip_len = 0;          // IP bytes as the IP header states them
  bool first_fragment = false;  // more fragments follow this one

  // TCP only.
  bool is_tcp = false;
  uint8_t tcp_flags = 0;
  uint32_t tcp_seq = 0, tcp_ack = 0;
  uint16_t tcp_window = 0;

  const uint8_t* payload = nullptr;  // L4 payload, captured part
  uint32_t payload_len = 0;          // L4 payload length per the headers
};

namespace tcp_flag {
constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10, kUrg = 0x20;
}

}  // namespace vedetta
