// process_resources: parsing /proc text (fake and real), and the formulas
// that turn a process's samples into what it used during a flow.
#include "attribution/process_resources.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace vedetta {
namespace {

// A /proc/PID/stat line as Linux 6.x writes it (52 fields); the name holds
// a space and a ')' to check that fields are counted from the last one.
std::string stat_line(uint64_t minflt, uint64_t majflt, uint64_t utime, uint64_t stime,
                      uint64_t threads, uint64_t start, uint64_t rss, uint64_t blkio) {
  return "4242 (we ird) x) S 1 4242 4242 0 -1 4194560 " + std::to_string(minflt) + " 7 " +
         std::to_string(majflt) + " 0 " + std::to_string(utime) + " " + std::to_string(stime) +
         " 3 1 20 0 " + std::to_string(threads) + " 0 " + std::to_string(start) + " 123456789 " +
         std::to_string(rss) +
         " 18446744073709551615 1 1 0 0 0 0 0 16781312 16390 0 0 0 17 1 0 0 " +
         std::to_string(blkio) + " 0 0 0 0 0 0 0 0 0 0\n";
}

constexpr uint64_t kSec = 1'000'000;  // µs

ResourceSample at(uint64_t time_us, uint64_t cpu_ns, uint64_t faults, uint64_t rss_kb = 0,
                  uint64_t hwm_kb = 0) {
  ResourceSample s;
  s.time_us = time_us;
  s.cpu_ns = cpu_ns;
  s.min_flt = faults;
  if (rss_kb) {
    s.rss_kb = s.peak_rss_kb = rss_kb;
    s.hwm_kb = hwm_kb ? hwm_kb : rss_kb;
    s.has_memory = true;
  }
  return s;
}

TEST(ProcessResources, ParsesStatFromTheLastParenthesis) {
  auto s = parse_proc_stat(stat_line(1500, 3, 120, 30, 1, 777, 2048, 9));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->min_flt, 1500u);
  EXPECT_EQ(s->maj_flt, 3u);
  EXPECT_EQ(s->cpu_ticks, 150u);
  EXPECT_EQ(s->num_threads, 1u);
  EXPECT_EQ(s->start_ticks, 777u);
  EXPECT_EQ(s->rss_pages, 2048u);
  EXPECT_EQ(s->blkio_ticks, 9u);
}

TEST(ProcessResources, RejectsTextThatIsNotAStatLine) {
  EXPECT_FALSE(parse_proc_stat(""));
  EXPECT_FALSE(parse_proc_stat("4242 (x) S 1 2 3"));  // cut short
  EXPECT_FALSE(
      parse_proc_stat("4242 (x) S 1 4242 4242 0 -1 4194560 abc 7 0 0 1 1 3 1 20 0 1 0 5 "
                      "1 1 1 1 1 0 0 0 0 0 1 1 0 0 0 17 1 0 0 0 0 0"));
}

TEST(ProcessResources, ParsesSchedstatAndStatusMemory) {
  EXPECT_EQ(parse_schedstat_cpu_ns("240226384 41442700 712\n"), 240226384u);
  EXPECT_FALSE(parse_schedstat_cpu_ns("garbage"));
  auto m = parse_status_memory("Name:\tx\nVmHWM:\t   17484 kB\nVmRSS:\t   13544 kB\nThreads:\t1\n");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->rss_kb, 13544u);
  EXPECT_EQ(m->hwm_kb, 17484u);
  EXPECT_FALSE(parse_status_memory("Name:\tkthreadd\nThreads:\t1\n"));  // no memory of its own
}

TEST(ProcessResources, CpuTimeFromSchedstatForOneThreadFromStatOtherwise) {
  SampleClock clock;  // 10 ms ticks
  auto one = parse_proc_stat(stat_line(0, 0, 12, 3, 1, 0, 0, 0));
  ResourceSample s = make_sample(*one, 153'456'789, std::nullopt, 5, clock);
  EXPECT_EQ(s.cpu_ns, 153'456'789u);  // exact, not 150 ms of ticks
  auto many = parse_proc_stat(stat_line(0, 0, 12, 3, 4, 0, 0, 0));
  s = make_sample(*many, 10'000'000, std::nullopt, 5, clock);
  EXPECT_EQ(s.cpu_ns, 150'000'000u);  // the main thread alone would say 10 ms
  EXPECT_FALSE(s.has_memory);
}

