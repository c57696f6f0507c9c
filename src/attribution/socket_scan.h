#pragma once
// The sockets that exist now and the processes holding them: sock_diag
// gives each TCP/UDP socket's tuple and inode, /proc/PID/fd's
// "socket:[INODE]" links give the process. Run once at start so that
// processes started before vedetta are attributed, and every second in the
// polling fallback (no BPF), where a process that opens and closes a socket
// between two scans is missed.
#include <cstdint>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "attribution/process_table.h"
#include "attribution/socket_diag.h"
#include "attribution/socket_map.h"

namespace vedetta {

struct SocketScanStats {
  uint64_t scans = 0;
  size_t sockets = 0;     // held by a process, at the last scan
  size_t namespaces = 0;  // network namespaces scanned at the last scan
};

class SocketScanner {
 public:
  explicit SocketScanner(std::string proc_root = "/proc") : proc_root_(std::move(proc_root)) {}

  // One pass over every process and every network namespace one of them is
  // in. With `track_processes` (polling: no process events) it also loads
  // processes it does not know or that exec'd since, marks exited the ones
  // gone, and closes the sockets gone since the previous scan.
  void scan(ProcessTable& processes, SocketMap& sockets, uint64_t now_ns, bool track_processes);

  const SocketScanStats& stats() const { return stats_; }
  // Namespaces that could not be scanned, with the reason (each once).
  std::vector<std::string> take_warnings();

 private:
  struct Holder {
    uint32_t pid = 0;
    int32_t fd = -1;
  };
  struct Seen {  // a socket of the previous scan, to close it when it is gone
    uint32_t netns;
    DiagSocket socket;
  };

  void read_process(const std::string& pid_text, uint32_t pid);
  ProcessRef current_process(ProcessTable& processes, uint32_t pid, bool track_processes);

  std::string proc_root_;
  NamespaceDiagSockets diag_;
  // Filled by one scan.
  std::unordered_map<uint64_t, Holder> holder_by_inode_;
  std::unordered_map<uint32_t, std::string> ns_path_;  // netns → /proc/PID/ns/net to enter it
  std::vector<uint32_t> alive_;
  std::unordered_map<uint64_t, Seen> previous_;
  std::set<uint32_t> warned_;  // namespaces already warned about
  std::vector<std::string> warnings_;
  SocketScanStats stats_;
};

}  // namespace vedetta
