// vedetta::Decoder: every link type, shims, IPv4/IPv6, transports, tunnels
// and malformed input (each failure counted under its named anomaly).
#include "decode/decoder.h"

#include <gtest/gtest.h>
#include <pcap/dlt.h>

#include <memory>
#include <set>
#include <string>

#include "packet_builder.h"

namespace vedetta {
namespace {

using namespace vt;

const Ip4 kA = ip4(192, 168, 1, 10);
const Ip4 kB = ip4(10, 0, 0, 1);
const Ip4 kInnerA = ip4(172, 16, 0, 5);
const Ip4 kInnerB = ip4(8, 8, 4, 4);
const char* kA6 = "2001:db8::10";
const char* kB6 = "2001:db8:1::1";

constexpr uint16_t kIpv4 = 0x0800, kIpv6 = 0x86dd;
constexpr uint8_t kTcp = 6, kUdp = 17, kIcmp = 1, kIcmp6 = 58;

std::string addr(const IpAddress& a) { return a.to_string(); }

// The reference packet: IPv4 TCP 192.168.1.10:40000 -> 10.0.0.1:443 with a
// 5-byte payload.
Bytes tcp4(Ipv4Opts o = {}) {
  TcpOpts t;
  t.seq = 0x01020304;
  t.ack = 0x0a0b0c0d;
  t.flags = tcpf::PSH | tcpf::ACK;
  t.window = 1234;
  return ipv4(kA, kB, kTcp, tcp(40000, 443, t, Bytes{'h', 'e', 'l', 'l', 'o'}), o);
}

Bytes udp6() { return ipv6(ip6(kA6), ip6(kB6), kUdp, udp(5353, 53, Bytes().zeros(12))); }

// Decodes `frame` from an exactly sized heap copy (so a sanitizer build sees
// any read past the end).
struct Dec {
  explicit Dec(int dlt, DecoderOptions o = {}) : dec(dlt, o) {}
  bool decode(const Bytes& frame, uint32_t wire_len = 0, uint64_t ts = 1'000'000) {
    buf.reset(new uint8_t[frame.size() ? frame.size() : 1]);
    if (frame.size()) std::memcpy(buf.get(), frame.data(), frame.size());
    uint32_t n = static_cast<uint32_t>(frame.size());
    return dec.decode(buf.get(), n, wire_len ? wire_len : n, ts, p);
  }
  uint64_t count(Anomaly a) const { return dec.anomalies().get(a); }
  uint64_t total() const { return dec.anomalies().total(); }
  const uint8_t* at(size_t offset) const { return buf.get() + offset; }

  Decoder dec;
  DecodedPacket p;
  std::unique_ptr<uint8_t[]> buf;
};

// Checks the reference TCP packet whose IP header starts at `l3_offset`.
void expect_tcp4(const Dec& r, size_t l3_offset, size_t frame_len,
                 Tunnel tunnel = Tunnel::kNone) {
  EXPECT_EQ(addr(r.p.src), "192.168.1.10");
  EXPECT_EQ(addr(r.p.dst), "10.0.0.1");
  EXPECT_EQ(r.p.src.version, 4);
  EXPECT_EQ(r.p.l4_proto, kTcp);
  EXPECT_TRUE(r.p.is_tcp);
  EXPECT_EQ(r.p.src_port, 40000);
  EXPECT_EQ(r.p.dst_port, 443);
  EXPECT_EQ(r.p.tcp_seq, 0x01020304u);
  EXPECT_EQ(r.p.tcp_ack, 0x0a0b0c0du);
  EXPECT_EQ(r.p.tcp_flags, tcpf::PSH | tcpf::ACK);
  EXPECT_EQ(r.p.tcp_window, 1234);
  EXPECT_EQ(r.p.l3, r.at(l3_offset));
  EXPECT_EQ(r.p.l3_captured, frame_len - l3_offset);
  EXPECT_EQ(r.p.ip_len, 45u);
  EXPECT_EQ(r.p.payload_len, 5u);
  ASSERT_NE(r.p.payload, nullptr);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(r.p.payload), 5), "hello");
  EXPECT_EQ(r.p.tunnel, tunnel);
  EXPECT_FALSE(r.p.first_fragment);
}

// ---- link types -------------------------------------------------------------

TEST(DecoderLink, EthernetIpv4Tcp) {
  Dec r(DLT_EN10MB);
  Bytes f = ethernet(kIpv4, tcp4());
  ASSERT_TRUE(r.decode(f, 1514, 42'000'123));
  expect_tcp4(r, 14, f.size());
  EXPECT_EQ(r.p.ts_us, 42'000'123u);
  EXPECT_EQ(r.p.caplen, f.size());
  EXPECT_EQ(r.p.wire_len, 1514u);   // as the capture says (e.g. with an FCS)
  EXPECT_EQ(r.p.frame_len, f.size());  // what the flow counts: nothing was cut
  EXPECT_TRUE(r.p.has_mac);
  EXPECT_EQ(0, std::memcmp(r.p.dst_mac, kMacB.data(), 6));
  EXPECT_EQ(0, std::memcmp(r.p.src_mac, kMacA.data(), 6));
  EXPECT_EQ(r.p.vlan_id, 0);
  EXPECT_EQ(r.p.outer_vlan_id, 0);
  EXPECT_EQ(r.total(), 0u);
}

TEST(DecoderLink, WireLengthNeverBelowCaptured) {
  Dec r(DLT_EN10MB);
  Bytes f = ethernet(kIpv4, tcp4());
  ASSERT_TRUE(r.decode(f, 10));
  EXPECT_EQ(r.p.wire_len, f.size());
}

TEST(DecoderLink, EthernetIpv6Udp) {
  Dec r(DLT_EN10MB);
  Bytes f = ethernet(kIpv6, udp6());
  ASSERT_TRUE(r.decode(f));
  EXPECT_EQ(addr(r.p.src), "2001:db8::10");
  EXPECT_EQ(addr(r.p.dst), "2001:db8:1::1");
  EXPECT_EQ(r.p.src.version, 6);
  EXPECT_EQ(r.p.l4_proto, kUdp);
  EXPECT_FALSE(r.p.is_tcp);
  EXPECT_EQ(r.p.src_port, 5353);
  EXPECT_EQ(r.p.dst_port, 53);
  EXPECT_EQ(r.p.ip_len, 40u + 8 + 12);
  EXPECT_EQ(r.p.payload_len, 12u);
  EXPECT_EQ(r.p.payload, r.at(14 + 40 + 8));
  EXPECT_EQ(r.p.l3, r.at(14));
  EXPECT_EQ(r.total(), 0u);
}

TEST(DecoderLink, EthernetPaddingIsNotPayload) {
  Dec r(DLT_EN10MB);
  Bytes ip = ipv4(kA, kB, kTcp, tcp(1, 2, {.flags = tcpf::ACK}));  // 40 bytes
  Bytes f = ethernet(kIpv4, ip).zeros(6);                        // padded to 60
  ASSERT_TRUE(r.decode(f));
  EXPECT_EQ(r.p.ip_len, 40u);
  EXPECT_EQ(r.p.payload_len, 0u);
  EXPECT_EQ(r.p.l3_captured, 46u);  // what the capture holds, as ndpiReader passes it
  EXPECT_EQ(r.p.frame_len, 60u);
  EXPECT_EQ(r.total(), 0u);
}

TEST(DecoderLink, Vlan8021Q) {
  Dec r(DLT_EN10MB);
  Bytes f = ethernet(0x8100, vlan(100, kIpv4, tcp4(), 5));
  ASSERT_TRUE(r.decode(f));
  expect_tcp4(r, 18, f.size());
  EXPECT_EQ(r.p.vlan_id, 100);  // priority bits masked off
  EXPECT_EQ(r.p.outer_vlan_id, 0);
}

