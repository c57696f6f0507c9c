#pragma once
// Warnings about bad input, at most a few lines a second on stderr: a
// sender spraying garbage must not flood the terminal or slow the collector.
// What was held back is said in one line once the rate allows.
#include <cstdint>
#include <string>

namespace vedetta::collect {

class RateLimitedLog {
 public:
  explicit RateLimitedLog(int lines_per_second = 5) : per_second_(lines_per_second) {}
  void warn(const std::string& line);
  uint64_t suppressed() const { return suppressed_total_; }

 private:
  int per_second_;
  int64_t second_ = -1;
  int printed_this_second_ = 0;
  uint64_t held_back_ = 0;  // since the last line printed
  uint64_t suppressed_total_ = 0;
};

}  // namespace vedetta::collect
