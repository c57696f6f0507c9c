#pragma once
// x86-64 Linux values of system call arguments → the encodings the Falco
// drivers write into .scap files (the tables of flag_tables.cpp), for live
// capture: the kernel side reports raw arguments.
#include <cstdint>

namespace vedetta::events {

// open/openat/openat2 flags (O_*) → PPM_O_* bits.
uint32_t open_flags_to_ppm(uint64_t flags);
// The mode argument: kept only when the call can create a file (O_CREAT,
// O_TMPFILE), as the drivers do.
uint32_t open_mode_to_ppm(uint64_t flags, uint64_t mode);
// openat2's how.resolve (RESOLVE_*) → PPM_RESOLVE_* bits.
uint32_t resolve_flags_to_ppm(uint64_t resolve);
// clone/clone3 flags (CLONE_*) → PPM_CL_* bits.
uint32_t clone_flags_to_ppm(uint64_t flags);
// execveat's flags (AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW) → PPM_EXVAT_* bits.
uint32_t execveat_flags_to_ppm(uint64_t flags);
// fcntl's cmd (F_*) → PPM_FCNTL_* (0 = unknown).
uint8_t fcntl_cmd_to_ppm(uint64_t cmd);
// A device number as the kernel holds it (MAJOR << 20 | MINOR) → the form
// stat() shows and the drivers write (new_encode_dev).
uint32_t encode_dev(uint32_t kernel_dev);

}  // namespace vedetta::events
