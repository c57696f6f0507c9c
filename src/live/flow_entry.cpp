#include "live/flow_entry.h"

#include "collect/record_json.h"

#include <charconv>
#include <stdexcept>

#include "wire/elements.h"
#include "wire/utf8_text.h"

namespace vedetta::live {
namespace {

using wire::FlowRecord;

// The element ids of one end's process fields.
struct ProcessIds {
  uint32_t pid, name, user, uid, parent_pid, parent_name, cmdline, exe, container, cgroup,
      memory_actual, memory_peak, cpu_load, page_faults, iowait, minor, major, shared_with;
};

ProcessIds process_ids(const std::string& side) {
  auto id = [&](const char* suffix) { return element_id((side + suffix).c_str()); };
  return {id("_PROC_PID"),           id("_PROC_NAME"),          id("_PROC_USER_NAME"),
          id("_PROC_UID"),           id("_FATHER_PROC_PID"),    id("_FATHER_PROC_NAME"),
          id("_PROC_CMDLINE"),       id("_PROC_EXE"),           id("_PROC_CONTAINER_ID"),
          id("_PROC_CGROUP"),        id("_PROC_ACTUAL_MEMORY"), id("_PROC_PEAK_MEMORY"),
          id("_PROC_AVERAGE_CPU_LOAD"), id("_PROC_NUM_PAGE_FAULTS"), id("_PROC_PCTG_IOWAIT"),
          id("_PROC_MINOR_FAULTS"),  id("_PROC_MAJOR_FAULTS"),  id("_PROC_SHARED_WITH")};
}

std::optional<uint64_t> read_count(const FlowRecord& r, uint32_t id) {
  uint64_t v = 0;
  if (!wire::as_unsigned(r.get(id), v)) return std::nullopt;
  return v;
}

// "5360,5361" (or spaces): the pids that shared a socket.
std::vector<uint64_t> read_pid_list(const std::string& text) {
  std::vector<uint64_t> pids;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    uint64_t v = 0;
    auto r = std::from_chars(p, end, v);
    if (r.ec == std::errc()) {
      pids.push_back(v);
      p = r.ptr;
    } else {
      ++p;
    }
  }
  return pids;
}

std::optional<ProcessFacts> read_process(const FlowRecord& r, const ProcessIds& ids,
                                         const std::string& ip) {
  std::optional<uint64_t> pid = read_count(r, ids.pid);
  if (!pid) return std::nullopt;
  ProcessFacts p;
  p.pid = *pid;
  p.key = std::to_string(*pid) + "@" + ip;
  p.name = read_text(r, ids.name);
  p.user = read_text(r, ids.user);
  p.uid = read_count(r, ids.uid);
  p.parent_pid = read_count(r, ids.parent_pid);
  p.parent_name = read_text(r, ids.parent_name);
  p.cmdline = read_text(r, ids.cmdline);
  p.exe = read_text(r, ids.exe);
  p.container = read_text(r, ids.container);
  p.cgroup = read_text(r, ids.cgroup);
  p.memory_actual_kb = read_count(r, ids.memory_actual);
  p.memory_peak_kb = read_count(r, ids.memory_peak);
  // Sent as percent x 100.
  if (auto v = read_number(r, ids.cpu_load)) p.cpu_load_pct = *v / 100;
  if (auto v = read_number(r, ids.iowait)) p.iowait_pct = *v / 100;
  p.page_faults = read_count(r, ids.page_faults);
  p.minor_faults = read_count(r, ids.minor);
  p.major_faults = read_count(r, ids.major);
  p.shared_with = read_pid_list(read_text(r, ids.shared_with));
  return p;
}

struct Ids {
  uint32_t version = element_id("IP_PROTOCOL_VERSION"), vlan = element_id("SRC_VLAN"),
           app = element_id("L7_PROTO_NAME"), category = element_id("L7_CATEGORY"),
           server_name = element_id("FLOW_SERVER_NAME"),
           local_ends = element_id("FLOW_LOCAL_ENDS"),
           observations = element_id("FLOW_OBSERVATIONS");
  ProcessIds client = process_ids("SRC"), server = process_ids("DST");
};

const Ids& ids() {
  static const Ids kIds;
  return kIds;
}

}  // namespace

