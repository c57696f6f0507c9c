#include "collect/rate_limited_log.h"

#include <time.h>

#include <cstdio>

namespace vedetta::collect {

void RateLimitedLog::warn(const std::string& line) {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  if (ts.tv_sec != second_) {
    second_ = ts.tv_sec;
    printed_this_second_ = 0;
  }
  if (printed_this_second_ >= per_second_) {
    ++held_back_;
    ++suppressed_total_;
    return;
  }
  ++printed_this_second_;
  if (held_back_) {
    std::fprintf(stderr, "vedetta: warning: (%llu similar warnings not shown)\n",
                 (unsigned long long)held_back_);
    held_back_ = 0;
  }
  std::fprintf(stderr, "vedetta: warning: %s\n", line.c_str());
}

}  // namespace vedetta::collect
