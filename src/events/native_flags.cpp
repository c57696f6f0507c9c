#include "events/native_flags.h"

#include <cstddef>
#include <iterator>

namespace vedetta::events {
namespace {

// Kernel (asm-generic) values, spelled out: glibc defines O_LARGEFILE as 0
// on 64-bit targets although callers may pass the kernel's bit.
constexpr uint64_t kOAccmode = 03, kOWronly = 01, kORdwr = 02, kOCreat = 0100, kOExcl = 0200,
                   kOTrunc = 01000, kOAppend = 02000, kONonblock = 04000, kODsync = 010000,
                   kODirect = 040000, kOLargefile = 0100000, kODirectory = 0200000,
                   kOCloexec = 02000000, kOSync = 04000000 | kODsync,
                   kOTmpfile = 020000000 | kODirectory;

struct Bit {
  uint64_t native;
  uint32_t ppm;
};
constexpr Bit kOpenBits[] = {
    {kOCreat, 1u << 2},      {kOAppend, 1u << 3},     {kODsync, 1u << 4},
    {kOExcl, 1u << 5},       {kONonblock, 1u << 6},   {kOSync, 1u << 7},
    {kOTrunc, 1u << 8},      {kODirect, 1u << 9},     {kODirectory, 1u << 10},
    {kOLargefile, 1u << 11}, {kOCloexec, 1u << 12},   {kOTmpfile, 1u << 13},
};

constexpr Bit kResolveBits[] = {
    {0x08, 1u << 0},  // RESOLVE_BENEATH
    {0x10, 1u << 1},  // RESOLVE_IN_ROOT
    {0x02, 1u << 2},  // RESOLVE_NO_MAGICLINKS
    {0x04, 1u << 3},  // RESOLVE_NO_SYMLINKS
    {0x01, 1u << 4},  // RESOLVE_NO_XDEV
    {0x20, 1u << 5},  // RESOLVE_CACHED
};

constexpr Bit kCloneBits[] = {
    {0x400, 1u << 0},         {0x200, 1u << 1},         {0x80000000, 1u << 2},   // FILES FS IO
    {0x8000000, 1u << 3},     {0x40000000, 1u << 4},    {0x20000, 1u << 5},      // NEWIPC NET NS
    {0x20000000, 1u << 6},    {0x4000000, 1u << 7},     {0x8000, 1u << 8},       // NEWPID UTS PARENT
    {0x100000, 1u << 9},      {0x2000, 1u << 10},       {0x800, 1u << 11},       // PARENT_SETTID PTRACE SIGHAND
    {0x40000, 1u << 12},      {0x10000, 1u << 13},      {0x800000, 1u << 14},    // SYSVSEM THREAD UNTRACED
    {0x100, 1u << 15},        {0x10000000, 1u << 20},   {0x200000, 1u << 23},    // VM NEWUSER CHILD_CLEARTID
    {0x1000000, 1u << 24},    {0x80000, 1u << 25},      {0x4000, 1u << 27},      // CHILD_SETTID SETTLS VFORK
    {0x2000000, 1u << 28},                                                       // NEWCGROUP
};

constexpr Bit kExecveatBits[] = {{0x1000, 1u << 0}, {0x100, 1u << 1}};  // AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW

uint32_t bits_to_ppm(uint64_t flags, const Bit* table, size_t n) {
  uint32_t out = 0;
  for (size_t i = 0; i < n; ++i)
    if ((flags & table[i].native) == table[i].native) out |= table[i].ppm;
  return out;
}

struct Command {
  uint64_t native;
  uint8_t ppm;
};
constexpr Command kFcntlCommands[] = {
    {0, 1},     {1, 2},     {2, 3},     {3, 4},     {4, 5},     {5, 6},     {6, 8},
    {7, 9},     {8, 10},    {9, 12},    {10, 13},   {11, 15},   {15, 21},   {16, 22},
    {1024, 23}, {1025, 24}, {1029, 25}, {1030, 26}, {1026, 27}, {1031, 28}, {1032, 29},
    {36, 30},   {37, 31},   {38, 32},
};

}  // namespace

uint32_t open_flags_to_ppm(uint64_t flags) {
  uint32_t out;
  switch (flags & kOAccmode) {
    case kOWronly:
      out = 1u << 1;  // PPM_O_WRONLY
      break;
    case kORdwr:
      out = 3;  // PPM_O_RDWR
      break;
    default:
      out = 1u << 0;  // PPM_O_RDONLY
  }
  return out | bits_to_ppm(flags, kOpenBits, std::size(kOpenBits));
}

uint32_t resolve_flags_to_ppm(uint64_t resolve) {
  return bits_to_ppm(resolve, kResolveBits, std::size(kResolveBits));
}

uint32_t open_mode_to_ppm(uint64_t flags, uint64_t mode) {
  bool creates = (flags & kOCreat) || (flags & kOTmpfile) == kOTmpfile;
  return creates ? static_cast<uint32_t>(mode & 07777) : 0;  // PPM_S_* are the octal bits
}

uint32_t clone_flags_to_ppm(uint64_t flags) {
  return bits_to_ppm(flags, kCloneBits, std::size(kCloneBits));
}

uint32_t execveat_flags_to_ppm(uint64_t flags) {
  return bits_to_ppm(flags, kExecveatBits, std::size(kExecveatBits));
}

uint8_t fcntl_cmd_to_ppm(uint64_t cmd) {
  for (const Command& c : kFcntlCommands)
    if (c.native == cmd) return c.ppm;
  return 0;
}

uint32_t encode_dev(uint32_t kernel_dev) {
  uint32_t major = kernel_dev >> 20, minor = kernel_dev & 0xfffff;
  return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

}  // namespace vedetta::events
