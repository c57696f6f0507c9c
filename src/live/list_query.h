#pragma once
// The parameters of a list request (docs/api.md "Conventions"): filters,
// sort, order, offset, limit, each checked, a bad one named in a BadQuery
// ("flows: sort: unknown field 'foo' (one of bytes, ...)").
#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "live/live_api.h"

namespace vedetta::live {

using SortKey = std::variant<double, std::string>;

class ListQuery {
 public:
  // `list` names the list in messages ("flows"); `filters` are the other
  // parameters it takes; `sorts` its sort fields, the first the default.
  ListQuery(std::string list, const Params& params, std::vector<std::string> filters,
            std::vector<std::string> sorts);

  // A filter's value, if given (empty values count as not given).
  std::optional<std::string> filter(const std::string& name) const;
  // A filter that must be a whole number.
  std::optional<uint64_t> number_filter(const std::string& name) const;
  [[noreturn]] void bad(const std::string& param, const std::string& why) const;

  const std::string& sort() const { return sort_; }
  bool descending() const { return descending_; }
  size_t offset() const { return offset_; }
  size_t limit() const { return limit_; }

  // Sorts `items` by `key` (ties keep their order), pages them and answers
  // {"total", "offset", "limit", "<list>": [...]}.
  template <typename T>
  nlohmann::json answer(std::vector<T> items, const std::function<SortKey(const T&)>& key,
                        const std::function<nlohmann::json(const T&)>& to_json) const {
    std::vector<std::pair<SortKey, size_t>> order;
    order.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) order.emplace_back(key(items[i]), i);
    std::stable_sort(order.begin(), order.end(), [this](const auto& a, const auto& b) {
      return descending_ ? b.first < a.first : a.first < b.first;
    });
    nlohmann::json out = {{"total", items.size()}, {"offset", offset_}, {"limit", limit_}};
    nlohmann::json& list = out[list_] = nlohmann::json::array();
    for (size_t i = offset_; i < order.size() && i < offset_ + limit_; ++i)
      list.push_back(to_json(items[order[i].second]));
    return out;
  }

 private:
  std::string list_;
  const Params& params_;
  std::string sort_;
  bool descending_ = true;
  size_t offset_ = 0, limit_ = 50;
};

// Case-insensitive helpers for the filters.
bool equals_nocase(const std::string& a, const std::string& b);
bool contains_nocase(const std::string& text, const std::string& part);
// "TLS" matches "TLS.Google" and "TLS": whole dot-separated names, any case.
bool application_matches(const std::string& application, const std::string& asked);

}  // namespace vedetta::live