TEST(DecoderLink, QinQ88a8) {
  Dec r(DLT_EN10MB);
  Bytes f = ethernet(0x88a8, vlan(200, 0x8100, vlan(100, kIpv4, tcp4())));
  ASSERT_TRUE(r.decode(f));
  expect_tcp4(r, 22, f.size());
  EXPECT_EQ(r.p.vlan_id, 100);        // innermost names the flow
  EXPECT_EQ(r.p.outer_vlan_id, 200);
}

TEST(DecoderLink, QinQ9100) {
  Dec r(DLT_EN10MB);
  Bytes f = ethernet(0x9100, vlan(7, 0x8100, vlan(4095, kIpv6, udp6())));
  ASSERT_TRUE(r.decode(f));
  EXPECT_EQ(r.p.vlan_id, 4095);
  EXPECT_EQ(r.p.outer_vlan_id, 7);
  EXPECT_EQ(r.p.l3, r.at(22));
}

TEST(DecoderLink, LlcSnap) {
  Dec r(DLT_EN10MB);
  Bytes f = ethernet_llc_snap(kIpv4, tcp4());
  ASSERT_TRUE(r.decode(f));
  expect_tcp4(r, 22, f.size());
  EXPECT_TRUE(r.p.has_mac);
}

TEST(DecoderLink, LlcWithoutSnapIsNotIp) {
  Dec r(DLT_EN10MB);
  Bytes stp;
  stp.raw({0x01, 0x80, 0xc2, 0, 0, 0}).raw(kMacA).be16(38).raw({0x42, 0x42, 0x03}).zeros(35);
  EXPECT_FALSE(r.decode(stp));
  EXPECT_EQ(r.count(Anomaly::kNonIpPacket), 1u);
}

TEST(DecoderLink, ArpIsNotIp) {
  Dec r(DLT_EN10MB);
  EXPECT_FALSE(r.decode(ethernet(0x0806, Bytes().zeros(28))));
  EXPECT_EQ(r.count(Anomaly::kNonIpPacket), 1u);
  EXPECT_EQ(r.total(), 1u);
}

TEST(DecoderLink, LinuxCookedV1) {
  Dec r(DLT_LINUX_SLL);
  EXPECT_EQ(DLT_LINUX_SLL, 113);
  Bytes f = sll(kIpv4, tcp4());
  ASSERT_TRUE(r.decode(f));
  expect_tcp4(r, 16, f.size());
  EXPECT_FALSE(r.p.has_mac);
}

TEST(DecoderLink, LinuxCookedV1Vlan) {
  Dec r(DLT_LINUX_SLL);
  Bytes f = sll(0x8100, vlan(33, kIpv4, tcp4()));
  ASSERT_TRUE(r.decode(f));
  expect_tcp4(r, 20, f.size());
  EXPECT_EQ(r.p.vlan_id, 33);
}

TEST(DecoderLink, LinuxCookedV2) {
  Dec r(DLT_LINUX_SLL2);
  EXPECT_EQ(DLT_LINUX_SLL2, 276);
  Bytes f = sll2(kIpv6, udp6());
  ASSERT_TRUE(r.decode(f));
  EXPECT_EQ(r.p.l3, r.at(20));
  EXPECT_EQ(r.p.src_port, 5353);
  EXPECT_EQ(r.p.l4_proto, kUdp);
  EXPECT_EQ(r.p.ifindex, 3u);  // the interface index, which attribution uses
  Bytes g = sll2(kIpv4, tcp4());
  ASSERT_TRUE(r.decode(g));
  expect_tcp4(r, 20, g.size());
  Dec v1(DLT_LINUX_SLL);
  ASSERT_TRUE(v1.decode(sll(kIpv4, tcp4())));
  EXPECT_EQ(v1.p.ifindex, 0u);  // v1 does not say
}

TEST(DecoderLink, RawIpAllDlts) {
  for (int dlt : {DLT_RAW, 101, DLT_IPV4, DLT_IPV6}) {
    SCOPED_TRACE(dlt);
    Dec r(dlt);
    Bytes f = tcp4();
    ASSERT_TRUE(r.decode(f));
    expect_tcp4(r, 0, f.size());
    ASSERT_TRUE(r.decode(udp6()));
    EXPECT_EQ(r.p.src.version, 6);
    EXPECT_EQ(r.p.l3, r.at(0));
    EXPECT_FALSE(r.p.has_mac);
    EXPECT_EQ(r.total(), 0u);
  }
}

TEST(DecoderLink, RawIpBadVersion) {
  Dec r(DLT_RAW);
  Bytes f = tcp4({.version = 5});
  EXPECT_FALSE(r.decode(f));
  EXPECT_EQ(r.count(Anomaly::kBadIpVersion), 1u);
}

TEST(DecoderLink, BsdNullHostOrder) {
  Dec r(DLT_NULL);
  Bytes f = null_loopback_le(2, tcp4());
  ASSERT_TRUE(r.decode(f));
  expect_tcp4(r, 4, f.size());
}

TEST(DecoderLink, BsdNullOtherByteOrder) {
  Dec r(DLT_NULL);
  Bytes f = null_loopback_be(2, tcp4());  // written by a big-endian host
  ASSERT_TRUE(r.decode(f));
  expect_tcp4(r, 4, f.size());
}

TEST(DecoderLink, BsdNullIpv6Families) {
  // AF_INET6 differs per OS: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, macOS 30.
  for (uint32_t family : {10u, 24u, 28u, 30u}) {
    SCOPED_TRACE(family);
    Dec r(DLT_NULL);
    ASSERT_TRUE(r.decode(null_loopback_le(family, udp6())));
    EXPECT_EQ(r.p.src.version, 6);
    EXPECT_EQ(r.p.l3, r.at(4));
    ASSERT_TRUE(r.decode(null_loopback_be(family, udp6())));
    EXPECT_EQ(r.p.dst_port, 53);
  }
}

TEST(DecoderLink, BsdNullOtherFamilyIsNotIp) {
  Dec r(DLT_NULL);
  EXPECT_FALSE(r.decode(null_loopback_le(7, tcp4())));
  EXPECT_EQ(r.count(Anomaly::kNonIpPacket), 1u);
}

TEST(DecoderLink, OpenBsdLoop) {
  Dec r(DLT_LOOP);
  Bytes f = null_loopback_be(2, tcp4());
  ASSERT_TRUE(r.decode(f));
  expect_tcp4(r, 4, f.size());
  ASSERT_TRUE(r.decode(null_loopback_be(24, udp6())));
  EXPECT_EQ(r.p.src.version, 6);
}

TEST(DecoderLink, Ppp) {
  for (int dlt : {DLT_PPP, DLT_PPP_SERIAL}) {
    SCOPED_TRACE(dlt);
    Dec r(dlt);
    Bytes f = ppp(0x0021, tcp4());
    ASSERT_TRUE(r.decode(f));
    expect_tcp4(r, 4, f.size());
    ASSERT_TRUE(r.decode(ppp(0x0057, udp6())));
    EXPECT_EQ(r.p.src.version, 6);
    EXPECT_EQ(r.p.l3, r.at(4));
  }
}

TEST(DecoderLink, PppWithoutAddressControl) {
  Dec r(DLT_PPP);
  Bytes f = ppp(0x0021, tcp4(), false);
  ASSERT_TRUE(r.decode(f));
  expect_tcp4(r, 2, f.size());
}

