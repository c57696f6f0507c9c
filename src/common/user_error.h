#pragma once
// The one fatal error a person can act on. Thrown outside the packet path
// only (option parsing, opening inputs) and caught in main, which prints
// "vedetta: <what>" and exits non-zero.
#include <stdexcept>
#include <string>

namespace vedetta {

class UserError : public std::runtime_error {
 public:
  explicit UserError(const std::string& what) : std::runtime_error(what) {}
};

// Formats like printf into a std::string (for error messages).
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace vedetta
