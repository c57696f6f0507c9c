#pragma once
// Turns one event parameter into the text sysdig prints: the value and, when
// there is one, the resolved form shown in parentheses (fd names, errno and
// signal names, flag names, user names, absolute paths).
#include <cstdint>
#include <span>
#include <string>

#include "events/event_table.h"
#include "events/thread_table.h"

namespace vedetta::events {

struct ParamText {
  std::string value;
  std::string resolved;  // empty when there is nothing to add
};

// `tid` is the event's thread (fds, cwd and users are looked up through it).
// `dirfd` is the value of the directory-fd parameter a relative path refers
// to (kFsRelPath), AT_FDCWD (-100) for the thread's cwd.
ParamText param_text(const ParamInfo& info, std::span<const uint8_t> bytes,
                     const ThreadTable& threads, int64_t tid, int64_t dirfd = -100,
                     bool truncate = true);  // false: whole buffers (sysdig's JSON)

// Drops control characters, as sysdig's sanitizer does for paths and fd names.
std::string sanitized(std::string s);

// A buffer as sysdig prints it: bytes outside 0x20-0x7e as '.', cut to
// `max_chars` ending in "..." (event lines use 80; chisels see it whole).
std::string buffer_text(std::span<const uint8_t> bytes, size_t max_chars = SIZE_MAX);

// "ENOENT" for 2 (errno values are positive here), "" if unknown.
std::string errno_name(int64_t err);
// "SIGCHLD" for 17, "" if unknown.
std::string signal_name(uint32_t sig);
// Joins a cwd (ending in '/') and a path the way sysdig resolves paths.
std::string resolve_path(const std::string& cwd, const std::string& path);

}  // namespace vedetta::events
