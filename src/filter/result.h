#pragma once
// Recoverable errors of the filter language are values: a Result<T> holds
// either a T or a FilterError (a place in the filter text and a message).
// Nothing in src/filter throws on bad input.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace vedetta::filter {

// A stretch of the filter text: byte offset and length, plus the 1-based
// line and column (columns count characters, not bytes) of its start.
struct Span {
  size_t offset = 0;
  size_t length = 0;
  int line = 1;
  int column = 1;
};

struct FilterError {
  Span where;
  std::string message;  // "unknown field 'proc.nme'" (no place prefix)
};

// "filter:1:12: unknown field 'proc.nme'" followed by the source line and a
// ~~~ underline under the offending text. `origin` names the text's source.
std::string render_error(const FilterError& error, std::string_view source,
                         std::string_view origin = "filter");

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(FilterError error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  const FilterError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, FilterError> v_;
};

}  // namespace vedetta::filter
