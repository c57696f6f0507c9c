// vedetta::build_synthetic_packet (agent mode): the packets made from socket
// system calls decode back, with src/decode, to the call's tuple, its full
// byte count and only the copied data.
#include "capture/syscall_packet.h"

#include <gtest/gtest.h>
#include <pcap/dlt.h>

#include <string>

#include "decode/decoder.h"

namespace vedetta {
namespace {

IpAddress addr(const char* text) {
  IpAddress a;
  EXPECT_TRUE(IpAddress::parse(text, a)) << text;
  return a;
}

// Cut at the snap by design, like a capture with a small snap length:
// nothing else may be wrong.
uint64_t anomalies_but_snaplen(const Decoder& d) {
  return d.anomalies().total() - d.anomalies().counts[size_t(Anomaly::kSnaplenTruncated)];
}

DecodedPacket decode(const RawPacket& raw, Decoder& d) {
  DecodedPacket p;
  EXPECT_TRUE(d.decode(raw.data, raw.caplen, raw.wire_len, raw.ts_us, p));
  return p;
}

SyntheticSegment segment(const char* src, const char* dst, uint16_t src_port, uint16_t dst_port,
                         uint8_t l4_proto) {
  SyntheticSegment s;
  s.src = addr(src);
  s.dst = addr(dst);
  s.src_port = src_port;
  s.dst_port = dst_port;
  s.l4_proto = l4_proto;
  return s;
}

void expect_tuple(const DecodedPacket& p, const char* src, const char* dst, uint16_t src_port,
                  uint16_t dst_port) {
  EXPECT_EQ(p.src.to_string(), src);
  EXPECT_EQ(p.dst.to_string(), dst);
  EXPECT_EQ(p.src_port, src_port);
  EXPECT_EQ(p.dst_port, dst_port);
}

const std::string kRequest = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";

TEST(SyscallPacket, TcpSendStatesAllBytesCarriesOnlyTheSnap) {
  SyntheticSegment s = segment("127.0.0.1", "10.1.2.3", 40000, 80, 6);
  s.tcp_flags = tcp_flag::kAck | tcp_flag::kPsh;
  s.tcp_seq = 1000;
  s.tcp_ack = 2000;
  s.payload_len = 10'000;  // the call's result
  s.snap = reinterpret_cast<const uint8_t*>(kRequest.data());
  s.snap_len = kRequest.size();
  s.ts_us = 1'700'000'000'000'000;
  std::vector<uint8_t> frame;
  RawPacket raw = build_synthetic_packet(s, frame);
  EXPECT_EQ(raw.caplen, 20u + 20u + kRequest.size());
  EXPECT_EQ(raw.wire_len, 20u + 20u + 10'000u);

  Decoder d(DLT_RAW);
  DecodedPacket p = decode(raw, d);
  expect_tuple(p, "127.0.0.1", "10.1.2.3", 40000, 80);
  EXPECT_TRUE(p.is_tcp);
  EXPECT_EQ(p.tcp_flags, tcp_flag::kAck | tcp_flag::kPsh);
  EXPECT_EQ(p.tcp_seq, 1000u);
  EXPECT_EQ(p.tcp_ack, 2000u);
  EXPECT_GT(p.tcp_window, 0);  // a zero window would be a health event
  EXPECT_EQ(p.ip_len, 10'040u);
  EXPECT_EQ(p.payload_len, 10'000u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(p.payload), kRequest.size()), kRequest);
  EXPECT_EQ(p.ts_us, s.ts_us);
  EXPECT_EQ(anomalies_but_snaplen(d), 0u);
}

TEST(SyscallPacket, Udp6WithoutData) {
  SyntheticSegment s = segment("2001:db8::1", "::1", 5353, 53, 17);
  s.payload_len = 512;  // sendfile-like: bytes without data
  std::vector<uint8_t> frame;
  RawPacket raw = build_synthetic_packet(s, frame);
  EXPECT_EQ(raw.caplen, 40u + 8u);
  Decoder d(DLT_RAW);
  DecodedPacket p = decode(raw, d);
  expect_tuple(p, "2001:db8::1", "::1", 5353, 53);
  EXPECT_EQ(p.l4_proto, 17);
  EXPECT_EQ(p.ip_len, 40u + 8u + 512u);
  EXPECT_EQ(p.payload_len, 512u);
}

TEST(SyscallPacket, LargestPayloadFitsTheLengthField) {
  for (const char* a : {"192.0.2.1", "2001:db8::2"}) {
    SyntheticSegment s = segment(a, a, 1, 1, 6);
    s.payload_len = max_synthetic_payload(s.src);
    std::vector<uint8_t> frame;
    RawPacket raw = build_synthetic_packet(s, frame);
    Decoder d(DLT_RAW);
    DecodedPacket p = decode(raw, d);
    EXPECT_EQ(p.payload_len, s.payload_len) << a;
    EXPECT_EQ(anomalies_but_snaplen(d), 0u) << a;
  }
}

}  // namespace
}  // namespace vedetta
