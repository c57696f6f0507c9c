#include "events/proc_snapshot.h"

#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "common/cgroup.h"
#include "common/proc_files.h"
#include "events/thread_table.h"
#include "events/socket_names.h"

namespace vedetta::events {
namespace {

struct NetSocket {
  FdType type = FdType::kUnknown;
  L4Proto l4 = L4Proto::kUnknown;
  bool listening = false;
  std::string local_ip, remote_ip;
  uint16_t local_port = 0, remote_port = 0;
  std::string unix_path;
};

// "0100007F:1F90" (IPv4) or 32 hex digits + ":PORT" (IPv6): the address is
// printed as native-endian 32-bit words, i.e. the network-order bytes.
bool parse_endpoint(const std::string& text, bool v6, std::string* ip, uint16_t* port) {
  size_t colon = text.find(':');
  if (colon == std::string::npos) return false;
  std::string hex = text.substr(0, colon);
  if (hex.size() != (v6 ? 32u : 8u)) return false;
  uint8_t bytes[16];
  for (size_t w = 0; w < hex.size() / 8; ++w) {
    uint32_t word = static_cast<uint32_t>(std::strtoul(hex.substr(w * 8, 8).c_str(), nullptr, 16));
    std::memcpy(bytes + w * 4, &word, 4);
  }
  *port = static_cast<uint16_t>(std::strtoul(text.c_str() + colon + 1, nullptr, 16));
  if (!v6) {
    *ip = ipv4_text(bytes);
  } else if (is_ipv4_mapped(bytes)) {
    *ip = ipv4_text(bytes + 12);
  } else {
    *ip = ipv6_text(bytes);
  }
  return true;
}

void read_net_table(const std::string& path, bool v6, L4Proto l4,
                    std::unordered_map<uint64_t, NetSocket>& out) {
  std::istringstream in(read_text_file(path));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string sl, local, remote, state, queues, timer, retr, uid, timeout, inode;
    if (!(f >> sl >> local >> remote >> state >> queues >> timer >> retr >> uid >> timeout >>
          inode))
      continue;
    NetSocket s;
    bool mapped = false;
    if (!parse_endpoint(local, v6, &s.local_ip, &s.local_port) ||
        !parse_endpoint(remote, v6, &s.remote_ip, &s.remote_port))
      continue;
    mapped = v6 && s.local_ip.find(':') == std::string::npos;
    s.l4 = l4;
    // TCP LISTEN (0A), or UDP bound with no peer: a server socket.
    s.listening = (l4 == L4Proto::kTcp && state == "0A") ||
                  (l4 == L4Proto::kUdp && s.remote_port == 0 && s.local_port != 0);
    bool as_v4 = !v6 || mapped;
    if (s.listening)
      s.type = as_v4 ? FdType::kIpv4ServSock : FdType::kIpv6ServSock;
    else
      s.type = as_v4 ? FdType::kIpv4Sock : FdType::kIpv6Sock;
    uint64_t ino = std::strtoull(inode.c_str(), nullptr, 10);
    if (ino) out[ino] = std::move(s);
  }
}

void read_unix_table(const std::string& path, std::unordered_map<uint64_t, NetSocket>& out) {
  std::istringstream in(read_text_file(path));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string num, refcount, protocol, flags, type, st, inode, name;
    if (!(f >> num >> refcount >> protocol >> flags >> type >> st >> inode)) continue;
    f >> name;
    NetSocket s;
    s.type = FdType::kUnixSock;
    s.unix_path = name;
    uint64_t ino = std::strtoull(inode.c_str(), nullptr, 10);
    if (ino) out[ino] = std::move(s);
  }
}

// Field `n` (1-based) of /proc/PID/stat, counted after the ")" that ends comm.
std::string stat_field(const std::string& stat, int n) {
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream f(stat.substr(close + 2));
  std::string v;
  for (int i = 3; i <= n && (f >> v); ++i) {
  }
  return v;
}

std::vector<FdEntry> read_fds(const std::string& pid_dir,
                              const std::unordered_map<uint64_t, NetSocket>& sockets) {
  std::vector<FdEntry> fds;
  for (const auto& n : numeric_entries(pid_dir + "/fd")) {
    std::string link = read_symlink(pid_dir + "/fd/" + n);
    if (link.empty()) continue;
    FdEntry fd;
    fd.fd = std::strtoll(n.c_str(), nullptr, 10);
    uint64_t ino = 0;
    fd.type = fd_type_from_link(link, &ino);
    if (ino) {
      auto it = sockets.find(ino);
      if (it == sockets.end()) continue;  // another namespace, netlink...: unknown
      const NetSocket& s = it->second;
      fd.type = s.type;
      fd.l4 = s.l4;
      if (s.type == FdType::kUnixSock) {
        fd.name = s.unix_path;
      } else if (s.listening) {
        fd.name = endpoint_text(s.local_ip, s.local_port);
      } else {
        fd.has_tuple = true;
        fd.local_ip = s.local_ip;
        fd.local_port = s.local_port;
        fd.remote_ip = s.remote_ip;
        fd.remote_port = s.remote_port;
        fd.name = tuple_text(s.local_ip, s.local_port, s.remote_ip, s.remote_port);
      }
    } else if (fd.type == FdType::kFile || fd.type == FdType::kDirectory) {
      fd.name = link;
      if (link.size() > 10 && link.compare(link.size() - 10, 10, " (deleted)") == 0)
        fd.name.resize(link.size() - 10);
    }
    fds.push_back(std::move(fd));
  }
  return fds;
}

}  // namespace

