#include "history/history_query.h"

#include <map>

#include "common/user_error.h"
#include "history/query_params.h"
#include "history/series.h"
#include "history/stored_record.h"

namespace vedetta::history {
namespace {

using nlohmann::json;
using live::BadQuery;

constexpr const char* kFlowSelect =
    "uid, first_ms, last_ms, interface, ip_version, l4, vlan, client_ip, client_port, server_ip, "
    "server_port, application, category, server_name, bytes_c2s, bytes_s2c, packets_c2s, "
    "packets_s2c, client_pid, client_process, client_user, client_container, client_cmdline, "
    "client_parent_pid, client_parent_name, server_pid, server_process, server_user, "
    "server_container, server_cmdline, server_parent_pid, server_parent_name, local_ends";

int64_t num(const std::string& s) { return s.empty() ? 0 : std::stoll(s); }

// Reads the columns of kFlowSelect in order.
class RowReader {
 public:
  explicit RowReader(const std::vector<std::string>& row) : row_(row) {}
  int64_t number() { return num(row_.at(i_++)); }
  const std::string& text() { return row_.at(i_++); }

 private:
  const std::vector<std::string>& row_;
  size_t i_ = 0;
};

json read_end(RowReader& r) {
  json end;
  end["ip"] = r.text();
  end["port"] = r.number();
  return end;
}

json read_process(RowReader& r, const std::string& ip) {
  json p;
  const int64_t pid = r.number();
  p["key"] = pid > 0 ? process_key(pid, ip) : "";
  p["pid"] = pid;
  p["name"] = r.text();
  p["user"] = r.text();
  p["container"] = r.text();
  p["cmdline"] = r.text();
  const int64_t parent_pid = r.number();
  p["parent"] = {{"pid", parent_pid}, {"name", r.text()}};
  if (pid == 0 && p["name"] == "") return nullptr;
  return p;
}

json flow_json(const std::vector<std::string>& row, bool with_fields) {
  RowReader r(row);
  json f;
  f["uid"] = r.number();
  const int64_t first = r.number(), last = r.number();
  f["interface"] = r.text();
  f["ip_version"] = r.number();
  f["l4"] = l4_name(r.number());
  f["vlan"] = r.number();
  json client = read_end(r), server = read_end(r);
  const std::string app = r.text();
  f["application"] = app.empty() ? "Unknown" : app;
  f["category"] = r.text();
  f["server_name"] = r.text();
  const int64_t b_cs = r.number(), b_sc = r.number(), p_cs = r.number(), p_sc = r.number();
  client["process"] = read_process(r, client["ip"]);
  server["process"] = read_process(r, server["ip"]);
  f["client"] = client;
  f["server"] = server;
  f["first_seen"] = first / 1000.0;
  f["last_seen"] = last / 1000.0;
  f["duration"] = (last - first) / 1000.0;
  f["bytes"] = {{"client_to_server", b_cs}, {"server_to_client", b_sc}, {"total", b_cs + b_sc}};
  f["packets"] = {{"client_to_server", p_cs}, {"server_to_client", p_sc}, {"total", p_cs + p_sc}};
  f["throughput_bps"] = last > first ? (b_cs + b_sc) * 8000.0 / (last - first) : 0.0;
  const std::string& local = r.text();
  f["local_ends"] = local.empty() ? json(nullptr) : json(local);
  f["active"] = false;
  if (with_fields) {
    const std::string record = stored_record_json(r.text());
    f["fields"] = json::parse(record, nullptr, false);
    if (f["fields"].is_discarded()) f["fields"] = record;
  }
  return f;
}

std::string sort_expression(const std::string& sort, const SqlDialect& d) {
  static const std::map<std::string, std::string> kSorts = {
      {"bytes", "bytes_c2s + bytes_s2c"},
      {"packets", "packets_c2s + packets_s2c"},
      {"first_seen", "first_ms"},
      {"last_seen", "last_ms"},
      {"duration", "last_ms - first_ms"},
      {"application", "application"},
      {"client_process", "client_process"},
      {"server_process", "server_process"},
  };
  if (sort == "throughput")
    return d.int_div("(bytes_c2s + bytes_s2c) * 8000",
                     "CASE WHEN last_ms > first_ms THEN last_ms - first_ms ELSE 1 END");
  return kSorts.at(sort);
}

json flows_between(const FlowStore& store, const live::Params& p, const TimeRange& range) {
  const SqlDialect& d = store.dialect();
  const std::string sort = read_choice(
      p, "sort", "bytes",
      {"bytes", "packets", "throughput", "duration", "first_seen", "last_seen", "application",
       "client_process", "server_process"});
  const std::string order = read_choice(p, "order", "desc", {"asc", "desc"});
  const int64_t offset = read_int(p, "offset", 0, 0, INT32_MAX);
  const int64_t limit = read_int(p, "limit", 50, 1, 1000);
  const bool details = read_choice(p, "details", "0", {"0", "1"}) == "1";
  const std::string where = flow_conditions(p, range, d);
  const ResultRows total =
      store.select("SELECT count(*) FROM " + d.flows_table(false) + " WHERE " + where);
  // (format() is for short messages: SQL is built by concatenation.)
  const ResultRows rows = store.select(
      std::string("SELECT ") + kFlowSelect + (details ? ", record" : "") + " FROM " +
      d.flows_table(details) + " WHERE " +
      where + " ORDER BY " + sort_expression(sort, d) + (order == "asc" ? " ASC" : " DESC") +
      ", uid ASC LIMIT " + std::to_string(offset) + ", " + std::to_string(limit));
  json out = {{"from", range.from_ms / 1000.0},
              {"to", range.to_ms / 1000.0},
              {"total", total.empty() ? 0 : num(total[0].at(0))},
              {"offset", offset},
              {"limit", limit},
              {"flows", json::array()}};
  for (const auto& row : rows) out["flows"].push_back(flow_json(row, details));
  return out;
}

// The rows one flow gives to each group of a top-N: (key columns..., bytes
// sent, bytes received, packets), once per end for hosts and processes.
std::string top_source(const std::string& by, const std::string& where, const std::string& table) {
  const std::string c2s = "bytes_c2s AS sent, bytes_s2c AS rcvd, ";
  const std::string s2c = "bytes_s2c AS sent, bytes_c2s AS rcvd, ";
  const std::string packets = "packets_c2s + packets_s2c AS pk FROM " + table + " WHERE " + where;
  if (by == "application")
    return "SELECT CASE WHEN application = '' THEN 'Unknown' ELSE application END AS k1, " + c2s +
           packets;
  if (by == "host")
    return "SELECT client_ip AS k1, " + c2s + packets + " UNION ALL SELECT server_ip AS k1, " +
           s2c + packets + " AND server_ip != client_ip";
  if (by == "peer")  // the pair of hosts, in text order; sent = first to second
    return "SELECT client_ip AS k1, server_ip AS k2, " + c2s + packets +
           " AND client_ip <= server_ip UNION ALL SELECT server_ip AS k1, client_ip AS k2, " +
           s2c + packets + " AND client_ip > server_ip";
  // process: one group per (host, pid, name, user)
  return "SELECT client_ip AS k1, client_pid AS k2, client_process AS k3, client_user AS k4, " +
         c2s + packets + " AND client_pid > 0 UNION ALL SELECT server_ip AS k1, server_pid AS k2, "
         "server_process AS k3, server_user AS k4, " + s2c + packets + " AND server_pid > 0";
}

// A NUL would end the SQL text early: no parameter may hold one.
void refuse_nul(const live::Params& p) {
  for (const auto& [name, value] : p)
    if (value.find('\0') != std::string::npos)
      throw BadQuery("history: " + name + ": contains a NUL character");
}

}  // namespace

json HistoryQuery::flows(const live::Params& p) const {
  refuse_nul(p);
  return flows_between(store_, p, read_time_range(p, now_epoch_ms()));
}

json HistoryQuery::top(const live::Params& p) const {
  refuse_nul(p);
  const std::string by = read_choice(p, "by", "application", {"application", "host", "peer", "process"});
  const int64_t limit = read_int(p, "limit", 10, 1, 1000);
  const TimeRange range = read_time_range(p, now_epoch_ms());
  const std::string where = flow_conditions(p, range, store_.dialect());
  const int keys = by == "process" ? 4 : by == "peer" ? 2 : 1;
  std::string key_list;
  for (int i = 1; i <= keys; ++i) key_list += (i > 1 ? ", k" : "k") + std::to_string(i);
  const ResultRows rows = store_.select(
      "SELECT " + key_list +
      ", sum(sent) AS s, sum(rcvd) AS r, sum(pk) AS p, count(*) AS n, sum(sent + rcvd) AS total "
      "FROM (" + top_source(by, where, store_.dialect().flows_table(false)) + ") GROUP BY " + key_list + " ORDER BY total DESC, " +
      key_list + " LIMIT " + std::to_string(limit));
  json items = json::array();
  for (const auto& row : rows) {
    json item;
    if (by == "process") {
      item["key"] = process_key(num(row[1]), row[0]);
      item["host"] = row[0];
      item["pid"] = num(row[1]);
      item["name"] = row[2];
      item["user"] = row[3];
    } else if (by == "peer") {
      item["key"] = row[0] + " <-> " + row[1];
      item["hosts"] = {row[0], row[1]};
    } else {
      item["key"] = row[0];
    }
    const int64_t sent = num(row[keys]), rcvd = num(row[keys + 1]);
    item["bytes"] = {{"sent", sent}, {"rcvd", rcvd}, {"total", sent + rcvd}};
    item["packets"] = num(row[keys + 2]);
    item["flows"] = num(row[keys + 3]);
    items.push_back(item);
  }
  return {{"by", by}, {"from", range.from_ms / 1000.0}, {"to", range.to_ms / 1000.0},
          {"items", items}};
}

json HistoryQuery::timeseries(const live::Params& p) const {
  refuse_nul(p);
  const std::string kind =
      read_choice(p, "kind", "interface", {"interface", "application", "host", "process"});
  auto key = p.find("key");
  if (key == p.end()) throw BadQuery("history: key: missing (the interface, application, host or PID@HOST)");
  const TimeRange range = read_time_range(p, now_epoch_ms());
  // Default bucket: the smallest of these giving at most 500 points.
  int64_t fallback = 86'400;
  for (int64_t b : {60, 300, 900, 3600, 21'600, 86'400})
    if ((range.to_ms - range.from_ms) / (b * 1000) <= 500) {
      fallback = b;
      break;
    }
  const int64_t bucket = read_int(p, "bucket", fallback, 60, 366 * 86'400);
  if (bucket % 60 != 0) throw BadQuery("history: bucket: must be a multiple of 60 seconds");
  const int64_t bucket_min = bucket / 60;
  // Whole buckets, aligned on UTC epoch multiples of the bucket.
  const int64_t bucket_ms = bucket * 1000;
  const int64_t first = range.from_ms / bucket_ms, end = (range.to_ms + bucket_ms - 1) / bucket_ms;
  if (end - first > 10'000)
    throw BadQuery(format("history: bucket: %lld points, more than 10000; choose a larger bucket",
                          (long long)(end - first)));
  const SqlDialect& d = store_.dialect();
  const std::string b = d.int_div("minute", std::to_string(bucket_min));
  const ResultRows rows = store_.select(
      "SELECT " + b + " AS bk, sum(bytes_sent), sum(bytes_rcvd), sum(flows) FROM series WHERE kind = " +
      d.quote(kind) + " AND key = " + d.quote(key->second) +
      " AND minute >= " + std::to_string(first * bucket_min) +
      " AND minute < " + std::to_string(end * bucket_min) + " GROUP BY bk ORDER BY bk");
  std::map<int64_t, const std::vector<std::string>*> by_bucket;
  for (const auto& row : rows) by_bucket[num(row.at(0))] = &row;
  json points = json::array();
  for (int64_t i = first; i < end; ++i) {
    auto it = by_bucket.find(i);
    const int64_t t = i * bucket;
    if (it == by_bucket.end()) {
      points.push_back({t, 0, 0, 0});
    } else {
      const auto& row = *it->second;
      points.push_back({t, num(row[1]), num(row[2]), num(row[3])});
    }
  }
  return {{"kind", kind}, {"key", key->second}, {"bucket", bucket},
          {"from", first * bucket}, {"to", end * bucket}, {"points", points}};
}

json HistoryQuery::drilldown(const live::Params& p) const {
  refuse_nul(p);
  const std::string kind =
      read_choice(p, "kind", "interface", {"interface", "application", "host", "process"});
  auto key = p.find("key");
  if (key == p.end()) throw BadQuery("history: key: missing");
  const int64_t t = read_int(p, "t", 0, 0, int64_t(1e11));
  const int64_t bucket = read_int(p, "bucket", 60, 60, 366 * 86'400);
  live::Params q = p;
  for (const char* k : {"kind", "key", "t", "bucket"}) q.erase(k);
  static const std::map<std::string, std::string> kFilter = {
      {"interface", "interface"}, {"application", "application"},
      {"host", "host"}, {"process", "process_key"}};
  q[kFilter.at(kind)] = key->second;
  return flows_between(store_, q, {t * 1000, (t + bucket) * 1000});
}

}  // namespace vedetta::history
