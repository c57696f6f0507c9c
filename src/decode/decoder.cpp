#include "decode/decoder.h"

#include <pcap/dlt.h>

#include "decode/layers.h"

namespace vedetta {

const char* tunnel_name(Tunnel t) {
  switch (t) {
    case Tunnel::kGtp: return "GTP";
    case Tunnel::kTzsp: return "TZSP";
    case Tunnel::kCapwap: return "CAPWAP";
    case Tunnel::kNone: break;
  }
  return "";
}

bool Decoder::supports_datalink(int dlt) {
  switch (dlt) {
    case DLT_EN10MB: case DLT_NULL: case DLT_LOOP: case DLT_LINUX_SLL: case DLT_LINUX_SLL2:
    case DLT_PPP: case DLT_PPP_SERIAL: case DLT_C_HDLC: case DLT_RAW: case 101:
#ifdef DLT_IPV4
    case DLT_IPV4: case DLT_IPV6:
#endif
      return true;
    default:
      return false;
  }
}

bool Decoder::decode(const uint8_t* frame, uint32_t caplen, uint32_t wire_len, uint64_t ts_us,
                     DecodedPacket& out) {
  using namespace layers;
  out = DecodedPacket{};
  out.ts_us = ts_us;
  out.caplen = caplen;
  out.wire_len = wire_len < caplen ? caplen : wire_len;
  out.frame_len = caplen;

  Next next;
  if (!decode_link(datalink_, frame, caplen, 0, out, anomalies_, next)) return false;

  constexpr int kMaxEncapsulations = 8;
  for (int depth = 0; depth < kMaxEncapsulations; ++depth) {
    if (!strip_shims(frame, caplen, out, anomalies_, next)) return false;
    if (next.ethertype != kEtherIpv4 && next.ethertype != kEtherIpv6) {
      anomalies_.add(Anomaly::kNonIpPacket);
      return false;
    }
    IpResult ip;
    if (!decode_ip(frame, caplen, next.offset, out, anomalies_, ip)) return false;
    if (next.offset + out.ip_len > caplen) {
      if (options_.discard_truncated) return false;  // counted as snaplen_truncated
    }
    if (depth == 0 && next.offset + out.ip_len > out.frame_len) out.frame_len = next.offset + out.ip_len;

    // A non-first fragment holds no header of anything inside it.
    if (ip.non_first_fragment) {
      anomalies_.add(out.src.version == 4 ? Anomaly::kIpv4Fragment : Anomaly::kIpv6Fragment);
      return false;
    }
    if (ip.l4_proto == 4 || ip.l4_proto == 41) {  // IPv4 / IPv6 inside IP
      anomalies_.add(Anomaly::kIpInIpTunnel);
      next = {ip.l4_proto == 4 ? kEtherIpv4 : kEtherIpv6, ip.l4_offset};
      continue;
    }
    if (ip.l4_proto == 47) anomalies_.add(Anomaly::kGreTunnel);

    if (options_.decode_tunnels) {
      uint32_t inner = 0;
      uint16_t ethertype = 0;
      switch (find_tunnel(frame, caplen, ip, out, anomalies_, inner, ethertype)) {
        case Inner::kIp:
          next = {ethertype, inner};
          continue;
        case Inner::kEthernet:
          if (!decode_link(DLT_EN10MB, frame, caplen, inner, out, anomalies_, next)) return false;
          continue;
        case Inner::kNone:
          break;
      }
    }
    return decode_transport(frame, caplen, ip, out, anomalies_);
  }
  anomalies_.add(Anomaly::kTooManyEncapsulations);
  return false;
}

}  // namespace vedetta
