#pragma once
// Bounds-checked little-endian reads over a byte span. A read past the end
// yields zero and clears good(): callers check once, after a record.
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

namespace vedetta::events {

class ByteCursor {
 public:
  explicit ByteCursor(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  template <typename T>
  T get() {
    T v{};
    if (!take(sizeof(T))) return v;
    std::memcpy(&v, bytes_.data() + pos_ - sizeof(T), sizeof(T));
    return v;
  }
  // u16 length then that many bytes (the capture format's strings).
  std::string str16() {
    uint16_t len = get<uint16_t>();
    if (!good() || !take(len)) return {};
    return std::string(reinterpret_cast<const char*>(bytes_.data() + pos_ - len), len);
  }
  std::span<const uint8_t> bytes(size_t n) {
    if (!take(n)) return {};
    return bytes_.subspan(pos_ - n, n);
  }
  void skip(size_t n) { take(n); }
  void seek(size_t pos) {
    if (pos > bytes_.size())
      good_ = false;
    else
      pos_ = pos;
  }

  bool good() const { return good_; }
  size_t pos() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }

 private:
  bool take(size_t n) {
    if (!good_ || n > remaining()) {
      good_ = false;
      return false;
    }
    pos_ += n;
    return true;
  }
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
  bool good_ = true;
};

}  // namespace vedetta::events
