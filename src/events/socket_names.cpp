#include "events/socket_names.h"

#include <arpa/inet.h>

#include <cstring>

namespace vedetta::events {

std::string ipv4_text(const uint8_t* ip) {
  return std::to_string(ip[0]) + "." + std::to_string(ip[1]) + "." + std::to_string(ip[2]) + "." +
         std::to_string(ip[3]);
}

std::string ipv6_text(const uint8_t* ip) {
  char buf[INET6_ADDRSTRLEN];
  if (!inet_ntop(AF_INET6, ip, buf, sizeof buf)) return "?";
  return buf;
}

std::string endpoint_text(const std::string& ip, uint16_t port) {
  return ip + ":" + std::to_string(port);
}

std::string tuple_text(const std::string& sip, uint16_t sport, const std::string& dip,
                       uint16_t dport) {
  return endpoint_text(sip, sport) + "->" + endpoint_text(dip, dport);
}

}  // namespace vedetta::events
