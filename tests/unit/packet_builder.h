#pragma once
// Crafts frames byte by byte for the decoder and flow tests. Every helper
// returns a Bytes that can be appended to another, so a frame reads from the
// outside in:  ethernet(0x0800, ipv4(A, B, 6, tcp(1234, 80, ...))).
// Length and checksum-free fields are filled the way the decoder reads them;
// each builder takes overrides to craft malformed headers.
#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

namespace vt {

struct Bytes {
  std::vector<uint8_t> v;

  Bytes() = default;
  Bytes(std::initializer_list<uint8_t> b) : v(b) {}

  Bytes& u8(uint8_t x) {
    v.push_back(x);
    return *this;
  }
  Bytes& be16(uint16_t x) {
    v.push_back(uint8_t(x >> 8));
    v.push_back(uint8_t(x));
    return *this;
  }
  Bytes& be32(uint32_t x) {
    be16(uint16_t(x >> 16));
    return be16(uint16_t(x));
  }
  Bytes& le32(uint32_t x) {
    for (int i = 0; i < 4; ++i) v.push_back(uint8_t(x >> (8 * i)));
    return *this;
  }
  Bytes& raw(std::initializer_list<uint8_t> b) {
    v.insert(v.end(), b.begin(), b.end());
    return *this;
  }
  template <size_t N>
  Bytes& raw(const std::array<uint8_t, N>& a) {
    v.insert(v.end(), a.begin(), a.end());
    return *this;
  }
  Bytes& append(const Bytes& b) {
    v.insert(v.end(), b.v.begin(), b.v.end());
    return *this;
  }
  Bytes& zeros(size_t n) {
    v.insert(v.end(), n, 0);
    return *this;
  }
  Bytes& fill(size_t n, uint8_t value) {
    v.insert(v.end(), n, value);
    return *this;
  }
  Bytes& text(const std::string& s) {
    v.insert(v.end(), s.begin(), s.end());
    return *this;
  }

  size_t size() const { return v.size(); }
  const uint8_t* data() const { return v.data(); }
  uint8_t& operator[](size_t i) { return v.at(i); }
  uint8_t operator[](size_t i) const { return v.at(i); }
  // The first n bytes (a frame cut by the snap length).
  Bytes prefix(size_t n) const {
    Bytes b;
    b.v.assign(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n < v.size() ? n : v.size()));
    return b;
  }
};

using Ip4 = std::array<uint8_t, 4>;
using Ip6 = std::array<uint8_t, 16>;
using Mac = std::array<uint8_t, 6>;

inline Ip4 ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) { return {a, b, c, d}; }
inline Ip6 ip6(const char* text) {
  Ip6 a{};
  if (inet_pton(AF_INET6, text, a.data()) != 1) throw std::invalid_argument(text);
  return a;
}

inline const Mac kMacA = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0a};
inline const Mac kMacB = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0b};

// ---- transport --------------------------------------------------------------

namespace tcpf {
constexpr uint8_t FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;
}

struct TcpOpts {
  uint32_t seq = 1000, ack = 0;
  uint8_t flags = tcpf::SYN;
  uint16_t window = 65535;
  Bytes options = {};    // appended after the 20 fixed bytes (pad to 4 yourself)
  int data_offset = -1;  // in 4-byte words; -1 = computed
};

inline Bytes tcp(uint16_t sport, uint16_t dport, const TcpOpts& o = {}, const Bytes& payload = {}) {
  Bytes b;
  int doff = o.data_offset >= 0 ? o.data_offset : int((20 + o.options.size()) / 4);
  b.be16(sport).be16(dport).be32(o.seq).be32(o.ack);
  b.u8(uint8_t(doff << 4)).u8(o.flags).be16(o.window).be16(0 /*csum*/).be16(0 /*urg*/);
  b.append(o.options).append(payload);
  return b;
}

