#pragma once
// SIGINT and SIGTERM ask a long-running command to stop: `handler` sets its
// stop flag. SA_RESTART: a write to a full pipe (a slow reader) goes on
// after Ctrl-C instead of failing with EINTR and losing what stdio held;
// poll/epoll waits still return at once, which is how the loops see the stop.
namespace vedetta {

void on_stop_signals(void (*handler)(int));

}  // namespace vedetta
