#include "attribution/socket_scan.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "common/proc_files.h"
#include "common/user_error.h"

namespace vedetta {
namespace {

// "socket:[12345]" → 12345; 0 for anything else.
uint64_t socket_inode(const std::string& link) {
  constexpr std::string_view kPrefix = "socket:[";
  if (link.compare(0, kPrefix.size(), kPrefix) != 0) return 0;
  return std::strtoull(link.c_str() + kPrefix.size(), nullptr, 10);
}

std::string first_line(std::string text) {
  text.erase(std::find(text.begin(), text.end(), '\n'), text.end());
  return text;
}

}  // namespace

void SocketScanner::read_process(const std::string& pid_text, uint32_t pid) {
  std::string base = proc_root_ + "/" + pid_text;
  std::string ns_path = base + "/ns/net";
  alive_.push_back(pid);
  uint32_t netns = namespace_inode(ns_path);
  if (netns == 0) return;  // gone, or not readable without CAP_SYS_PTRACE
  ns_path_.try_emplace(netns, ns_path);
  std::string fd_dir = base + "/fd";
  for (const std::string& fd : numeric_entries(fd_dir)) {
    uint64_t inode = socket_inode(read_symlink(fd_dir + "/" + fd));
    // A socket shared after fork is shown for its first holder (lowest pid,
    // usually the parent).
    if (inode) holder_by_inode_.try_emplace(inode, Holder{pid, std::atoi(fd.c_str())});
  }
}

ProcessRef SocketScanner::current_process(ProcessTable& processes, uint32_t pid,
                                          bool track_processes) {
  ProcessRef known = processes.find(pid);
  if (!track_processes) return known ? known : processes.load_from_proc(pid, proc_root_);
  // No exec events when polling: a different name means a new program.
  std::string comm = first_line(read_text_file(proc_root_ + "/" + std::to_string(pid) + "/comm"));
  if (known && !known->exited && (comm.empty() || comm == known->comm)) return known;
  ProcessRef loaded = processes.load_from_proc(pid, proc_root_);
  return loaded ? loaded : known;
}

void SocketScanner::scan(ProcessTable& processes, SocketMap& sockets, uint64_t now_ns,
                         bool track_processes) {
  holder_by_inode_.clear();
  ns_path_.clear();
  alive_.clear();
  for (const std::string& pid_text : numeric_entries(proc_root_))
    read_process(pid_text, static_cast<uint32_t>(std::strtoul(pid_text.c_str(), nullptr, 10)));

  std::unordered_map<uint64_t, Seen> current;
  std::unordered_map<uint32_t, ProcessRef> process_of;  // read once per scan, not per socket
  std::vector<uint32_t> scanned;
  for (const auto& [netns, ns_path] : ns_path_) {
    std::string error;
    std::vector<DiagSocket> found;
    int fd = diag_.get(netns, ns_path, error);
    if (fd >= 0) {
      try {
        found = dump_inet_sockets(fd);
      } catch (const UserError& e) {
        error = e.what();
        fd = -1;
      }
    }
    if (fd < 0) {
      if (warned_.insert(netns).second)
        warnings_.push_back(format("sockets of network namespace %u not scanned: %s", netns,
                                   error.c_str()));
      continue;
    }
    scanned.push_back(netns);
    for (const DiagSocket& s : found) {
      auto holder = holder_by_inode_.find(s.inode);
      if (holder == holder_by_inode_.end()) continue;  // held by no process we can see
      uint32_t pid = holder->second.pid;
      auto known = process_of.find(pid);
      if (known == process_of.end())
        known = process_of.emplace(pid, current_process(processes, pid, track_processes)).first;
      sockets.seed(netns, s.l4_proto, s.local, s.remote, known->second, holder->second.fd, now_ns);
      current.emplace(s.inode, Seen{netns, s});
    }
  }
  diag_.keep_only(scanned);
  if (track_processes) {
    for (const auto& [inode, seen] : previous_)
      if (!current.count(inode))
        sockets.mark_closed(seen.netns, seen.socket.l4_proto, seen.socket.local,
                            seen.socket.remote, now_ns);
    std::sort(alive_.begin(), alive_.end());
    processes.mark_exited_unless(alive_, now_ns);
  }
  previous_ = std::move(current);
  ++stats_.scans;
  stats_.sockets = previous_.size();
  stats_.namespaces = scanned.size();
}

std::vector<std::string> SocketScanner::take_warnings() { return std::exchange(warnings_, {}); }

}  // namespace vedetta
