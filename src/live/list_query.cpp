#include "live/list_query.h"

#include <cctype>
#include <charconv>

namespace vedetta::live {
namespace {

constexpr size_t kMaxLimit = 1000;

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

bool parse_count(const std::string& text, uint64_t& out) {
  auto r = std::from_chars(text.data(), text.data() + text.size(), out);
  return r.ec == std::errc() && r.ptr == text.data() + text.size() && !text.empty();
}

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

}  // namespace

ListQuery::ListQuery(std::string list, const Params& params, std::vector<std::string> filters,
                     std::vector<std::string> sorts)
    : list_(std::move(list)), params_(params), sort_(sorts.front()) {
  for (const auto& [name, value] : params) {
    const bool known = name == "offset" || name == "limit" || name == "sort" || name == "order" ||
                       std::find(filters.begin(), filters.end(), name) != filters.end();
    if (!known) {
      std::vector<std::string> all = {"offset", "limit", "sort", "order"};
      all.insert(all.end(), filters.begin(), filters.end());
      bad(name, "unknown parameter (one of " + joined(all) + ")");
    }
  }
  if (auto it = params.find("sort"); it != params.end() && !it->second.empty()) {
    if (std::find(sorts.begin(), sorts.end(), it->second) == sorts.end())
      bad("sort", "unknown field '" + it->second + "' (one of " + joined(sorts) + ")");
    sort_ = it->second;
  }
  if (auto it = params.find("order"); it != params.end() && !it->second.empty()) {
    if (it->second != "asc" && it->second != "desc")
      bad("order", "'" + it->second + "' is neither asc nor desc");
    descending_ = it->second == "desc";
  }
  uint64_t n = 0;
  if (auto it = params.find("offset"); it != params.end() && !it->second.empty()) {
    if (!parse_count(it->second, n)) bad("offset", "'" + it->second + "' is not a number >= 0");
    offset_ = n;
  }
  if (auto it = params.find("limit"); it != params.end() && !it->second.empty()) {
    if (!parse_count(it->second, n) || n < 1 || n > kMaxLimit)
      bad("limit", "'" + it->second + "' is not a number from 1 to " + std::to_string(kMaxLimit));
    limit_ = n;
  }
}

void ListQuery::bad(const std::string& param, const std::string& why) const {
  throw BadQuery(list_ + ": " + param + ": " + why);
}

std::optional<std::string> ListQuery::filter(const std::string& name) const {
  auto it = params_.find(name);
  if (it == params_.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::optional<uint64_t> ListQuery::number_filter(const std::string& name) const {
  std::optional<std::string> text = filter(name);
  if (!text) return std::nullopt;
  uint64_t n = 0;
  if (!parse_count(*text, n)) bad(name, "'" + *text + "' is not a number >= 0");
  return n;
}

bool equals_nocase(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool contains_nocase(const std::string& text, const std::string& part) {
  if (part.empty()) return true;
  auto it = std::search(text.begin(), text.end(), part.begin(), part.end(),
                        [](char a, char b) { return lower(a) == lower(b); });
  return it != text.end();
}

bool application_matches(const std::string& application, const std::string& asked) {
  if (equals_nocase(application, asked)) return true;
  size_t start = 0;
  while (start <= application.size()) {
    size_t dot = application.find('.', start);
    if (dot == std::string::npos) dot = application.size();
    if (equals_nocase(application.substr(start, dot - start), asked)) return true;
    start = dot + 1;
  }
  return false;
}

}  // namespace vedetta::live
