#pragma once
// A stable 64-bit hash of text, for names and ids that outlive the process
// (files in the data directory, the history's flow uids), so it must never
// change: FNV-1a's multiply-xor with its 64-bit prime, started from
// 1469598103934665603 (FNV's offset basis is 14695981039346656037; the
// shorter start is what the first stored files used, and is kept).
#include <cstdint>
#include <string_view>

namespace vedetta {

// `start`: the hash of the text before this one (text_hash(b, text_hash(a)) ==
// text_hash(a + b)), to hash two pieces without copying them together.
inline uint64_t text_hash(std::string_view text, uint64_t start = 1469598103934665603ull) {
  uint64_t h = start;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace vedetta
