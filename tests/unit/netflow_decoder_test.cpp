// NetFlow v5/v9/IPFIX decoder: hand-built packets (v5, foreign enterprise
// elements, options templates, data before its template, time placement)
// and damaged ones, which must give an error and never a crash.
#include "wire/netflow_decoder.h"

#include <gtest/gtest.h>

#include "wire/netflow_encoder.h"
#include "wire/netflow_format.h"

namespace vedetta::wire {
namespace {

using netflow::ByteWriter;
using Bytes = std::vector<uint8_t>;

struct Result {
  bool ok;
  std::string error;
  std::vector<FlowRecord> records;
  NetflowPacketInfo info;
};

Result decode(NetflowDecoder& d, const Bytes& p, std::string_view exporter = "192.0.2.1:2055") {
  Result r;
  r.ok = d.decode(exporter, p.data(), p.size(), r.records, r.info, r.error);
  return r;
}

// Builds an IPFIX message set by set; the header is completed by done().
class Ipfix {
 public:
  explicit Ipfix(uint32_t sequence = 0, uint32_t domain = 1) {
    w_.u16(10);
    w_.u16(0);
    w_.u32(1'700'000'000);
    w_.u32(sequence);
    w_.u32(domain);
  }
  ByteWriter& open(uint16_t set_id) {
    close();
    start_ = bytes_.size();
    w_.u16(set_id);
    w_.u16(0);
    return w_;
  }
  Bytes done() {
    close();
    w_.put_u16(2, static_cast<uint16_t>(bytes_.size()));
    return bytes_;
  }

 private:
  void close() {
    if (start_) w_.put_u16(start_ + 2, static_cast<uint16_t>(bytes_.size() - start_));
    start_ = 0;
  }
  Bytes bytes_;
  ByteWriter w_{bytes_};
  size_t start_ = 0;
};

TEST(NetflowDecoder, V5RecordsWithTimesOnTheEpoch) {
  Bytes p;
  ByteWriter w(p);
  w.u16(5);
  w.u16(1);                // count
  w.u32(100'000);          // sysUptime: 100 s
  w.u32(1'700'000'000);    // unix secs
  w.u32(500'000'000);      // nsecs: .5 s
  w.u32(41);               // flow sequence
  w.u8(1);                 // engine type
  w.u8(2);                 // engine id
  w.u16(0);
  w.bytes("\x0a\x00\x00\x01\x0a\x00\x00\x02\x00\x00\x00\x00", 12);
  w.u16(3), w.u16(4);             // input, output
  w.u32(10), w.u32(1500);         // packets, bytes
  w.u32(40'000), w.u32(90'000);   // first, last: uptime ms
  w.u16(1234), w.u16(80);
  w.u8(0), w.u8(0x1b), w.u8(6), w.u8(0);
  w.u16(0), w.u16(0), w.u8(24), w.u8(16), w.u16(0);
  NetflowDecoder d;
  Result r = decode(d, p);
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.records.size(), 1u);
  const FlowRecord& f = r.records[0];
  EXPECT_EQ(std::get<std::string>(*f.get(8)), "10.0.0.1");
  EXPECT_EQ(std::get<std::string>(*f.get(12)), "10.0.0.2");
  EXPECT_EQ(std::get<uint64_t>(*f.get(1)), 1500u);
  EXPECT_EQ(std::get<uint64_t>(*f.get(11)), 80u);
  // Export at 1700000000.5 s with uptime 100 s: booted at ...900.5; first = boot + 40 s.
  EXPECT_EQ(std::get<uint64_t>(*f.get(152)), 1'699'999'940'500u);
  EXPECT_EQ(std::get<uint64_t>(*f.get(153)), 1'699'999'990'500u);
  EXPECT_EQ(std::get<uint64_t>(*f.get(22)), 1'699'999'940u);
  EXPECT_EQ(r.info.source_id, 0x0102u);
  EXPECT_EQ(r.info.sequence, 41u);
  EXPECT_EQ(r.info.sequence_next, 42u);
}

TEST(NetflowDecoder, V5ShorterThanItsCount) {
  Bytes p(24 + 47, 0);
  p[1] = 5, p[3] = 1;
  NetflowDecoder d;
  Result r = decode(d, p);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("too short for the 1 records"), std::string::npos) << r.error;
}

TEST(NetflowDecoder, V9UptimeRelativeTimesWrapAround) {
  Bytes p;
  ByteWriter w(p);
  w.u16(9), w.u16(2), w.u32(5'000), w.u32(1'700'000'000), w.u32(0), w.u32(0);
  w.u16(0), w.u16(12), w.u16(256), w.u16(1), w.u16(22), w.u16(4);  // template: FIRST_SWITCHED
  // Uptime 5 s, the flow started 10 s ago: before the 32-bit uptime wrapped.
  w.u16(256), w.u16(8), w.u32(uint32_t(5'000 - 10'000));
  NetflowDecoder d;
  Result r = decode(d, p);
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(std::get<uint64_t>(*r.records[0].get(152)), 1'699'999'990'000u);
}

TEST(NetflowDecoder, IpfixEnterpriseElementsAndVariableLength) {
  Ipfix m;
  ByteWriter& t = m.open(2);
  t.u16(300), t.u16(4);
  t.u16(7), t.u16(2);                                    // sourceTransportPort
  t.u16(0x8000 | 119), t.u16(65535), t.u32(kNtopPen);   // ntop L7_PROTO_NAME, variable
  t.u16(0x8000 | 12), t.u16(4), t.u32(9);                // Cisco (PEN 9) element 12
  t.u16(0x8000 | 5), t.u16(65535), t.u32(29305);         // another PEN, variable
  ByteWriter& d = m.open(300);
  d.u16(5353);
  d.u8(4), d.bytes("mDNS", 4);
  d.u32(77);
  d.u8(255), d.u16(3), d.bytes("abc", 3);  // the 3-byte length form
  NetflowDecoder dec;
  Result r = decode(dec, m.done());
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.records.size(), 1u);
  const FlowRecord& f = r.records[0];
  EXPECT_EQ(std::get<uint64_t>(*f.get(7)), 5353u);
  EXPECT_EQ(std::get<std::string>(*f.get(ntop_element(119))), "mDNS");
  ASSERT_EQ(f.fields.size(), 4u);
  EXPECT_EQ(f.fields[2].id, 0u);
  EXPECT_EQ(f.fields[2].name, "9.12");
  EXPECT_EQ(std::get<uint64_t>(f.fields[2].value), 77u);
  EXPECT_EQ(f.fields[3].name, "29305.5");
  EXPECT_EQ(std::get<std::string>(f.fields[3].value), "abc");
}

TEST(NetflowDecoder, DataBeforeItsTemplateIsCountedThenDecoded) {
  NetflowEncoder enc({NetflowProtocol::kIpfix, 3, 1400, 2, 0});
  FlowRecord r;
  r.add(7, uint64_t(1));
  std::vector<Bytes> packets;
  for (int i = 0; i < 3; ++i) {
    enc.add(r, 1'700'000'000'000, packets);
    enc.flush(1'700'000'000'000, packets);
  }
  ASSERT_EQ(packets.size(), 3u);  // template in packets 0 and 2
  NetflowDecoder d;
  Result second = decode(d, packets[1]);  // a collector that starts late
  EXPECT_TRUE(second.ok);
  EXPECT_EQ(second.records.size(), 0u);
  EXPECT_EQ(second.info.unknown_template_sets, 1u);
  EXPECT_FALSE(second.info.sequence_known);
  Result third = decode(d, packets[2]);
  EXPECT_EQ(third.records.size(), 1u);
  EXPECT_EQ(third.info.unknown_template_sets, 0u);
  // Templates belong to their exporter and domain.
  Result elsewhere = decode(d, packets[1], "192.0.2.99:2055");
  EXPECT_EQ(elsewhere.info.unknown_template_sets, 1u);
}

TEST(NetflowDecoder, OptionsRecordsAreSkippedButCounted) {
  Ipfix m(10);
  ByteWriter& t = m.open(3);  // options template: 1 scope field + 1 field
  t.u16(400), t.u16(2), t.u16(1);
  t.u16(149), t.u16(4), t.u16(41), t.u16(8);
  ByteWriter& d = m.open(400);
  for (int i = 0; i < 3; ++i) d.u32(1), d.uint(99, 8);
  NetflowDecoder dec;
  Result r = decode(dec, m.done());
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.records.size(), 0u);
  EXPECT_EQ(r.info.templates, 1u);
  EXPECT_EQ(r.info.sequence_next, 13u);  // IPFIX sequence numbers count options records too
}

// softflowd's IPFIX: flowStart/EndSysUpTime (22/21) counted from the
// systemInitTimeMilliseconds (160) of an options record.
TEST(NetflowDecoder, IpfixUptimeOffsetsFromTheOptionsRecordsInitTime) {
  Ipfix m;
  ByteWriter& ot = m.open(3);
  ot.u16(400), ot.u16(2), ot.u16(1), ot.u16(149), ot.u16(4), ot.u16(160), ot.u16(8);
  ByteWriter& t = m.open(2);
  t.u16(300), t.u16(2), t.u16(22), t.u16(4), t.u16(21), t.u16(4);
  ByteWriter& od = m.open(400);
  od.u32(1), od.uint(1'600'000'000'000, 8);
  ByteWriter& d = m.open(300);
  d.u32(5'000), d.u32(7'500);
  NetflowDecoder dec;
  Result r = decode(dec, m.done());
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(std::get<uint64_t>(*r.records[0].get(152)), 1'600'000'005'000u);
  EXPECT_EQ(std::get<uint64_t>(*r.records[0].get(153)), 1'600'000'007'500u);
  EXPECT_EQ(std::get<uint64_t>(*r.records[0].get(22)), 1'600'000'005u);

  // Without the init time, the offsets are kept aside under their IPFIX names.
  Ipfix m2;
  ByteWriter& t2 = m2.open(2);
  t2.u16(300), t2.u16(1), t2.u16(22), t2.u16(4);
  m2.open(300).u32(5'000);
  NetflowDecoder dec2;
  r = decode(dec2, m2.done());
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].get(22), nullptr);
  ASSERT_EQ(r.records[0].fields.size(), 1u);
  EXPECT_EQ(r.records[0].fields[0].name, "flowStartSysUpTime");
}

TEST(NetflowDecoder, V9OptionsTemplateWithPadding) {
  Bytes p;
  ByteWriter w(p);
  w.u16(9), w.u16(2), w.u32(0), w.u32(0), w.u32(7), w.u32(0);
  w.u16(1), w.u16(4 + 6 + 8 + 2);  // options template flowset, 2 bytes of padding
  w.u16(257), w.u16(4), w.u16(4);  // scope 4 bytes, options 4 bytes
  w.u16(1), w.u16(4), w.u16(34), w.u16(4);
  w.u16(0);
  w.u16(257), w.u16(4 + 8), w.u32(1), w.u32(100);
  NetflowDecoder d;
  Result r = decode(d, p);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.info.templates, 1u);
  EXPECT_EQ(r.records.size(), 0u);
  EXPECT_EQ(r.info.sequence_next, 8u);
}

TEST(NetflowDecoder, ClearErrors) {
  NetflowDecoder d;
  struct Case {
    Bytes packet;
    const char* says;
  } cases[] = {
      {{0x00}, "too short"},
      {{0x00, 0x07, 0, 0}, "unknown NetFlow version 7"},
      {{0x00, 0x09, 0, 1, 0, 0}, "shorter than its 20-byte header"},
      // IPFIX header claiming 100 bytes in a 16-byte datagram
      {{0, 10, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "header length 100"},
  };
  for (const Case& c : cases) {
    Result r = decode(d, c.packet);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find(c.says), std::string::npos) << r.error;
  }
}

TEST(NetflowDecoder, BadSetsAndTemplates) {
  struct Case {
    const char* name;
    void (*build)(Ipfix&);
    const char* says;
  } cases[] = {
      {"set length below its header", [](Ipfix& m) { m.open(2); }, nullptr},
      {"huge field count",
       [](Ipfix& m) {
         ByteWriter& t = m.open(2);
         t.u16(256), t.u16(65535), t.u16(7), t.u16(2);
       },
       "field 2 of 65535 runs past the end"},
      {"zero-length fields",
       [](Ipfix& m) {
         ByteWriter& t = m.open(2);
         t.u16(256), t.u16(2), t.u16(7), t.u16(0), t.u16(11), t.u16(0);
       },
       "no bytes"},
      {"template id below 256",
       [](Ipfix& m) {
         ByteWriter& t = m.open(2);
         t.u16(255), t.u16(1), t.u16(7), t.u16(2);
       },
       "below 256"},
      {"enterprise number cut",
       [](Ipfix& m) {
         ByteWriter& t = m.open(2);
         t.u16(256), t.u16(1), t.u16(0x8000 | 7), t.u16(2), t.u16(0);
       },
       "enterprise number"},
      {"variable-length field past its set",
       [](Ipfix& m) {
         ByteWriter& t = m.open(2);
         t.u16(256), t.u16(1), t.u16(82), t.u16(65535);
         ByteWriter& d = m.open(256);
         d.u8(200), d.bytes("short", 5);
       },
       "runs past the end of its set"},
  };
  for (const Case& c : cases) {
    Ipfix m;
    c.build(m);
    Bytes p = m.done();
    if (!c.says) p[16 + 3] = 2;  // set length 2 < 4
    NetflowDecoder d;
    Result r = decode(d, p);
    EXPECT_FALSE(r.ok) << c.name;
    EXPECT_NE(r.error.find(c.says ? c.says : "shorter than its 4-byte header"), std::string::npos)
        << c.name << ": " << r.error;
  }
}

TEST(NetflowDecoder, EmptySetsAndWithdrawalsEnd) {
  Ipfix m;
  for (int i = 0; i < 100; ++i) m.open(2);            // empty template sets
  ByteWriter& t = m.open(2);
  for (int i = 0; i < 50; ++i) t.u16(256), t.u16(0);  // the same template withdrawn again and again
  NetflowDecoder d;
  Result r = decode(d, m.done());
  EXPECT_TRUE(r.ok) << r.error;
}

TEST(NetflowDecoder, TemplateLimitPerSource) {
  NetflowDecoderLimits limits;
  limits.max_templates_per_stream = 3;
  NetflowDecoder d(limits);
  Ipfix m;
  ByteWriter& t = m.open(2);
  for (int id = 256; id < 260; ++id) t.u16(id), t.u16(1), t.u16(7), t.u16(2);
  Result r = decode(d, m.done());
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("more than 3 templates"), std::string::npos) << r.error;
  EXPECT_EQ(d.template_count(), 3u);
}

