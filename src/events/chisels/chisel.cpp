#include "events/chisels/chisel.h"

namespace vedetta::events::chisels {

void ChiselRunner::tick(uint64_t now_ns) {
  if (!chisel_->wants_interval()) return;
  if (live_) {
    if (now_ns < latest_) now_ns = latest_;
    latest_ = now_ns;
  }
  if (!started_) {
    started_ = true;
    last_second_ = now_ns - now_ns % kIntervalNs;
    return;
  }
  uint64_t second = now_ns - now_ns % kIntervalNs;
  if (second == last_second_) return;
  if (last_interval_ts_ != 0 && now_ns == last_interval_ts_) return;
  chisel_->on_interval(now_ns);
  last_second_ = second;
  last_interval_ts_ = now_ns;
}

void ChiselRunner::on_event(const Event& e, const ThreadTable& threads) {
  tick(e.ts_ns);
  chisel_->on_event(e, threads);
}

}  // namespace vedetta::events::chisels