inline Bytes udp(uint16_t sport, uint16_t dport, const Bytes& payload = {}, int length = -1) {
  Bytes b;
  b.be16(sport).be16(dport).be16(uint16_t(length >= 0 ? length : int(8 + payload.size())));
  b.be16(0).append(payload);
  return b;
}

inline Bytes icmp(uint8_t type, uint8_t code, const Bytes& payload = {}) {
  Bytes b;
  b.u8(type).u8(code).be16(0).be16(0x1234).be16(1).append(payload);
  return b;
}

// ---- IP -----------------------------------------------------------------------

struct Ipv4Opts {
  uint16_t frag = 0;        // flags (0x2000 MF, 0x4000 DF) | offset in 8-byte units
  Bytes options = {};       // IP options (multiple of 4 bytes)
  int ihl = -1;             // header length in words; -1 = computed
  int total_length = -1;    // -1 = computed
  uint8_t version = 4;
  uint8_t ttl = 64;
};

inline Bytes ipv4(Ip4 src, Ip4 dst, uint8_t proto, const Bytes& payload,
                  const Ipv4Opts& o = {}) {
  Bytes b;
  int ihl = o.ihl >= 0 ? o.ihl : int((20 + o.options.size()) / 4);
  int total = o.total_length >= 0 ? o.total_length : int(20 + o.options.size() + payload.size());
  b.u8(uint8_t(o.version << 4 | (ihl & 0x0f))).u8(0).be16(uint16_t(total));
  b.be16(0x4242).be16(o.frag).u8(o.ttl).u8(proto).be16(0 /*csum*/);
  b.raw(src).raw(dst).append(o.options).append(payload);
  return b;
}

// `payload` includes any extension headers; `next` names the first of them.
inline Bytes ipv6(Ip6 src, Ip6 dst, uint8_t next, const Bytes& payload, int payload_length = -1) {
  Bytes b;
  b.be32(0x60000000).be16(uint16_t(payload_length >= 0 ? payload_length : int(payload.size())));
  b.u8(next).u8(64).raw(src).raw(dst).append(payload);
  return b;
}

// Hop-by-hop (0), routing (43) or destination options (60) header: 2 bytes
// (next, length) then PadN up to `units` * 8 bytes, followed by `rest`.
inline Bytes ipv6_ext(uint8_t next, const Bytes& rest, uint8_t units = 1) {
  Bytes b;
  size_t len = size_t(units) * 8;
  b.u8(next).u8(uint8_t(units - 1));
  b.u8(1).u8(uint8_t(len - 4)).zeros(len - 4);  // one PadN option fills it
  return b.append(rest);
}

// Fragment header (44): offset in 8-byte units, M flag.
inline Bytes ipv6_frag(uint8_t next, uint16_t offset, bool more, const Bytes& rest,
                       uint32_t id = 0xcafe) {
  Bytes b;
  b.u8(next).u8(0).be16(uint16_t(offset << 3 | (more ? 1 : 0))).be32(id);
  return b.append(rest);
}

// Authentication header (51): length in 4-byte words minus 2.
inline Bytes ipv6_ah(uint8_t next, const Bytes& rest) {
  Bytes b;
  b.u8(next).u8(4).be16(0).be32(0x100).be32(1).zeros(12);  // (4+2)*4 = 24 bytes
  return b.append(rest);
}

// ---- links ------------------------------------------------------------------

inline Bytes ethernet(uint16_t ethertype, const Bytes& payload, Mac dst = kMacB, Mac src = kMacA) {
  Bytes b;
  b.raw(dst).raw(src).be16(ethertype).append(payload);
  return b;
}

// An 802.1Q/QinQ tag body: TCI then the EtherType that follows the tag.
inline Bytes vlan(uint16_t vid, uint16_t next_ethertype, const Bytes& payload, uint8_t pcp = 0) {
  Bytes b;
  b.be16(uint16_t(pcp << 13 | (vid & 0x0fff))).be16(next_ethertype).append(payload);
  return b;
}