// Every prefix of real packets, and every single-byte corruption of them:
// an error or records, never a crash or a read out of bounds (ASan in the
// fuzz build; here at least no crash and a bounded result).
TEST(NetflowDecoder, TruncatedAndCorruptedPacketsNeverCrash) {
  std::vector<Bytes> packets;
  for (auto protocol : {NetflowProtocol::kV9, NetflowProtocol::kIpfix}) {
    NetflowEncoder enc({protocol, 0, 1400, 20, 30});
    FlowRecord r;
    r.add(8, std::string("10.1.2.3"));
    r.add(27, std::string("::1"));
    r.add(7, uint64_t(53));
    r.add(ntop_element(119), std::string("DNS"));
    r.add(ntop_element(556), std::string(400, 'x'));
    enc.add(r, 1'700'000'000'000, packets);
    enc.flush(1'700'000'000'000, packets);
  }
  for (const Bytes& full : packets) {
    for (size_t n = 0; n <= full.size(); ++n) {
      NetflowDecoder d;
      Bytes cut(full.begin(), full.begin() + n);
      Result r = decode(d, cut);
      if (n < full.size() && r.ok) EXPECT_LE(r.records.size(), 1u);
    }
    for (size_t i = 0; i < full.size(); ++i) {
      for (uint8_t x : {uint8_t(0x00), uint8_t(0xff), uint8_t(full[i] ^ 0x80)}) {
        Bytes bad = full;
        bad[i] = x;
        NetflowDecoder d;
        Result r = decode(d, bad);  // a damaged length may make room for more records
        EXPECT_LE(r.records.size(), bad.size());
      }
    }
  }
}

}  // namespace
}  // namespace vedetta::wire