TEST(DecoderLink, PppCompressedProtocolField) {
  Dec r(DLT_PPP);
  Bytes f;
  f.raw({0xff, 0x03, 0x21}).append(tcp4());  // PFC: one-byte protocol
  ASSERT_TRUE(r.decode(f));
  expect_tcp4(r, 3, f.size());
}

TEST(DecoderLink, PppLcpIsNotIp) {
  Dec r(DLT_PPP);
  EXPECT_FALSE(r.decode(ppp(0xc021, Bytes().zeros(20))));
  EXPECT_EQ(r.count(Anomaly::kNonIpPacket), 1u);
}

TEST(DecoderLink, CiscoHdlc) {
  for (int dlt : {DLT_C_HDLC, DLT_PPP_SERIAL}) {
    SCOPED_TRACE(dlt);
    Dec r(dlt);
    Bytes f = cisco_hdlc(kIpv4, tcp4());
    ASSERT_TRUE(r.decode(f));
    expect_tcp4(r, 4, f.size());
  }
}

TEST(DecoderLink, UnsupportedLinkType) {
  EXPECT_FALSE(Decoder::supports_datalink(DLT_IEEE802_11));
  EXPECT_FALSE(Decoder::supports_datalink(-1));
  Dec r(DLT_IEEE802_11);
  EXPECT_FALSE(r.decode(tcp4()));
  EXPECT_EQ(r.count(Anomaly::kUnsupportedLinkType), 1u);
  EXPECT_EQ(r.total(), 1u);
}

TEST(DecoderLink, SupportedLinkTypes) {
  for (int dlt : {DLT_EN10MB, DLT_NULL, DLT_LOOP, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_PPP,
                  DLT_PPP_SERIAL, DLT_C_HDLC, DLT_RAW, 101, DLT_IPV4, DLT_IPV6}) {
    EXPECT_TRUE(Decoder::supports_datalink(dlt)) << dlt;
  }
}

// ---- MPLS and PPPoE ----------------------------------------------------------------

TEST(DecoderShim, MplsLabelStack) {
  Dec r(DLT_EN10MB);
  Bytes f = ethernet(0x8847, mpls(16, false, mpls(17, false, mpls(18, true, tcp4()))));
  ASSERT_TRUE(r.decode(f));
  expect_tcp4(r, 14 + 12, f.size());
}

TEST(DecoderShim, MplsMulticastIpv6) {
  Dec r(DLT_EN10MB);
  ASSERT_TRUE(r.decode(ethernet(0x8848, mpls(100, true, udp6()))));
  EXPECT_EQ(r.p.src.version, 6);
  EXPECT_EQ(r.p.l3, r.at(18));
}

TEST(DecoderShim, VlanThenMpls) {
  Dec r(DLT_EN10MB);
  Bytes f = ethernet(0x8100, vlan(12, 0x8847, mpls(16, true, tcp4())));
  ASSERT_TRUE(r.decode(f));
  expect_tcp4(r, 22, f.size());
  EXPECT_EQ(r.p.vlan_id, 12);
}

TEST(DecoderShim, MplsPseudowireIsNotIp) {
  Dec r(DLT_EN10MB);
  Bytes pw;
  pw.be32(0);  // control word: first nibble 0
  pw.append(ethernet(kIpv4, tcp4()));
  EXPECT_FALSE(r.decode(ethernet(0x8847, mpls(16, true, pw))));
  EXPECT_EQ(r.count(Anomaly::kNonIpPacket), 1u);
}

TEST(DecoderShim, MplsTruncatedStack) {
  Dec r(DLT_EN10MB);
  Bytes f = ethernet(0x8847, mpls(16, false, Bytes{0, 1}));  // no bottom of stack
  EXPECT_FALSE(r.decode(f));
  EXPECT_EQ(r.count(Anomaly::kTruncatedLinkHeader), 1u);
  Dec r2(DLT_EN10MB);
  EXPECT_FALSE(r2.decode(ethernet(0x8847, mpls(16, true, {}))));  // nothing after it
  EXPECT_EQ(r2.count(Anomaly::kTruncatedLinkHeader), 1u);
}

TEST(DecoderShim, PppoeSession) {
  Dec r(DLT_EN10MB);
  Bytes f = ethernet(0x8864, pppoe_session(0x0021, tcp4()));
  ASSERT_TRUE(r.decode(f));
  expect_tcp4(r, 22, f.size());
  ASSERT_TRUE(r.decode(ethernet(0x8100, vlan(5, 0x8864, pppoe_session(0x0057, udp6())))));
  EXPECT_EQ(r.p.src.version, 6);
  EXPECT_EQ(r.p.vlan_id, 5);
  EXPECT_EQ(r.p.l3, r.at(26));
}

TEST(DecoderShim, PppoeControlIsNotIp) {
  Dec r(DLT_EN10MB);
  EXPECT_FALSE(r.decode(ethernet(0x8864, pppoe_session(0xc021, Bytes().zeros(10)))));
  EXPECT_EQ(r.count(Anomaly::kNonIpPacket), 1u);
  EXPECT_FALSE(r.decode(ethernet(0x8863, Bytes().zeros(20))));  // discovery
  EXPECT_EQ(r.count(Anomaly::kNonIpPacket), 2u);
}

TEST(DecoderShim, PppoeTruncated) {
  Dec r(DLT_EN10MB);
  EXPECT_FALSE(r.decode(ethernet(0x8864, Bytes{0x11, 0, 0, 1, 0, 2, 0})));
  EXPECT_EQ(r.count(Anomaly::kTruncatedLinkHeader), 1u);
}

TEST(DecoderShim, TooManyVlanTags) {
  Dec r(DLT_EN10MB);
  Bytes inner = tcp4();
  for (int i = 0; i < 17; ++i) inner = vlan(uint16_t(i + 1), i == 0 ? kIpv4 : 0x8100, inner);
  EXPECT_FALSE(r.decode(ethernet(0x8100, inner)));
  EXPECT_EQ(r.count(Anomaly::kTooManyEncapsulations), 1u);
}

// ---- IPv4 ---------------------------------------------------------------------

TEST(DecoderIpv4, Options) {
  Dec r(DLT_EN10MB);
  Ipv4Opts o;
  o.options = Bytes{0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00};  // router alert, NOPs, EOL
  Bytes f = ethernet(kIpv4, tcp4(o));
  ASSERT_TRUE(r.decode(f));
  EXPECT_EQ(r.p.src_port, 40000);
  EXPECT_EQ(r.p.dst_port, 443);
  EXPECT_EQ(r.p.ip_len, 53u);
  EXPECT_EQ(r.p.payload, r.at(14 + 28 + 20));
  EXPECT_EQ(r.p.payload_len, 5u);
  EXPECT_EQ(r.total(), 0u);
}

TEST(DecoderIpv4, FirstFragment) {
  Dec r(DLT_EN10MB);
  Bytes f = ethernet(kIpv4, tcp4({.frag = 0x2000}));  // MF, offset 0
  ASSERT_TRUE(r.decode(f));
  EXPECT_TRUE(r.p.first_fragment);
  EXPECT_EQ(r.p.src_port, 40000);
  EXPECT_EQ(r.total(), 0u);
}

TEST(DecoderIpv4, DontFragmentIsNotAFragment) {
  Dec r(DLT_EN10MB);
  ASSERT_TRUE(r.decode(ethernet(kIpv4, tcp4({.frag = 0x4000}))));
  EXPECT_FALSE(r.p.first_fragment);
}

