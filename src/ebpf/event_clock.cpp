#include "ebpf/event_clock.h"

#include <ctime>

namespace vedetta {
namespace {
uint64_t clock_ns(clockid_t c) {
  timespec ts;
  clock_gettime(c, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000ULL + uint64_t(ts.tv_nsec);
}
}  // namespace

uint64_t event_clock_now_ns() { return clock_ns(CLOCK_BOOTTIME); }

int64_t event_clock_to_epoch_offset_ns() {
  return static_cast<int64_t>(clock_ns(CLOCK_REALTIME)) -
         static_cast<int64_t>(clock_ns(CLOCK_BOOTTIME));
}

}  // namespace vedetta
