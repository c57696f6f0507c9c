#include "events/state_tracker.h"

#include <cstring>

#include "events/event_params.h"
#include "events/event_table.h"
#include "events/param_text.h"

namespace vedetta::events {
namespace {

// Values of the driver's encodings used here.
constexpr uint32_t kOpenDirectory = 1u << 10;
constexpr int64_t kAtFdcwd = -100;

std::string with_slash(std::string dir) {
  if (dir.empty() || dir.back() != '/') dir += '/';
  return dir;
}

// Exit events of clone/fork: index of comm (0 = none) and of flags.
struct CloneLayout {
  uint16_t type;
  size_t comm, flags;
};
constexpr CloneLayout kCloneExits[] = {{15, 0, 8},    {157, 0, 13},  {183, 0, 13},  {185, 0, 13},
                                       {217, 13, 14}, {219, 13, 14}, {221, 13, 14}, {223, 13, 15},
                                       {225, 13, 15}, {227, 13, 15}, {335, 13, 15}};

// Exit events of execve: index of comm (0 = none).
struct ExecveLayout {
  uint16_t type;
  size_t comm;
};
constexpr ExecveLayout kExecveExits[] = {{13, 0},   {155, 0},  {173, 0},  {215, 13}, {231, 13},
                                         {283, 13}, {289, 13}, {293, 13}, {331, 13}};

}  // namespace

void StateTracker::apply(const Event& e) {
  const EventInfo* info = event_info(e.type);
  if (!info || (info->flags & kInternal)) return;

  if (pending_removal_ >= 0) {
    // sysdig drops an exited thread when the next event arrives.
    threads_.remove(pending_removal_);
    pending_removal_ = -1;
  }

  // Threads first seen here get an "<NA>" entry, except for context switches
  // (the kernel's idle and worker threads would fill the table).
  bool is_switch = e.type == ppme::kSwitch1E || e.type == ppme::kSwitch6E;
  ThreadInfo* th = threads_.find(e.tid);
  if (!th && !is_switch) {
    th = &threads_.add(e.tid);
    th->comm = "<NA>";
    th->exe = "<NA>";
    ++counters_.threads_unknown;
  }

  if (is_enter(e.type)) {
    if (e.type == ppme::kProcexitE || e.type == ppme::kProcexit1E) pending_removal_ = e.tid;
    if (th) {
      th->last_enter = e;
      th->has_last_enter = true;
      if (e.type == ppme::kConnectE) on_connect_enter(e, *th);
      if (e.type == ppme::kSendtoE) on_sendto_enter(e, *th);
    }
    return;
  }

  for (const auto& c : kCloneExits)
    if (e.type == c.type) on_clone_exit(e, th, c.comm, c.flags);
  for (const auto& x : kExecveExits)
    if (e.type == x.type && th) on_execve_exit(e, *th, x.comm);
  if (th) {
    on_fd_created(e, *th);
    on_socket_update(e, *th);
  }
  // An exit uses up its enter event: a second exit finds none.
  if (ThreadInfo* after = threads_.find(e.tid)) after->has_last_enter = false;
}

void StateTracker::on_clone_exit(const Event& e, ThreadInfo* caller, size_t comm_idx,
                                 size_t flags_idx) {
  if (e.param_count() < 6) {
    ++counters_.short_events;
    return;
  }
  int64_t res = param_num<int64_t>(e, 0);
  if (res < 0) return;
  uint32_t flags = e.param_count() > flags_idx ? param_num<uint32_t>(e, flags_idx) : 0;
  size_t vtid_idx = flags_idx == 15 ? 18 : 0;  // clone_20 layouts carry vtid
  int64_t child_tid, child_pid, child_ptid;
  const ThreadInfo* parent;
  if (res > 0) {  // returned in the parent
    // Inside a pid namespace the result is the child's virtual id, not a host
    // tid: the child's own exit event creates it instead.
    if (vtid_idx && e.param_count() > vtid_idx &&
        param_num<int64_t>(e, vtid_idx) != param_num<int64_t>(e, 3))
      return;
    child_tid = res;
    parent = caller;
    child_ptid = e.tid;
    child_pid = (flags & kCloneThread) ? param_num<int64_t>(e, 4) : res;
  } else {  // returned in the child
    child_tid = e.tid;
    child_pid = param_num<int64_t>(e, 4);
    child_ptid = param_num<int64_t>(e, 5);
    parent = threads_.find(child_ptid);
    // The parent's exit may come first: then the child exists already.
    if (caller && caller->comm != "<NA>") return;
  }
  if (res > 0 && threads_.find(child_tid) && threads_.find(child_tid)->comm != "<NA>") return;
  std::shared_ptr<FdTable> fds;
  if (parent && (flags & (kCloneThread | kCloneFiles)))
    fds = parent->fds;
  else if (parent)
    fds = std::make_shared<FdTable>(*parent->fds);
  ThreadInfo& child = threads_.add(child_tid, fds);
  child.pid = child_pid;
  child.ptid = child_ptid;
  child.exe = param_str(e, 1);
  child.args = param_bytes(e, 2);
  // Old versions carry no comm: sysdig then names the thread after the exe as given.
  child.comm = (comm_idx && e.param_count() > comm_idx) ? param_str(e, comm_idx) : child.exe;
  child.cwd = with_slash(param_str(e, 6));
  // The child's groups when the event lists them, else its parent's.
  int cg = param_index(e, "cgroups");
  if (cg >= 0 && !e.param(static_cast<size_t>(cg)).empty())
    child.container_id = container_of_cgroups_param(param_bytes(e, static_cast<size_t>(cg)));
  else if (parent)
    child.container_id = parent->container_id;
  if (flags_idx == 15 && e.param_count() > 17) {  // layouts with flags carry uid, gid next
    child.uid = param_num<uint32_t>(e, 16);
    child.gid = param_num<uint32_t>(e, 17);
  } else if (parent) {
    child.uid = parent->uid;
    child.gid = parent->gid;
  }
  ++counters_.threads_created;
}

void StateTracker::on_execve_exit(const Event& e, ThreadInfo& th, size_t comm_idx) {
  if (e.param_count() < 7) {
    ++counters_.short_events;
    return;
  }
  if (param_num<int64_t>(e, 0) < 0) return;
  th.exe = param_str(e, 1);
  th.args = param_bytes(e, 2);
  th.comm = (comm_idx && e.param_count() > comm_idx) ? param_str(e, comm_idx) : th.exe;
  th.pid = param_num<int64_t>(e, 4);
  th.ptid = param_num<int64_t>(e, 5);
  std::string cwd = param_str(e, 6);
  if (!cwd.empty()) th.cwd = with_slash(cwd);
  if (int cg = param_index(e, "cgroups"); cg >= 0 && !e.param(static_cast<size_t>(cg)).empty())
    th.container_id = container_of_cgroups_param(param_bytes(e, static_cast<size_t>(cg)));
}

void StateTracker::on_fd_created(const Event& e, ThreadInfo& th) {
  const Event* enter =
      th.has_last_enter && th.last_enter.type == e.type - 1 ? &th.last_enter : nullptr;
  auto add_file = [&](int64_t fd, const std::string& path, uint32_t flags, int64_t dirfd) {
    if (fd < 0) return;
    std::string base = th.cwd;
    if (dirfd != kAtFdcwd && (path.empty() || path[0] != '/')) {
      // A directory fd we do not know: sysdig marks the name as such.
      auto it = dirfd >= 0 ? th.fds->find(dirfd) : th.fds->end();
      base = it != th.fds->end() ? with_slash(it->second.name) : "<UNKNOWN>";
    }
    FdInfo fi;
    fi.type = (flags & kOpenDirectory) ? FdType::kDirectory : FdType::kFile;
    fi.name = resolve_path(base, path);
    (*th.fds)[fd] = fi;
  };
  auto add_kind = [&](int64_t fd, FdType type) {
    if (fd < 0) return;
    FdInfo fi;
    fi.type = type;
    (*th.fds)[fd] = fi;
  };
  switch (e.type) {
    // The open family: sysdig takes dirfd, name and flags from the enter
    // event when it has it, else from the exit event.
    case ppme::kOpenX:  // exit: fd, name, flags, mode, dev; enter: name, flags, mode
      if (enter && enter->param_count() >= 2)
        add_file(param_num<int64_t>(e, 0), param_str(*enter, 0), param_num<uint32_t>(*enter, 1),
                 kAtFdcwd);
      else if (e.param_count() >= 3)
        add_file(param_num<int64_t>(e, 0), param_str(e, 1), param_num<uint32_t>(e, 2), kAtFdcwd);
      break;
    case ppme::kCreatX:  // exit: fd, name, mode, dev; enter: name, mode
      if (enter && enter->param_count() >= 1)
        add_file(param_num<int64_t>(e, 0), param_str(*enter, 0), 0, kAtFdcwd);
      else if (e.param_count() >= 2)
        add_file(param_num<int64_t>(e, 0), param_str(e, 1), 0, kAtFdcwd);
      break;
    case ppme::kOpenatX:  // exit: fd; enter: dirfd, name, flags, mode
      if (enter && enter->param_count() >= 3)
        add_file(param_num<int64_t>(e, 0), param_str(*enter, 1), param_num<uint32_t>(*enter, 2),
                 param_num<int64_t>(*enter, 0));
      break;
    case ppme::kOpenatV2X:  // exit: fd, dirfd, name, flags, ...; enter: dirfd, name, flags, ...
    case ppme::kOpenat2X:
      if (enter && enter->param_count() >= 3)
        add_file(param_num<int64_t>(e, 0), param_str(*enter, 1), param_num<uint32_t>(*enter, 2),
                 param_num<int64_t>(*enter, 0));
      else if (e.param_count() >= 4)
        add_file(param_num<int64_t>(e, 0), param_str(e, 2), param_num<uint32_t>(e, 3),
                 param_num<int64_t>(e, 1));
      break;
    case ppme::kPipeX:  // res, fd1, fd2
      if (e.param_count() >= 3 && param_num<int64_t>(e, 0) >= 0) {
        add_kind(param_num<int64_t>(e, 1), FdType::kFifo);
        add_kind(param_num<int64_t>(e, 2), FdType::kFifo);
      }
      break;
    case ppme::kSocketpairX:  // res, fd1, fd2, source, peer
      if (e.param_count() >= 3 && param_num<int64_t>(e, 0) >= 0) {
        add_kind(param_num<int64_t>(e, 1), FdType::kUnixSock);
        add_kind(param_num<int64_t>(e, 2), FdType::kUnixSock);
      }
      break;
    case ppme::kEventfdX:
      add_kind(param_num<int64_t>(e, 0), FdType::kEvent);
      break;
    case ppme::kSignalfdX:
      add_kind(param_num<int64_t>(e, 0), FdType::kSignalfd);
      break;
    case ppme::kTimerfdCreateX:
      add_kind(param_num<int64_t>(e, 0), FdType::kTimerfd);
      break;
    case ppme::kInotifyInitX:
      add_kind(param_num<int64_t>(e, 0), FdType::kInotify);
      break;
    case ppme::kDupX:      // exit: res[, oldfd]; enter: fd
    case ppme::kFcntlX: {  // exit: res[, fd, cmd]; enter: fd, cmd
      int64_t res = param_num<int64_t>(e, 0);
      auto from = enter_or_exit<int64_t>(enter, 0, e, 1);
      if (res < 0 || !from) break;
      if (e.type == ppme::kFcntlX) {
        auto cmd = enter_or_exit<uint8_t>(enter, 1, e, 2);
        if (!cmd || (*cmd != 1 && *cmd != 26)) break;  // F_DUPFD, F_DUPFD_CLOEXEC
      }
      auto it = th.fds->find(*from);
      if (it != th.fds->end()) (*th.fds)[res] = it->second;
      break;
    }
    case ppme::kCloseX: {  // exit: res[, fd]; enter: fd
      auto fd = enter_or_exit<int64_t>(enter, 0, e, 1);
      if (param_num<int64_t>(e, 0) >= 0 && fd) th.fds->erase(*fd);
      break;
    }
    case ppme::kChdirX:
      if (e.param_count() >= 2 && param_num<int64_t>(e, 0) >= 0)
        th.cwd = with_slash(resolve_path(th.cwd, param_str(e, 1)));
      break;
    case ppme::kFchdirX: {  // exit: res[, fd]; enter: fd
      auto fd = enter_or_exit<int64_t>(enter, 0, e, 1);
      if (param_num<int64_t>(e, 0) < 0 || !fd) break;
      auto it = th.fds->find(*fd);
      if (it != th.fds->end()) th.cwd = with_slash(it->second.name);
      break;
    }
    default:
      break;
  }
}

}  // namespace vedetta::events
