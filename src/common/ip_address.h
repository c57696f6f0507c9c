#pragma once
// An IPv4 or IPv6 address kept in 16 bytes (IPv4 in the first 4), so flow
// keys of both families share one layout.
#include <array>
#include <cstdint>
#include <cstring>
#include <string>

namespace vedetta {

struct IpAddress {
  std::array<uint8_t, 16> bytes{};
  uint8_t version = 0;  // 4 or 6; 0 = unset

  static IpAddress v4(const uint8_t* p) {
    IpAddress a;
    std::memcpy(a.bytes.data(), p, 4);
    a.version = 4;
    return a;
  }
  static IpAddress v6(const uint8_t* p) {
    IpAddress a;
    std::memcpy(a.bytes.data(), p, 16);
    a.version = 6;
    return a;
  }
  // Parses dotted IPv4 or textual IPv6; returns false on bad text.
  static bool parse(const std::string& text, IpAddress& out);

  std::string to_string() const;
  bool is_loopback() const;

  friend bool operator==(const IpAddress& a, const IpAddress& b) {
    return a.version == b.version && a.bytes == b.bytes;
  }
  friend auto operator<=>(const IpAddress& a, const IpAddress& b) {
    if (auto c = a.version <=> b.version; c != 0) return c;
    return a.bytes <=> b.bytes;
  }
};

// ::ffff:a.b.c.d, as a dual-stack socket shows an IPv4 peer (16 bytes).
bool is_ipv4_mapped(const uint8_t* ip6);

}  // namespace vedetta
