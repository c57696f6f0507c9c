#pragma once
// Small readers of /proc, shared by everything that seeds its state from it
// (the events' thread table, attribution's process table). A file or link
// that vanished meanwhile reads as empty.
#include <cstdint>
#include <string>
#include <vector>

namespace vedetta {

std::string read_text_file(const std::string& path);
std::string read_symlink(const std::string& path);
// Names of the all-digit entries of a directory (pids, tids, fds).
std::vector<std::string> numeric_entries(const std::string& dir);
// The first number after `key` ("\nUid:", "PPid:") in /proc/PID/status; 0 if absent.
uint32_t status_number(const std::string& status, const char* key);

}  // namespace vedetta
