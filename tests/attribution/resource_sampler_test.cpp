// ResourceSampler over a fake /proc: when processes are sampled, the zero
// point at their start, the exit totals, pid reuse, forgetting.
#include "attribution/resource_sampler.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace vedetta {
namespace {

namespace fs = std::filesystem;
constexpr uint64_t kSec = 1'000'000;

class FakeProc {
 public:
  FakeProc() : root_(fs::temp_directory_path() / ("vdt-proc-" + std::to_string(getpid()))) {
    fs::create_directories(root_);
  }
  ~FakeProc() { fs::remove_all(root_); }
  std::string root() const { return root_.string(); }

  // One thread, started `start_ticks` after boot, `cpu_ns` of CPU.
  void set(uint32_t pid, uint64_t start_ticks, uint64_t cpu_ns, uint64_t minflt, uint64_t rss_kb) {
    fs::path dir = root_ / std::to_string(pid);
    fs::create_directories(dir);
    std::ofstream(dir / "stat") << pid << " (srv) S 1 1 1 0 -1 0 " << minflt << " 0 0 0 "
                                << cpu_ns / 10'000'000 << " 0 0 0 20 0 1 0 " << start_ticks
                                << " 1000 " << rss_kb / 4
                                << " 1 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
    std::ofstream(dir / "schedstat") << cpu_ns << " 0 1\n";
    std::ofstream(dir / "status") << "Name:\tsrv\nVmHWM:\t" << rss_kb << " kB\nVmRSS:\t" << rss_kb
                                  << " kB\n";
  }
  void remove(uint32_t pid) { fs::remove_all(root_ / std::to_string(pid)); }

 private:
  fs::path root_;
};

// A fake /proc and a sampler reading it (boot clock = epoch, 10 ms ticks).
class ResourceSamplerTest : public testing::Test {
 protected:
  // A process started at boot, watched at `watched_us`, that then used
  // `cpu_ns` of CPU.
  void started_then_used(uint32_t pid, uint64_t watched_us, uint64_t cpu_ns) {
    proc.set(pid, 0, 0, 0, 1000);
    sampler.watch(pid, watched_us);
    proc.set(pid, 0, cpu_ns, 0, 1000);
  }
  FakeProc proc;
  ResourceSampler sampler{SampleClock{}, proc.root()};
};

TEST_F(ResourceSamplerTest, SamplesFromTheStartOfAWatchedProcessToItsExit) {
  proc.set(7, /*start 1 s*/ 100, 100'000'000, 1000, 4000);
  sampler.watch(7, 2 * kSec);  // new: sampled now, zero point at its start
  proc.set(7, 100, 600'000'000, 3000, 8000);
  sampler.tick(3 * kSec, {7});
  // [1.5 s, 3 s]: cpu(1.5) = 50 ms (zero at 1 s, 100 ms at 2 s), cpu(3) = 600 ms.
  auto r = sampler.usage(7, 3 * kSec / 2, 3 * kSec, 3 * kSec);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->cpu_ns, 550'000'000u);
  EXPECT_NEAR(r->cpu_load_pct, 550.0 / 15, 1e-9);
  EXPECT_EQ(r->min_flt, 2500u);
  EXPECT_EQ(r->peak_kb, 8000u);

  sampler.on_exit(7, ExitTotals{4 * kSec, 900'000'000, 3500, 0, 12'000});
  proc.remove(7);
  r = sampler.usage(7, 3 * kSec, 4 * kSec, 10 * kSec);
  EXPECT_EQ(r->cpu_ns, 300'000'000u);
  EXPECT_EQ(r->min_flt, 500u);
  EXPECT_EQ(r->peak_kb, 12'000u);  // maxrss at exit above the mark at 3 s
  EXPECT_EQ(r->actual_kb, 8000u);  // last level seen alive

  sampler.tick(4 * kSec + ResourceSampler::kKeepUs + 1, {});
  EXPECT_EQ(sampler.size(), 0u);
  EXPECT_FALSE(sampler.usage(7, 3 * kSec, 4 * kSec, 10 * kSec));
}

TEST_F(ResourceSamplerTest, ExportSamplesWhenTheLastSampleIsOlderThanTheFlowEnd) {
  started_then_used(8, 1 * kSec, 200'000'000);
  auto r = sampler.usage(8, 1 * kSec, 2 * kSec, 2 * kSec);  // sampled at 2 s for this
  EXPECT_EQ(r->cpu_ns, 200'000'000u);
}

TEST_F(ResourceSamplerTest, AnotherProcessUnderTheSamePidStartsOver) {
  proc.set(9, 100, 900'000'000, 900, 1000);
  sampler.watch(9, 2 * kSec);
  proc.set(9, /*started at 5 s*/ 500, 10'000'000, 5, 1000);  // polling saw no fork
  sampler.tick(6 * kSec, {9});
  auto r = sampler.usage(9, 5 * kSec, 6 * kSec, 6 * kSec);
  EXPECT_EQ(r->cpu_ns, 10'000'000u);  // not 10 ms - 900 ms
  EXPECT_EQ(r->min_flt, 5u);
  // Found by a periodic sample, on today's clock: the new process stays
  // watched as the old one was.
  const uint64_t now = 1'800'000'000 * kSec;
  sampler.watch(9, now);
  proc.set(9, /*started later still*/ 900, 1'000'000, 1, 1000);
  sampler.tick(now + kSec, {});
  sampler.tick(now + kSec + 1, {});
  EXPECT_EQ(sampler.size(), 1u);
}

TEST_F(ResourceSamplerTest, ProcessGoneBeforeItsFirstSampleUsesItsForkAndExit) {
  sampler.on_fork(11, 1 * kSec);
  sampler.watch(11, 2 * kSec);  // not in /proc any more
  sampler.on_exit(11, ExitTotals{2 * kSec, 40'000'000, 700, 0, 3000});
  auto r = sampler.usage(11, 1 * kSec, 2 * kSec, 3 * kSec);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->cpu_ns, 40'000'000u);
  EXPECT_EQ(r->min_flt, 700u);
  EXPECT_EQ(r->peak_kb, 3000u);
  // Never watched: nothing kept of its exit.
  sampler.on_exit(12, ExitTotals{2 * kSec, 1, 1, 0, 1});
  EXPECT_FALSE(sampler.usage(12, 1 * kSec, 2 * kSec, 3 * kSec));
}

TEST_F(ResourceSamplerTest, StopsSamplingAProcessWithoutSockets) {
  started_then_used(13, 1 * kSec, 500'000'000);
  sampler.tick(10 * kSec, {});  // no socket for 9 s: not sampled
  proc.remove(13);              // so an export now finds no newer sample
  auto r = sampler.usage(13, 1 * kSec, 10 * kSec, 10 * kSec);
  EXPECT_EQ(r->cpu_ns, 0u);
}

}  // namespace
}  // namespace vedetta
