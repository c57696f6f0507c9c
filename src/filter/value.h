#pragma once
// Values on both sides of a check: what a FieldSource returns for a field
// (FieldValue) and the constants written in the filter (Constant).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ip_address.h"
#include "filter/result.h"

namespace vedetta::filter {

// An address block: 10.0.0.0/8, fd00::/8. A bare address is a /32 or /128.
struct IpNetwork {
  IpAddress base;  // host bits cleared
  int prefix = 0;

  static std::optional<IpNetwork> parse(std::string_view text);
  bool contains(const IpAddress& a) const;
  std::string to_string() const;
  friend bool operator==(const IpNetwork&, const IpNetwork&) = default;
};

// What a field has in one event: nothing (the field does not apply), a
// string, an integer (also booleans: 1/0), an address, or a list of those
// (proc.aname without an index: every ancestor).
class FieldValue {
 public:
  enum class Kind { Absent, String, Number, Ip, List };

  FieldValue() = default;
  static FieldValue absent() { return {}; }
  static FieldValue string(std::string s);
  static FieldValue number(int64_t n);
  static FieldValue boolean(bool b) { return number(b ? 1 : 0); }
  static FieldValue ip(const IpAddress& a);
  static FieldValue list(std::vector<FieldValue> items);

  Kind kind() const { return kind_; }
  bool present() const { return kind_ != Kind::Absent; }
  const std::string& str() const { return str_; }
  int64_t num() const { return num_; }
  const IpAddress& ip_address() const { return ip_; }
  const std::vector<FieldValue>& items() const { return items_; }

  // Text form: the string, the decimal number, the address; lists joined by ','.
  std::string to_string() const;

 private:
  Kind kind_ = Kind::Absent;
  std::string str_;
  int64_t num_ = 0;
  IpAddress ip_;
  std::vector<FieldValue> items_;
};

// A value written in the filter, with every reading of it prepared once at
// parse time: as a number (decimal or 0x hex, optional sign; true/false for
// booleans), as an address, as an address block.
struct Constant {
  std::string text;
  Span span;
  bool quoted = false;
  std::optional<int64_t> number;
  std::optional<IpAddress> ip;
  std::optional<IpNetwork> network;
  std::string lowered;  // ASCII-lowercased text, for icontains

  static Constant make(std::string text, Span span, bool quoted);
};

// Decimal or 0x-hex integer with an optional sign; nullopt if not exactly one.
std::optional<int64_t> parse_integer(std::string_view text);

std::string ascii_lower(std::string_view s);

}  // namespace vedetta::filter
