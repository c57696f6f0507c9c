#pragma once
// Byte counts in error messages: "64 MiB" for whole mebibytes, else "1234 bytes".
#include <cstddef>
#include <string>

namespace vedetta::wire {

inline std::string size_text(size_t n) {
  return n != 0 && n % (size_t(1) << 20) == 0 ? std::to_string(n >> 20) + " MiB"
                                              : std::to_string(n) + " bytes";
}

}  // namespace vedetta::wire
