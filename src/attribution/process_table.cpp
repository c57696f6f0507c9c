#include "attribution/process_table.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "common/cgroup.h"
#include "common/proc_files.h"

namespace vedetta {
namespace {

// argv as stored by the kernel: NUL-separated, maybe NUL-terminated.
std::string join_args(const char* data, size_t len) {
  std::string out(data, len);
  while (!out.empty() && out.back() == '\0') out.pop_back();
  for (char& c : out)
    if (c == '\0') c = ' ';
  return out;
}

std::string fixed_string(const char* s, size_t cap) { return std::string(s, strnlen(s, cap)); }

}  // namespace

std::shared_ptr<ProcessInfo> ProcessTable::read_proc_entry(const std::string& proc_root,
                                                           uint32_t pid) {
  std::string base = proc_root + "/" + std::to_string(pid);
  std::string status = read_text_file(base + "/status");
  size_t name = status.find("Name:\t");
  if (name == std::string::npos) return nullptr;  // gone meanwhile
  auto info = std::make_shared<ProcessInfo>();
  info->pid = pid;
  info->comm = status.substr(name + 6, status.find('\n', name) - name - 6);
  info->ppid = status_number(status, "\nPPid:");
  info->uid = status_number(status, "\nUid:");
  std::string cmd = read_text_file(base + "/cmdline");
  info->cmdline = join_args(cmd.data(), cmd.size());
  info->exe = read_symlink(base + "/exe");
  CgroupInfo cg = read_process_cgroup(pid, proc_root);
  info->cgroup = std::move(cg.path);
  info->container_id = std::move(cg.container_id);
  return info;
}

void ProcessTable::seed_from_proc(const std::string& proc_root) {
  for (const std::string& pid_text : numeric_entries(proc_root)) {
    uint32_t pid = static_cast<uint32_t>(std::strtoul(pid_text.c_str(), nullptr, 10));
    if (auto info = read_proc_entry(proc_root, pid)) by_pid_[pid] = {std::move(info), 0};
  }
  // Parent names, now that every process is known.
  for (auto& [pid, entry] : by_pid_) {
    auto it = by_pid_.find(entry.info->ppid);
    if (it == by_pid_.end()) continue;
    auto copy = std::make_shared<ProcessInfo>(*entry.info);
    copy->parent_comm = it->second.info->comm;
    entry.info = std::move(copy);
  }
}

ProcessRef ProcessTable::load_from_proc(uint32_t pid, const std::string& proc_root) {
  auto info = read_proc_entry(proc_root, pid);
  if (!info) return nullptr;
  if (auto p = by_pid_.find(info->ppid); p != by_pid_.end()) info->parent_comm = p->second.info->comm;
  ProcessRef ref = std::move(info);
  by_pid_[pid] = {ref, 0};
  return ref;
}

void ProcessTable::mark_exited_unless(const std::vector<uint32_t>& alive, uint64_t now_ns) {
  for (auto& [pid, entry] : by_pid_) {
    if (entry.exit_ns || std::binary_search(alive.begin(), alive.end(), pid)) continue;
    auto gone = std::make_shared<ProcessInfo>(*entry.info);
    gone->exited = true;
    entry = {std::move(gone), now_ns};
  }
}

ProcessRef ProcessTable::get(uint32_t pid, const char* comm_hint) {
  auto it = by_pid_.find(pid);
  if (it != by_pid_.end()) return it->second.info;
  auto info = std::make_shared<ProcessInfo>();
  info->pid = pid;
  if (comm_hint) info->comm = fixed_string(comm_hint, 16);
  info->placeholder = true;
  ProcessRef ref = info;
  by_pid_[pid] = {ref, 0};
  return ref;
}

void ProcessTable::on_process_event(const vedetta_process_event& e) {
  switch (e.kind) {
    case VEDETTA_PROCESS_FORK: {
      if (e.child_tgid == e.tgid) return;  // a new thread of the same process
      ProcessRef parent = get(e.tgid, e.comm);
      auto child = std::make_shared<ProcessInfo>(*parent);
      child->placeholder = parent->placeholder;
      child->pid = e.child_tgid;
      child->ppid = e.tgid;
      child->parent_comm = parent->comm;
      child->exited = false;
      by_pid_[e.child_tgid] = {std::move(child), 0};
      return;
    }
    case VEDETTA_PROCESS_EXEC: {
      ProcessRef before = get(e.tgid, e.comm);
      auto now = std::make_shared<ProcessInfo>(*before);
      now->comm = fixed_string(e.comm, sizeof e.comm);
      now->exe = fixed_string(e.filename, sizeof e.filename);
      now->placeholder = false;
      now->cmdline = join_args(e.args, e.args_len < sizeof e.args ? e.args_len : sizeof e.args);
      now->uid = e.uid;
      now->ppid = e.ppid;
      now->exec_ns = e.ts_ns;
      // A runtime moves a container's first process into its cgroup before
      // the exec, so the exec is when to look (if it has exited since, the
      // parent's group it inherited stays).
      std::string groups = read_text_file("/proc/" + std::to_string(e.tgid) + "/cgroup");
      if (!groups.empty()) {
        CgroupInfo cg = parse_proc_cgroup(groups);
        now->cgroup = std::move(cg.path);
        now->container_id = std::move(cg.container_id);
      }
      if (auto p = by_pid_.find(e.ppid); p != by_pid_.end()) now->parent_comm = p->second.info->comm;
      by_pid_[e.tgid] = {std::move(now), 0};
      return;
    }
    case VEDETTA_PROCESS_EXIT: {
      if (!e.group_dead) return;
      auto it = by_pid_.find(e.tgid);
      if (it == by_pid_.end()) return;
      auto gone = std::make_shared<ProcessInfo>(*it->second.info);
      gone->exited = true;
      it->second = {std::move(gone), e.ts_ns};
      return;
    }
  }
}

void ProcessTable::expire_exited(uint64_t now_ns, uint64_t keep_ns) {
  for (auto it = by_pid_.begin(); it != by_pid_.end();) {
    if (it->second.exit_ns && it->second.exit_ns + keep_ns < now_ns) it = by_pid_.erase(it);
    else ++it;
  }
}

}  // namespace vedetta