TEST(DecoderIpv4, NonFirstFragmentsAreCountedNotAttributed) {
  Dec r(DLT_EN10MB);
  Bytes data = Bytes().fill(64, 0xee);
  EXPECT_FALSE(r.decode(ethernet(kIpv4, ipv4(kA, kB, kUdp, data, {.frag = 0x2000 | 185}))));
  EXPECT_EQ(r.count(Anomaly::kIpv4Fragment), 1u);
  // The last fragment (MF clear, offset set) too.
  EXPECT_FALSE(r.decode(ethernet(kIpv4, ipv4(kA, kB, kUdp, data, {.frag = 370}))));
  EXPECT_EQ(r.count(Anomaly::kIpv4Fragment), 2u);
  EXPECT_EQ(r.total(), 2u);
}

TEST(DecoderIpv4, NonFirstFragmentOfIpInIpIsNotDecapsulated) {
  Dec r(DLT_EN10MB);
  // The middle of an inner IPv4 packet: here bytes that happen to look like
  // an IPv4 header of another flow.
  Bytes inner = ipv4(kInnerA, kInnerB, kUdp, udp(1, 2, Bytes().zeros(8)));
  EXPECT_FALSE(r.decode(ethernet(kIpv4, ipv4(kA, kB, 4, inner, {.frag = 100}))));
  EXPECT_EQ(r.count(Anomaly::kIpv4Fragment), 1u);
  EXPECT_EQ(r.count(Anomaly::kIpInIpTunnel), 0u);
}

TEST(DecoderIpv4, HeaderLengthBelowFive) {
  Dec r(DLT_EN10MB);
  EXPECT_FALSE(r.decode(ethernet(kIpv4, tcp4({.ihl = 4}))));
  EXPECT_EQ(r.count(Anomaly::kBadIpv4HeaderLength), 1u);
  EXPECT_EQ(r.total(), 1u);
}

TEST(DecoderIpv4, HeaderLengthBeyondCapture) {
  Dec r(DLT_RAW);
  Bytes f = ipv4(kA, kB, kTcp, Bytes().zeros(3), {.ihl = 15});  // 60-byte header, 23 captured
  EXPECT_FALSE(r.decode(f));
  EXPECT_EQ(r.count(Anomaly::kTruncatedIpv4Header), 1u);
}

TEST(DecoderIpv4, TotalLengthBelowHeader) {
  Dec r(DLT_EN10MB);
  EXPECT_FALSE(r.decode(ethernet(kIpv4, tcp4({.total_length = 19}))));
  EXPECT_EQ(r.count(Anomaly::kBadIpv4TotalLength), 1u);
}

TEST(DecoderIpv4, SnaplenCutStillDecodes) {
  Dec r(DLT_EN10MB);
  Bytes full = ethernet(kIpv4, ipv4(kA, kB, kUdp, udp(1000, 53, Bytes().zeros(100))));
  Bytes f = full.prefix(14 + 20 + 8 + 10);
  ASSERT_TRUE(r.decode(f, uint32_t(full.size())));
  EXPECT_EQ(r.count(Anomaly::kSnaplenTruncated), 1u);
  EXPECT_EQ(r.p.ip_len, 128u);         // as the header states
  EXPECT_EQ(r.p.payload_len, 100u);    // per the headers
  EXPECT_EQ(r.p.l3_captured, 38u);     // what there is
  EXPECT_EQ(r.p.wire_len, full.size());
  EXPECT_EQ(r.p.frame_len, full.size());  // link header + IP length
  EXPECT_EQ(r.p.dst_port, 53);
}

TEST(DecoderIpv4, SnaplenCutFrameLengthIgnoresCapturedWireLength) {
  Dec r(DLT_EN10MB);
  Bytes full = ethernet(kIpv4, ipv4(kA, kB, kUdp, udp(1000, 53, Bytes().zeros(100))));
  ASSERT_TRUE(r.decode(full.prefix(60), 9000));  // wire length from the capture: not used
  EXPECT_EQ(r.p.frame_len, full.size());
  EXPECT_EQ(r.p.wire_len, 9000u);
}

TEST(DecoderIpv4, DiscardTruncated) {
  Dec r(DLT_EN10MB, DecoderOptions{.discard_truncated = true});
  Bytes full = ethernet(kIpv4, ipv4(kA, kB, kUdp, udp(1000, 53, Bytes().zeros(100))));
  EXPECT_FALSE(r.decode(full.prefix(60), uint32_t(full.size())));
  EXPECT_EQ(r.count(Anomaly::kSnaplenTruncated), 1u);
  EXPECT_EQ(r.total(), 1u);
  ASSERT_TRUE(r.decode(full));
  EXPECT_EQ(r.p.dst_port, 53);
  ASSERT_TRUE(r.decode(ethernet(kIpv4, tcp4()).zeros(10)));  // padding is not a cut
}

TEST(DecoderIpv4, ZeroTotalLengthMeansCaptured) {
  Dec r(DLT_EN10MB);
  Bytes f = ethernet(kIpv4, tcp4({.total_length = 0}));  // TSO on a live capture
  ASSERT_TRUE(r.decode(f));
  expect_tcp4(r, 14, f.size());
  EXPECT_EQ(r.total(), 0u);
}

TEST(DecoderIpv4, BadVersionOnIpEthertype) {
  Dec r(DLT_EN10MB);
  EXPECT_FALSE(r.decode(ethernet(kIpv4, tcp4({.version = 0}))));
  EXPECT_EQ(r.count(Anomaly::kBadIpVersion), 1u);
}

// ---- IPv6 -------------------------------------------------------------------------

TEST(DecoderIpv6, ExtensionHeaderChain) {
  Dec r(DLT_EN10MB);
  Bytes l4 = tcp(5000, 80, {.flags = tcpf::SYN});
  // HBH -> routing (16 bytes) -> destination options -> AH -> TCP
  Bytes chain = ipv6_ext(43, ipv6_ext(60, ipv6_ext(51, ipv6_ah(kTcp, l4)), 2));
  Bytes f = ethernet(kIpv6, ipv6(ip6(kA6), ip6(kB6), 0, chain));
  ASSERT_TRUE(r.decode(f));
  EXPECT_EQ(r.p.l4_proto, kTcp);
  EXPECT_TRUE(r.p.is_tcp);
  EXPECT_EQ(r.p.src_port, 5000);
  EXPECT_EQ(r.p.dst_port, 80);
  EXPECT_EQ(r.p.tcp_flags, tcpf::SYN);
  EXPECT_EQ(r.p.ip_len, 40u + 8 + 16 + 8 + 24 + 20);
  EXPECT_EQ(r.p.l3, r.at(14));
  EXPECT_EQ(r.total(), 0u);
}

TEST(DecoderIpv6, FirstFragment) {
  Dec r(DLT_EN10MB);
  Bytes f = ethernet(kIpv6, ipv6(ip6(kA6), ip6(kB6), 0,
                                 ipv6_ext(44, ipv6_frag(kUdp, 0, true, udp(7, 9, Bytes().zeros(40))))));
  ASSERT_TRUE(r.decode(f));
  EXPECT_TRUE(r.p.first_fragment);
  EXPECT_EQ(r.p.l4_proto, kUdp);
  EXPECT_EQ(r.p.src_port, 7);
  EXPECT_EQ(r.p.dst_port, 9);
  EXPECT_EQ(r.total(), 0u);
}

TEST(DecoderIpv6, AtomicFragmentIsWholePacket) {
  Dec r(DLT_EN10MB);
  ASSERT_TRUE(r.decode(ethernet(kIpv6, ipv6(ip6(kA6), ip6(kB6), 44,
                                            ipv6_frag(kUdp, 0, false, udp(7, 9))))));
  EXPECT_FALSE(r.p.first_fragment);
  EXPECT_EQ(r.p.dst_port, 9);
}

