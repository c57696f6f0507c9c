#pragma once
// User side of system call capture: open → configure → load → attach →
// poll, one cleanup path (libbpf-tools' shape). Kernel support is probed at
// open time and reported as a UserError that says what is missing.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ebpf/syscall_event.h"

struct syscall_events_bpf;
struct ring_buffer;
struct bpf_map;

namespace vedetta {

struct SyscallCaptureOptions {
  std::vector<int> syscalls;  // numbers to report (x86-64)
  // Of those, the ones reported for every process whatever only_pids and
  // only_comms say (they keep user space's thread and fd tables true).
  std::vector<int> always;
  // A filter's pids (thread-group ids) and comms, decided in the kernel; empty
  // = any. Comms are compared on their first 15 bytes. At most 1024 each.
  std::vector<uint32_t> only_pids;
  std::vector<std::string> only_comms;
  uint32_t only_pid = 0;      // 0 = every process
  bool include_self = false;  // vedetta's own calls are left out by default
  uint32_t snaplen = 80;      // bytes of I/O data copied (sysdig -s), at most 255
  // For attribution: no enter events but close's, closes of IP sockets only,
  // and a send/receive only the first time a process uses a socket with a
  // peer (an LRU map in the kernel). SyscallCapture::lean_left_out() counts.
  bool lean = false;
  // Agent mode: only calls on IPv4/IPv6 sockets reach user space
  // (lean_other() counts the rest).
  bool ip_sockets_only = false;
};

struct SyscallCaptureDrops {
  uint64_t ringbuf_full = 0;          // syscall events lost: ring buffer full
  uint64_t process_ringbuf_full = 0;  // process events lost: ring buffer full
};

// io_uring_enter calls of the captured processes (when selected): their
// I/O itself never passes the syscall tracepoints.
struct SyscallCaptureIoUring {
  uint64_t enters = 0;  // io_uring_enter calls
  uint64_t sqes = 0;    // submission queue entries they asked to submit
};

class SyscallCapture {
 public:
  using Handler = std::function<void(const vedetta_syscall_event&)>;
  using ProcessHandler = std::function<void(const vedetta_process_event&)>;

  static std::unique_ptr<SyscallCapture> open(const SyscallCaptureOptions& options);
  // Whether this process may load tracing BPF programs: root, CAP_SYS_ADMIN,
  // or CAP_BPF with CAP_PERFMON (open() checks it first too).
  static bool may_load();
  ~SyscallCapture();

  // Delivers the events available within `timeout_ms`; returns how many.
  // Process events (fork, exec, exit of every process but vedetta) go to
  // `on_process` when given.
  int poll(int timeout_ms, const Handler& handler, const ProcessHandler& on_process = {});
  SyscallCaptureDrops drops() const;
  SyscallCaptureIoUring io_uring() const;
  // Enter and exit events the pid/comm filters left out in the kernel.
  uint64_t filtered_in_kernel() const;
  // Events the lean mode left out: repeated send/receive calls, and others
  // (enter events, closes of files and pipes).
  uint64_t lean_repeated_io() const;
  uint64_t lean_other() const;

 private:
  SyscallCapture() = default;
  static int on_sample(void* self, void* data, size_t size);
  static int on_process_sample(void* self, void* data, size_t size);
  uint64_t per_cpu_sum(const struct bpf_map* map, uint32_t key) const;

  syscall_events_bpf* skel_ = nullptr;
  ring_buffer* ring_ = nullptr;
  const Handler* handler_ = nullptr;
  const ProcessHandler* process_handler_ = nullptr;
};

}  // namespace vedetta
