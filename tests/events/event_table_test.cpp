// events/event_table.cpp: ids, names, directions and parameter lists.
#include "events/event_table.h"

#include <gtest/gtest.h>

namespace vedetta::events {
namespace {

TEST(EventTable, KnowsTheDriverIds) {
  EXPECT_EQ(event_type_count(), 352);
  EXPECT_EQ(event_info(3)->name, "open");
  ASSERT_EQ(event_info(3)->params.size(), 5u);
  EXPECT_EQ(event_info(3)->params[0].type, ParamType::kFd);
  EXPECT_EQ(event_info(152)->name, "switch");
  EXPECT_EQ(event_info(293)->name, "execve");
  EXPECT_EQ(event_info(293)->params.size(), 20u);
  EXPECT_EQ(event_info(272)->name, "container");
  EXPECT_EQ(event_info(351)->name, "munlockall");
  EXPECT_EQ(event_info(352), nullptr);
  EXPECT_TRUE(is_enter(2));
  EXPECT_FALSE(is_enter(3));
}

TEST(EventTable, InternalEventsAreMarked) {
  EXPECT_TRUE(event_info(234)->flags & kInternal);  // procinfo
  EXPECT_TRUE(event_info(196)->flags & kInternal);  // scapevent
  EXPECT_FALSE(event_info(272)->flags & kInternal);
}

TEST(EventTable, ParametersCarryFormatsAndFlags) {
  const ParamInfo& mode = event_info(3)->params[3];
  EXPECT_EQ(mode.name, "mode");
  EXPECT_EQ(mode.format, PrintFormat::kOct);
  const ParamInfo& flags = event_info(3)->params[2];
  EXPECT_EQ(flags.type, ParamType::kFlags32);
  EXPECT_FALSE(flags.flags.empty());
  const ParamInfo& rel = event_info(307)->params[2];  // openat name: relative to dirfd
  EXPECT_EQ(rel.type, ParamType::kFsRelPath);
  EXPECT_EQ(rel.dirfd_param, 1);
  EXPECT_EQ(event_info(322)->params[0].name, "plugin ID");
  EXPECT_EQ(event_info(134)->params[0].type, ParamType::kRelTime);
}

TEST(EventTable, SyscallNames) {
  EXPECT_EQ(syscall_name(209), "pselect6");
  EXPECT_EQ(syscall_name(108), "rt_sigprocmask");
  EXPECT_EQ(syscall_name(300), "newfstatat");
  EXPECT_EQ(syscall_name(283), "newselect");
  EXPECT_EQ(syscall_name(305), "setuid");  // setuid32: sysdig drops the suffix
  EXPECT_EQ(syscall_name(0), "<unknown>");
  EXPECT_EQ(syscall_name(328), "clone3");
  EXPECT_EQ(syscall_name(329), "");  // beyond sysdig 0.29's table
}

}  // namespace
}  // namespace vedetta::events