TEST(DecoderIpv6, NonFirstFragment) {
  Dec r(DLT_EN10MB);
  Bytes f = ethernet(kIpv6, ipv6(ip6(kA6), ip6(kB6), 44,
                                 ipv6_frag(kUdp, 6, true, Bytes().fill(48, 0xee))));
  EXPECT_FALSE(r.decode(f));
  EXPECT_EQ(r.count(Anomaly::kIpv6Fragment), 1u);
  EXPECT_EQ(r.count(Anomaly::kIpv4Fragment), 0u);
  EXPECT_EQ(r.total(), 1u);
}

TEST(DecoderIpv6, ExtensionLongerThanPayload) {
  Dec r(DLT_EN10MB);
  Bytes ext = ipv6_ext(kTcp, tcp(1, 2), 4);  // 32-byte header
  EXPECT_FALSE(r.decode(ethernet(kIpv6, ipv6(ip6(kA6), ip6(kB6), 0, ext, 16))));
  EXPECT_EQ(r.count(Anomaly::kBadIpv6ExtensionHeader), 1u);
}

TEST(DecoderIpv6, ExtensionCutByCapture) {
  Dec r(DLT_EN10MB);
  Bytes f = ethernet(kIpv6, ipv6(ip6(kA6), ip6(kB6), 0, Bytes{6, 0, 1, 2}, 8));
  EXPECT_FALSE(r.decode(f));
  EXPECT_EQ(r.count(Anomaly::kBadIpv6ExtensionHeader), 1u);
}

TEST(DecoderIpv6, TooManyExtensionHeaders) {
  Dec r(DLT_EN10MB);
  Bytes chain = udp(1, 2);
  uint8_t next = kUdp;
  for (int i = 0; i < 9; ++i) {
    chain = ipv6_ext(next, chain);
    next = 60;
  }
  EXPECT_FALSE(r.decode(ethernet(kIpv6, ipv6(ip6(kA6), ip6(kB6), next, chain))));
  EXPECT_EQ(r.count(Anomaly::kBadIpv6ExtensionHeader), 1u);
  // Eight are fine.
  Bytes eight = udp(1, 2);
  next = kUdp;
  for (int i = 0; i < 8; ++i) {
    eight = ipv6_ext(next, eight);
    next = 60;
  }
  ASSERT_TRUE(r.decode(ethernet(kIpv6, ipv6(ip6(kA6), ip6(kB6), next, eight))));
  EXPECT_EQ(r.p.dst_port, 2);
}

TEST(DecoderIpv6, TruncatedHeader) {
  Dec r(DLT_EN10MB);
  EXPECT_FALSE(r.decode(ethernet(kIpv6, udp6()).prefix(14 + 39)));
  EXPECT_EQ(r.count(Anomaly::kTruncatedIpv6Header), 1u);
}

TEST(DecoderIpv6, ZeroPayloadLengthMeansCaptured) {
  Dec r(DLT_EN10MB);
  ASSERT_TRUE(r.decode(ethernet(kIpv6, ipv6(ip6(kA6), ip6(kB6), kUdp, udp(1, 2, Bytes().zeros(4)), 0))));
  EXPECT_EQ(r.p.ip_len, 52u);
  EXPECT_EQ(r.p.payload_len, 4u);
  EXPECT_EQ(r.total(), 0u);
}

// ---- transports -------------------------------------------------------------------

TEST(DecoderTransport, TcpOptionsMovePayload) {
  Dec r(DLT_RAW);
  TcpOpts t;
  t.flags = tcpf::ACK;
  t.options = Bytes{1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};  // NOP NOP timestamps
  Bytes f = ipv4(kA, kB, kTcp, tcp(1, 2, t, Bytes{'x', 'y'}));
  ASSERT_TRUE(r.decode(f));
  EXPECT_EQ(r.p.payload, r.at(20 + 32));
  EXPECT_EQ(r.p.payload_len, 2u);
  EXPECT_EQ(r.total(), 0u);
}

TEST(DecoderTransport, TcpBadDataOffset) {
  Dec r(DLT_RAW);
  TcpOpts t;
  t.data_offset = 3;
  ASSERT_TRUE(r.decode(ipv4(kA, kB, kTcp, tcp(1, 2, t))));  // still a packet of the flow
  EXPECT_EQ(r.count(Anomaly::kBadTcpDataOffset), 1u);
  EXPECT_EQ(r.p.src_port, 1);
  Dec big(DLT_RAW);
  t.data_offset = 15;  // 60 bytes of header in a 24-byte segment
  ASSERT_TRUE(big.decode(ipv4(kA, kB, kTcp, tcp(1, 2, t, Bytes{1, 2, 3, 4}))));
  EXPECT_EQ(big.p.payload_len, 0u);
}

TEST(DecoderTransport, TruncatedTcpKeepsAddresses) {
  Dec r(DLT_RAW);
  ASSERT_TRUE(r.decode(ipv4(kA, kB, kTcp, Bytes().zeros(12))));
  EXPECT_EQ(r.count(Anomaly::kTruncatedTcpHeader), 1u);
  EXPECT_EQ(r.p.l4_proto, kTcp);
  EXPECT_FALSE(r.p.is_tcp);
  EXPECT_EQ(r.p.src_port, 0);
  EXPECT_EQ(r.p.dst_port, 0);
  EXPECT_EQ(addr(r.p.src), "192.168.1.10");
}

TEST(DecoderTransport, TruncatedUdp) {
  Dec r(DLT_RAW);
  ASSERT_TRUE(r.decode(ipv4(kA, kB, kUdp, Bytes{0, 53, 0})));
  EXPECT_EQ(r.count(Anomaly::kTruncatedUdpHeader), 1u);
  EXPECT_EQ(r.p.l4_proto, kUdp);
  EXPECT_EQ(r.p.src_port, 0);
}

TEST(DecoderTransport, Icmp) {
  Dec r(DLT_RAW);
  ASSERT_TRUE(r.decode(ipv4(kA, kB, kIcmp, icmp(8, 0, Bytes().zeros(56)))));
  EXPECT_EQ(r.p.l4_proto, kIcmp);
  EXPECT_EQ(r.p.src_port, 0);
  EXPECT_EQ(r.p.dst_port, 0);
  EXPECT_FALSE(r.p.is_tcp);
  EXPECT_EQ(r.p.payload_len, 56u);
  EXPECT_EQ(r.p.payload, r.at(28));
  EXPECT_EQ(r.total(), 0u);
}

TEST(DecoderTransport, Icmpv6) {
  Dec r(DLT_RAW);
  ASSERT_TRUE(r.decode(ipv6(ip6(kA6), ip6(kB6), kIcmp6, icmp(128, 0, Bytes().zeros(4)))));
  EXPECT_EQ(r.p.l4_proto, kIcmp6);
  EXPECT_EQ(r.p.payload_len, 4u);
  EXPECT_EQ(r.p.src_port, 0);
  EXPECT_EQ(r.total(), 0u);
}

TEST(DecoderTransport, TruncatedIcmp) {
  Dec r(DLT_RAW);
  ASSERT_TRUE(r.decode(ipv4(kA, kB, kIcmp, Bytes{3, 3, 0, 0})));
  EXPECT_EQ(r.count(Anomaly::kTruncatedIcmpHeader), 1u);
  EXPECT_EQ(r.p.payload_len, 0u);
}

TEST(DecoderTransport, OtherProtocolsHaveNoPorts) {
  for (uint8_t proto : {89 /*OSPF*/, 132 /*SCTP*/, 50 /*ESP*/, 2 /*IGMP*/}) {
    SCOPED_TRACE(int(proto));
    Dec r(DLT_RAW);
    ASSERT_TRUE(r.decode(ipv4(kA, kB, proto, Bytes().fill(16, 0x55))));
    EXPECT_EQ(r.p.l4_proto, proto);
    EXPECT_EQ(r.p.src_port, 0);
    EXPECT_EQ(r.p.dst_port, 0);
    EXPECT_FALSE(r.p.is_tcp);
    EXPECT_EQ(r.total(), 0u);
  }
}

