#include "common/ip_address.h"

#include <arpa/inet.h>

namespace vedetta {

bool IpAddress::parse(const std::string& text, IpAddress& out) {
  IpAddress a;
  if (inet_pton(AF_INET, text.c_str(), a.bytes.data()) == 1) {
    a.version = 4;
  } else if (inet_pton(AF_INET6, text.c_str(), a.bytes.data()) == 1) {
    a.version = 6;
  } else {
    return false;
  }
  out = a;
  return true;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (version == 4) {
    inet_ntop(AF_INET, bytes.data(), buf, sizeof buf);
  } else if (version == 6) {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  }
  return buf;
}

bool IpAddress::is_loopback() const {
  if (version == 4) return bytes[0] == 127;
  static const std::array<uint8_t, 16> kLoop6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return version == 6 && bytes == kLoop6;
}

bool is_ipv4_mapped(const uint8_t* ip6) {
  static const uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(ip6, kPrefix, 12) == 0;
}

}  // namespace vedetta
