#include "history/query_params.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>

#include "common/user_error.h"

namespace vedetta::history {
namespace {

using live::BadQuery;

const std::pair<const char*, int> kL4Names[] = {{"ICMP", 1},  {"IGMP", 2},   {"TCP", 6},
                                                {"UDP", 17},  {"GRE", 47},   {"ESP", 50},
                                                {"ICMPv6", 58}, {"SCTP", 132}};

const std::string* find(const live::Params& p, const std::string& name) {
  auto it = p.find(name);
  return it == p.end() ? nullptr : &it->second;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

double read_seconds(const live::Params& p, const std::string& name, double fallback) {
  const std::string* v = find(p, name);
  if (!v) return fallback;
  char* end = nullptr;
  const double x = std::strtod(v->c_str(), &end);
  if (v->empty() || *end != '\0' || !std::isfinite(x) || x < 0 || x > 1e11)
    throw BadQuery(format("history: %s: '%s' is not a time in epoch seconds", name.c_str(),
                          v->c_str()));
  return x;
}

// "a = X OR b = X" for the two ends of a flow.
std::string either_end(const std::string& column, const std::string& literal) {
  return "(client_" + column + " = " + literal + " OR server_" + column + " = " + literal + ")";
}

}  // namespace

int64_t now_epoch_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

TimeRange read_time_range(const live::Params& p, int64_t now_ms) {
  TimeRange r;
  r.to_ms = std::llround(read_seconds(p, "to", now_ms / 1000.0) * 1000);
  r.from_ms = std::llround(read_seconds(p, "from", (r.to_ms - 3'600'000) / 1000.0) * 1000);
  if (r.from_ms >= r.to_ms) throw BadQuery("history: from: must be before to");
  return r;
}

int64_t read_int(const live::Params& p, const std::string& name, int64_t fallback, int64_t min,
                 int64_t max) {
  const std::string* v = find(p, name);
  if (!v) return fallback;
  int64_t x = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), x);
  if (ec != std::errc() || end != v->data() + v->size() || x < min || x > max)
    throw BadQuery(format("history: %s: '%s' is not a whole number from %lld to %lld",
                          name.c_str(), v->c_str(), (long long)min, (long long)max));
  return x;
}

std::string read_choice(const live::Params& p, const std::string& name,
                        const std::string& fallback, const std::vector<std::string>& choices) {
  const std::string* v = find(p, name);
  if (!v) return fallback;
  if (std::find(choices.begin(), choices.end(), *v) != choices.end()) return *v;
  std::string list;
  for (const std::string& c : choices) list += (list.empty() ? "" : ", ") + c;
  throw BadQuery(format("history: %s: unknown value '%s' (one of %s)", name.c_str(), v->c_str(),
                        list.c_str()));
}

int l4_number(const std::string& name) {
  for (auto [n, v] : kL4Names)
    if (lower(n) == lower(name)) return v;
  int x = -1;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), x);
  return ec == std::errc() && end == name.data() + name.size() && x >= 0 && x <= 255 ? x : -1;
}

std::string l4_name(int64_t number) {
  for (auto [n, v] : kL4Names)
    if (v == number) return n;
  return std::to_string(number);
}

std::string flow_conditions(const live::Params& p, const TimeRange& range, const SqlDialect& d) {
  std::string sql = format("first_ms < %lld AND last_ms >= %lld", (long long)range.to_ms,
                           (long long)range.from_ms);
  auto add = [&](const std::string& condition) { sql += " AND " + condition; };
  if (auto v = find(p, "interface")) add("interface = " + d.quote(*v));
  if (auto v = find(p, "collector")) add("collector = " + d.quote(*v));
  if (auto v = find(p, "host")) add("(client_ip = " + d.quote(*v) + " OR server_ip = " + d.quote(*v) + ")");
  if (find(p, "port")) add(either_end("port", std::to_string(read_int(p, "port", 0, 0, 65535))));
  if (auto v = find(p, "l4")) {
    const int n = l4_number(*v);
    if (n < 0)
      throw BadQuery(format("history: l4: unknown protocol '%s' (TCP, UDP, ICMP, ... or 0-255)",
                            v->c_str()));
    add("l4 = " + std::to_string(n));
  }
  if (auto v = find(p, "app")) {  // "TLS" matches "TLS" and "TLS.Google", any case
    const std::string a = lower(*v);
    std::string c = "lower(application) = " + d.quote(a) + " OR substr(lower(application), 1, " +
                    std::to_string(a.size() + 1) + ") = " + d.quote(a + ".");
    if (a == "unknown") c += " OR application = ''";
    add("(" + c + ")");
  }
  if (auto v = find(p, "application")) {  // exact, as the series name it
    std::string c = "application = " + d.quote(*v);
    if (*v == "Unknown") c = "(" + c + " OR application = '')";  // records without L7_PROTO_NAME
    add(c);
  }
  if (auto v = find(p, "process")) add(either_end("process", d.quote(*v)));
  if (find(p, "pid"))
    add(either_end("pid", std::to_string(read_int(p, "pid", 0, 1, INT32_MAX))));
  if (auto v = find(p, "user")) add(either_end("user", d.quote(*v)));
  if (auto v = find(p, "container")) add(either_end("container", d.quote(*v)));
  if (auto v = find(p, "process_key")) {
    const size_t at = v->find('@');
    int64_t pid = 0;
    if (at == std::string::npos ||
        std::from_chars(v->data(), v->data() + at, pid).ptr != v->data() + at || pid <= 0)
      throw BadQuery(format("history: process_key: '%s' is not PID@HOST", v->c_str()));
    const std::string ip = d.quote(v->substr(at + 1)), n = std::to_string(pid);
    add("((client_pid = " + n + " AND client_ip = " + ip + ") OR (server_pid = " + n +
        " AND server_ip = " + ip + "))");
  }
  if (auto v = find(p, "q")) {
    std::string any;
    for (const char* column : {"client_ip", "server_ip", "application", "server_name",
                               "client_process", "server_process"})
      any += (any.empty() ? "" : " OR ") + d.contains(column, d.quote(*v));
    add("(" + any + ")");
  }
  return sql;
}

}  // namespace vedetta::history