// ---- IP-in-IP and GRE ---------------------------------------------------------------

TEST(DecoderTunnel, Ipv4InIpv4) {
  Dec r(DLT_EN10MB);
  Bytes f = ethernet(kIpv4, ipv4(kInnerA, kInnerB, 4, tcp4()));
  ASSERT_TRUE(r.decode(f));
  expect_tcp4(r, 34, f.size());  // inner tuple
  EXPECT_EQ(r.count(Anomaly::kIpInIpTunnel), 1u);
  EXPECT_EQ(r.p.tunnel, Tunnel::kNone);
}

TEST(DecoderTunnel, Ipv6InIpv4) {
  Dec r(DLT_EN10MB);
  ASSERT_TRUE(r.decode(ethernet(kIpv4, ipv4(kA, kB, 41, udp6()))));
  EXPECT_EQ(addr(r.p.src), "2001:db8::10");
  EXPECT_EQ(r.p.dst_port, 53);
  EXPECT_EQ(r.p.l3, r.at(34));
  EXPECT_EQ(r.count(Anomaly::kIpInIpTunnel), 1u);
}

TEST(DecoderTunnel, Ipv4InIpv6AndIpv6InIpv6) {
  Dec r(DLT_EN10MB);
  Bytes f = ethernet(kIpv6, ipv6(ip6("fe80::1"), ip6("fe80::2"), 4, tcp4()));
  ASSERT_TRUE(r.decode(f));
  expect_tcp4(r, 54, f.size());
  ASSERT_TRUE(r.decode(ethernet(kIpv6, ipv6(ip6("fe80::1"), ip6("fe80::2"), 41, udp6()))));
  EXPECT_EQ(addr(r.p.src), "2001:db8::10");
  EXPECT_EQ(r.count(Anomaly::kIpInIpTunnel), 2u);
}

TEST(DecoderTunnel, TooManyEncapsulations) {
  Dec r(DLT_RAW);
  Bytes f = tcp4();
  for (int i = 0; i < 8; ++i) f = ipv4(kInnerA, kInnerB, 4, f);  // 9 IP headers
  EXPECT_FALSE(r.decode(f));
  EXPECT_EQ(r.count(Anomaly::kTooManyEncapsulations), 1u);
  Dec ok(DLT_RAW);
  Bytes g = tcp4();
  for (int i = 0; i < 7; ++i) g = ipv4(kInnerA, kInnerB, 4, g);  // 8 IP headers
  ASSERT_TRUE(ok.decode(g));
  EXPECT_EQ(ok.p.src_port, 40000);
  EXPECT_EQ(ok.count(Anomaly::kIpInIpTunnel), 7u);
}

TEST(DecoderTunnel, GreIsCountedOuterKept) {
  Dec r(DLT_EN10MB);
  Bytes gre;
  gre.be16(0).be16(kIpv4).append(tcp4());
  ASSERT_TRUE(r.decode(ethernet(kIpv4, ipv4(kInnerA, kInnerB, 47, gre))));
  EXPECT_EQ(r.count(Anomaly::kGreTunnel), 1u);
  EXPECT_EQ(addr(r.p.src), "172.16.0.5");
  EXPECT_EQ(addr(r.p.dst), "8.8.4.4");
  EXPECT_EQ(r.p.l4_proto, 47);
  EXPECT_EQ(r.p.src_port, 0);
  EXPECT_EQ(r.p.l3, r.at(14));
}

// ---- UDP tunnels --------------------------------------------------------------------

Bytes outer_udp(uint16_t sport, uint16_t dport, const Bytes& payload) {
  return ethernet(kIpv4, ipv4(kInnerA, kInnerB, kUdp, udp(sport, dport, payload)));
}

TEST(DecoderTunnel, GtpU) {
  Dec r(DLT_EN10MB);
  Bytes f = outer_udp(2152, 2152, gtpu(tcp4()));
  ASSERT_TRUE(r.decode(f));
  expect_tcp4(r, 14 + 28 + 8, f.size(), Tunnel::kGtp);
  EXPECT_EQ(r.count(Anomaly::kGtpTunnel), 1u);
}

TEST(DecoderTunnel, GtpUSetsTunnelAndCounts) {
  Dec r(DLT_EN10MB);
  ASSERT_TRUE(r.decode(outer_udp(40000, 2152, gtpu(udp6()))));
  EXPECT_EQ(r.p.tunnel, Tunnel::kGtp);
  EXPECT_STREQ(tunnel_name(r.p.tunnel), "GTP");
  EXPECT_EQ(addr(r.p.src), "2001:db8::10");
  EXPECT_EQ(r.p.src_port, 5353);
  EXPECT_EQ(r.p.l3, r.at(14 + 28 + 8));
  EXPECT_EQ(r.count(Anomaly::kGtpTunnel), 1u);
}

TEST(DecoderTunnel, GtpUOptionalFieldsAndExtensions) {
  Dec r(DLT_EN10MB);
  // Sequence number present (S flag): 4 more bytes.
  ASSERT_TRUE(r.decode(outer_udp(2152, 2152, gtpu(tcp4(), 0x32, 0xff, Bytes{0, 1, 0, 0}))));
  EXPECT_EQ(r.p.src_port, 40000);
  EXPECT_EQ(r.p.l3, r.at(14 + 28 + 12));
  // Extension header (E flag): next type 0x85 (PDU session), one 4-byte ext.
  Bytes opt{0, 0, 0, 0x85, 1, 0x10, 0x09, 0x00};
  ASSERT_TRUE(r.decode(outer_udp(2152, 2152, gtpu(tcp4(), 0x34, 0xff, opt))));
  EXPECT_EQ(r.p.tunnel, Tunnel::kGtp);
  EXPECT_EQ(r.p.src_port, 40000);
  EXPECT_EQ(r.p.l3, r.at(14 + 28 + 16));
}

TEST(DecoderTunnel, GtpControlIsNotDecapsulated) {
  Dec r(DLT_EN10MB);
  ASSERT_TRUE(r.decode(outer_udp(2152, 2152, gtpu(tcp4(), 0x30, 0x01))));  // echo request
  EXPECT_EQ(r.p.tunnel, Tunnel::kNone);
  EXPECT_EQ(addr(r.p.src), "172.16.0.5");
  EXPECT_EQ(r.p.dst_port, 2152);
  EXPECT_EQ(r.count(Anomaly::kGtpTunnel), 0u);
}

TEST(DecoderTunnel, TunnelsOffKeepsOuter) {
  Dec r(DLT_EN10MB, DecoderOptions{.decode_tunnels = false});
  ASSERT_TRUE(r.decode(outer_udp(2152, 2152, gtpu(tcp4()))));
  EXPECT_EQ(r.p.tunnel, Tunnel::kNone);
  EXPECT_EQ(addr(r.p.src), "172.16.0.5");
  EXPECT_EQ(r.p.l4_proto, kUdp);
  EXPECT_EQ(r.total(), 0u);
}

