#pragma once
// The fields a filter may name, with their types, so that an unknown field
// or a value of the wrong kind is an error when the filter is parsed, not a
// silent mismatch at run time. Names and meanings follow sysdig's.
#include <string>
#include <string_view>
#include <vector>

namespace vedetta::filter {

enum class FieldType {
  String,   // compared as text (proc.name, fd.name, evt.type)
  Number,   // signed 64-bit integer (proc.pid, fd.sport, evt.res)
  Bool,     // true/false; sources return the integers 1/0 (or "true"/"false")
  Ip,       // an address: '=' takes an address, 'in' addresses or CIDR blocks
  Network,  // an address matched against CIDR blocks (fd.net = 10.0.0.0/8)
  Dynamic,  // decided per event (evt.arg.X): numbers compare as numbers
};

// Whether a field takes an argument: proc.aname[2], evt.arg.fd / evt.arg[0].
enum class FieldArg {
  None,
  OptionalIndex,  // [N]; without it the source may return a list (proc.aname)
  Name,           // .NAME or [NAME]/[N] is required (evt.arg.fd, evt.arg[0])
};

enum class FieldId {
  EvtNum,
  EvtType,
  EvtDir,
  EvtCpu,
  EvtTime,
  EvtOutputtime,
  EvtRawtime,
  EvtLatency,
  EvtRes,
  EvtRawres,
  EvtFailed,
  EvtBuflen,
  EvtIsIo,
  EvtIsIoRead,
  EvtIsIoWrite,
  EvtCategory,
  EvtInfo,
  EvtArgs,
  EvtArg,
  EvtRawarg,
  ProcName,
  ProcPid,
  ProcPpid,
  ProcPname,
  ProcCmdline,
  ProcExe,
  ProcExepath,
  ProcArgs,
  ProcCwd,
  ProcSid,
  ProcVpgid,
  ProcVmsize,
  ProcVmrss,
  ProcAname,
  ProcApid,
  ProcTty,
  ThreadTid,
  ThreadVtid,
  UserName,
  UserUid,
  GroupName,
  GroupGid,
  FdNum,
  FdName,
  FdType,
  FdTypechar,
  FdDirectory,
  FdFilename,
  FdL4proto,
  FdSockfamily,
  FdIsServer,
  FdSip,
  FdCip,
  FdLip,
  FdRip,
  FdIp,
  FdSport,
  FdCport,
  FdLport,
  FdRport,
  FdPort,
  FdNet,
  FdSnet,
  FdCnet,
  FdLnet,
  FdRnet,
  ContainerId,
  ContainerName,
  ContainerImage,
};

struct FieldInfo {
  FieldId id;
  const char* name;
  FieldType type;
  FieldArg arg;
  const char* description;
};

// Every known field, in a stable order (for --list-fields style output).
const std::vector<FieldInfo>& all_fields();

// The field named exactly `name` (without any argument), or nullptr.
const FieldInfo* find_field(std::string_view name);

// The known field closest to `name` by edit distance, if any is close
// enough to be a likely typo ("proc.nme" -> "proc.name"), else nullptr.
const FieldInfo* closest_field(std::string_view name);

std::string_view type_name(FieldType type);

}  // namespace vedetta::filter
