#pragma once
// kernel.task_delayacct: the kernel's delay accounting, which gives the
// block I/O wait of each task. Debian ships it off; `vedetta probe
// --delayacct` switches it on for the run and puts the old value back.
#include <sys/types.h>

#include "attribution/process_resources.h"

namespace vedetta {

// Whether it is on now (then it is taken to have been on for every process).
DelayAccounting current_delay_accounting();

// Switches it on (if off) until this object dies. The old value is put back
// by a helper process forked now, while still root (the probe drops its
// privileges later): it waits on a pipe whose other end only this object
// holds, so it also restores the value when the probe is killed. Throws
// UserError if the switch is refused.
class DelayAccountingSwitch {
 public:
  DelayAccountingSwitch();
  ~DelayAccountingSwitch();
  DelayAccountingSwitch(const DelayAccountingSwitch&) = delete;
  DelayAccountingSwitch& operator=(const DelayAccountingSwitch&) = delete;

  DelayAccounting state() const { return state_; }

 private:
  DelayAccounting state_;
  int pipe_fd_ = -1;  // write end; closing it makes the helper restore
  pid_t helper_ = -1;
};

}  // namespace vedetta
