#pragma once
// The threads and open fds of the captured machine as events replay them:
// seeded from the capture's thread and fd lists, kept current by the state
// tracker. Threads of one process share one fd table.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/cgroup.h"
#include "events/capture_metadata.h"
#include "events/event.h"

namespace vedetta::events {

struct FdInfo {
  FdType type = FdType::kUnknown;
  L4Proto l4 = L4Proto::kUnknown;
  std::string name;
  // From socket() (or the capture's fd list), for the family it was given in:
  // shown once connect/bind/sendto give the socket an address of that family.
  L4Proto proto_hint = L4Proto::kUnknown;
  bool hint_v6 = false;
  // Both ends of an IP socket once a tuple named them (name is built from these).
  bool has_tuple = false;
  std::string sip, dip;
  uint16_t sport = 0, dport = 0;
  // This process's end, when known: accepted (server) or connected (client).
  // fd.is_server holds unless the end is known to be the client's, as in sysdig.
  bool server_role = false;
  bool client_role = false;
};

using FdTable = std::map<int64_t, FdInfo>;

struct ThreadInfo {
  int64_t tid = 0, pid = 0, ptid = -1;  // ptid -1: parent unknown
  std::string comm, exe, cwd;  // cwd ends with '/'
  std::string args;            // NUL-separated, as execve gives them (proc.args)
  std::string container_id;    // 12 hex digits; empty on the host
  uint32_t uid = UINT32_MAX, gid = UINT32_MAX;  // unknown until a list or clone says
  std::shared_ptr<FdTable> fds;
  Event last_enter;  // parameters of the pending enter event
  bool has_last_enter = false;
};

class ThreadTable {
 public:
  void seed(const CaptureMetadata& metadata);

  ThreadInfo* find(int64_t tid);
  const ThreadInfo* find(int64_t tid) const;
  // Creates (or replaces) a thread; `fds` null means a fresh empty table.
  ThreadInfo& add(int64_t tid, std::shared_ptr<FdTable> fds = nullptr);
  void remove(int64_t tid) { threads_.erase(tid); }
  size_t size() const { return threads_.size(); }
  // Every thread, in no particular order.
  const std::unordered_map<int64_t, ThreadInfo>& all() const { return threads_; }

  const FdInfo* find_fd(int64_t tid, int64_t fd) const;

  const std::map<uint32_t, std::string>& users() const { return users_; }
  const std::map<uint32_t, std::string>& groups() const { return groups_; }

 private:
  std::unordered_map<int64_t, ThreadInfo> threads_;
  std::map<uint32_t, std::string> users_, groups_;
};

// sysdig's container.id for a cgroup: a docker/containerd/CRI-O/podman id
// (12 hex digits), or "" for the host (and for groups that are no container).
std::string container_of(const CgroupInfo& cgroup);

// The container of a clone/execve exit's "cgroups" parameter
// ("cpuset=/docker/ID" ... NUL-separated), "" on the host.
std::string container_of_cgroups_param(std::string_view param);

// Kind letter sysdig shows in "<f>": f file, 4/6 IP socket, u unix, p pipe...
char fd_type_char(FdType type);
// "t" "u" "i" "r" for IP sockets, else "".
const char* l4_char(FdType type, L4Proto l4);

}  // namespace vedetta::events
