#pragma once
// Text forms of socket addresses the way sysdig prints them:
// "10.0.0.1:5000->10.0.0.2:80", "2001:db8::3:1234" (no brackets), "0.0.0.0:22".
#include <cstdint>
#include <string>

#include "common/ip_address.h"  // is_ipv4_mapped

namespace vedetta::events {

// `ip` points at 4 bytes in network order.
std::string ipv4_text(const uint8_t* ip);
// `ip` points at 16 bytes in network order.
std::string ipv6_text(const uint8_t* ip);

std::string endpoint_text(const std::string& ip, uint16_t port);
std::string tuple_text(const std::string& sip, uint16_t sport, const std::string& dip,
                       uint16_t dport);

}  // namespace vedetta::events
