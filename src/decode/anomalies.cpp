#include "decode/anomalies.h"

namespace vedetta {

std::string_view anomaly_name(Anomaly a) {
  switch (a) {
    case Anomaly::kTruncatedLinkHeader: return "truncated_link_header";
    case Anomaly::kUnsupportedLinkType: return "unsupported_link_type";
    case Anomaly::kNonIpPacket: return "non_ip_packet";
    case Anomaly::kTruncatedVlanTag: return "truncated_vlan_tag";
    case Anomaly::kTruncatedIpv4Header: return "truncated_ipv4_header";
    case Anomaly::kBadIpv4HeaderLength: return "bad_ipv4_header_length";
    case Anomaly::kBadIpv4TotalLength: return "bad_ipv4_total_length";
    case Anomaly::kTruncatedIpv6Header: return "truncated_ipv6_header";
    case Anomaly::kBadIpv6ExtensionHeader: return "bad_ipv6_extension_header";
    case Anomaly::kBadIpVersion: return "bad_ip_version";
    case Anomaly::kIpv4Fragment: return "ipv4_non_first_fragment";
    case Anomaly::kIpv6Fragment: return "ipv6_non_first_fragment";
    case Anomaly::kSnaplenTruncated: return "snaplen_truncated";
    case Anomaly::kTruncatedTcpHeader: return "truncated_tcp_header";
    case Anomaly::kBadTcpDataOffset: return "bad_tcp_data_offset";
    case Anomaly::kTruncatedUdpHeader: return "truncated_udp_header";
    case Anomaly::kTruncatedIcmpHeader: return "truncated_icmp_header";
    case Anomaly::kIpInIpTunnel: return "ip_in_ip_tunnel";
    case Anomaly::kGreTunnel: return "gre_tunnel";
    case Anomaly::kGtpTunnel: return "gtp_tunnel";
    case Anomaly::kTzspTunnel: return "tzsp_tunnel";
    case Anomaly::kCapwapTunnel: return "capwap_tunnel";
    case Anomaly::kTooManyEncapsulations: return "too_many_encapsulations";
    case Anomaly::kCount: break;
  }
  return "unknown";
}

uint64_t AnomalyCounters::total() const {
  uint64_t t = 0;
  for (auto c : counts) t += c;
  return t;
}

}  // namespace vedetta
