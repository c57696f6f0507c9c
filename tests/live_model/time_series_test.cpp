// live/time_series.cpp: 1 s points for the top entries, 1 min for the rest,
// a bound on entries (the rest counted as dropped), old points trimmed.
#include "live/time_series.h"

#include <gtest/gtest.h>

#include "live/live_api.h"

namespace vedetta::live {
namespace {

TEST(TimeSeries, MemoryIsBoundedAndWhatIsNotKeptIsCounted) {
  SeriesOptions o;
  o.top = 3;
  o.max_entries = 50;
  TimeSeries series(o);
  const int64_t start = 1'700'000'000;
  // 200 hosts, host i (1..200) sending i bytes a second, for 3 hours.
  for (int64_t t = 0; t < 3 * 3600; ++t) {
    for (int i = 1; i <= 200; ++i)
      series.add(SeriesKind::kHost, "10.0.0." + std::to_string(i), i, 2 * i);
    series.add(SeriesKind::kInterface, "eth0", 1000, 2000);
    series.commit(start + t, 1);
  }
  EXPECT_EQ(series.entries(), 50u + 1u);  // hosts up to the bound, and the interface
  EXPECT_EQ(series.dropped(), 150u);      // the hosts met after the bound, once each
  EXPECT_THROW(series.query(SeriesKind::kHost, "10.0.0.51", {}, {}), NotFound);

  // The interface: 1 s points for the last hour only.
  nlohmann::json eth0 = series.query(SeriesKind::kInterface, "eth0", {}, {});
  EXPECT_EQ(eth0["resolution"], 1);
  EXPECT_EQ(eth0["points"].size(), 3600u);
  EXPECT_EQ(eth0["points"][0][1], 8000.0);
  EXPECT_EQ(eth0["points"][0][2], 16000.0);
  // Asking for more than the hour of 1 s points gives the minutes (2 hours kept).
  nlohmann::json longer = series.query(SeriesKind::kInterface, "eth0", start, {});
  EXPECT_EQ(longer["resolution"], 60);
  EXPECT_LE(longer["points"].size(), 121u);
  EXPECT_GE(longer["points"].size(), 119u);

  // Kept hosts (1..50): the 3 biggest (48, 49, 50) have 1 s points, the others minutes.
  for (int i : {48, 49, 50}) {
    nlohmann::json s = series.query(SeriesKind::kHost, "10.0.0." + std::to_string(i), {}, {});
    EXPECT_EQ(s["resolution"], 1) << i;
    EXPECT_EQ(s["points"].back()[1], 8.0 * i);
  }
  nlohmann::json small = series.query(SeriesKind::kHost, "10.0.0.5", {}, {});
  EXPECT_EQ(small["resolution"], 60);
  const nlohmann::json& full_minute = small["points"][1];
  EXPECT_DOUBLE_EQ(full_minute[1].get<double>(), 5 * 8.0);   // 5 bytes/s over the minute
  EXPECT_DOUBLE_EQ(full_minute[2].get<double>(), 10 * 8.0);
  // from/to select points.
  nlohmann::json window = series.query(SeriesKind::kInterface, "eth0", start + 3 * 3600 - 10,
                                       start + 3 * 3600 - 6);
  EXPECT_EQ(window["points"].size(), 5u);
}

TEST(TimeSeries, QuietEntriesAreForgotten) {
  SeriesOptions o;
  o.coarse_s = 600;
  o.fine_s = 300;
  TimeSeries series(o);
  series.add(SeriesKind::kProcess, "42@10.0.0.1", 100, 0);
  series.commit(1000, 1);
  EXPECT_NO_THROW(series.query(SeriesKind::kProcess, "42@10.0.0.1", {}, {}));
  for (int64_t t = 1001; t <= 1700; ++t) series.commit(t, 1);
  EXPECT_THROW(series.query(SeriesKind::kProcess, "42@10.0.0.1", {}, {}), NotFound);
  EXPECT_EQ(series.entries(), 0u);
}

}  // namespace
}  // namespace vedetta::live
