#pragma once
// Live capture → the events sysdig would have written: each kernel event of
// SyscallCapture (ebpf/syscall_event.h) becomes the PPME_* enter or exit
// event of its system call, its parameters encoded exactly as in a .scap
// file, so that the state tracker and the formatter treat live events and
// file events alike (the parameters: live_syscall_params.cpp). Process
// events become the exits of clone/clone3/fork/vfork (parent and child
// side), execve or execveat enter/exit, and procexit.
//
// The two kernel ring buffers are read one after the other, so events are
// held briefly and handed on in time order (release()). Enter events are
// completed from their exit where the kernel knows more afterwards (the
// peer of connect, the local port of a first UDP sendto), and write/sendto
// exits carry the data copied at entry.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "ebpf/syscall_event.h"
#include "events/capture_metadata.h"
#include "events/event.h"
#include "events/thread_table.h"

namespace vedetta::events {

struct LiveCounters {
  uint64_t syscall_events = 0;  // kernel syscall events received
  uint64_t process_events = 0;  // kernel process events received
  uint64_t unsupported = 0;     // syscalls with no conversion (dropped)
  uint64_t events = 0;          // PPME events handed on
};

class LiveEvents {
 public:
  using Sink = std::function<void(const Event&)>;

  LiveEvents(ThreadTable& threads, int64_t boot_to_epoch_ns);

  // The x86-64 syscall numbers this converts (SyscallCaptureOptions::syscalls).
  static std::vector<int> syscalls();
  // The syscalls worth capturing for a filter's event types (`allowed`
  // says whether sysdig's evt.type name may pass): those, plus every call
  // that keeps the thread and fd tables true (socket, connect, accept,
  // close...), which must reach user space whatever the filter.
  static std::vector<int> syscalls_for(const std::function<bool(std::string_view)>& allowed);
  // Those that keep the tables true: reported for every process whatever a
  // filter's pids and names (SyscallCaptureOptions::always).
  static std::vector<int> state_syscalls();

  // Remembers each process's exe and arguments (clone events repeat them).
  void seed(const CaptureMetadata& metadata);

  void add(const vedetta_syscall_event& k);
  void add(const vedetta_process_event& k);
  // Converts and hands on, in time order, the events older than
  // `before_boot_ns` (kernel clock); flush() hands on all of them.
  void release(uint64_t before_boot_ns, const Sink& sink);
  void flush(const Sink& sink) { release(UINT64_MAX, sink); }
  size_t buffered() const { return buffer_.size(); }
  const LiveCounters& counters() const { return counters_; }

 private:
  using Key = std::pair<uint64_t, uint64_t>;  // ts, arrival
  using Item = std::variant<vedetta_syscall_event, vedetta_process_event>;
  struct ProcInfo {
    std::string exe, args;  // argv[0]; the other arguments NUL-separated
  };

  void convert(const vedetta_syscall_event& k, const Sink& sink);
  void convert(const vedetta_process_event& k, const Sink& sink);
  ThreadInfo& prepare_thread(uint32_t tid, uint32_t tgid, const char* comm);
  void prepare_fd(ThreadInfo& th, int64_t fd, const vedetta_socket_info& s);
  void close_fd_range(ThreadInfo& th, const vedetta_syscall_event& k);
  Event& begin(uint16_t type, uint64_t boot_ns, int64_t tid, uint16_t cpu);
  void emit(const Sink& sink);
  ProcInfo proc_info(int64_t pid, const ThreadInfo& th) const;

  ThreadTable& threads_;
  int64_t offset_ns_;
  std::map<Key, Item> buffer_;
  uint64_t arrivals_ = 0;
  std::unordered_map<uint32_t, Key> pending_enter_;  // tid -> its last enter in buffer_
  std::unordered_map<int64_t, ProcInfo> procs_;
  // The groups of each exec, read when its event arrived: (tgid, ts) -> param.
  std::map<std::pair<uint32_t, uint64_t>, std::string> exec_groups_;
  Event event_;
  LiveCounters counters_;
};

}  // namespace vedetta::events
