#pragma once
// Agent mode (probe --events-only) turns socket system calls into packets
// so that the whole decode → flow → nDPI → export path runs unchanged: one
// raw IPv4/IPv6 + TCP/UDP packet (DLT_RAW) per call, whose IP length states
// the bytes the call moved while the captured bytes hold only the data the
// kernel side copied (like a pcap caplen < len).
#include <cstdint>
#include <vector>

#include "capture/packet_source.h"
#include "common/ip_address.h"

namespace vedetta {

struct SyntheticSegment {
  IpAddress src, dst;        // same version; IPv4-mapped IPv6 already made IPv4
  uint16_t src_port = 0, dst_port = 0;
  uint8_t l4_proto = 6;      // IPPROTO_TCP or IPPROTO_UDP
  uint8_t tcp_flags = 0;     // tcp_flag::*
  uint32_t tcp_seq = 0, tcp_ack = 0;
  uint32_t payload_len = 0;  // bytes the call moved (at most max_synthetic_payload)
  const uint8_t* snap = nullptr;  // the copied data (its first bytes)
  uint32_t snap_len = 0;
  uint64_t ts_us = 0;
};

// Largest payload one packet can state (the IP length field is 16 bits);
// larger calls are split by the caller.
uint32_t max_synthetic_payload(const IpAddress& any_end);

// Builds the packet into `frame` (reused) and returns it pointing there.
RawPacket build_synthetic_packet(const SyntheticSegment& s, std::vector<uint8_t>& frame);

}  // namespace vedetta
