#include "filter/field_registry.h"

#include <algorithm>

namespace vedetta::filter {

namespace {

using enum FieldType;
using A = FieldArg;
using I = FieldId;

const std::vector<FieldInfo> kFields = {
    {I::EvtNum, "evt.num", Number, A::None, "event number"},
    {I::EvtType, "evt.type", String, A::None, "event name, e.g. open, connect"},
    {I::EvtDir, "evt.dir", String, A::None, "'>' for enter events, '<' for exit events"},
    {I::EvtCpu, "evt.cpu", Number, A::None, "CPU the event happened on"},
    {I::EvtTime, "evt.time", String, A::None, "event time as text"},
    {I::EvtOutputtime, "evt.outputtime", String, A::None, "event time as printed (JSON: ns since the epoch)"},
    {I::EvtRawtime, "evt.rawtime", Number, A::None, "event time, ns since the epoch"},
    {I::EvtLatency, "evt.latency", Number, A::None, "ns between enter and exit event"},
    {I::EvtRes, "evt.res", String, A::None, "result: SUCCESS or an error code name"},
    {I::EvtRawres, "evt.rawres", Number, A::None, "result as a number"},
    {I::EvtFailed, "evt.failed", Bool, A::None, "true if the call returned an error"},
    {I::EvtBuflen, "evt.buflen", Number, A::None, "buffer length of I/O events"},
    {I::EvtIsIo, "evt.is_io", Bool, A::None, "true for events that read or write data"},
    {I::EvtIsIoRead, "evt.is_io_read", Bool, A::None, "true for events that read data"},
    {I::EvtIsIoWrite, "evt.is_io_write", Bool, A::None, "true for events that write data"},
    {I::EvtCategory, "evt.category", String, A::None, "event category, e.g. net, file"},
    {I::EvtInfo, "evt.info", String, A::None, "the event's arguments as text"},
    {I::EvtArgs, "evt.args", String, A::None, "all arguments as one string"},
    {I::EvtArg, "evt.arg", Dynamic, A::Name, "one argument by name or index: evt.arg.fd"},
    {I::EvtRawarg, "evt.rawarg", Dynamic, A::Name, "one raw argument: evt.rawarg.res"},
    {I::ProcName, "proc.name", String, A::None, "process name (comm)"},
    {I::ProcPid, "proc.pid", Number, A::None, "process id (thread group id)"},
    {I::ProcPpid, "proc.ppid", Number, A::None, "parent process id"},
    {I::ProcPname, "proc.pname", String, A::None, "parent process name"},
    {I::ProcCmdline, "proc.cmdline", String, A::None, "name and arguments"},
    {I::ProcExe, "proc.exe", String, A::None, "first command-line argument"},
    {I::ProcExepath, "proc.exepath", String, A::None, "full executable path"},
    {I::ProcArgs, "proc.args", String, A::None, "command-line arguments"},
    {I::ProcCwd, "proc.cwd", String, A::None, "current working directory"},
    {I::ProcSid, "proc.sid", Number, A::None, "session id"},
    {I::ProcVpgid, "proc.vpgid", Number, A::None, "process group id (namespace view)"},
    {I::ProcVmsize, "proc.vmsize", Number, A::None, "virtual memory, KiB"},
    {I::ProcVmrss, "proc.vmrss", Number, A::None, "resident memory, KiB"},
    {I::ProcAname, "proc.aname", String, A::OptionalIndex, "ancestor name; [N] = N-th ancestor"},
    {I::ProcApid, "proc.apid", Number, A::OptionalIndex, "ancestor pid; [N] = N-th ancestor"},
    {I::ProcTty, "proc.tty", Number, A::None, "controlling terminal"},
    {I::ThreadTid, "thread.tid", Number, A::None, "thread id"},
    {I::ThreadVtid, "thread.vtid", Number, A::None, "thread id (namespace view)"},
    {I::UserName, "user.name", String, A::None, "user name"},
    {I::UserUid, "user.uid", Number, A::None, "user id"},
    {I::GroupName, "group.name", String, A::None, "group name"},
    {I::GroupGid, "group.gid", Number, A::None, "group id"},
    {I::FdNum, "fd.num", Number, A::None, "file descriptor number"},
    {I::FdName, "fd.name", String, A::None, "path, or socket tuple client:port->server:port"},
    {I::FdType, "fd.type", String, A::None, "file, ipv4, ipv6, unix, pipe, event, ..."},
    {I::FdTypechar, "fd.typechar", String, A::None, "type as one letter: f 4 6 u p e l n"},
    {I::FdDirectory, "fd.directory", String, A::None, "directory of a file fd"},
    {I::FdFilename, "fd.filename", String, A::None, "file name without the directory"},
    {I::FdL4proto, "fd.l4proto", String, A::None, "tcp, udp, icmp or raw"},
    {I::FdSockfamily, "fd.sockfamily", String, A::None, "ip or unix"},
    {I::FdIsServer, "fd.is_server", Bool, A::None, "true if this process is the server"},
    {I::FdSip, "fd.sip", Ip, A::None, "server address"},
    {I::FdCip, "fd.cip", Ip, A::None, "client address"},
    {I::FdLip, "fd.lip", Ip, A::None, "local address"},
    {I::FdRip, "fd.rip", Ip, A::None, "remote address"},
    {I::FdIp, "fd.ip", Ip, A::None, "either address (matches client or server)"},
    {I::FdSport, "fd.sport", Number, A::None, "server port"},
    {I::FdCport, "fd.cport", Number, A::None, "client port"},
    {I::FdLport, "fd.lport", Number, A::None, "local port"},
    {I::FdRport, "fd.rport", Number, A::None, "remote port"},
    {I::FdPort, "fd.port", Number, A::None, "either port (matches client or server)"},
    {I::FdNet, "fd.net", Network, A::None, "either address, matched against CIDR blocks"},
    {I::FdSnet, "fd.snet", Network, A::None, "server address, matched against CIDR blocks"},
    {I::FdCnet, "fd.cnet", Network, A::None, "client address, matched against CIDR blocks"},
    {I::FdLnet, "fd.lnet", Network, A::None, "local address, matched against CIDR blocks"},
    {I::FdRnet, "fd.rnet", Network, A::None, "remote address, matched against CIDR blocks"},
    {I::ContainerId, "container.id", String, A::None, "container id, 'host' outside one"},
    {I::ContainerName, "container.name", String, A::None, "container name"},
    {I::ContainerImage, "container.image", String, A::None, "container image"},
};

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

const std::vector<FieldInfo>& all_fields() { return kFields; }

const FieldInfo* find_field(std::string_view name) {
  for (const FieldInfo& f : kFields)
    if (name == f.name) return &f;
  return nullptr;
}

const FieldInfo* closest_field(std::string_view name) {
  if (name.size() > 64) return nullptr;
  const FieldInfo* best = nullptr;
  size_t best_distance = 3;  // at most two edits away
  for (const FieldInfo& f : kFields) {
    size_t d = edit_distance(name, f.name);
    if (d < best_distance) {
      best = &f;
      best_distance = d;
    }
  }
  return best;
}

std::string_view type_name(FieldType type) {
  switch (type) {
    case FieldType::String:
      return "text";
    case FieldType::Number:
      return "a number";
    case FieldType::Bool:
      return "true/false";
    case FieldType::Ip:
      return "an IP address";
    case FieldType::Network:
      return "an IP network";
    case FieldType::Dynamic:
      return "an event argument";
  }
  return "?";
}

}  // namespace vedetta::filter
