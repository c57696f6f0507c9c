#include "filter/text_match.h"

namespace vedetta::filter {

namespace {

// Does the single-character pattern element at `p` match `c`? Sets `next`
// to the position after the element.
bool match_element(std::string_view pattern, size_t p, char c, size_t& next) {
  char pc = pattern[p];
  if (pc == '?') {
    next = p + 1;
    return true;
  }
  if (pc == '\\' && p + 1 < pattern.size()) {
    next = p + 2;
    return pattern[p + 1] == c;
  }
  if (pc == '[') {
    size_t j = p + 1;
    bool negate = j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^');
    if (negate) ++j;
    size_t first = j;
    bool found = false;
    while (j < pattern.size() && (pattern[j] != ']' || j == first)) {
      char lo = pattern[j], hi = lo;
      if (j + 2 < pattern.size() && pattern[j + 1] == '-' && pattern[j + 2] != ']') {
        hi = pattern[j + 2];
        j += 3;
      } else {
        j += 1;
      }
      auto u = [](char x) { return static_cast<unsigned char>(x); };
      if (u(lo) <= u(c) && u(c) <= u(hi)) found = true;
    }
    if (j < pattern.size()) {  // closed class
      next = j + 1;
      return found != negate;
    }
    // no closing ']': a literal '['
  }
  next = p + 1;
  return pc == c;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      if (pattern[p] == '*') {
        star_p = ++p;
        star_t = t;
        continue;
      }
      size_t next = 0;
      if (match_element(pattern, p, text[t], next)) {
        p = next;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool path_prefix_match(std::string_view prefix, std::string_view path) {
  if (prefix.empty() || path.size() < prefix.size()) return false;
  if (path.substr(0, prefix.size()) != prefix) return false;
  return path.size() == prefix.size() || prefix.back() == '/' || path[prefix.size()] == '/';
}

}  // namespace vedetta::filter
