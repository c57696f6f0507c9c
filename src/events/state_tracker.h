#pragma once
// Keeps the thread table current as events replay, the way sysdig's parser
// does: clone/fork/execve/procexit shape the threads; open/socket/connect/
// accept/bind/pipe/dup/close shape each process's fd table. Runs before an
// event is printed, so an event shows the state it produced.
#include <cstdint>

#include "events/event.h"
#include "events/thread_table.h"

namespace vedetta::events {

struct StateCounters {
  uint64_t threads_created = 0;  // by clone/execve events
  uint64_t threads_unknown = 0;  // first seen in an event, not listed in the capture
  uint64_t short_events = 0;     // fewer parameters than the state update needs
};

class StateTracker {
 public:
  explicit StateTracker(ThreadTable& threads) : threads_(threads) {}

  void apply(const Event& e);
  const StateCounters& counters() const { return counters_; }

 private:
  void on_clone_exit(const Event& e, ThreadInfo* caller, size_t comm_idx, size_t flags_idx);
  void on_execve_exit(const Event& e, ThreadInfo& th, size_t comm_idx);
  void on_fd_created(const Event& e, ThreadInfo& th);
  // Sockets (state_tracker_sockets.cpp).
  void on_connect_enter(const Event& e, ThreadInfo& th);
  void on_sendto_enter(const Event& e, ThreadInfo& th);
  void on_socket_update(const Event& e, ThreadInfo& th);
  // Names a socket fd after a socket tuple (connect, accept, sendto).
  // `datagram`: a send/receive call set it, so a socket of unknown protocol is
  // UDP from now on (sysdig: TCP would not change its address mid-connection).
  void set_from_tuple(ThreadInfo& th, int64_t fd, std::span<const uint8_t> tuple,
                      bool datagram = false);
  // recvfrom/recvmsg: the tuple's source replaces the fd's first end only (as sysdig does).
  void set_source_from_tuple(ThreadInfo& th, int64_t fd, std::span<const uint8_t> tuple);
  // What set_from_tuple / set_source_from_tuple do last: the shown protocol.
  static void settle_protocol(FdInfo& fi, bool datagram);

  ThreadTable& threads_;
  StateCounters counters_;
  int64_t pending_removal_ = -1;  // thread whose procexit was the previous event
};

}  // namespace vedetta::events
