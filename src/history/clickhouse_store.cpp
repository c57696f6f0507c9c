#include "history/clickhouse_store.h"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <type_traits>

#include "common/user_error.h"
#include "history/sql_text.h"
#include "history/stored_record.h"

namespace vedetta::history {
namespace {

class ClickHouseDialect : public SqlDialect {
 public:
  std::string quote(std::string_view text) const override {
    std::string out = "'";
    for (char c : text) {
      if (c == '\'' || c == '\\') out += '\\';
      out += c;
    }
    return out + "'";
  }
  std::string int_div(const std::string& a, const std::string& b) const override {
    return "intDiv(" + a + ", " + b + ")";
  }
  std::string contains(const std::string& haystack, const std::string& needle) const override {
    return "(position(" + haystack + ", " + needle + ") > 0)";
  }
};

// ClickHouse error codes after which the same request may succeed later:
// timeouts, network, memory, disk space, too many parts or queries.
bool transient_code(int code) {
  static const std::set<int> kCodes = {159, 160, 202, 209, 210, 241, 243, 252, 425};
  return kCodes.count(code) > 0;
}

int error_code(const std::string& answer) {
  const size_t at = answer.find("Code: ");
  int code = 0;
  if (at != std::string::npos)
    std::from_chars(answer.data() + at + 6, answer.data() + answer.size(), code);
  return code;
}

std::string unescape_tsv(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    const char c = s[++i];
    static const std::map<char, char> kEscapes = {{'t', '\t'}, {'n', '\n'}, {'r', '\r'},
                                                  {'0', '\0'}, {'b', '\b'}, {'f', '\f'}};
    auto it = kEscapes.find(c);
    out += it != kEscapes.end() ? it->second : c;
  }
  return out;
}

ResultRows parse_tsv(const std::string& text) {
  ResultRows rows;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    auto& row = rows.emplace_back();
    for (size_t f = 0;;) {
      const size_t tab = line.find('\t', f);
      row.push_back(unescape_tsv(line.substr(f, tab == std::string_view::npos ? tab : tab - f)));
      if (tab == std::string_view::npos) break;
      f = tab + 1;
    }
    start = end + 1;
  }
  return rows;
}

// Rows in ClickHouse's RowBinary: Int64 as 8 bytes little-endian, String as
// its length (LEB128) and bytes. No escaping on our side and no unescaping
// on the server's: with TSV, the server's parsing of the record was most
// of the cost of an insert.
void append_int64(std::string& out, int64_t v) {
  uint64_t u = static_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i, u >>= 8) out += static_cast<char>(u & 0xff);
}

void append_string(std::string& out, std::string_view s) {
  append_varint(out, s.size());
  out.append(s);
}

template <class Row>
void append_rows(std::string& out, std::span<const Row> rows) {
  if constexpr (std::is_same_v<Row, FlowRow>)
    out.reserve(out.size() + rows.size() * (rows.empty() ? 0 : rows[0].stored_record.size() + 400));
  for (const Row& r : rows)
    for_each_value(
        r, [&](int64_t v) { append_int64(out, v); },
        [&](std::string_view s) { append_string(out, s); });
}

std::string create_table(const std::string& name, std::span<const Column> columns, bool record,
                         const std::string& order_by) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + name + " (";
  for (const Column& c : columns)
    sql += std::string(c.name) + (c.type == ColumnType::kInt ? " Int64, " : " String, ");
  sql += record ? "record String" : "";
  if (!record) sql.resize(sql.size() - 2);
  return sql + ") ENGINE = MergeTree() PARTITION BY day ORDER BY (" + order_by + ")";
}

std::string url_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

size_t collect_answer(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

}  // namespace

ClickHouseUrl parse_clickhouse_url(const std::string& url) {
  const std::string scheme = "clickhouse://";
  auto bad = [&](const char* why) {
    return UserError(format("--dump-flows %s: %s (expected clickhouse://USER:PASSWORD@HOST:8123/DATABASE)",
                            url.c_str(), why));
  };
  if (url.rfind(scheme, 0) != 0) throw bad("not a clickhouse:// URL");
  std::string rest = url.substr(scheme.size());
  ClickHouseUrl u;
  if (size_t slash = rest.find('/'); slash != std::string::npos) {
    u.database = rest.substr(slash + 1);
    rest.resize(slash);
  }
  if (u.database.empty() ||
      !std::all_of(u.database.begin(), u.database.end(),
                   [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }))
    throw bad("the database name must be letters, digits and '_'");
  if (size_t at = rest.rfind('@'); at != std::string::npos) {
    std::string who = rest.substr(0, at);
    rest = rest.substr(at + 1);
    size_t colon = who.find(':');
    u.user = url_decode(who.substr(0, colon));
    if (colon != std::string::npos) u.password = url_decode(who.substr(colon + 1));
  }
  if (size_t colon = rest.rfind(':'); colon != std::string::npos && rest.find(']', colon) == std::string::npos) {
    const std::string port = rest.substr(colon + 1);
    rest.resize(colon);
    if (std::from_chars(port.data(), port.data() + port.size(), u.port).ec != std::errc() ||
        u.port <= 0 || u.port > 65535)
      throw bad("the port is not a number from 1 to 65535");
  }
  u.host = rest;
  if (u.host.empty()) throw bad("no host");
  return u;
}

ClickHouseStore::ClickHouseStore(const ClickHouseUrl& url) : url_(url) {
  static const bool kCurlReady = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!kCurlReady) throw StoreError("ClickHouse: libcurl failed to initialize");
  try {
    ensure_schema();
  } catch (const StoreUnavailable&) {
    // Not there yet: the first write retries.
  }
}

