#pragma once
// A chisel: a summary computed over the event stream instead of printing the
// events (sysdig's `-c NAME`). It sees every event sysdig would print, after
// the state tracker applied it, so fd and thread lookups give the state the
// event produced.
#include <cstdint>
#include <cstdio>
#include <memory>

#include "events/event.h"
#include "events/thread_table.h"

namespace vedetta::events::chisels {

struct ChiselOutput {
  std::FILE* out = stdout;
  bool live = false;      // capturing now, not reading a file
  bool terminal = false;  // live tables redraw the screen (ANSI) instead of scrolling
};

class Chisel {
 public:
  virtual ~Chisel() = default;
  virtual void on_event(const Event& e, const ThreadTable& threads) = 0;
  // Called when a new second starts (see ChiselRunner), if wants_interval().
  virtual void on_interval(uint64_t /*now_ns*/) {}
  virtual bool wants_interval() const { return false; }
  virtual void on_capture_end(const ThreadTable& /*threads*/) {}
  // True once the chisel needs no more events (netstat stops at the first one).
  virtual bool done() const { return false; }
};

// Feeds a chisel and calls its on_interval the way sysdig does for
// chisel.set_interval_s(1): the first event starts the clock; an event in a
// different second than the last interval's calls on_interval(its time)
// before the chisel sees it. Seconds without events have no interval of
// their own (a gap of several seconds gives one call). Live, tick() moves
// the clock when no event comes.
class ChiselRunner {
 public:
  // Live, events released late (after a tick) count in the current second
  // instead of calling on_interval for a second already shown.
  ChiselRunner(std::unique_ptr<Chisel> chisel, bool live)
      : chisel_(std::move(chisel)), live_(live) {}

  void on_event(const Event& e, const ThreadTable& threads);
  void tick(uint64_t now_ns);
  void finish(const ThreadTable& threads) { chisel_->on_capture_end(threads); }
  bool done() const { return chisel_->done(); }

 private:
  static constexpr uint64_t kIntervalNs = 1'000'000'000;
  std::unique_ptr<Chisel> chisel_;
  bool live_;
  uint64_t latest_ = 0;  // live: the latest time seen
  bool started_ = false;
  uint64_t last_second_ = 0;       // start of the second of the last interval
  uint64_t last_interval_ts_ = 0;  // time of the last on_interval call, 0 = none yet
};

}  // namespace vedetta::events::chisels