uint32_t element_id(const char* name) {
  const wire::Element* e = wire::find_element(std::string_view(name));
  if (!e) throw std::logic_error(std::string("no flow element named ") + name);
  return e->id;
}

std::optional<double> read_number(const FlowRecord& r, uint32_t id) {
  const wire::FieldValue* v = r.get(id);
  if (!v) return std::nullopt;
  if (auto* u = std::get_if<uint64_t>(v)) return static_cast<double>(*u);
  if (auto* i = std::get_if<int64_t>(v)) return static_cast<double>(*i);
  if (auto* d = std::get_if<double>(v)) return *d;
  if (auto* s = std::get_if<std::string>(v)) {
    double d = 0;
    auto res = std::from_chars(s->data(), s->data() + s->size(), d);
    if (res.ec == std::errc() && res.ptr == s->data() + s->size()) return d;
  }
  return std::nullopt;
}

std::string read_text(const FlowRecord& r, uint32_t id) {
  std::string text;
  if (!wire::as_text(r.get(id), text)) return {};
  if (wire::first_invalid_utf8(text) != std::string::npos) return wire::repair_utf8(text);
  return text;
}

std::optional<ProcessFacts> read_end_process(const FlowRecord& record, FlowSide side,
                                             const std::string& ip) {
  return read_process(record, side == FlowSide::kClient ? ids().client : ids().server, ip);
}

std::string l4_name(uint8_t proto) {
  switch (proto) {
    case 1: return "ICMP";
    case 2: return "IGMP";
    case 6: return "TCP";
    case 17: return "UDP";
    case 47: return "GRE";
    case 50: return "ESP";
    case 58: return "ICMPv6";
    case 132: return "SCTP";
  }
  return std::to_string(proto);
}

wire::FlowRecord FlowEntry::full_record() const {
  if (record_json.empty()) return record;
  // Written by append_record_json just before: always an object.
  return collect::parse_record_json(record_json).value_or(wire::FlowRecord{});
}

namespace {

// Every column of the entry but the record itself.
void read_columns(FlowEntry& e, const collect::CollectedFlow& flow, const FlowRecord& r,
                  const std::string& interface, uint64_t api_id) {
  const Ids& id = ids();
  e.id = api_id;
  e.interface = interface;
  const collect::FlowTuple& t = flow.tuple;
  e.l4 = t.l4_proto;
  e.vlan = t.vlan;
  e.client = {t.client_ip, t.client_port, std::nullopt};
  e.server = {t.server_ip, t.server_port, std::nullopt};
  e.ip_version = read_count(r, id.version).value_or(t.client_ip.find(':') != std::string::npos ? 6 : 4);
  e.application = read_text(r, id.app);
  e.category = read_text(r, id.category);
  e.server_name = read_text(r, id.server_name);
  e.client.process = read_end_process(r, FlowSide::kClient, t.client_ip);
  e.server.process = read_end_process(r, FlowSide::kServer, t.server_ip);
  e.first_seen = flow.first_ms / 1000.0;
  e.last_seen = flow.last_ms / 1000.0;
  const collect::FlowCounters& c = flow.counting().counters;
  e.bytes_c2s = c.in_bytes;
  e.bytes_s2c = c.out_bytes;
  e.packets_c2s = c.in_packets;
  e.packets_s2c = c.out_packets;
  std::string local = read_text(r, id.local_ends);
  if (!local.empty()) e.local_ends = local;
  e.observations = read_count(r, id.observations).value_or(flow.observations.size());
}

}  // namespace

FlowEntry read_flow_entry(const collect::CollectedFlow& flow, wire::FlowRecord&& merged,
                          const std::string& interface, uint64_t api_id) {
  FlowEntry e;
  read_columns(e, flow, merged, interface, api_id);
  e.record = std::move(merged);
  return e;
}

FlowEntry read_finished_flow_entry(const collect::CollectedFlow& flow,
                                   const wire::FlowRecord& merged, const std::string& interface,
                                   uint64_t api_id) {
  FlowEntry e;
  read_columns(e, flow, merged, interface, api_id);
  collect::append_record_json(merged, e.record_json);
  e.record_json.shrink_to_fit();
  e.active = false;
  return e;
}

}  // namespace vedetta::live