std::string ClickHouseStore::describe() const {
  return format("ClickHouse http://%s@%s:%d/%s", url_.user.c_str(), url_.host.c_str(), url_.port,
                url_.database.c_str());
}

const SqlDialect& ClickHouseStore::dialect() const {
  static const ClickHouseDialect kDialect;
  return kDialect;
}

std::string ClickHouseStore::post(const std::string& query, const std::string& body,
                                  const std::string& database, long timeout_ms) const {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw StoreUnavailable("ClickHouse: curl_easy_init failed");
  CURL* c = curl.get();
  std::string target = format("http://%s:%d/?database=%s", url_.host.c_str(), url_.port,
                              database.empty() ? url_.database.c_str() : database.c_str());
  if (!query.empty()) {
    char* escaped = curl_easy_escape(c, query.c_str(), static_cast<int>(query.size()));
    target += std::string("&query=") + escaped;
    curl_free(escaped);
  }
  std::string answer;
  curl_easy_setopt(c, CURLOPT_URL, target.c_str());
  curl_easy_setopt(c, CURLOPT_USERNAME, url_.user.c_str());
  curl_easy_setopt(c, CURLOPT_PASSWORD, url_.password.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect_answer);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, kConnectTimeoutMs);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK)
    throw StoreUnavailable(format("ClickHouse %s:%d: %s", url_.host.c_str(), url_.port,
                                  curl_easy_strerror(rc)));
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status == 200) return answer;
  while (!answer.empty() && answer.back() == '\n') answer.pop_back();
  const std::string what = format("ClickHouse %s:%d answered %ld: %s", url_.host.c_str(),
                                  url_.port, status, answer.c_str());
  if (status == 503 || transient_code(error_code(answer))) throw StoreUnavailable(what);
  throw StoreError(what);
}

void ClickHouseStore::execute(const std::string& sql) const { post("", sql); }

void ClickHouseStore::ensure_schema() const {
  if (schema_ready_) return;
  std::lock_guard lock(schema_mutex_);
  if (schema_ready_) return;
  // The database may not exist yet: this one statement runs in "system".
  post("", "CREATE DATABASE IF NOT EXISTS " + url_.database, "system");
  post("", create_table("flows", kFlowColumns, true, "first_ms, uid"));
  add_collector_column();
  post("", create_table("series", kSeriesColumns, false, "kind, key, minute"));
  schema_ready_ = true;
}

// A database from before the collector column gets it (its flows: '').
// 18.16 has no ADD COLUMN IF NOT EXISTS: look first, and when another
// server added it meanwhile, its refusal is no error.
void ClickHouseStore::add_collector_column() const {
  const std::string has = "SELECT count() FROM system.columns WHERE database = " +
                          dialect().quote(url_.database) +
                          " AND table = 'flows' AND name = 'collector' FORMAT TabSeparated";
  if (post("", has).rfind("1", 0) == 0) return;
  try {
    post("", "ALTER TABLE flows ADD COLUMN collector String");
  } catch (const StoreError&) {
    if (post("", has).rfind("1", 0) != 0) throw;
  }
}

void ClickHouseStore::insert(Batch& batch) {
  ensure_schema();
  std::string body;
  if (!batch.flows_written && !batch.flows.empty()) {
    append_rows<FlowRow>(body, batch.flows);
    post("INSERT INTO flows (" + column_names(kFlowColumns, true) + ") FORMAT RowBinary", body);
  }
  batch.flows_written = true;
  if (batch.series.empty()) return;
  body.clear();
  append_rows<SeriesPoint>(body, batch.series);
  post("INSERT INTO series (" + column_names(kSeriesColumns, false) + ") FORMAT RowBinary", body);
}

ResultRows ClickHouseStore::select(const std::string& sql) const {
  ensure_schema();
  return parse_tsv(post("", sql + " FORMAT TabSeparated", "", kQueryTimeoutMs));
}

std::string ClickHouseStore::apply_retention(const RetentionPolicy& policy, int64_t now_ms) {
  ensure_schema();
  const std::string& q = url_.database;
  // (day, bytes) of each day partition, both tables together, oldest first.
  ResultRows parts = select(
      "SELECT toInt64(partition) AS d, sum(bytes) FROM system.parts WHERE database = '" + q +
      "' AND table IN ('flows', 'series') AND active GROUP BY d ORDER BY d");
  std::vector<std::pair<int64_t, int64_t>> days;
  int64_t total = 0;
  for (auto& r : parts) {
    days.emplace_back(std::stoll(r.at(0)), std::stoll(r.at(1)));
    total += days.back().second;
  }
  std::vector<int64_t> drop;
  const int64_t cutoff_day =
      policy.max_days > 0 ? (now_ms - static_cast<int64_t>(policy.max_days * 86'400'000)) / 86'400'000
                          : INT64_MIN;
  const int64_t limit = policy.max_mb > 0 ? static_cast<int64_t>(policy.max_mb) << 20 : INT64_MAX;
  // Whole days only; the newest day is never dropped for size.
  for (size_t i = 0; i < days.size(); ++i) {
    const bool too_old = days[i].first < cutoff_day;
    const bool too_big = total > limit && i + 1 < days.size();
    if (!too_old && !too_big) break;
    drop.push_back(days[i].first);
    total -= days[i].second;
  }
  for (int64_t day : drop)
    for (const char* table : {"flows", "series"})
      execute(format("ALTER TABLE %s DROP PARTITION %lld", table, (long long)day));
  if (drop.empty()) return "";
  return format("%zu day partitions dropped (oldest day %lld)", drop.size(), (long long)drop.front());
}

}  // namespace vedetta::history
