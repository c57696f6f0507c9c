#pragma once
// A FieldSource for tests: values by the field as written (proc.aname[2],
// evt.arg.fd), falling back to the field's name without its argument.
#include <map>
#include <string>
#include <type_traits>

#include "filter/evaluator.h"

namespace vedetta::filter::testing {

class FakeSource : public FieldSource {
 public:
  FakeSource& set(const std::string& field, FieldValue v) {
    values_[field] = std::move(v);
    return *this;
  }
  FakeSource& set(const std::string& field, const char* s) {
    return set(field, FieldValue::string(s));
  }
  template <class N>
  requires std::is_integral_v<N> FakeSource& set(const std::string& field, N n) {
    return set(field, FieldValue::number(static_cast<int64_t>(n)));
  }
  FakeSource& set_ip(const std::string& field, const std::string& text) {
    IpAddress a;
    IpAddress::parse(text, a);
    return set(field, FieldValue::ip(a));
  }

  FieldValue get(const FieldRef& field) const override {
    ++lookups;
    if (auto it = values_.find(field.to_string()); it != values_.end()) return it->second;
    if (auto it = values_.find(field.info->name); it != values_.end()) return it->second;
    return FieldValue::absent();
  }

  mutable int lookups = 0;

 private:
  std::map<std::string, FieldValue> values_;
};

}  // namespace vedetta::filter::testing