TEST(ProcessResources, BlkioOnlyForProcessesStartedWithDelayAccountingOn) {
  SampleClock clock;
  clock.boot_to_epoch_us = 1'000 * kSec;
  auto stat = parse_proc_stat(stat_line(0, 0, 0, 0, 1, /*start ticks*/ 500, 0, 42));
  // Started at boot + 5 s = epoch 1005 s.
  EXPECT_FALSE(make_sample(*stat, 0, std::nullopt, 0, clock).has_blkio);  // accounting off
  clock.delayacct = {true, 1'004 * kSec};
  ResourceSample s = make_sample(*stat, 0, std::nullopt, 0, clock);
  EXPECT_TRUE(s.has_blkio);
  EXPECT_EQ(s.blkio_ns, 420'000'000u);
  clock.delayacct = {true, 1'006 * kSec};  // switched on after it started: no record
  EXPECT_FALSE(make_sample(*stat, 0, std::nullopt, 0, clock).has_blkio);
}

TEST(ProcessResources, CountersAreInterpolatedAtTheFlowsEnds) {
  ResourceHistory h;
  h.add(at(0, 0, 0));
  h.add(at(1 * kSec, 500'000'000, 1000));
  h.add(at(2 * kSec, 1'500'000'000, 3000));
  // cpu(0.5 s) = 0.25 s, cpu(1.5 s) = 1.0 s: 0.75 s of CPU in 1 s.
  auto r = h.usage(kSec / 2, 3 * kSec / 2);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->cpu_ns, 750'000'000u);
  EXPECT_TRUE(r->has_cpu_load);
  EXPECT_DOUBLE_EQ(r->cpu_load_pct, 75.0);
  EXPECT_EQ(r->min_flt, 1500u);
  EXPECT_FALSE(r->has_iowait);
  // One instant: no load, faults 0.
  r = h.usage(kSec, kSec);
  EXPECT_FALSE(r->has_cpu_load);
  EXPECT_EQ(r->cpu_ns, 0u);
  // Beyond the last sample the counters stay where they were.
  r = h.usage(2 * kSec, 4 * kSec);
  EXPECT_EQ(r->cpu_ns, 0u);
  EXPECT_DOUBLE_EQ(r->cpu_load_pct, 0.0);
}

TEST(ProcessResources, CounterGoingBackRepeatsThePreviousValue) {
  ResourceHistory h;
  h.add(at(0, 900, 50));
  h.add(at(kSec, 800, 40));  // a thread's time left with it
  EXPECT_EQ(h.last().cpu_ns, 900u);
  EXPECT_EQ(h.last().min_flt, 50u);
}

TEST(ProcessResources, PeakIsTheLargestSampleOrTheHighWaterMarkIfItRose) {
  ResourceHistory h;
  h.add(at(0, 0, 0, 1000, 5000));  // high-water mark from before the flow
  h.add(at(1 * kSec, 0, 0, 3000, 5000));
  h.add(at(2 * kSec, 0, 0, 2000, 5000));
  h.add(at(3 * kSec, 0, 0, 1500, 5000));
  auto r = h.usage(kSec / 2, 5 * kSec / 2);  // samples 0 s .. 3 s cover it
  ASSERT_TRUE(r->has_memory);
  EXPECT_EQ(r->peak_kb, 3000u);           // the mark did not move: it is older than the flow
  EXPECT_EQ(r->actual_kb, 1500u);         // the first sample after the last packet
  h.add(at(4 * kSec, 0, 0, 1500, 9000));  // a spike between two samples
  r = h.usage(3 * kSec + 1, 4 * kSec);
  EXPECT_EQ(r->peak_kb, 9000u);
}

TEST(ProcessResources, ExitTotalsEndTheHistory) {
  ResourceHistory h;
  h.add(at(0, 0, 0));  // process start
  h.add(at(kSec, 100'000'000, 800, 4000, 4000));
  ResourceSample exit;  // no memory level, only maxrss
  exit.time_us = 2 * kSec;
  exit.cpu_ns = 600'000'000;
  exit.min_flt = 5800;
  exit.hwm_kb = 24000;
  h.add(exit);
  auto r = h.usage(kSec, 2 * kSec);
  EXPECT_EQ(r->cpu_ns, 500'000'000u);
  EXPECT_EQ(r->min_flt, 5000u);
  EXPECT_EQ(r->peak_kb, 24000u);
  EXPECT_EQ(r->actual_kb, 4000u);  // the last level sampled before the exit
}

TEST(ProcessResources, IoWaitFromBlkioSamplesOnly) {
  ResourceHistory h;
  for (uint64_t i = 0; i <= 4; ++i) {
    ResourceSample s = at(i * kSec, 0, 0);
    s.has_blkio = true;
    s.blkio_ns = i * 250'000'000;  // a quarter of each second waiting on the disk
    h.add(s);
  }
  auto r = h.usage(kSec, 3 * kSec);
  ASSERT_TRUE(r->has_iowait);
  EXPECT_DOUBLE_EQ(r->iowait_pct, 25.0);
}

TEST(ProcessResources, ThinningKeepsTheStartTheTotalsAndThePeak) {
  ResourceHistory h;
  for (uint64_t i = 0; i < 1000; ++i)
    h.add(at(i * kSec, i * 10'000'000, i * 3, i == 100 ? 80'000 : 1000 + i, 100'000));
  EXPECT_LE(h.samples().size(), ResourceHistory::kCapacity);
  EXPECT_EQ(h.samples().front().time_us, 0u);
  auto r = h.usage(0, 999 * kSec);  // counters grow linearly: still exact
  EXPECT_EQ(r->cpu_ns, 9'990'000'000u);
  EXPECT_EQ(r->min_flt, 2997u);
  EXPECT_EQ(r->peak_kb, 80'000u);  // the spike at 100 s survived
  EXPECT_NEAR(r->cpu_load_pct, 1.0, 1e-9);
}

TEST(ProcessResources, ReadsThisProcess) {
  SampleClock clock;
  uint64_t start = 0;
  auto s = read_resource_sample("/proc", uint32_t(getpid()), 1, clock, &start);
  ASSERT_TRUE(s);
  EXPECT_GT(s->cpu_ns, 0u);
  EXPECT_GT(s->min_flt, 0u);
  EXPECT_TRUE(s->has_memory);
  EXPECT_GT(s->rss_kb, 0u);
  EXPECT_GE(s->hwm_kb, s->rss_kb);
  EXPECT_FALSE(read_resource_sample("/proc", 0, 1, clock));
}

}  // namespace
}  // namespace vedetta
