#pragma once
// The check the payload fuzzers make beyond "no crash": what a decoder
// accepted, its encoder writes in a form the decoder reads back to the same
// records. Compared from the second trip on, since the first may turn a
// name key into an id ("35632.118" → 57590).
#include <cstdio>
#include <cstdlib>

#include "record_compare.h"

namespace vedetta::wire::testing {

template <typename Trip>
void check_round_trip(const std::vector<FlowRecord>& decoded, Trip trip) {
  std::vector<FlowRecord> second = trip(decoded);
  std::vector<FlowRecord> third = trip(second);
  std::string difference = records_difference(second, third);
  if (second.size() != decoded.size() || !difference.empty()) {
    std::fprintf(stderr, "round trip changed the records: %zu → %zu; %s\n", decoded.size(),
                 second.size(), difference.c_str());
    std::abort();
  }
}

}  // namespace vedetta::wire::testing
