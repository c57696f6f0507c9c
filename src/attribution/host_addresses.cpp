#include "attribution/host_addresses.h"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>

namespace vedetta {

void HostAddresses::refresh() {
  addresses_.clear();
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return;
  for (ifaddrs* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr) continue;
    if (i->ifa_addr->sa_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
      addresses_.push_back(IpAddress::v4(reinterpret_cast<const uint8_t*>(&sin->sin_addr)));
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
      addresses_.push_back(IpAddress::v6(reinterpret_cast<const uint8_t*>(&sin6->sin6_addr)));
    }
  }
  freeifaddrs(list);
}

bool HostAddresses::is_local(const IpAddress& a) {
  auto now = std::chrono::steady_clock::now();
  if (!read_ || now - read_at_ > std::chrono::seconds(10)) {
    refresh();
    read_at_ = now;
    read_ = true;
  }
  if (a.is_loopback()) return true;
  return std::find(addresses_.begin(), addresses_.end(), a) != addresses_.end();
}

}  // namespace vedetta
