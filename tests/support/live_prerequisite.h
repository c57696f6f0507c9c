#pragma once
// For live tests (root, BPF): a missing prerequisite skips the test with its
// reason (exit 77, ctest's SKIP_RETURN_CODE), except under CI=true, where CI
// has everything and a missing prerequisite is a failure.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace vedetta::test_support {

inline void skip_or_fail(const std::string& why) {
  if (const char* ci = std::getenv("CI"); ci && std::string(ci) == "true") {
    ADD_FAILURE() << why;
    return;
  }
  std::printf("SKIP: %s\n", why.c_str());
  std::exit(77);
}

}  // namespace vedetta::test_support
