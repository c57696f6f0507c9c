#pragma once
// What a flow says about a process: facts taken when the process did the
// network call (not looked up later), so a process that has exited since is
// still described.
#include <cstdint>
#include <memory>
#include <string>

namespace vedetta {

struct ProcessInfo {
  uint32_t pid = 0;        // thread-group id
  uint32_t ppid = 0;
  uint32_t uid = 0;
  std::string comm;        // kernel name (15 characters at most)
  std::string exe;         // program path given to execve, or /proc/PID/exe
  std::string cmdline;     // arguments joined by spaces
  std::string parent_comm;
  std::string cgroup;        // see CgroupInfo (common/cgroup.h)
  std::string container_id;
  uint64_t exec_ns = 0;    // when the program image started (boot clock), 0 = before vedetta
  bool exited = false;
  // Made from a socket event's pid and comm alone: the process's fork/exec
  // events (read from another ring buffer) had not been applied yet.
  bool placeholder = false;
};

using ProcessRef = std::shared_ptr<const ProcessInfo>;

}  // namespace vedetta
