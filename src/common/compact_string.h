#pragma once
// A string that costs one pointer when stored (8 bytes, against 32 for a
// std::string): for per-flow text that is usually absent, such as a host
// name. Empty is a null pointer; the text is kept NUL-terminated.
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace vedetta {

class CompactString {
 public:
  CompactString() = default;
  CompactString(std::string_view s) { assign(s); }
  CompactString(const CompactString& o) { assign(o.view()); }
  CompactString(CompactString&&) noexcept = default;
  CompactString& operator=(const CompactString& o) {
    if (this != &o) assign(o.view());
    return *this;
  }
  CompactString& operator=(CompactString&&) noexcept = default;
  CompactString& operator=(std::string_view s) {
    assign(s);
    return *this;
  }

  void assign(std::string_view s) {
    if (s.empty()) {
      data_.reset();
      return;
    }
    data_ = std::make_unique<char[]>(s.size() + 1);
    std::memcpy(data_.get(), s.data(), s.size());
    data_[s.size()] = '\0';
  }
  void assign(const char* p, size_t n) { assign(std::string_view(p, n)); }
  void clear() { data_.reset(); }

  bool empty() const { return !data_; }
  std::string_view view() const { return data_ ? std::string_view(data_.get()) : std::string_view(); }
  operator std::string_view() const { return view(); }
  std::string str() const { return std::string(view()); }

  friend bool operator==(const CompactString& a, std::string_view b) { return a.view() == b; }

 private:
  std::unique_ptr<char[]> data_;
};

}  // namespace vedetta
