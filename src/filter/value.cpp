#include "filter/value.h"

#include <charconv>

namespace vedetta::filter {

std::optional<IpNetwork> IpNetwork::parse(std::string_view text) {
  std::string_view addr = text;
  int prefix = -1;
  if (size_t slash = text.find('/'); slash != std::string_view::npos) {
    addr = text.substr(0, slash);
    std::string_view bits = text.substr(slash + 1);
    if (bits.empty() || bits.size() > 3) return std::nullopt;
    prefix = 0;
    for (char c : bits) {
      if (c < '0' || c > '9') return std::nullopt;
      prefix = prefix * 10 + (c - '0');
    }
  }
  IpNetwork n;
  if (addr.size() > 64 || addr.find('\0') != std::string_view::npos ||
      !IpAddress::parse(std::string(addr), n.base))
    return std::nullopt;
  int max = n.base.version == 4 ? 32 : 128;
  if (prefix < 0) prefix = max;
  if (prefix > max) return std::nullopt;
  n.prefix = prefix;
  for (int bit = prefix; bit < max; ++bit)
    n.base.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  return n;
}

bool IpNetwork::contains(const IpAddress& a) const {
  if (a.version != base.version) return false;
  for (int bit = 0; bit < prefix; ++bit) {
    uint8_t mask = static_cast<uint8_t>(0x80u >> (bit % 8));
    if ((a.bytes[bit / 8] & mask) != (base.bytes[bit / 8] & mask)) return false;
  }
  return true;
}

std::string IpNetwork::to_string() const { return base.to_string() + "/" + std::to_string(prefix); }

FieldValue FieldValue::string(std::string s) {
  FieldValue v;
  v.kind_ = Kind::String;
  v.str_ = std::move(s);
  return v;
}

FieldValue FieldValue::number(int64_t n) {
  FieldValue v;
  v.kind_ = Kind::Number;
  v.num_ = n;
  return v;
}

FieldValue FieldValue::ip(const IpAddress& a) {
  FieldValue v;
  v.kind_ = Kind::Ip;
  v.ip_ = a;
  return v;
}

FieldValue FieldValue::list(std::vector<FieldValue> items) {
  FieldValue v;
  v.kind_ = Kind::List;
  v.items_ = std::move(items);
  return v;
}

std::string FieldValue::to_string() const {
  switch (kind_) {
    case Kind::Absent:
      return "";
    case Kind::String:
      return str_;
    case Kind::Number:
      return std::to_string(num_);
    case Kind::Ip:
      return ip_.to_string();
    case Kind::List: {
      std::string out;
      for (const FieldValue& item : items_) {
        if (!out.empty()) out += ',';
        out += item.to_string();
      }
      return out;
    }
  }
  return "";
}

std::optional<int64_t> parse_integer(std::string_view text) {
  bool negative = false;
  std::string_view digits = text;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  int base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    base = 16;
    digits.remove_prefix(2);
  }
  if (digits.empty()) return std::nullopt;
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  if (negative) {
    if (magnitude > static_cast<uint64_t>(INT64_MAX) + 1) return std::nullopt;
    return static_cast<int64_t>(0 - magnitude);
  }
  if (magnitude > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(magnitude);
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

Constant Constant::make(std::string text, Span span, bool quoted) {
  Constant c;
  c.number = parse_integer(text);
  if (text.size() <= 64 && text.find('\0') == std::string::npos) {
    IpAddress a;
    if (IpAddress::parse(text, a)) c.ip = a;
    c.network = IpNetwork::parse(text);
  }
  c.lowered = ascii_lower(text);
  c.text = std::move(text);
  c.span = span;
  c.quoted = quoted;
  return c;
}

}  // namespace vedetta::filter
