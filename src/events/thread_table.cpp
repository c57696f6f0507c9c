#include "events/thread_table.h"

#include <charconv>
#include <set>

#include "events/socket_names.h"

namespace vedetta::events {

void ThreadTable::seed(const CaptureMetadata& metadata) {
  users_ = metadata.users;
  groups_ = metadata.groups;
  // Connected sockets print client first: an end whose port some process
  // listens on is the server end.
  std::set<uint16_t> server_ports;
  for (const auto& t : metadata.threads)
    for (const auto& fd : t.fds)
      if (fd.type == FdType::kIpv4ServSock || fd.type == FdType::kIpv6ServSock) {
        size_t colon = fd.name.rfind(':');
        uint16_t port = 0;
        if (colon != std::string::npos &&
            std::from_chars(fd.name.data() + colon + 1, fd.name.data() + fd.name.size(), port).ec ==
                std::errc())
          server_ports.insert(port);
      }
  auto fd_info = [&](const FdEntry& fd) {
    FdInfo fi;
    fi.type = fd.type;
    fi.l4 = fd.l4;
    fi.name = fd.name;
    fi.proto_hint = fd.l4;
    fi.hint_v6 = fd.type == FdType::kIpv6Sock || fd.type == FdType::kIpv6ServSock;
    if (!fd.has_tuple) return fi;
    fi.has_tuple = true;
    bool server_side = server_ports.count(fd.local_port) && !server_ports.count(fd.remote_port);
    fi.server_role = server_side;
    fi.client_role = !server_side;
    fi.sip = server_side ? fd.remote_ip : fd.local_ip;
    fi.sport = server_side ? fd.remote_port : fd.local_port;
    fi.dip = server_side ? fd.local_ip : fd.remote_ip;
    fi.dport = server_side ? fd.local_port : fd.remote_port;
    fi.name = tuple_text(fi.sip, fi.sport, fi.dip, fi.dport);
    return fi;
  };
  // Main threads first so that the other threads can share their fd tables
  // (those listed with CLONE_FILES, as /proc scans list them; sysdig gives
  // the others a table of their own).
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& t : metadata.threads) {
      bool main = t.tid == t.pid;
      if ((pass == 0) != main) continue;
      std::shared_ptr<FdTable> fds;
      if (!main && (t.flags & kCloneFiles)) {
        if (const ThreadInfo* leader = find(t.pid)) fds = leader->fds;
      }
      ThreadInfo& th = add(t.tid, fds);
      th.pid = t.pid;
      th.ptid = t.ptid;
      th.comm = t.comm;
      th.exe = t.exe;
      th.args = t.args;
      th.container_id = t.container_id;
      th.cwd = t.cwd;
      if (th.cwd.empty() || th.cwd.back() != '/') th.cwd += '/';
      th.uid = t.uid;
      th.gid = t.gid;
      for (const auto& fd : t.fds) (*th.fds)[fd.fd] = fd_info(fd);
    }
  }
}

ThreadInfo* ThreadTable::find(int64_t tid) {
  auto it = threads_.find(tid);
  return it == threads_.end() ? nullptr : &it->second;
}

const ThreadInfo* ThreadTable::find(int64_t tid) const {
  auto it = threads_.find(tid);
  return it == threads_.end() ? nullptr : &it->second;
}

ThreadInfo& ThreadTable::add(int64_t tid, std::shared_ptr<FdTable> fds) {
  ThreadInfo& th = threads_[tid];
  th = ThreadInfo{};
  th.tid = tid;
  th.pid = tid;
  th.fds = fds ? std::move(fds) : std::make_shared<FdTable>();
  return th;
}

const FdInfo* ThreadTable::find_fd(int64_t tid, int64_t fd) const {
  const ThreadInfo* th = find(tid);
  if (!th) return nullptr;
  auto it = th->fds->find(fd);
  return it == th->fds->end() ? nullptr : &it->second;
}

std::string container_of(const CgroupInfo& cgroup) {
  const std::string& id = cgroup.container_id;
  bool hex12 = id.size() == 12 &&
               id.find_first_not_of("0123456789abcdef") == std::string::npos;
  return hex12 ? id : "";
}

std::string container_of_cgroups_param(std::string_view param) {
  std::string lines;  // as /proc/PID/cgroup writes them: "1:controller:path"
  size_t start = 0;
  while (start < param.size()) {
    size_t end = param.find('\0', start);
    if (end == std::string_view::npos) end = param.size();
    std::string_view entry = param.substr(start, end - start);
    size_t eq = entry.find('=');
    if (eq != std::string_view::npos) {
      lines += "1:";
      lines += entry.substr(0, eq);
      lines += ':';
      lines += entry.substr(eq + 1);
      lines += '\n';
    }
    start = end + 1;
  }
  return container_of(parse_proc_cgroup(lines));
}

char fd_type_char(FdType type) {
  switch (type) {
    case FdType::kFile:
    case FdType::kFileV2:
      return 'f';
    case FdType::kDirectory:
      return 'd';
    case FdType::kIpv4Sock:
    case FdType::kIpv4ServSock:
      return '4';
    case FdType::kIpv6Sock:
    case FdType::kIpv6ServSock:
      return '6';
    case FdType::kFifo:
      return 'p';
    case FdType::kUnixSock:
      return 'u';
    case FdType::kEvent:
      return 'e';
    case FdType::kSignalfd:
      return 's';
    case FdType::kEventpoll:
      return 'l';
    case FdType::kInotify:
      return 'i';
    case FdType::kTimerfd:
      return 't';
    case FdType::kNetlink:
      return 'n';
    case FdType::kBpf:
      return 'b';
    case FdType::kUserfaultfd:
      return 'u';
    case FdType::kIoUring:
      return 'r';
    case FdType::kMemfd:
      return 'm';
    case FdType::kPidfd:
      return 'P';
    default:
      return 'o';
  }
}

const char* l4_char(FdType type, L4Proto l4) {
  if (type != FdType::kIpv4Sock && type != FdType::kIpv6Sock && type != FdType::kIpv4ServSock &&
      type != FdType::kIpv6ServSock)
    return "";
  switch (l4) {
    case L4Proto::kTcp:
      return "t";
    case L4Proto::kUdp:
      return "u";
    case L4Proto::kIcmp:
      return "i";
    case L4Proto::kRaw:
      return "r";
    default:
      return "";
  }
}

}  // namespace vedetta::events
