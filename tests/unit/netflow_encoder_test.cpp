// NetFlow v9 / IPFIX encoder: round trips through the decoder, templates,
// refreshes, sequence numbers, packet sizes, text in both protocols.
#include "wire/netflow_encoder.h"

#include <gtest/gtest.h>

#include <map>

#include "wire/netflow_decoder.h"
#include "wire/netflow_format.h"

namespace vedetta::wire {
namespace {

using Packets = std::vector<std::vector<uint8_t>>;
constexpr uint64_t kNow = 1'700'000'000'000;  // epoch ms
constexpr uint32_t kL7Proto = ntop_element(118), kL7ProtoName = ntop_element(119);
constexpr uint32_t kSrcProcPid = ntop_element(168), kSrcProcName = ntop_element(169);
constexpr uint32_t kSrcProcCmdline = ntop_element(556);
constexpr uint32_t kL7Master = kOwnBase + 8, kL7App = kOwnBase + 9;

FlowRecord flow(int n, bool ipv6, bool process) {
  FlowRecord r;
  r.add(148, uint64_t(n));  // FLOW_ID
  r.add(4, uint64_t(6));
  if (ipv6) {
    r.add(27, std::string("2001:db8::1"));
    r.add(28, std::string("2001:db8::" + std::to_string(n + 2)));
  } else {
    r.add(8, std::string("10.0.0.1"));
    r.add(12, std::string("10.0.1." + std::to_string(n % 250)));
  }
  r.add(7, uint64_t(40000 + n));
  r.add(11, uint64_t(443));
  r.add(56, std::string("aa:bb:cc:dd:ee:0f"));
  r.add(1, uint64_t(1000 * n + 7));
  r.add(2, uint64_t(n + 1));
  r.add(23, uint64_t(5'000'000'000));  // needs all 8 bytes
  r.add(22, uint64_t(1'600'000'000));  // FIRST_SWITCHED: epoch seconds
  r.add(21, uint64_t(1'600'000'002));
  r.add(152, uint64_t(1'600'000'000'250));
  r.add(153, uint64_t(1'600'000'002'750));
  r.add(ntop_element(123), 1.5);  // CLIENT_NW_LATENCY_MS
  r.add(kL7Proto, std::string("91.126"));
  r.add(kL7ProtoName, std::string("TLS.Google"));
  r.add(kL7Master, uint64_t(91));
  r.add(kL7App, uint64_t(126));
  r.add(kOwnBase + 5, true);  // DIRECTION_GUESSED
  if (process) {
    r.add(kSrcProcPid, uint64_t(4242));
    r.add(kSrcProcName, std::string("curl"));
    r.add(kSrcProcCmdline, std::string("curl https://example.org/") + std::string(300, 'x'));
  }
  return r;
}

std::map<uint32_t, FieldValue> by_id(const FlowRecord& r) {
  std::map<uint32_t, FieldValue> m;
  for (const RecordField& f : r.fields) {
    EXPECT_NE(f.id, 0u) << "unknown field " << f.name;
    EXPECT_TRUE(m.emplace(f.id, f.value).second) << "field " << f.id << " twice";
  }
  return m;
}

std::vector<FlowRecord> decode_all(const Packets& packets, NetflowDecoder& decoder) {
  std::vector<FlowRecord> out;
  for (const auto& p : packets) {
    NetflowPacketInfo info;
    std::string error;
    EXPECT_TRUE(decoder.decode("192.0.2.1:9999", p.data(), p.size(), out, info, error)) << error;
    EXPECT_EQ(info.unknown_template_sets, 0u);
  }
  return out;
}

// One record alone in a packet.
Packets encode_one(NetflowProtocol protocol, const FlowRecord& r) {
  NetflowEncoder enc({protocol, 0, 1400, 20, 30});
  Packets packets;
  enc.add(r, kNow, packets);
  enc.flush(kNow, packets);
  return packets;
}

std::vector<FlowRecord> round_trip(NetflowProtocol protocol, const FlowRecord& r) {
  NetflowDecoder decoder;
  return decode_all(encode_one(protocol, r), decoder);
}

class RoundTrip : public ::testing::TestWithParam<NetflowProtocol> {};

TEST_P(RoundTrip, RecordsComeBackAsTheyWent) {
  NetflowEncoder enc({GetParam(), 7, 1400, 20, 30});
  std::vector<FlowRecord> sent;
  Packets packets;
  for (int i = 0; i < 60; ++i) {
    sent.push_back(flow(i, i % 3 == 1, i % 4 == 2));
    enc.add(sent.back(), kNow + i, packets);
  }
  enc.flush(kNow + 100, packets);
  EXPECT_EQ(enc.stats().records, 60u);
  EXPECT_EQ(enc.stats().templates, 4u);  // {IPv4, IPv6} x {with, without process}
  for (const auto& p : packets) EXPECT_LE(p.size(), 1400u);

  NetflowDecoder decoder;
  std::vector<FlowRecord> got = decode_all(packets, decoder);
  ASSERT_EQ(got.size(), sent.size());
  bool v9 = GetParam() == NetflowProtocol::kV9;
  for (size_t i = 0; i < sent.size(); ++i) {
    auto want = by_id(sent[i]);
    if (v9 && want.count(kSrcProcCmdline))  // NetFlow v9: cut to the dictionary's 128 bytes
      want[kSrcProcCmdline] = std::get<std::string>(want[kSrcProcCmdline]).substr(0, 128);
    EXPECT_EQ(by_id(got[i]), want) << "record " << i;
  }
  if (!v9) {  // whole in IPFIX
    EXPECT_EQ(std::get<std::string>(*got[2].get(kSrcProcCmdline)).size(), 325u);
  }
}

INSTANTIATE_TEST_SUITE_P(NetflowAndIpfix, RoundTrip,
                         ::testing::Values(NetflowProtocol::kV9, NetflowProtocol::kIpfix));

TEST(NetflowEncoder, V9TextIsCutOnACharacterAndNulPadded) {
  FlowRecord r;
  // 15 ASCII bytes then "é" (2 bytes): the 16-byte SRC_PROC_NAME cannot hold the é whole.
  r.add(kSrcProcName, std::string("abcdefghijklmno\xc3\xa9"));
  auto got = round_trip(NetflowProtocol::kV9, r);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(std::get<std::string>(*got[0].get(kSrcProcName)), "abcdefghijklmno");
}

TEST(NetflowEncoder, IpfixLongTextUsesThreeByteLength) {
  FlowRecord r;
  std::string cmdline(3000, 'c');
  r.add(kSrcProcCmdline, cmdline);
  Packets packets = encode_one(NetflowProtocol::kIpfix, r);
  ASSERT_EQ(packets.size(), 1u);  // a record bigger than 1400 bytes travels alone
  NetflowDecoder decoder;
  auto got = decode_all(packets, decoder);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(std::get<std::string>(*got[0].get(kSrcProcCmdline)), cmdline);
}

TEST(NetflowEncoder, ItemsOfNtopAreEnterpriseElementsInIpfixAndHighIdsInV9) {
  FlowRecord r;
  r.add(kL7ProtoName, std::string("DNS"));
  for (auto protocol : {NetflowProtocol::kV9, NetflowProtocol::kIpfix}) {
    Packets packets = encode_one(protocol, r);
    ASSERT_EQ(packets.size(), 1u);
    const uint8_t* set = packets[0].data() + (protocol == NetflowProtocol::kV9 ? 20 : 16);
    const uint8_t* spec = set + 4 + 4;  // set header, template id and field count
    if (protocol == NetflowProtocol::kV9) {
      EXPECT_EQ(netflow::read_u16(spec), 57591);  // 57472 + 119
      EXPECT_EQ(netflow::read_u16(spec + 2), 32);
    } else {
      EXPECT_EQ(netflow::read_u16(spec), 0x8000 | 119);
      EXPECT_EQ(netflow::read_u16(spec + 2), 65535);  // variable length
      EXPECT_EQ(netflow::read_u32(spec + 4), kNtopPen);
    }
  }
}

TEST(NetflowEncoder, FirstAndLastSwitchedTravelAsMilliseconds) {
  FlowRecord r;
  r.add(22, uint64_t(1'600'000'000));  // epoch seconds only: no 152/153 in the record
  r.add(21, uint64_t(1'600'000'009));
  Packets packets = encode_one(NetflowProtocol::kV9, r);
  // The template: 152 and 153 only (21/22 mean sysUptime offsets in NetFlow v9).
  const uint8_t* t = packets[0].data() + 20 + 4;
  ASSERT_EQ(netflow::read_u16(t + 2), 2);
  EXPECT_EQ(netflow::read_u16(t + 4), 152);
  EXPECT_EQ(netflow::read_u16(t + 8), 153);
  NetflowDecoder decoder;
  auto got = decode_all(packets, decoder);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(by_id(got[0]), (std::map<uint32_t, FieldValue>{{152, uint64_t(1'600'000'000'000)},
                                                           {153, uint64_t(1'600'000'009'000)},
                                                           {22, uint64_t(1'600'000'000)},
                                                           {21, uint64_t(1'600'000'009)}}));
}

// Packet i has sequence number i and a template set when i % every == 0.
void expect_refresh_every(const Packets& packets, bool ipfix, size_t every) {
  for (size_t i = 0; i < packets.size(); ++i) {
    const auto& p = packets[i];
    EXPECT_EQ(netflow::read_u32(p.data() + (ipfix ? 8 : 12)), i);
    int template_sets = 0;
    for (size_t at = ipfix ? 16 : 20; at + 4 <= p.size(); at += netflow::read_u16(&p[at + 2]))
      template_sets += netflow::read_u16(&p[at]) == (ipfix ? 2 : 0);
    EXPECT_EQ(template_sets, i % every == 0 ? 1 : 0) << "packet " << i;
  }
}

TEST(NetflowEncoder, TemplatesAreSentAgainEveryNPackets) {
  NetflowEncoder enc({NetflowProtocol::kV9, 0, 1400, 5, 0});
  Packets packets;
  for (int i = 0; i < 200; ++i) enc.add(flow(i, false, false), kNow, packets);
  enc.flush(kNow, packets);
  ASSERT_GT(packets.size(), 15u);
  expect_refresh_every(packets, false, 5);  // v9 sequence numbers count packets
}

TEST(NetflowEncoder, TemplatesAreSentAgainAfterMSeconds) {
  NetflowEncoder enc({NetflowProtocol::kIpfix, 0, 1400, 0, 10});
  Packets packets;
  for (int i = 0; i < 40; ++i) {
    enc.add(flow(i, false, false), kNow + i * 1000, packets);  // one record a second
    enc.flush(kNow + i * 1000, packets);
  }
  ASSERT_EQ(packets.size(), 40u);
  expect_refresh_every(packets, true, 10);  // IPFIX counts data records: one per packet here
}

TEST(NetflowEncoder, IpfixSequenceCountsDataRecords) {
  NetflowEncoder enc({NetflowProtocol::kIpfix, 0, 1400, 20, 30});
  Packets packets;
  for (int i = 0; i < 50; ++i) enc.add(flow(i, false, false), kNow, packets);
  enc.flush(kNow, packets);
  NetflowDecoder decoder;
  uint32_t expected = 0;
  for (const auto& p : packets) {
    std::vector<FlowRecord> out;
    NetflowPacketInfo info;
    std::string error;
    ASSERT_TRUE(decoder.decode("x", p.data(), p.size(), out, info, error)) << error;
    EXPECT_EQ(info.sequence, expected);
    expected = info.sequence_next;
    EXPECT_EQ(info.sequence_next - info.sequence, out.size());
  }
  EXPECT_EQ(expected, 50u);
}

TEST(NetflowEncoder, FieldsThatDoNotFitTheirKindAreLeftOut) {
  FlowRecord r;
  r.add(8, std::string("not an address"));
  r.add(7, std::string("http"));  // a port as text that is no number
  r.add(11, uint64_t(80));
  r.add(0, std::string("no id"));
  r.add(99999, uint64_t(1));  // an id the dictionary does not know
  auto got = round_trip(NetflowProtocol::kIpfix, r);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(by_id(got[0]), (std::map<uint32_t, FieldValue>{{11, uint64_t(80)}}));
}

// A 2-byte record in NetFlow v9: the set is not padded to 4 bytes, since
// the 2 bytes of padding would read as a second record.
TEST(NetflowEncoder, NumbersTooBigForTheirFieldSaturate) {
  FlowRecord r;
  r.add(7, uint64_t(70000));  // L4_SRC_PORT: 2 bytes
  auto got = round_trip(NetflowProtocol::kV9, r);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(std::get<uint64_t>(*got[0].get(7)), 65535u);
}

}  // namespace
}  // namespace vedetta::wire