TEST(DecoderTunnel, Tzsp) {
  Dec r(DLT_EN10MB);
  Mac other = {0x0e, 1, 2, 3, 4, 5};
  Bytes inner = ethernet(0x8100, vlan(9, kIpv4, tcp4()), other, other);
  Bytes f = outer_udp(37008, 37008, tzsp(inner, Bytes{0, 0x0a, 1, 0x42}));  // PAD, RSSI tag
  ASSERT_TRUE(r.decode(f));
  EXPECT_EQ(r.p.tunnel, Tunnel::kTzsp);
  EXPECT_EQ(addr(r.p.src), "192.168.1.10");
  EXPECT_EQ(r.p.src_port, 40000);
  EXPECT_EQ(r.p.vlan_id, 9);
  EXPECT_EQ(r.p.l3, r.at(14 + 28 + 4 + 4 + 1 + 18));
  EXPECT_EQ(0, std::memcmp(r.p.src_mac, kMacA.data(), 6));  // the capture wire's MACs
  EXPECT_EQ(r.count(Anomaly::kTzspTunnel), 1u);
}

TEST(DecoderTunnel, TzspOtherEncapsulationIsNotOpened) {
  Dec r(DLT_EN10MB);
  Bytes hdr{1, 0, 0, 18, 1};  // 802.11
  ASSERT_TRUE(r.decode(outer_udp(1000, 37008, hdr.append(tcp4()))));
  EXPECT_EQ(r.p.tunnel, Tunnel::kNone);
  EXPECT_EQ(r.p.dst_port, 37008);
}

TEST(DecoderTunnel, Capwap) {
  Dec r(DLT_EN10MB);
  Bytes f = outer_udp(5247, 5247, capwap(kIpv4, tcp4()));
  ASSERT_TRUE(r.decode(f));
  EXPECT_EQ(r.p.tunnel, Tunnel::kCapwap);
  EXPECT_STREQ(tunnel_name(r.p.tunnel), "CAPWAP");
  EXPECT_EQ(addr(r.p.src), "192.168.1.10");
  EXPECT_EQ(r.p.dst_port, 443);
  EXPECT_EQ(r.p.l3, r.at(14 + 28 + 8 + 24 + 8));
  EXPECT_EQ(r.count(Anomaly::kCapwapTunnel), 1u);
}

TEST(DecoderTunnel, CapwapInnerNonIp) {
  Dec r(DLT_EN10MB);
  EXPECT_FALSE(r.decode(outer_udp(5247, 5247, capwap(0x0806, Bytes().zeros(28)))));
  EXPECT_EQ(r.count(Anomaly::kCapwapTunnel), 1u);
  EXPECT_EQ(r.count(Anomaly::kNonIpPacket), 1u);
}

TEST(DecoderTunnel, TunnelInsideTunnel) {
  Dec r(DLT_EN10MB);
  Bytes inner = ipv4(kInnerB, kInnerA, kUdp, udp(2152, 2152, gtpu(tcp4())));
  ASSERT_TRUE(r.decode(outer_udp(2152, 2152, gtpu(inner))));
  EXPECT_EQ(r.p.src_port, 40000);
  EXPECT_EQ(r.count(Anomaly::kGtpTunnel), 2u);
}

// ---- malformed and truncated input ------------------------------------------------------

TEST(DecoderMalformed, ShortLinkHeaders) {
  struct Case {
    int dlt;
    size_t len;
  } cases[] = {{DLT_EN10MB, 13}, {DLT_LINUX_SLL, 15}, {DLT_LINUX_SLL2, 19}, {DLT_NULL, 3},
               {DLT_LOOP, 3},    {DLT_PPP, 3},        {DLT_C_HDLC, 3},      {DLT_RAW, 0}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.dlt);
    Dec r(c.dlt);
    EXPECT_FALSE(r.decode(Bytes().fill(c.len, 0x45)));
    EXPECT_EQ(r.count(Anomaly::kTruncatedLinkHeader), 1u);
    EXPECT_EQ(r.total(), 1u);
  }
}

TEST(DecoderMalformed, NullFrameIsSafe) {
  Decoder d(DLT_EN10MB);
  DecodedPacket p;
  EXPECT_FALSE(d.decode(nullptr, 0, 0, 0, p));
  EXPECT_EQ(d.anomalies().get(Anomaly::kTruncatedLinkHeader), 1u);
}

TEST(DecoderMalformed, TruncatedVlanTag) {
  Dec r(DLT_EN10MB);
  EXPECT_FALSE(r.decode(ethernet(0x8100, Bytes{0, 5, 8})));
  EXPECT_EQ(r.count(Anomaly::kTruncatedVlanTag), 1u);
}

TEST(DecoderMalformed, TruncatedIpv4Header) {
  Dec r(DLT_EN10MB);
  EXPECT_FALSE(r.decode(ethernet(kIpv4, tcp4()).prefix(14 + 19)));
  EXPECT_EQ(r.count(Anomaly::kTruncatedIpv4Header), 1u);
  EXPECT_FALSE(r.decode(ethernet(kIpv4, {})));  // nothing at all after the link header
  EXPECT_EQ(r.count(Anomaly::kTruncatedIpv4Header), 2u);
}

TEST(DecoderMalformed, CutTransportHeaders) {
  Dec r(DLT_EN10MB);
  ASSERT_TRUE(r.decode(ethernet(kIpv4, tcp4()).prefix(14 + 20 + 19)));
  EXPECT_EQ(r.count(Anomaly::kTruncatedTcpHeader), 1u);
  EXPECT_EQ(r.count(Anomaly::kSnaplenTruncated), 1u);
  EXPECT_EQ(r.p.src_port, 0);
  ASSERT_TRUE(r.decode(ethernet(kIpv6, udp6()).prefix(14 + 40 + 7)));
  EXPECT_EQ(r.count(Anomaly::kTruncatedUdpHeader), 1u);
  EXPECT_EQ(r.count(Anomaly::kSnaplenTruncated), 2u);
}

TEST(DecoderMalformed, CutTunnelHeadersFallBackToOuter) {
  Dec r(DLT_EN10MB);
  Bytes f = outer_udp(2152, 2152, gtpu(tcp4()));
  ASSERT_TRUE(r.decode(f.prefix(14 + 28 + 7)));  // GTP header cut
  EXPECT_EQ(r.p.tunnel, Tunnel::kNone);
  EXPECT_EQ(r.p.dst_port, 2152);
  EXPECT_EQ(r.count(Anomaly::kGtpTunnel), 0u);
  Bytes c = outer_udp(5247, 5247, capwap(kIpv4, tcp4()));
  ASSERT_TRUE(r.decode(c.prefix(14 + 28 + 8 + 24 + 8)));  // nothing after LLC
  EXPECT_EQ(r.p.tunnel, Tunnel::kNone);
  EXPECT_EQ(r.count(Anomaly::kCapwapTunnel), 0u);
}

TEST(DecoderMalformed, GtpExtensionRunsOffTheEnd) {
  Dec r(DLT_EN10MB);
  Bytes opt{0, 0, 0, 0x85, 200, 0, 0, 0};  // 800-byte extension
  ASSERT_TRUE(r.decode(outer_udp(2152, 2152, gtpu(Bytes{}, 0x34, 0xff, opt))));
  EXPECT_EQ(r.p.tunnel, Tunnel::kNone);
  Bytes zero{0, 0, 0, 0x85, 0, 0, 0, 0};  // zero length: must not loop forever
  ASSERT_TRUE(r.decode(outer_udp(2152, 2152, gtpu(tcp4(), 0x34, 0xff, zero))));
  EXPECT_EQ(r.p.tunnel, Tunnel::kNone);
}

TEST(DecoderMalformed, TzspTagRunsOffTheEnd) {
  Dec r(DLT_EN10MB);
  Bytes hdr{1, 0, 0, 1, 0x0a, 250};
  ASSERT_TRUE(r.decode(outer_udp(37008, 37008, hdr)));
  EXPECT_EQ(r.p.tunnel, Tunnel::kNone);
  EXPECT_EQ(r.count(Anomaly::kTzspTunnel), 0u);
}

