// UDP tunnels that ndpiReader -t opens: GTP-U (2152), TZSP (37008) and
// CAPWAP data (5247). The inner packet then forms the flow.
#include "decode/layers.h"

namespace vedetta::layers {
namespace {

constexpr uint16_t kGtpUPort = 2152, kTzspPort = 37008, kCapwapDataPort = 5247;

Inner gtp(const uint8_t* f, uint32_t caplen, uint32_t off, AnomalyCounters& an,
          uint32_t& inner) {
  if (caplen < off + 8) return Inner::kNone;
  uint8_t flags = f[off], type = f[off + 1];
  if ((flags >> 5) != 1 || type != 0xff) return Inner::kNone;  // GTPv1 T-PDU only
  uint32_t pos = off + 8;
  if (flags & 0x07) pos += 4;  // sequence, N-PDU, next extension type
  if (flags & 0x04) {          // extension headers, 4-byte units
    if (pos < 1 || caplen <= pos - 1) return Inner::kNone;
    uint8_t next_type = f[pos - 1];
    while (next_type != 0) {
      if (caplen <= pos) return Inner::kNone;
      uint32_t len = f[pos] * 4u;
      if (len == 0 || caplen < pos + len) return Inner::kNone;
      next_type = f[pos + len - 1];
      pos += len;
    }
  }
  if (caplen <= pos) return Inner::kNone;
  an.add(Anomaly::kGtpTunnel);
  inner = pos;
  return Inner::kIp;
}

Inner tzsp(const uint8_t* f, uint32_t caplen, uint32_t off, AnomalyCounters& an,
           uint32_t& inner) {
  if (caplen < off + 4) return Inner::kNone;
  uint8_t version = f[off], type = f[off + 1];
  uint16_t encapsulates = be16(f + off + 2);
  if (version != 1 || type != 0 || encapsulates != 1) return Inner::kNone;  // Ethernet only
  uint32_t pos = off + 4;
  for (;;) {  // tagged fields until END
    if (caplen <= pos) return Inner::kNone;
    uint8_t tag = f[pos];
    if (tag == 1) {
      ++pos;
      break;
    }
    if (tag == 0) {
      ++pos;
      continue;
    }
    if (caplen <= pos + 1) return Inner::kNone;
    pos += 2u + f[pos + 1];
  }
  if (caplen <= pos) return Inner::kNone;
  an.add(Anomaly::kTzspTunnel);
  inner = pos;
  return Inner::kEthernet;
}

Inner capwap(const uint8_t* f, uint32_t caplen, uint32_t off, AnomalyCounters& an,
             uint32_t& inner, uint16_t& ethertype) {
  if (caplen < off + 2) return Inner::kNone;
  if ((f[off] & 0x0f) != 0) return Inner::kNone;  // preamble: CAPWAP header
  uint32_t hlen = (f[off + 1] & 0xf8) >> 1;       // HLEN in 4-byte words
  uint32_t pos = off + hlen;
  if (caplen <= pos + 32) return Inner::kNone;
  pos += 24;  // IEEE 802.11 data header
  ethertype = be16(f + pos + 6);  // LLC/SNAP
  an.add(Anomaly::kCapwapTunnel);
  inner = pos + 8;
  return Inner::kIp;
}

}  // namespace

Inner find_tunnel(const uint8_t* f, uint32_t caplen, const IpResult& ip, DecodedPacket& pkt,
                  AnomalyCounters& an, uint32_t& inner, uint16_t& ethertype) {
  if (ip.l4_proto != 17 || caplen < ip.l4_offset + 8) return Inner::kNone;
  uint16_t sport = be16(f + ip.l4_offset), dport = be16(f + ip.l4_offset + 2);
  uint32_t udp_payload = ip.l4_offset + 8;
  Inner kind = Inner::kNone;
  Tunnel tunnel = Tunnel::kNone;
  if (sport == kGtpUPort || dport == kGtpUPort) {
    kind = gtp(f, caplen, udp_payload, an, inner);
    tunnel = Tunnel::kGtp;
    if (kind == Inner::kIp) {
      uint8_t v = f[inner] >> 4;
      ethertype = v == 6 ? kEtherIpv6 : kEtherIpv4;
    }
  } else if (sport == kTzspPort || dport == kTzspPort) {
    kind = tzsp(f, caplen, udp_payload, an, inner);
    tunnel = Tunnel::kTzsp;
  } else if (sport == kCapwapDataPort || dport == kCapwapDataPort) {
    kind = capwap(f, caplen, udp_payload, an, inner, ethertype);
    tunnel = Tunnel::kCapwap;
  }
  if (kind != Inner::kNone) pkt.tunnel = tunnel;
  return kind;
}

}  // namespace vedetta::layers
