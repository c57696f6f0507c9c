#pragma once
// "host:port" text ↔ socket addresses, for the NetFlow/IPFIX exporter and
// collector (UDP).
#include <sys/socket.h>

#include <string>
#include <string_view>

namespace vedetta {

struct UdpAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  int family() const { return storage.ss_family; }
};

// Splits "host:port", "[v6]:port" or ":port" (empty host). False if there
// is no ":port" or the brackets do not close.
bool split_host_port(std::string_view text, std::string& host, std::string& port);

// Resolves `host` (a name or a numeric address) and a numeric `port` for
// UDP. False with `error` saying why.
bool resolve_udp(const std::string& host, const std::string& port, UdpAddress& out,
                 std::string& error);

// "10.0.0.1:2055", "[::1]:2055".
std::string address_text(const sockaddr* a);

}  // namespace vedetta
