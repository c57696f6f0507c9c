#pragma once
// What each event type of the .scap format carries: its name, direction and
// parameters (name, wire type, print format, flag names). The ids are the
// PPME_* codes of the Falco drivers (even = enter, odd = exit); new versions
// of an event only append parameters, so a reader accepts fewer than listed.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace vedetta::events {

enum class ParamType : uint8_t {
  kNone,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUint8,
  kUint16,
  kUint32,
  kUint64,
  kCharBuf,    // NUL-terminated text
  kByteBuf,    // raw bytes, printed with dots for non-printables
  kErrno,      // int64 result, negative = -errno
  kSockAddr,   // u8 family + address
  kSockTuple,  // u8 family + source + destination
  kFd,         // int64, rendered with the fd table
  kPid,        // int64, rendered with the thread's name
  kFdList,     // u16 count + count x (i64 fd, i16 flags)
  kFsPath,     // path, resolved against the thread's cwd
  kFsRelPath,  // path relative to a dirfd parameter
  kSyscallId,  // u16 system-independent syscall code
  kSigType,    // u8 signal number
  kRelTime,    // u64 nanoseconds
  kAbsTime,    // u64 nanoseconds since the epoch
  kFlags8,
  kFlags16,
  kFlags32,
  kUid,
  kGid,
  kSigSet,  // u32 lower bits of a sigset
  kMode,    // u32 file mode bits
  kDyn,     // u8 index into a list of types, then the value
  kCharBufArray,
  kCharBufPairArray,
};

enum class PrintFormat : uint8_t { kDec, kHex, kOct, kNa };

struct FlagName {
  std::string_view name;
  uint32_t value;
};

struct ParamInfo {
  std::string_view name;
  ParamType type = ParamType::kNone;
  PrintFormat format = PrintFormat::kDec;
  std::span<const FlagName> flags;       // for kFlags*/kMode; empty otherwise
  int dirfd_param = -1;                  // for kFsRelPath
  std::span<const ParamType> dyn_types;  // for kDyn: type per index
};

enum EventFlag : uint16_t {
  kInternal = 1 << 0,    // bookkeeping event (procinfo, drop...): counted, never shown
  kUnused = 1 << 1,      // id reserved, never emitted
  kOldVersion = 1 << 2,  // superseded by a newer id with more parameters
  // Newer than sysdig 0.29's table (ids 336+): known here, but skipped and not
  // numbered when reading, as sysdig does with types it does not know.
  kNewerThanSysdig = 1 << 3,
};

struct EventInfo {
  std::string_view name;
  uint16_t flags = 0;
  std::vector<ParamInfo> params;
};

inline bool is_enter(uint16_t type) { return (type & 1) == 0; }

// Info for an event type, or nullptr for ids this table does not know.
const EventInfo* event_info(uint16_t type);
// Whether a reader delivers events of this type (known, and known to sysdig 0.29).
bool is_readable_type(uint16_t type);
// Number of known event ids (one past the highest).
uint16_t event_type_count();

// Name of a system-independent syscall code (generic events), "" if unknown.
std::string_view syscall_name(uint16_t code);

// Event ids that the state tracker and formatter treat specially.
namespace ppme {
inline constexpr uint16_t kGenericE = 0, kGenericX = 1;
inline constexpr uint16_t kOpenX = 3, kCloseX = 5, kProcexitE = 16, kProcexit1E = 186;
inline constexpr uint16_t kSocketX = 19, kBindX = 21, kConnectE = 22, kConnectX = 23;
inline constexpr uint16_t kAcceptX = 27, kSocketpairX = 43, kAccept4X = 57, kCreatX = 59;
inline constexpr uint16_t kPipeX = 61, kEventfdX = 63;
inline constexpr uint16_t kSendtoE = 30, kSendtoX = 31, kSendmsgX = 49;
inline constexpr uint16_t kRecvfromX = 35, kRecvmsgX = 53;
inline constexpr uint16_t kChdirX = 95, kFchdirX = 97, kOpenatX = 103;
inline constexpr uint16_t kDupX = 125, kSignalfdX = 127, kTimerfdCreateX = 137, kInotifyInitX = 139;
inline constexpr uint16_t kSwitch1E = 146, kFcntlX = 151, kSwitch6E = 152;
inline constexpr uint16_t kAccept5X = 247, kAccept45X = 249;
inline constexpr uint16_t kContainerJsonE = 272, kContainerJson2E = 324, kPluginEventE = 322;
inline constexpr uint16_t kOpenatV2X = 307;  // openat, second layout
inline constexpr uint16_t kOpenat2X = 327;   // the openat2 syscall
}  // namespace ppme

}  // namespace vedetta::events
