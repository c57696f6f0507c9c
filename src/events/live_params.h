#pragma once
// Appends parameters to an event, encoded as in .scap files (live capture
// builds its events with it).
#include <cstdint>
#include <string>

#include "events/event.h"

namespace vedetta::events {

class Params {
 public:
  explicit Params(Event& e) : e_(e) {}
  void raw(const void* p, size_t n) {
    e_.spans.emplace_back(static_cast<uint32_t>(e_.bytes.size()), static_cast<uint32_t>(n));
    const auto* b = static_cast<const uint8_t*>(p);
    e_.bytes.insert(e_.bytes.end(), b, b + n);
  }
  template <typename T>
  void num(T v) {
    raw(&v, sizeof v);
  }
  void str(const std::string& s) { raw(s.c_str(), s.size() + 1); }
  void empty() { raw(nullptr, 0); }

 private:
  Event& e_;
};

}  // namespace vedetta::events
