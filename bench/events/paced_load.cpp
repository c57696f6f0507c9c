// Benchmark load: write(2) of one byte to /dev/null at a fixed rate, so that
// a tracer is offered a known number of events per second (two per call: the
// enter and the exit) whatever the tracer costs, up to what the core can do.
//
//   vedetta_bench_paced_load CALLS_PER_SECOND SECONDS
//
// Makes CALLS_PER_SECOND * SECONDS calls, then prints one line:
// "calls=N seconds=S rate=R", where S is the time they took (SECONDS, or more
// when the core could not keep the pace) and R the rate achieved. Pin it with
// taskset; bench/events/workload.sh does.
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

bool parse_positive(const char* text, double& out) {
  char* end = nullptr;
  out = std::strtod(text, &end);
  return end != text && *end == '\0' && out > 0;
}

}  // namespace

int main(int argc, char** argv) {
  double rate = 0, seconds = 0;
  if (argc != 3 || !parse_positive(argv[1], rate) || !parse_positive(argv[2], seconds)) {
    std::fprintf(stderr,
                 "USAGE: vedetta_bench_paced_load CALLS_PER_SECOND SECONDS\n"
                 "  (both > 0), e.g. vedetta_bench_paced_load 500000 5\n");
    return 2;
  }
  int fd = open("/dev/null", O_WRONLY);
  if (fd < 0) {
    std::perror("paced_load: /dev/null");
    return 1;
  }
  const char byte = 'x';
  const int64_t start = now_ns();
  const uint64_t total = uint64_t(rate * seconds);
  uint64_t calls = 0;
  // Calls are made in batches of 1/10,000 s worth; between batches the load
  // sleeps until the schedule says the next batch is due.
  const uint64_t batch = rate / 10'000 < 1 ? 1 : uint64_t(rate / 10'000);
  while (calls < total) {
    int64_t elapsed = now_ns() - start;
    uint64_t due = uint64_t(double(elapsed) * rate / 1e9) + batch;
    if (due > total) due = total;
    if (calls >= due) {
      timespec pause{0, 50'000};
      nanosleep(&pause, nullptr);
      continue;
    }
    for (; calls < due; ++calls) (void)!write(fd, &byte, 1);
  }
  double took = double(now_ns() - start) / 1e9;
  std::printf("calls=%llu seconds=%.3f rate=%.0f\n", (unsigned long long)calls, took, calls / took);
  return 0;
}
