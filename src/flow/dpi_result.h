#pragma once
// What nDPI found for a flow. Filled by the DPI stage; plain data so the
// flow stage does not depend on nDPI.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace vedetta {

// One pointer for two things that never coexist: nDPI's working state while
// detection runs, then the host name read from that state as it is freed.
// The low bit says which (both come from malloc/new, aligned to 16). The
// text is owned; the nDPI state belongs to the DPI stage, which frees it.
class HostOrDpiState {
 public:
  HostOrDpiState() = default;
  HostOrDpiState(std::string_view s) { assign(s); }
  HostOrDpiState(const HostOrDpiState& o) { copy_from(o); }
  HostOrDpiState(HostOrDpiState&& o) noexcept : bits_(o.bits_) { o.bits_ = 0; }
  HostOrDpiState& operator=(const HostOrDpiState& o) {
    if (this != &o) {
      clear();
      copy_from(o);
    }
    return *this;
  }
  HostOrDpiState& operator=(HostOrDpiState&& o) noexcept {
    if (this != &o) {
      clear();
      bits_ = o.bits_;
      o.bits_ = 0;
    }
    return *this;
  }
  HostOrDpiState& operator=(std::string_view s) {
    assign(s);
    return *this;
  }
  ~HostOrDpiState() { clear(); }

  // The host name side ("" while nDPI's state is held).
  void assign(std::string_view s) {
    clear();
    if (s.empty()) return;
    char* p = new char[s.size() + 1];
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    bits_ = reinterpret_cast<uintptr_t>(p);
  }
  void assign(const char* p, size_t n) { assign(std::string_view(p, n)); }
  bool empty() const { return text() == nullptr; }
  std::string_view view() const { return empty() ? std::string_view() : std::string_view(text()); }
  operator std::string_view() const { return view(); }
  std::string str() const { return std::string(view()); }
  friend bool operator==(const HostOrDpiState& a, std::string_view b) { return a.view() == b; }

  // The nDPI state side (null when a host name, or nothing, is held).
  void* state() const { return (bits_ & kStateBit) ? reinterpret_cast<void*>(bits_ & ~kStateBit) : nullptr; }
  void hold_state(void* s) {
    clear();
    if (s) bits_ = reinterpret_cast<uintptr_t>(s) | kStateBit;
  }

  // Frees the host name; forgets (does not free) an nDPI state.
  void clear() {
    delete[] text();
    bits_ = 0;
  }

 private:
  static constexpr uintptr_t kStateBit = 1;
  char* text() const { return (bits_ & kStateBit) ? nullptr : reinterpret_cast<char*>(bits_); }
  void copy_from(const HostOrDpiState& o) {
    if (o.text()) assign(o.view());
    else bits_ = o.bits_;  // a state is shared, as a raw pointer would be
  }

  uintptr_t bits_ = 0;
};

struct DpiResult {
  uint16_t master_id = 0, app_id = 0;
  uint16_t category_id = 0;
  uint8_t confidence = 0;    // ndpi_confidence_t
  bool completed = false;    // detection finished (found or given up)
  HostOrDpiState host;       // hostname / SNI / SSH signature when nDPI gives one
};

}  // namespace vedetta
