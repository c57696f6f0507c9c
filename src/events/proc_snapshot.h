#pragma once
// The machine's threads and open fds read from /proc, in the shape a
// capture file's process and fd lists have, so that a live capture seeds its
// thread table the same way a .scap file does: pid, ppid, comm, exe, args,
// cwd, uid/gid per thread; files, pipes, anon fds and sockets per process
// (IP sockets matched by inode against /proc/net/{tcp,udp,tcp6,udp6}).
// Processes that vanish while being read are skipped.
#include <string>

#include "events/capture_metadata.h"

namespace vedetta::events {

// `proc_root` is "/proc" except in tests.
CaptureMetadata read_proc_snapshot(const std::string& proc_root = "/proc");

// The users and groups of this machine's user database (getpwent/getgrent),
// for the user list of a capture file.
void read_user_database(CaptureMetadata& metadata);

// What an fd's /proc link ("socket:[123]", "pipe:[4]", "/etc/hosts", ...)
// says about its type; sockets come back as kUnknown (their kind is in the
// /proc/net tables, matched by inode: `*socket_inode` is set).
FdType fd_type_from_link(const std::string& link, uint64_t* socket_inode);

}  // namespace vedetta::events
