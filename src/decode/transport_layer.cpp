// TCP, UDP, ICMP and ICMPv6 headers. Other protocols keep ports at 0.
#include "decode/layers.h"

namespace vedetta::layers {
namespace {

constexpr uint8_t kTcp = 6, kUdp = 17, kIcmp = 1, kIcmp6 = 58;

void set_payload(const uint8_t* f, uint32_t caplen, uint32_t off, uint32_t len,
                 DecodedPacket& pkt) {
  pkt.payload_len = len;
  pkt.payload = off <= caplen ? f + off : nullptr;
}

}  // namespace

bool decode_transport(const uint8_t* f, uint32_t caplen, const IpResult& ip, DecodedPacket& pkt,
                      AnomalyCounters& an) {
  pkt.l4_proto = ip.l4_proto;
  uint32_t off = ip.l4_offset;
  // A header cut by the snap length or shorter than its minimum still counts
  // toward the address pair (ports 0), like ndpiReader does.
  switch (ip.l4_proto) {
    case kTcp: {
      if (ip.l4_len < 20 || caplen < off + 20) {
        an.add(Anomaly::kTruncatedTcpHeader);
        return true;
      }
      const uint8_t* t = f + off;
      pkt.is_tcp = true;
      pkt.src_port = be16(t);
      pkt.dst_port = be16(t + 2);
      pkt.tcp_seq = be32(t + 4);
      pkt.tcp_ack = be32(t + 8);
      pkt.tcp_flags = t[13];
      pkt.tcp_window = be16(t + 14);
      uint32_t doff = (t[12] >> 4) * 4u;
      if (doff < 20) an.add(Anomaly::kBadTcpDataOffset);
      uint32_t hdr = doff < ip.l4_len ? doff : ip.l4_len;
      set_payload(f, caplen, off + hdr, ip.l4_len > doff ? ip.l4_len - doff : 0, pkt);
      return true;
    }
    case kUdp: {
      if (ip.l4_len < 8 || caplen < off + 8) {
        an.add(Anomaly::kTruncatedUdpHeader);
        return true;
      }
      pkt.src_port = be16(f + off);
      pkt.dst_port = be16(f + off + 2);
      set_payload(f, caplen, off + 8, ip.l4_len - 8, pkt);
      return true;
    }
    case kIcmp:
    case kIcmp6: {
      if (ip.l4_len < 8) an.add(Anomaly::kTruncatedIcmpHeader);
      set_payload(f, caplen, off + 8, ip.l4_len > 8 ? ip.l4_len - 8 : 0, pkt);
      return true;
    }
    default:
      return true;
  }
}

}  // namespace vedetta::layers