struct TruncationCase {
  const char* name;
  int dlt;
  Bytes frame;
};

std::vector<TruncationCase> truncation_cases() {
  Bytes tcp_opts = ipv4(kA, kB, kTcp,
                        tcp(1, 2, {.flags = tcpf::SYN, .options = Bytes{2, 4, 5, 0xb4}},
                            Bytes{'a', 'b'}),
                        {.options = Bytes{1, 1, 1, 0}});
  Bytes v6ext = ipv6(ip6(kA6), ip6(kB6), 0,
                     ipv6_ext(44, ipv6_frag(kTcp, 0, true, tcp(1, 2, {}, Bytes{'z'}))));
  return {
      {"ethernet", DLT_EN10MB, ethernet(kIpv4, tcp4())},
      {"vlan_qinq", DLT_EN10MB, ethernet(0x88a8, vlan(2, 0x8100, vlan(3, kIpv6, udp6())))},
      {"llc_snap", DLT_EN10MB, ethernet_llc_snap(kIpv4, tcp4())},
      {"mpls", DLT_EN10MB, ethernet(0x8847, mpls(1, false, mpls(2, true, tcp4())))},
      {"pppoe", DLT_EN10MB, ethernet(0x8864, pppoe_session(0x0021, tcp4()))},
      {"sll", DLT_LINUX_SLL, sll(kIpv4, tcp4())},
      {"sll2", DLT_LINUX_SLL2, sll2(kIpv6, udp6())},
      {"raw", DLT_RAW, tcp_opts},
      {"null", DLT_NULL, null_loopback_le(30, v6ext)},
      {"loop", DLT_LOOP, null_loopback_be(2, tcp4())},
      {"ppp", DLT_PPP, ppp(0x0021, ipv4(kA, kB, kIcmp, icmp(8, 0, Bytes().zeros(8))))},
      {"hdlc", DLT_C_HDLC, cisco_hdlc(kIpv6, ipv6(ip6(kA6), ip6(kB6), kIcmp6, icmp(1, 0)))},
      {"ipip", DLT_EN10MB, ethernet(kIpv4, ipv4(kInnerA, kInnerB, 41, udp6()))},
      {"gre", DLT_EN10MB, ethernet(kIpv4, ipv4(kA, kB, 47, Bytes{0, 0, 8, 0}.append(tcp4())))},
      {"gtp", DLT_EN10MB, outer_udp(2152, 2152, gtpu(tcp4(), 0x34, 0xff,
                                                      Bytes{0, 0, 0, 0x85, 1, 0, 0, 0}))},
      {"tzsp", DLT_EN10MB, outer_udp(37008, 37008, tzsp(ethernet(kIpv4, tcp4()), Bytes{0}))},
      {"capwap", DLT_EN10MB, outer_udp(5247, 5247, capwap(kIpv4, tcp4()))},
  };
}

// Cutting a valid frame anywhere must never crash nor read past the cut, and
// must always be noticed: either the packet is refused under a named anomaly
// or it is taken with at least `snaplen_truncated` counted.
TEST(DecoderMalformed, EveryTruncationLengthIsCounted) {
  for (const auto& c : truncation_cases()) {
    SCOPED_TRACE(c.name);
    Dec whole(c.dlt);
    ASSERT_TRUE(whole.decode(c.frame));
    for (uint64_t a = 0; a < static_cast<uint64_t>(Anomaly::kCount); ++a) {
      auto an = static_cast<Anomaly>(a);
      bool tunnel_counter = an == Anomaly::kIpInIpTunnel || an == Anomaly::kGreTunnel ||
                            an == Anomaly::kGtpTunnel || an == Anomaly::kTzspTunnel ||
                            an == Anomaly::kCapwapTunnel;
      if (!tunnel_counter) {
        EXPECT_EQ(whole.count(an), 0u) << anomaly_name(an);
      }
    }
    for (size_t len = 0; len < c.frame.size(); ++len) {
      SCOPED_TRACE(len);
      Dec r(c.dlt);
      Bytes cut = c.frame.prefix(len);
      bool ok = r.decode(cut, uint32_t(c.frame.size()));
      uint64_t noticed = r.total() - r.count(Anomaly::kIpInIpTunnel) -
                         r.count(Anomaly::kGreTunnel) - r.count(Anomaly::kGtpTunnel) -
                         r.count(Anomaly::kTzspTunnel) - r.count(Anomaly::kCapwapTunnel);
      EXPECT_GE(noticed, 1u) << "decode=" << ok;
      if (ok) {
        EXPECT_GE(r.count(Anomaly::kSnaplenTruncated), 1u);
        ASSERT_NE(r.p.l3, nullptr);
        EXPECT_GE(r.p.l3, r.at(0));
        EXPECT_EQ(r.p.l3 + r.p.l3_captured, r.at(len));
        if (r.p.payload) {
          EXPECT_LE(r.p.payload, r.at(len));
        }
        EXPECT_EQ(r.p.caplen, len);
        EXPECT_EQ(r.p.wire_len, c.frame.size());
        EXPECT_EQ(r.p.frame_len, c.frame.size());  // from the outermost IP length
      }
      Dec discard(c.dlt, DecoderOptions{.discard_truncated = true});
      EXPECT_FALSE(discard.decode(cut, uint32_t(c.frame.size())));
      EXPECT_GE(discard.total(), 1u);
    }
  }
}

// Every single-byte corruption of those frames decodes without crashing and
// keeps the pointers inside the frame.
TEST(DecoderMalformed, ByteFlipsStayInBounds) {
  for (const auto& c : truncation_cases()) {
    SCOPED_TRACE(c.name);
    for (size_t i = 0; i < c.frame.size(); ++i) {
      for (uint8_t v : {uint8_t(0x00), uint8_t(0xff), uint8_t(c.frame[i] ^ 0x0f)}) {
        Bytes f = c.frame;
        f[i] = v;
        Dec r(c.dlt);
        bool ok = r.decode(f);
        if (!ok) {
          EXPECT_GE(r.total(), 1u) << "byte " << i;
          continue;
        }
        ASSERT_NE(r.p.l3, nullptr);
        EXPECT_GE(r.p.l3, r.at(0));
        EXPECT_LE(r.p.l3 + r.p.l3_captured, r.at(f.size()));
        if (r.p.payload) {
          EXPECT_LE(r.p.payload, r.at(f.size()));
        }
      }
    }
  }
}

TEST(DecoderMalformed, AnomalyNamesAreDistinct) {
  std::set<std::string_view> names;
  for (size_t a = 0; a < static_cast<size_t>(Anomaly::kCount); ++a) {
    auto n = anomaly_name(static_cast<Anomaly>(a));
    EXPECT_NE(n, "unknown");
    EXPECT_TRUE(names.insert(n).second) << n;
  }
  EXPECT_EQ(anomaly_name(Anomaly::kIpv4Fragment), "ipv4_non_first_fragment");
}

TEST(DecoderMalformed, CountersAccumulateAcrossPackets) {
  Dec r(DLT_EN10MB);
  for (int i = 0; i < 3; ++i) r.decode(ethernet(0x0806, Bytes().zeros(28)));
  r.decode(Bytes().zeros(5));
  ASSERT_TRUE(r.decode(ethernet(kIpv4, tcp4())));
  EXPECT_EQ(r.count(Anomaly::kNonIpPacket), 3u);
  EXPECT_EQ(r.count(Anomaly::kTruncatedLinkHeader), 1u);
  EXPECT_EQ(r.total(), 4u);
}

}  // namespace
}  // namespace vedetta
