#pragma once
// Starts the built binary (`vedetta SUBCOMMAND ARGS...`) with stdout to
// /dev/null and stderr to a file the test reads.
#include <fcntl.h>
#include <spawn.h>
#include <sys/types.h>

#include <string>
#include <vector>

extern char** environ;

namespace vedetta::test {

inline pid_t spawn_vedetta(const char* subcommand, std::vector<std::string> args,
                           const std::string& err_path) {
  args.insert(args.begin(), {VEDETTA_BINARY, subcommand});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

}  // namespace vedetta::test
