#include "probe/process_activity.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "common/user_error.h"
#include "export/json_text.h"

namespace vedetta {
namespace {

std::string seconds(uint64_t us) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3f", us / 1e6);
  return b;
}

}  // namespace

void ProcessActivity::add(const ProcessRef& p, const Flow& f, bool first_export, uint64_t sent,
                          uint64_t received) {
  Activity& a = by_pid_[p->pid];
  if (!a.process) a.first_us = f.first_us;
  a.process = p;
  if (first_export) ++a.flows;
  a.bytes_sent += sent;
  a.bytes_received += received;
  a.first_us = std::min(a.first_us, f.first_us);
  a.last_us = std::max(a.last_us, f.last_us);
}

void ProcessActivity::on_export(const FlowExport& e) {
  bool first = e.flow.exported_c2s().packets == 0 && e.flow.exported_s2c().packets == 0;
  // The client sends what goes client → server; the server the other way.
  if (e.client_process)
    add(e.client_process, e.flow, first, e.delta_in_bytes(), e.delta_out_bytes());
  if (e.server_process && e.server_process != e.client_process)
    add(e.server_process, e.flow, first, e.delta_out_bytes(), e.delta_in_bytes());
}

void ProcessActivity::refresh(const std::function<ProcessRef(uint32_t pid)>& current) {
  for (auto& [pid, a] : by_pid_)
    if (ProcessRef now = current(pid)) a.process = std::move(now);
}

void ProcessActivity::expire(uint64_t now_us, uint64_t idle_us) {
  for (auto it = by_pid_.begin(); it != by_pid_.end();) {
    if (it->second.last_us + idle_us < now_us) it = by_pid_.erase(it);
    else ++it;
  }
}

std::string ProcessActivity::to_json(uint64_t now_us) const {
  std::vector<const Activity*> order;
  for (const auto& [pid, a] : by_pid_) order.push_back(&a);
  std::stable_sort(order.begin(), order.end(), [](const Activity* x, const Activity* y) {
    return x->bytes_sent + x->bytes_received > y->bytes_sent + y->bytes_received;
  });
  std::string out = "{\"time\":" + seconds(now_us) + ",\"processes\":[";
  for (const Activity* a : order) {
    const ProcessInfo& p = *a->process;
    if (a != order.front()) out += ',';
    char sep = '{';
    auto raw = [&](const char* name, const std::string& value) {
      out += sep;
      out += '"';
      out += name;
      out += "\":";
      out += value;
      sep = ',';
    };
    auto text = [&](const char* name, const std::string& value) {
      std::string quoted;
      append_json_string(quoted, value);
      raw(name, quoted);
    };
    raw("pid", std::to_string(p.pid));
    text("name", p.comm);
    text("exe", p.exe);
    raw("uid", std::to_string(p.uid));
    text("container_id", p.container_id);
    raw("exited", p.exited ? "true" : "false");
    raw("flows", std::to_string(a->flows));
    raw("bytes_sent", std::to_string(a->bytes_sent));
    raw("bytes_received", std::to_string(a->bytes_received));
    raw("active_since", seconds(a->first_us));
    raw("last_seen", seconds(a->last_us));
    out += '}';
  }
  out += "]}\n";
  return out;
}

void ProcessActivity::write_file(const std::string& path, uint64_t now_us) const {
  std::string tmp = path + ".tmp";
  std::string text = to_json(now_us);
  FILE* f = std::fopen(tmp.c_str(), "w");
  bool ok = f && std::fwrite(text.data(), 1, text.size(), f) == text.size();
  int err = errno;
  if (f && std::fclose(f) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (ok && std::rename(tmp.c_str(), path.c_str()) != 0) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    if (f) unlink(tmp.c_str());
    throw UserError(format("--processes-json '%s': cannot write '%s' and rename it: %s (the "
                           "directory must be writable by the user the probe runs as)",
                           path.c_str(), tmp.c_str(), strerror(err)));
  }
}

}  // namespace vedetta
