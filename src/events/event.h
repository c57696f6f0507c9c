#pragma once
// One system event as read from a capture: header fields plus the raw bytes
// of each parameter. The bytes stay owned by the event (reused between reads).
#include <cstdint>
#include <span>
#include <vector>

namespace vedetta::events {

struct Event {
  uint64_t num = 0;    // 1-based position in the capture (sysdig's evt.num)
  uint64_t ts_ns = 0;  // nanoseconds since the epoch
  int64_t tid = 0;
  uint16_t cpu = 0;
  uint16_t type = 0;   // PPME_* id; even = enter, odd = exit
  uint32_t flags = 0;  // from 0x217 blocks (dump flags), else 0

  std::vector<uint8_t> bytes;                        // all parameter bytes
  std::vector<std::pair<uint32_t, uint32_t>> spans;  // offset, length into `bytes`

  size_t param_count() const { return spans.size(); }
  std::span<const uint8_t> param(size_t i) const {
    if (i >= spans.size()) return {};
    return {bytes.data() + spans[i].first, spans[i].second};
  }
};

}  // namespace vedetta::events
