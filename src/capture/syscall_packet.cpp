#include "capture/syscall_packet.h"

#include <algorithm>

namespace vedetta {
namespace {

constexpr uint32_t kIpv4Header = 20, kIpv6Header = 40, kTcpHeader = 20, kUdpHeader = 8;
constexpr uint16_t kTcpWindow = 65535;  // never a zero window: syscalls show none

void put16(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}
void put32(uint8_t* p, uint32_t v) {
  put16(p, v >> 16);
  put16(p + 2, v);
}

uint32_t ip_header_len(const IpAddress& a) { return a.version == 6 ? kIpv6Header : kIpv4Header; }
uint32_t l4_header_len(uint8_t proto) { return proto == 6 ? kTcpHeader : kUdpHeader; }

}  // namespace

uint32_t max_synthetic_payload(const IpAddress& any_end) {
  // IPv6's payload length excludes its header; IPv4's total length does not.
  return 65535 - kTcpHeader - (any_end.version == 6 ? 0 : kIpv4Header);
}

RawPacket build_synthetic_packet(const SyntheticSegment& s, std::vector<uint8_t>& frame) {
  uint32_t ip_hdr = ip_header_len(s.src), l4_hdr = l4_header_len(s.l4_proto);
  uint32_t snap = std::min(s.snap_len, s.payload_len);
  frame.assign(ip_hdr + l4_hdr + snap, 0);
  uint8_t* ip = frame.data();
  uint32_t l4_len = l4_hdr + s.payload_len;
  if (s.src.version == 6) {
    ip[0] = 0x60;
    put16(ip + 4, l4_len);
    ip[6] = s.l4_proto;
    ip[7] = 64;  // hop limit
    std::copy_n(s.src.bytes.data(), 16, ip + 8);
    std::copy_n(s.dst.bytes.data(), 16, ip + 24);
  } else {
    ip[0] = 0x45;
    put16(ip + 2, ip_hdr + l4_len);
    ip[8] = 64;  // TTL
    ip[9] = s.l4_proto;
    std::copy_n(s.src.bytes.data(), 4, ip + 12);
    std::copy_n(s.dst.bytes.data(), 4, ip + 16);
  }
  uint8_t* l4 = ip + ip_hdr;
  put16(l4, s.src_port);
  put16(l4 + 2, s.dst_port);
  if (s.l4_proto == 6) {
    put32(l4 + 4, s.tcp_seq);
    put32(l4 + 8, s.tcp_ack);
    l4[12] = (kTcpHeader / 4) << 4;
    l4[13] = s.tcp_flags;
    put16(l4 + 14, kTcpWindow);
  } else {
    put16(l4 + 4, l4_len);
  }
  if (snap) std::copy_n(s.snap, snap, l4 + l4_hdr);
  // Checksums stay 0: nothing downstream checks them.
  RawPacket raw;
  raw.data = frame.data();
  raw.caplen = static_cast<uint32_t>(frame.size());
  raw.wire_len = ip_hdr + l4_len;
  raw.ts_us = s.ts_us;
  return raw;
}

}  // namespace vedetta