inline Bytes mpls(uint32_t label, bool bottom, const Bytes& payload, uint8_t ttl = 64) {
  Bytes b;
  b.be32(label << 12 | (bottom ? 0x100u : 0u) | ttl).append(payload);
  return b;
}

inline Bytes pppoe_session(uint16_t ppp_proto, const Bytes& payload, uint16_t session = 0x0101) {
  Bytes b;
  b.u8(0x11).u8(0x00).be16(session).be16(uint16_t(2 + payload.size())).be16(ppp_proto);
  return b.append(payload);
}

// 802.3 frame with an LLC/SNAP header carrying `ethertype`.
inline Bytes ethernet_llc_snap(uint16_t ethertype, const Bytes& payload) {
  Bytes b;
  b.raw(kMacB).raw(kMacA).be16(uint16_t(8 + payload.size()));
  b.raw({0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00}).be16(ethertype).append(payload);
  return b;
}

// Linux cooked capture v1 (DLT_LINUX_SLL, 16 bytes).
inline Bytes sll(uint16_t protocol, const Bytes& payload) {
  Bytes b;
  b.be16(0 /*to us*/).be16(1 /*ARPHRD_ETHER*/).be16(6).raw(kMacA).be16(0).be16(protocol);
  return b.append(payload);
}

// Linux cooked capture v2 (DLT_LINUX_SLL2, 20 bytes).
inline Bytes sll2(uint16_t protocol, const Bytes& payload) {
  Bytes b;
  b.be16(protocol).be16(0).be32(3 /*ifindex*/).be16(1).u8(0).u8(6).raw(kMacA).be16(0);
  return b.append(payload);
}

// BSD loopback (DLT_NULL): address family in the capturing host's order.
inline Bytes null_loopback_le(uint32_t family, const Bytes& payload) {
  Bytes b;
  b.le32(family);
  return b.append(payload);
}
inline Bytes null_loopback_be(uint32_t family, const Bytes& payload) {
  Bytes b;
  b.be32(family);
  return b.append(payload);
}

// PPP in HDLC-like framing: ff 03, then the protocol (2 bytes).
inline Bytes ppp(uint16_t protocol, const Bytes& payload, bool address_control = true) {
  Bytes b;
  if (address_control) b.u8(0xff).u8(0x03);
  b.be16(protocol);
  return b.append(payload);
}

inline Bytes cisco_hdlc(uint16_t ethertype, const Bytes& payload) {
  Bytes b;
  b.u8(0x0f).u8(0x00).be16(ethertype);
  return b.append(payload);
}

// ---- UDP tunnels ----------------------------------------------------------------

// GTPv1-U T-PDU. `flags` 0x30 = version 1, PT=1, no optional fields.
inline Bytes gtpu(const Bytes& inner, uint8_t flags = 0x30, uint8_t type = 0xff,
                  const Bytes& optional = {}) {
  Bytes b;
  b.u8(flags).u8(type).be16(uint16_t(inner.size() + optional.size())).be32(0x11223344);
  return b.append(optional).append(inner);
}

// TZSP header carrying an Ethernet frame; `tags` go before the END tag.
inline Bytes tzsp(const Bytes& inner_ethernet, const Bytes& tags = {}) {
  Bytes b;
  b.u8(1).u8(0).be16(1).append(tags).u8(1 /*END*/);
  return b.append(inner_ethernet);
}

// CAPWAP data: 8-byte header (HLEN 2), an 802.11 data header and LLC/SNAP.
inline Bytes capwap(uint16_t ethertype, const Bytes& inner) {
  Bytes b;
  b.u8(0x00).u8(2 << 3).u8(0x04).u8(0x20).zeros(4);  // preamble, HLEN=2 words, WBID 1, T
  b.u8(0x08).u8(0x01).be16(0);                       // 802.11 data frame, to DS
  b.raw(kMacB).raw(kMacA).raw(kMacB).be16(0x0010);   // addr1-3, sequence
  b.raw({0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00}).be16(ethertype);
  return b.append(inner);
}

}  // namespace vt
