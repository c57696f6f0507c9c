#pragma once
// Named counters for everything the decoder could not take as a normal
// packet. Malformed input is counted here, never thrown (Zeek's "weirds").
#include <array>
#include <cstdint>
#include <string_view>

namespace vedetta {

enum class Anomaly : uint8_t {
  kTruncatedLinkHeader,   // shorter than its link-layer header
  kUnsupportedLinkType,   // DLT we do not decode
  kNonIpPacket,           // ARP, STP, LLDP...: counted, no flow
  kTruncatedVlanTag,
  kTruncatedIpv4Header,
  kBadIpv4HeaderLength,   // IHL < 5 or beyond the captured bytes
  kBadIpv4TotalLength,    // total length smaller than the header
  kTruncatedIpv6Header,
  kBadIpv6ExtensionHeader,
  kBadIpVersion,          // neither 4 nor 6 where an IP header was expected
  kIpv4Fragment,          // non-first fragment: counted, not attributed
  kIpv6Fragment,          // non-first IPv6 fragment
  kSnaplenTruncated,      // captured fewer bytes than the IP header says
  kTruncatedTcpHeader,
  kBadTcpDataOffset,
  kTruncatedUdpHeader,
  kTruncatedIcmpHeader,
  kIpInIpTunnel,          // IPv4/IPv6 inside IPv4/IPv6: decapsulated
  kGreTunnel,             // GRE: counted, flow kept on the outer header
  kGtpTunnel,             // GTP-U: decapsulated
  kTzspTunnel,            // TZSP: decapsulated
  kCapwapTunnel,          // CAPWAP data: decapsulated
  kTooManyEncapsulations, // tunnel nesting beyond our limit
  kCount
};

std::string_view anomaly_name(Anomaly a);

struct AnomalyCounters {
  std::array<uint64_t, static_cast<size_t>(Anomaly::kCount)> counts{};
  void add(Anomaly a) { ++counts[static_cast<size_t>(a)]; }
  uint64_t get(Anomaly a) const { return counts[static_cast<size_t>(a)]; }
  uint64_t total() const;
};

}  // namespace vedetta
