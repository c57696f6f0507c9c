#pragma once
// One kernel syscall event (ebpf/syscall_event.h) → the parameters of the
// PPME enter or exit event sysdig 0.29 would have: which event type, and
// its parameters in .scap encoding. No state: the fd table is the caller's.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "ebpf/syscall_event.h"
#include "events/event.h"

namespace vedetta::events {

inline constexpr uint16_t kLiveAfUnix = 1, kLiveAfInet = 2, kLiveAfInet6 = 10;

inline bool is_ip(const vedetta_socket_info& s) {
  return s.family == kLiveAfInet || s.family == kLiveAfInet6;
}

// The PPME enter event id for syscall `nr` (the exit is the next id);
// nothing when the call is not converted.
std::optional<uint16_t> live_enter_type(uint32_t nr);

// Appends k's parameters to `e`, whose type is already set.
void append_syscall_params(const vedetta_syscall_event& k, Event& e);

// The path the kernel side copied into snap (open*, a unix address).
std::string snap_path(const vedetta_syscall_event& k);

// The two fds pipe/pipe2/socketpair returned (copied in the kernel).
std::pair<int64_t, int64_t> snap_fd_pair(const vedetta_syscall_event& k);

}  // namespace vedetta::events