FdType fd_type_from_link(const std::string& link, uint64_t* socket_inode) {
  *socket_inode = 0;
  auto starts = [&](const char* p) { return link.compare(0, std::strlen(p), p) == 0; };
  if (starts("socket:[")) {
    *socket_inode = std::strtoull(link.c_str() + 8, nullptr, 10);
    return FdType::kUnknown;
  }
  if (starts("pipe:[")) return FdType::kFifo;
  if (starts("anon_inode:[eventfd]")) return FdType::kEvent;
  if (starts("anon_inode:[eventpoll]")) return FdType::kEventpoll;
  if (starts("anon_inode:inotify")) return FdType::kInotify;
  if (starts("anon_inode:[timerfd]")) return FdType::kTimerfd;
  if (starts("anon_inode:[signalfd]")) return FdType::kSignalfd;
  if (starts("anon_inode:bpf")) return FdType::kBpf;
  if (starts("anon_inode:[pidfd]")) return FdType::kPidfd;
  if (starts("anon_inode:[io_uring]")) return FdType::kIoUring;
  if (starts("/memfd:")) return FdType::kMemfd;
  if (starts("/")) {
    struct stat st;
    if (stat(link.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return FdType::kDirectory;
    return FdType::kFile;
  }
  return FdType::kUnknown;
}

void read_user_database(CaptureMetadata& metadata) {
  setpwent();
  while (const passwd* pw = getpwent()) metadata.users.emplace(pw->pw_uid, pw->pw_name);
  endpwent();
  setgrent();
  while (const group* gr = getgrent()) metadata.groups.emplace(gr->gr_gid, gr->gr_name);
  endgrent();
}

CaptureMetadata read_proc_snapshot(const std::string& proc_root) {
  CaptureMetadata md;
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  md.hostname = host;
  md.num_cpus = static_cast<uint32_t>(sysconf(_SC_NPROCESSORS_ONLN));

  std::unordered_map<uint64_t, NetSocket> sockets;
  read_net_table(proc_root + "/net/tcp", false, L4Proto::kTcp, sockets);
  read_net_table(proc_root + "/net/udp", false, L4Proto::kUdp, sockets);
  read_net_table(proc_root + "/net/tcp6", true, L4Proto::kTcp, sockets);
  read_net_table(proc_root + "/net/udp6", true, L4Proto::kUdp, sockets);
  read_unix_table(proc_root + "/net/unix", sockets);

  for (const auto& pid_text : numeric_entries(proc_root)) {
    std::string pid_dir = proc_root + "/" + pid_text;
    int64_t pid = std::strtoll(pid_text.c_str(), nullptr, 10);
    std::string stat = read_text_file(pid_dir + "/stat");
    if (stat.empty()) continue;  // gone
    std::string status = read_text_file(pid_dir + "/status");
    std::string cmdline = read_text_file(pid_dir + "/cmdline");
    ThreadEntry proc;
    proc.pid = pid;
    proc.ptid = std::strtoll(stat_field(stat, 4).c_str(), nullptr, 10);
    proc.exepath = read_symlink(pid_dir + "/exe");
    proc.cwd = read_symlink(pid_dir + "/cwd");
    // sysdig's exe is argv[0]; args are the other arguments, NUL-separated.
    size_t nul = cmdline.find('\0');
    proc.exe = cmdline.substr(0, nul);
    if (nul != std::string::npos) proc.args = cmdline.substr(nul + 1);
    if (proc.exe.empty()) proc.exe = proc.exepath;  // kernel threads have no cmdline
    proc.uid = status_number(status, "\nUid:");
    proc.gid = status_number(status, "\nGid:");
    proc.container_id = container_of(read_process_cgroup(static_cast<uint32_t>(pid), proc_root));
    std::vector<FdEntry> fds = read_fds(pid_dir, sockets);
    for (const auto& tid_text : numeric_entries(pid_dir + "/task")) {
      ThreadEntry t = proc;
      t.tid = std::strtoll(tid_text.c_str(), nullptr, 10);
      t.comm = read_text_file(pid_dir + "/task/" + tid_text + "/comm");
      while (!t.comm.empty() && t.comm.back() == '\n') t.comm.pop_back();
      if (t.tid == pid)
        t.fds = fds;
      else  // the other threads share the main thread's table, as sysdig's /proc scan says
        t.flags = kCloneFiles | kCloneThread;
      md.threads.push_back(std::move(t));
    }
  }
  return md;
}

}  // namespace vedetta::events
