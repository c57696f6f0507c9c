#include "history/flow_row.h"

#include "collect/flow_sides.h"
#include "collect/record_json.h"
#include "common/text_hash.h"
#include "history/stored_record.h"
#include "wire/elements.h"

namespace vedetta::history {
namespace {

uint32_t id_of(std::string_view name) {
  const wire::Element* e = wire::find_element(name);
  return e ? e->id : 0;  // 0 matches no field: a renamed element shows as empty columns
}

struct ProcessIds {
  uint32_t pid, name, user, container, cmdline, parent_pid, parent_name;
};

ProcessIds process_ids(std::string_view side) {
  auto id = [&](std::string_view rest) { return id_of(std::string(side) + std::string(rest)); };
  return {id("_PROC_PID"),     id("_PROC_NAME"),    id("_PROC_USER_NAME"),
          id("_PROC_CONTAINER_ID"), id("_PROC_CMDLINE"), id("_FATHER_PROC_PID"),
          id("_FATHER_PROC_NAME")};
}

std::string text(const wire::FlowRecord& r, uint32_t id) {
  std::string out;
  wire::as_text(r.get(id), out);
  return out;
}

int64_t number(const wire::FlowRecord& r, uint32_t id) {
  uint64_t v = 0;
  wire::as_unsigned(r.get(id), v);
  return static_cast<int64_t>(v);
}

EndProcess read_process(const wire::FlowRecord& r, const ProcessIds& ids) {
  return {number(r, ids.pid),        text(r, ids.name),       text(r, ids.user),
          text(r, ids.container),    text(r, ids.cmdline),    number(r, ids.parent_pid),
          text(r, ids.parent_name)};
}

}  // namespace

int64_t flow_uid(std::string_view collector, std::string_view record_json) {
  // Unnamed: the record's hash alone (the uids stored before collector names).
  // Non-negative: the same in signed and unsigned columns.
  const uint64_t start = collector.empty() ? text_hash("") : text_hash("\n", text_hash(collector));
  return static_cast<int64_t>(text_hash(record_json, start) >> 1);
}

bool flow_row_from_record(const wire::FlowRecord& r, FlowRow& row, std::string& error,
                          std::string_view collector) {
  static const uint32_t kCollectorInput = id_of("COLLECTOR_INPUT"),
                        kInterfaceName = id_of("INTERFACE_NAME"),
                        kIpVersion = id_of("IP_PROTOCOL_VERSION"),
                        kAppName = id_of("L7_PROTO_NAME"), kCategory = id_of("L7_CATEGORY"),
                        kServerName = id_of("FLOW_SERVER_NAME"),
                        kLocalEnds = id_of("FLOW_LOCAL_ENDS");
  static const ProcessIds kClient = process_ids("SRC"), kServer = process_ids("DST");

  collect::FlowTuple tuple;
  if (!collect::read_tuple(r, tuple)) {
    error = "no IPv4/IPv6 addresses";
    return false;
  }
  uint64_t first = 0, last = 0;
  if (!collect::read_span_ms(r, first, last)) {
    error = "no flow start/end time";
    return false;
  }
  row = FlowRow{};
  row.first_ms = static_cast<int64_t>(first);
  row.last_ms = static_cast<int64_t>(std::max(first, last));
  row.interface = text(r, kCollectorInput);
  if (row.interface.empty()) row.interface = text(r, kInterfaceName);
  row.ip_version = number(r, kIpVersion);
  if (row.ip_version == 0) row.ip_version = tuple.client_ip.find(':') != std::string::npos ? 6 : 4;
  row.l4 = tuple.l4_proto;
  row.vlan = tuple.vlan;
  row.client_ip = tuple.client_ip;
  row.server_ip = tuple.server_ip;
  row.client_port = tuple.client_port;
  row.server_port = tuple.server_port;
  row.application = text(r, kAppName);
  row.category = text(r, kCategory);
  row.server_name = text(r, kServerName);
  bool totals = false;
  const collect::FlowCounters c = collect::read_counters(r, totals);
  row.bytes_c2s = static_cast<int64_t>(c.in_bytes);
  row.bytes_s2c = static_cast<int64_t>(c.out_bytes);
  row.packets_c2s = static_cast<int64_t>(c.in_packets);
  row.packets_s2c = static_cast<int64_t>(c.out_packets);
  row.client = read_process(r, kClient);
  row.server = read_process(r, kServer);
  row.local_ends = text(r, kLocalEnds);
  row.collector = collector;
  // The uid stays the hash of the record's JSON, as when the JSON was what
  // was stored: uids (and so the order of equal rows) do not change.
  thread_local std::string json;
  json.clear();
  collect::append_record_json(r, json);
  row.uid = flow_uid(collector, json);
  append_stored_record(r, row.stored_record);
  return true;
}

}  // namespace vedetta::history
