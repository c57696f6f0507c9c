#pragma once
// pid → ProcessInfo, kept current by the kernel's fork/exec/exit events.
// Entries are immutable snapshots (shared): an exec or exit makes a new
// snapshot, so what a socket recorded earlier stays as it was then.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "attribution/process_info.h"
#include "ebpf/syscall_event.h"

namespace vedetta {

class ProcessTable {
 public:
  // Processes that existed before vedetta, from /proc (pid, ppid, uid, comm,
  // exe, cmdline). `proc_root` is "/proc" except in tests.
  void seed_from_proc(const std::string& proc_root = "/proc");
  // Reads one process from /proc again (the polling fallback sees a socket
  // of a process it does not know, or one that has exec'd since). Returns
  // null if it is gone.
  ProcessRef load_from_proc(uint32_t pid, const std::string& proc_root = "/proc");
  // Marks exited the known processes missing from `alive` (sorted pids).
  void mark_exited_unless(const std::vector<uint32_t>& alive, uint64_t now_ns);

  void on_process_event(const vedetta_process_event& e);
  // The process as it is now; creates a minimal entry from a syscall event's
  // comm when the process was never seen (started between seeding and
  // attaching).
  ProcessRef get(uint32_t pid, const char* comm_hint = nullptr);
  // The process if known, else null.
  ProcessRef find(uint32_t pid) const {
    auto it = by_pid_.find(pid);
    return it == by_pid_.end() ? nullptr : it->second.info;
  }
  // Forget exited processes whose exit is older than `keep_ns` (their
  // snapshots live on in the sockets that reference them).
  void expire_exited(uint64_t now_ns, uint64_t keep_ns);

  size_t size() const { return by_pid_.size(); }

 private:
  std::shared_ptr<ProcessInfo> read_proc_entry(const std::string& proc_root, uint32_t pid);

  struct Entry {
    ProcessRef info;
    uint64_t exit_ns = 0;
  };
  std::unordered_map<uint32_t, Entry> by_pid_;
};

}  // namespace vedetta
