#pragma once
// What only some flows need, kept beside the flow and allocated on first
// use, so that a common flow pays one pointer for it: the marks of an active
// export (long flows), the close time (TCP flows in their last seconds) and
// IP fragment counts.
#include <cstdint>
#include <memory>

namespace vedetta {

// Totals at a flow's previous export, for the deltas that IN_/OUT_ carry.
struct ExportedCounts {
  uint64_t packets = 0, ip_bytes = 0;
};

struct FlowExtras {
  ExportedCounts exported_c2s, exported_s2c;
  uint64_t last_export_us = 0;  // for the active timeout
  uint64_t closed_us = 0;       // FIN both ways or RST seen (0 = open)
  uint32_t fragments[2] = {0, 0};  // first fragments seen, [0] client→server
};

// A FlowExtras on the heap, or none. Copies copy the value (a Flow stays a
// plain copyable value).
class FlowExtrasBox {
 public:
  FlowExtrasBox() = default;
  FlowExtrasBox(const FlowExtrasBox& o) { *this = o; }
  FlowExtrasBox(FlowExtrasBox&&) noexcept = default;
  FlowExtrasBox& operator=(const FlowExtrasBox& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<FlowExtras>(*o.p_) : nullptr;
    return *this;
  }
  FlowExtrasBox& operator=(FlowExtrasBox&&) noexcept = default;

  const FlowExtras* get() const { return p_.get(); }
  FlowExtras* get() { return p_.get(); }
  FlowExtras& create() { return *(p_ = std::make_unique<FlowExtras>()); }
  void reset() { p_.reset(); }

 private:
  std::unique_ptr<FlowExtras> p_;
};

}  // namespace vedetta
