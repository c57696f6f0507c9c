#pragma once
// The addresses of this host's interfaces (getifaddrs, in the probe's
// network namespace), re-read at most every 10 seconds: which flows have a
// local end and so should have a process. Loopback addresses always count.
#include <chrono>
#include <vector>

#include "common/ip_address.h"

namespace vedetta {

class HostAddresses {
 public:
  bool is_local(const IpAddress& a);

 private:
  void refresh();

  std::vector<IpAddress> addresses_;
  std::chrono::steady_clock::time_point read_at_{};
  bool read_ = false;
};

}  // namespace vedetta
