#pragma once
// What a capture file says about the machine before its first event: the
// threads that existed, their open fds, and the users. The reader fills it;
// the thread table is seeded from it.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vedetta::events {

// Kinds of fd, with the values used by the capture format's fd lists.
enum class FdType : uint8_t {
  kUnknown = 0,
  kFile = 1,
  kDirectory = 2,
  kIpv4Sock = 3,
  kIpv6Sock = 4,
  kIpv4ServSock = 5,
  kIpv6ServSock = 6,
  kFifo = 7,
  kUnixSock = 8,
  kEvent = 9,
  kUnsupported = 10,
  kSignalfd = 11,
  kEventpoll = 12,
  kInotify = 13,
  kTimerfd = 14,
  kNetlink = 15,
  kFileV2 = 16,
  kBpf = 17,
  kUserfaultfd = 18,
  kIoUring = 19,
  kMemfd = 20,
  kPidfd = 21,
};

// Layer-4 protocol of a socket fd, as the format encodes it.
enum class L4Proto : uint8_t { kUnknown = 0, kNa = 1, kTcp = 2, kUdp = 3, kIcmp = 4, kRaw = 5 };

struct FdEntry {
  int64_t fd = 0;
  FdType type = FdType::kUnknown;
  L4Proto l4 = L4Proto::kUnknown;
  std::string name;  // rendered as sysdig does: path, "a:p->b:q", ...
  // Connected IP sockets: the two ends as listed (local first); the thread
  // table decides which one is the client.
  bool has_tuple = false;
  std::string local_ip, remote_ip;
  uint16_t local_port = 0, remote_port = 0;
};

// Clone flags as the format encodes them (PPM_CL_*), for ThreadEntry::flags.
inline constexpr uint32_t kCloneFiles = 1u << 0, kCloneThread = 1u << 13;

struct ThreadEntry {
  int64_t tid = 0, pid = 0, ptid = 0;
  std::string comm, exe, exepath, cwd;
  std::string args;  // NUL-separated
  uint32_t uid = 0, gid = 0;
  uint32_t flags = 0;  // kCloneFiles: shares the main thread's fds
  std::string container_id;  // 12 hex digits, empty on the host (sysdig's container.id)
  std::vector<FdEntry> fds;
};

struct CaptureMetadata {
  std::string hostname;
  uint32_t num_cpus = 0;
  std::vector<ThreadEntry> threads;
  std::map<uint32_t, std::string> users;   // uid -> name
  std::map<uint32_t, std::string> groups;  // gid -> name
};

}  // namespace vedetta::events
