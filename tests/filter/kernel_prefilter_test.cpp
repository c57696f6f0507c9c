// vedetta::filter::derive_kernel_prefilter: the sets it derives, and its
// soundness on many generated filters against random events: whenever the
// full filter accepts an event, the pre-filter must accept it too.
#include "filter/kernel_prefilter.h"

#include <gtest/gtest.h>

#include "fake_source.h"
#include "filter/evaluator.h"
#include "filter_generator.h"

namespace vedetta::filter {
namespace {

using testing::FakeSource;

KernelPrefilter derived(const std::string& text) {
  auto r = parse_filter(text);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : render_error(r.error(), text));
  return r.ok() ? derive_kernel_prefilter(r.value()) : KernelPrefilter{};
}

std::string describe(const std::string& text) { return derived(text).describe(); }

TEST(FilterKernelPrefilter, PositiveChecksOnKeysGiveSets) {
  EXPECT_EQ(describe("evt.type = open"), "types {open} pids any comms any");
  EXPECT_EQ(describe("evt.type in (open, openat) and proc.name = sshd"),
            "types {open, openat} pids any comms {sshd}");
  EXPECT_EQ(describe("proc.pid in (3, 0x10, 1)"), "types any pids {1, 3, 16} comms any");
  EXPECT_EQ(describe("evt.type = open and fd.num = 3"), "types {open} pids any comms any");
  EXPECT_EQ(describe("proc.name = 'a b'"), "types any pids any comms {\"a b\"}");
}

TEST(FilterKernelPrefilter, OtherChecksGiveAnything) {
  for (const char* text :
       {"fd.num = 3", "evt.type != open", "evt.type startswith op", "evt.type glob op*",
        "proc.pid < 3", "proc.name exists", "proc.aname = sshd", "proc.name icontains SSHD",
        "evt.type contains open", "fd.name pmatch (/etc)", "proc.ppid = 1", "thread.tid = 1"}) {
    SCOPED_TRACE(text);
    EXPECT_TRUE(derived(text).accepts_everything());
  }
}

TEST(FilterKernelPrefilter, OrUnitesAndIntersects) {
  EXPECT_EQ(describe("evt.type = open or evt.type = connect"),
            "types {connect, open} pids any comms any");
  EXPECT_EQ(describe("evt.type = open or proc.name = sshd"), "types any pids any comms any");
  EXPECT_EQ(describe("(evt.type = open and proc.pid = 1) or (evt.type = read and proc.pid = 2)"),
            "types {open, read} pids {1, 2} comms any");
  EXPECT_EQ(describe("proc.name = a and proc.name in (a, b)"), "types any pids any comms {a}");
  EXPECT_EQ(describe("proc.name = a and proc.name = b"), "types any pids any comms {}");
  EXPECT_FALSE(derived("proc.name = a and proc.name = b").allows("open", 1, "a"));
  EXPECT_EQ(describe("evt.type = open and (proc.pid = 1 or fd.num = 2)"),
            "types {open} pids any comms any");
}

TEST(FilterKernelPrefilter, NegationsArePushedDown) {
  EXPECT_TRUE(derived("not evt.type = open").accepts_everything());
  EXPECT_TRUE(derived("not evt.type != open").accepts_everything());  // absent != is false
  EXPECT_EQ(describe("not not evt.type = open"), "types {open} pids any comms any");
  EXPECT_EQ(describe("not (not evt.type = open or not proc.pid = 3)"),
            "types {open} pids {3} comms any");
  EXPECT_EQ(describe("not (not evt.type = open and not evt.type = read)"),
            "types {open, read} pids any comms any");
  EXPECT_TRUE(derived("not (evt.type = open and proc.pid = 3)").accepts_everything());
}

TEST(FilterKernelPrefilter, CommComparesOnTheKernelsFifteenBytes) {
  KernelPrefilter p = derived("proc.name = a-very-long-process-name");
  EXPECT_TRUE(p.allows_comm("a-very-long-pro"));
  EXPECT_TRUE(p.allows_comm("a-very-long-process-name"));
  EXPECT_FALSE(p.allows_comm("a-very-long-pr"));
  EXPECT_FALSE(p.allows_comm("bash"));
}

// --- soundness on generated filters -----------------------------------------

using testing::Generator;

TEST(FilterKernelPrefilter, SoundOnGeneratedFiltersAndEvents) {
  Generator gen(20261127);
  int filters = 0, narrowed = 0, accepted = 0, prefilter_rejected = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string text = gen.filter();
    auto parsed = parse_filter(text);
    ASSERT_TRUE(parsed.ok()) << render_error(parsed.error(), text);
    KernelPrefilter pre = derive_kernel_prefilter(parsed.value());
    ++filters;
    if (!pre.accepts_everything()) ++narrowed;
    for (int j = 0; j < 100; ++j) {
      std::string type, comm;
      int64_t pid = 0;
      FakeSource event = gen.event(type, pid, comm);
      bool full = evaluate(parsed.value(), event);
      bool kernel = pre.allows(type, pid, comm);
      if (full) ++accepted;
      if (!kernel) ++prefilter_rejected;
      if (full && !kernel) {
        FAIL() << "unsound pre-filter for: " << text << "\n  pre-filter: " << pre.describe()
               << "\n  event: type=" << type << " pid=" << pid << " comm=" << comm;
      }
    }
  }
  // The generator must exercise both sides, or the test proves nothing.
  EXPECT_GT(narrowed, filters / 5);
  EXPECT_GT(accepted, filters * 5);
  EXPECT_GT(prefilter_rejected, filters * 5);
}

}  // namespace
}  // namespace vedetta::filter
