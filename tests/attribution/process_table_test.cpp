// ProcessTable: /proc seeding and the fork/exec/exit events.
#include "attribution/process_table.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>

namespace vedetta {
namespace {

vedetta_process_event pev(uint32_t kind, uint32_t pid, const char* comm) {
  vedetta_process_event e{};
  e.kind = kind;
  e.tgid = e.tid = pid;
  std::strncpy(e.comm, comm, sizeof e.comm - 1);
  return e;
}

TEST(ProcessTable, SeedsThisProcessFromProc) {
  ProcessTable t;
  t.seed_from_proc();
  ProcessRef me = t.get(static_cast<uint32_t>(getpid()));
  EXPECT_EQ(me->ppid, static_cast<uint32_t>(getppid()));
  EXPECT_FALSE(me->comm.empty());
  EXPECT_NE(me->cmdline.find("vedetta_attribution_tests"), std::string::npos);
  EXPECT_NE(me->exe.find("vedetta_attribution_tests"), std::string::npos);
  EXPECT_FALSE(me->parent_comm.empty());
}

TEST(ProcessTable, ForkExecExitKeepEarlierSnapshotsIntact) {
  ProcessTable t;
  auto fork = pev(VEDETTA_PROCESS_FORK, 10, "bash");
  fork.child_tgid = fork.child_tid = 11;
  t.on_process_event(fork);
  ProcessRef before_exec = t.get(11);
  EXPECT_EQ(before_exec->comm, "bash");
  EXPECT_EQ(before_exec->ppid, 10u);

  auto exec = pev(VEDETTA_PROCESS_EXEC, 11, "curl");
  exec.ppid = 10;
  exec.uid = 1000;
  std::strcpy(exec.filename, "/usr/bin/curl");
  const char args[] = "curl\0-s\0http://x/";
  std::memcpy(exec.args, args, sizeof args);
  exec.args_len = sizeof args;
  t.on_process_event(exec);
  ProcessRef after = t.get(11);
  EXPECT_EQ(after->comm, "curl");
  EXPECT_EQ(after->exe, "/usr/bin/curl");
  EXPECT_EQ(after->cmdline, "curl -s http://x/");
  EXPECT_EQ(after->parent_comm, "bash");
  EXPECT_EQ(after->uid, 1000u);
  EXPECT_EQ(before_exec->comm, "bash");  // what a socket recorded earlier stays

  auto thread = pev(VEDETTA_PROCESS_FORK, 11, "curl");
  thread.child_tgid = 11;  // a thread: same process
  thread.child_tid = 12;
  t.on_process_event(thread);
  EXPECT_EQ(t.get(11)->comm, "curl");

  auto exit = pev(VEDETTA_PROCESS_EXIT, 11, "curl");
  exit.group_dead = 1;
  exit.ts_ns = 5000;
  t.on_process_event(exit);
  EXPECT_TRUE(t.get(11)->exited);
  EXPECT_FALSE(after->exited);
  size_t n = t.size();
  t.expire_exited(5500, 1000);
  EXPECT_EQ(t.size(), n);
  t.expire_exited(7000, 1000);
  EXPECT_EQ(t.size(), n - 1);
}

}  // namespace
}  // namespace vedetta
