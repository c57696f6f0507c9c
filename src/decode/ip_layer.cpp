// IPv4 (options, fragments) and IPv6 (extension headers).
#include "decode/layers.h"

namespace vedetta::layers {
namespace {

bool fail(AnomalyCounters& an, Anomaly a) {
  an.add(a);
  return false;
}

bool decode_ipv4(const uint8_t* f, uint32_t caplen, uint32_t off, DecodedPacket& pkt,
                 AnomalyCounters& an, IpResult& ip) {
  if (caplen < off + 20) return fail(an, Anomaly::kTruncatedIpv4Header);
  const uint8_t* h = f + off;
  uint32_t ihl = (h[0] & 0x0f) * 4u;
  if (ihl < 20) return fail(an, Anomaly::kBadIpv4HeaderLength);
  if (caplen < off + ihl) return fail(an, Anomaly::kTruncatedIpv4Header);
  uint32_t total = be16(h + 2);
  uint32_t captured = caplen - off;
  if (total == 0) total = captured;  // segmentation offload on live captures
  if (total < ihl) return fail(an, Anomaly::kBadIpv4TotalLength);
  if (captured < total) an.add(Anomaly::kSnaplenTruncated);

  uint16_t frag = be16(h + 6);
  ip.non_first_fragment = (frag & 0x1fff) != 0;
  pkt.first_fragment = !ip.non_first_fragment && (frag & 0x2000);
  ip.l4_proto = h[9];
  ip.l4_offset = off + ihl;
  ip.l4_len = total - ihl;
  pkt.src = IpAddress::v4(h + 12);
  pkt.dst = IpAddress::v4(h + 16);
  pkt.l3 = h;
  pkt.l3_captured = captured;
  pkt.ip_len = total;
  return true;
}

bool is_ipv6_extension(uint8_t next) {
  return next == 0 || next == 43 || next == 44 || next == 60 || next == 135 || next == 51;
}

bool decode_ipv6(const uint8_t* f, uint32_t caplen, uint32_t off, DecodedPacket& pkt,
                 AnomalyCounters& an, IpResult& ip) {
  if (caplen < off + 40) return fail(an, Anomaly::kTruncatedIpv6Header);
  const uint8_t* h = f + off;
  uint32_t payload = be16(h + 4);
  uint32_t captured = caplen - off;
  if (payload == 0) payload = captured - 40;  // jumbogram or offload
  if (captured < 40 + payload) an.add(Anomaly::kSnaplenTruncated);

  uint8_t next = h[6];
  uint32_t pos = off + 40;
  uint32_t remaining = payload;
  ip.non_first_fragment = false;
  for (int i = 0; i < 8 && is_ipv6_extension(next); ++i) {
    if (caplen < pos + 8 || remaining < 8) return fail(an, Anomaly::kBadIpv6ExtensionHeader);
    const uint8_t* e = f + pos;
    uint32_t len;
    if (next == 44) {  // fragment header: fixed 8 bytes
      len = 8;
      uint16_t frag = be16(e + 2);
      if ((frag & 0xfff8) != 0) ip.non_first_fragment = true;
      else if (frag & 1) pkt.first_fragment = true;
    } else if (next == 51) {  // AH counts in 4-byte words
      len = (e[1] + 2u) * 4u;
    } else {
      len = (e[1] + 1u) * 8u;
    }
    if (len > remaining) return fail(an, Anomaly::kBadIpv6ExtensionHeader);
    next = e[0];
    pos += len;
    remaining -= len;
  }
  if (is_ipv6_extension(next)) return fail(an, Anomaly::kBadIpv6ExtensionHeader);

  ip.l4_proto = next;
  ip.l4_offset = pos;
  ip.l4_len = remaining;
  pkt.src = IpAddress::v6(h + 8);
  pkt.dst = IpAddress::v6(h + 24);
  pkt.l3 = h;
  pkt.l3_captured = captured;
  pkt.ip_len = 40 + payload;
  return true;
}

}  // namespace

bool decode_ip(const uint8_t* f, uint32_t caplen, uint32_t off, DecodedPacket& pkt,
               AnomalyCounters& an, IpResult& ip) {
  if (caplen <= off) return fail(an, Anomaly::kTruncatedIpv4Header);
  uint8_t version = f[off] >> 4;
  if (version == 4) return decode_ipv4(f, caplen, off, pkt, an, ip);
  if (version == 6) return decode_ipv6(f, caplen, off, pkt, an, ip);
  return fail(an, Anomaly::kBadIpVersion);
}

}  // namespace vedetta::layers
