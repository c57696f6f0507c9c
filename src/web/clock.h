#pragma once
#include <chrono>

namespace vedetta::web {

// Wall-clock time as epoch seconds (the unit of the API and the data files).
inline double epoch_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace vedetta::web
