#include "events/event_formatter.h"

#include <cstring>
#include <ctime>

#include "common/user_error.h"
#include "events/event_table.h"
#include "events/param_text.h"

namespace vedetta::events {

bool is_printable(const Event& e) {
  const EventInfo* info = event_info(e.type);
  return info && !(info->flags & kInternal);
}

bool OutputFilter::should_print(const Event& e) {
  bool container = e.type == ppme::kContainerJsonE || e.type == ppme::kContainerJson2E;
  if (!container) seen_other_event_ = true;
  if (container && !seen_other_event_) return false;
  return is_printable(e);
}

namespace {

// sysdig names the pseudo-thread of a container event "container:<id>".
std::string container_process_name(const Event& e) {
  auto b = e.param(0);
  std::string_view json(reinterpret_cast<const char*>(b.data()), b.size());
  size_t at = json.find("\"id\":\"");
  if (at == std::string_view::npos) return "<NA>";
  at += 6;
  size_t end = json.find('"', at);
  if (end == std::string_view::npos) return "<NA>";
  return "container:" + std::string(json.substr(at, end - at));
}

}  // namespace

std::string event_type_name(const Event& e) {
  if (e.type == ppme::kGenericE || e.type == ppme::kGenericX) {
    auto b = e.param(0);
    if (b.size() >= 2) {
      uint16_t id;
      std::memcpy(&id, b.data(), 2);
      std::string_view name = syscall_name(id);
      return name.empty() ? "<NA>" : std::string(name);
    }
  }
  const EventInfo* info = event_info(e.type);
  return info ? std::string(info->name) : "unknown";
}

std::string event_info_text(const Event& e, const ThreadTable& threads, bool truncate) {
  // Generic events carry only the syscall id, already shown as the type.
  if (e.type == ppme::kGenericE || e.type == ppme::kGenericX) return {};
  const EventInfo* info = event_info(e.type);
  if (!info) return {};
  std::string out;
  size_t n = std::min(e.param_count(), info->params.size());
  for (size_t i = 0; i < n; ++i) {
    const ParamInfo& p = info->params[i];
    int64_t dirfd = -100;  // AT_FDCWD
    if (p.type == ParamType::kFsRelPath && p.dirfd_param >= 0) {
      auto d = e.param(static_cast<size_t>(p.dirfd_param));
      if (d.size() == 8) std::memcpy(&dirfd, d.data(), 8);
    }
    ParamText t = param_text(p, e.param(i), threads, e.tid, dirfd, truncate);
    out += p.name;
    out += '=';
    out += t.value;
    if (!t.resolved.empty()) {
      out += '(';
      out += t.resolved;
      out += ')';
    }
    out += ' ';
  }
  return out;
}

std::string format_default_line(const Event& e, const ThreadTable& threads) {
  time_t sec = static_cast<time_t>(e.ts_ns / 1000000000ULL);
  struct tm tm;
  localtime_r(&sec, &tm);
  if (e.type == ppme::kPluginEventE) {
    // sysdig prints plugin events with its plugin format; with no plugin
    // loaded, name and info are unknown.
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    return format("%llu %s [<NA>] <NA>", static_cast<unsigned long long>(e.num), when);
  }
  const ThreadInfo* th = threads.find(e.tid);
  std::string line =
      format("%llu %02d:%02d:%02d.%09llu %u ", static_cast<unsigned long long>(e.num), tm.tm_hour,
             tm.tm_min, tm.tm_sec, static_cast<unsigned long long>(e.ts_ns % 1000000000ULL),
             static_cast<unsigned>(e.cpu));
  if (e.type == ppme::kContainerJsonE || e.type == ppme::kContainerJson2E)
    line += container_process_name(e);
  else
    line += th ? th->comm : "<NA>";
  line += format(" (%lld) ", static_cast<long long>(e.tid));
  line += is_enter(e.type) ? '>' : '<';
  line += ' ';
  line += event_type_name(e);
  line += ' ';
  line += event_info_text(e, threads);
  return line;
}

}  // namespace vedetta::events
