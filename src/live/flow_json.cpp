#include "live/flow_json.h"

#include "wire/elements.h"
#include "wire/utf8_text.h"

namespace vedetta::live {
namespace {

using nlohmann::json;

template <typename T>
json optional_json(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json end_json(const FlowEnd& end, bool detail) {
  return {{"ip", end.ip},
          {"port", end.port},
          {"process", detail ? process_detail_json(end.process) : process_summary_json(end.process)}};
}

json counter_pair(uint64_t c2s, uint64_t s2c) {
  return {{"client_to_server", c2s}, {"server_to_client", s2c}};
}

json count_pair(const wire::FlowRecord& r, const char* in, const char* out) {
  return counter_pair(static_cast<uint64_t>(read_number(r, element_id(in)).value_or(0)),
                      static_cast<uint64_t>(read_number(r, element_id(out)).value_or(0)));
}

json value_json(const wire::FieldValue& v) {
  if (auto* u = std::get_if<uint64_t>(&v)) return *u;
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* b = std::get_if<bool>(&v)) return *b;
  if (auto* s = std::get_if<std::string>(&v))
    return wire::first_invalid_utf8(*s) == std::string::npos ? *s : wire::repair_utf8(*s);
  return nullptr;
}

}  // namespace

json tcp_health_json(const wire::FlowRecord& r, uint8_t l4) {
  if (l4 != 6) return nullptr;
  auto flags = [&](const char* name) {
    return tcp_flags_text(static_cast<uint64_t>(read_number(r, element_id(name)).value_or(0)));
  };
  return {{"flags", flags("TCP_FLAGS")},
          {"client_flags", flags("CLIENT_TCP_FLAGS")},
          {"server_flags", flags("SERVER_TCP_FLAGS")},
          {"client_latency_ms", optional_json(read_number(r, element_id("CLIENT_NW_LATENCY_MS")))},
          {"server_latency_ms", optional_json(read_number(r, element_id("SERVER_NW_LATENCY_MS")))},
          {"retransmissions", count_pair(r, "RETRANSMITTED_IN_PKTS", "RETRANSMITTED_OUT_PKTS")},
          {"out_of_order", count_pair(r, "OOORDER_IN_PKTS", "OOORDER_OUT_PKTS")},
          {"zero_window", count_pair(r, "ZERO_WINDOW_IN_PKTS", "ZERO_WINDOW_OUT_PKTS")}};
}

std::string tcp_flags_text(uint64_t bits) {
  // The order ntop's pages use: handshake first, then data and teardown.
  static const std::pair<uint64_t, char> kFlags[] = {{0x02, 'S'}, {0x10, 'A'}, {0x01, 'F'},
                                                     {0x04, 'R'}, {0x08, 'P'}, {0x20, 'U'},
                                                     {0x40, 'E'}, {0x80, 'C'}};
  std::string out;
  for (auto [bit, letter] : kFlags)
    if (bits & bit) out.push_back(letter);
  return out;
}

json process_summary_json(const std::optional<ProcessFacts>& p) {
  if (!p) return nullptr;
  return {{"key", p->key}, {"pid", p->pid}, {"name", p->name}, {"user", p->user}};
}

json process_detail_json(const std::optional<ProcessFacts>& p) {
  if (!p) return nullptr;
  json parent = nullptr;
  if (p->parent_pid) parent = {{"pid", *p->parent_pid}, {"name", p->parent_name}};
  return {{"key", p->key},
          {"pid", p->pid},
          {"tid", nullptr},  // flow records carry no thread id
          {"name", p->name},
          {"exe", p->exe},
          {"cmdline", p->cmdline},
          {"user", p->user},
          {"uid", optional_json(p->uid)},
          {"parent", parent},
          {"container", p->container},
          {"cgroup", p->cgroup},
          {"average_cpu_load_pct", optional_json(p->cpu_load_pct)},
          {"iowait_pct", optional_json(p->iowait_pct)},
          {"memory_actual_kb", optional_json(p->memory_actual_kb)},
          {"memory_peak_kb", optional_json(p->memory_peak_kb)},
          {"page_faults", optional_json(p->page_faults)},
          {"minor_faults", optional_json(p->minor_faults)},
          {"major_faults", optional_json(p->major_faults)},
          {"shared_with", p->shared_with}};
}

json flow_json(const FlowEntry& f) {
  json j = {{"id", f.id},
            {"interface", f.interface},
            {"ip_version", f.ip_version},
            {"l4", l4_name(f.l4)},
            {"vlan", f.vlan},
            {"application", f.application},
            {"category", f.category},
            {"server_name", f.server_name},
            {"client", end_json(f.client, false)},
            {"server", end_json(f.server, false)},
            {"first_seen", f.first_seen},
            {"last_seen", f.last_seen},
            {"duration", f.duration()},
            {"bytes", {{"client_to_server", f.bytes_c2s},
                       {"server_to_client", f.bytes_s2c},
                       {"total", f.bytes()}}},
            {"packets", {{"client_to_server", f.packets_c2s},
                         {"server_to_client", f.packets_s2c},
                         {"total", f.packets_c2s + f.packets_s2c}}},
            {"throughput_bps", f.throughput_bps},
            {"trend", f.trend},
            {"local_ends", optional_json(f.local_ends)},
            {"active", f.active}};
  return j;
}

json flow_detail_json(const FlowEntry& f) {
  json j = flow_json(f);
  j["client"] = end_json(f.client, true);
  j["server"] = end_json(f.server, true);
  const wire::FlowRecord record = f.full_record();
  j["tcp"] = tcp_health_json(record, f.l4);
  j["observations"] = f.observations;
  j["fields"] = record_fields_json(record);
  return j;
}

json record_fields_json(const wire::FlowRecord& r) {
  json out = json::object();
  for (const wire::RecordField& field : r.fields) {
    const wire::Element* e = field.id ? wire::find_element(field.id) : nullptr;
    std::string key = e ? std::string(e->name) : field.id ? std::to_string(field.id) : field.name;
    if (wire::first_invalid_utf8(key) != std::string::npos) key = wire::repair_utf8(key);
    out[key] = value_json(field.value);
  }
  return out;
}

}  // namespace vedetta::live
