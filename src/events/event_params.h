#pragma once
// Reading typed values out of an event's parameters, for the state tracker.
// Absent or short parameters read as zero / empty: captures may be damaged.
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <algorithm>

#include "events/event.h"
#include "events/event_table.h"

namespace vedetta::events {

template <typename T>
T param_num(const Event& e, size_t i) {
  auto b = e.param(i);
  T v{};
  if (!b.empty()) std::memcpy(&v, b.data(), std::min(sizeof(T), b.size()));
  return v;
}

inline std::string param_str(const Event& e, size_t i) {
  auto b = e.param(i);
  if (b.empty()) return {};
  const char* p = reinterpret_cast<const char*>(b.data());
  return std::string(p, strnlen(p, b.size()));
}

// Index of the parameter called `name` in this event, or -1.
inline int param_index(const Event& e, std::string_view name) {
  const EventInfo* info = event_info(e.type);
  if (!info) return -1;
  size_t n = std::min(info->params.size(), e.param_count());
  for (size_t i = 0; i < n; ++i)
    if (info->params[i].name == name) return static_cast<int>(i);
  return -1;
}

// A parameter's bytes as they are (NUL-separated lists such as args).
inline std::string param_bytes(const Event& e, size_t i) {
  auto b = e.param(i);
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

// A value the enter event carries at `enter_idx` (older captures) or, with
// no enter event, the exit event at `exit_idx` (exit-only captures since
// 2024 repeat the enter's parameters after their own).
template <typename T>
std::optional<T> enter_or_exit(const Event* enter, size_t enter_idx, const Event& exit,
                               size_t exit_idx) {
  if (enter && enter->param_count() > enter_idx) return param_num<T>(*enter, enter_idx);
  if (!enter && exit.param_count() > exit_idx) return param_num<T>(exit, exit_idx);
  return std::nullopt;
}

}  // namespace vedetta::events
