#pragma once
// Internal to the decoder: one function per layer. Each takes the frame and
// an offset, checks its bounds and says what comes next.
#include <cstdint>

#include "decode/anomalies.h"
#include "decode/decoded_packet.h"

namespace vedetta::layers {

// What the next header is, named by EtherType (IPv4 0x0800, IPv6 0x86dd...).
struct Next {
  uint16_t ethertype = 0;
  uint32_t offset = 0;
};

inline uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

constexpr uint16_t kEtherIpv4 = 0x0800, kEtherIpv6 = 0x86dd, kEtherVlan = 0x8100,
                   kEtherQinQ = 0x88a8, kEtherQinQOld = 0x9100, kEtherMplsUni = 0x8847,
                   kEtherMplsMulti = 0x8848, kEtherPppoeSession = 0x8864;

// Link layer for a DLT: fills MACs for Ethernet. False (and counted) if the
// frame is too short or the link type unknown.
bool decode_link(int datalink, const uint8_t* f, uint32_t caplen, uint32_t offset,
                 DecodedPacket& pkt, AnomalyCounters& an, Next& next);

// 802.1Q/QinQ, MPLS and PPPoE shims until an IP EtherType is reached.
bool strip_shims(const uint8_t* f, uint32_t caplen, DecodedPacket& pkt, AnomalyCounters& an,
                 Next& next);

struct IpResult {
  uint32_t l4_offset = 0;  // where the transport header starts
  uint32_t l4_len = 0;     // transport bytes per the IP header
  uint8_t l4_proto = 0;
  bool non_first_fragment = false;
};

// IPv4 or IPv6 header at `offset`; fills addresses and ip_len.
bool decode_ip(const uint8_t* f, uint32_t caplen, uint32_t offset, DecodedPacket& pkt,
               AnomalyCounters& an, IpResult& ip);

// TCP/UDP/ICMP header; fills ports, flags and payload.
bool decode_transport(const uint8_t* f, uint32_t caplen, const IpResult& ip, DecodedPacket& pkt,
                      AnomalyCounters& an);

// If the UDP packet at ip carries GTP-U / TZSP / CAPWAP data, says where the
// inner packet starts (an IP header, or for TZSP an Ethernet frame).
enum class Inner { kNone, kIp, kEthernet };
Inner find_tunnel(const uint8_t* f, uint32_t caplen, const IpResult& ip, DecodedPacket& pkt,
                  AnomalyCounters& an, uint32_t& inner_offset, uint16_t& inner_ethertype);

}  // namespace vedetta::layers
