#pragma once
// The clock of the kernel events: bpf_ktime_get_boot_ns(), i.e.
// CLOCK_BOOTTIME in nanoseconds.
#include <cstdint>

namespace vedetta {

// Now, on the events' clock.
uint64_t event_clock_now_ns();
// CLOCK_REALTIME - CLOCK_BOOTTIME now: add it to an event's time for epoch ns.
int64_t event_clock_to_epoch_offset_ns();

}  // namespace vedetta
