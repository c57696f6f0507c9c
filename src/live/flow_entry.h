#pragma once
// One flow as the console shows it: what its merged record says, read once
// through the element ids (flow_entry.cpp), plus what the live model works
// out over time (throughput, trend, active).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collect/flow_model.h"
#include "wire/flow_record.h"

namespace vedetta::live {

// The process at one end of a flow, as far as the record tells.
struct ProcessFacts {
  std::string key;  // "PID@ADDRESS"
  uint64_t pid = 0;
  std::string name, user, exe, cmdline, container, cgroup;
  std::optional<uint64_t> uid;
  std::optional<uint64_t> parent_pid;
  std::string parent_name;
  std::optional<double> cpu_load_pct, iowait_pct;
  std::optional<uint64_t> memory_actual_kb, memory_peak_kb, page_faults, minor_faults,
      major_faults;
  std::vector<uint64_t> shared_with;
};

struct FlowEnd {
  std::string ip;
  uint16_t port = 0;
  std::optional<ProcessFacts> process;
};

struct FlowEntry {
  uint64_t id = 0;  // the API's id: unique over every interface for the server's run
  std::string interface;
  unsigned ip_version = 4;
  uint8_t l4 = 0;
  uint16_t vlan = 0;
  std::string application, category, server_name;
  FlowEnd client, server;
  double first_seen = 0, last_seen = 0;  // epoch seconds
  uint64_t bytes_c2s = 0, bytes_s2c = 0, packets_c2s = 0, packets_s2c = 0;
  double throughput_bps = 0;
  std::string trend = "flat";
  std::optional<std::string> local_ends;
  bool active = true;
  uint64_t observations = 1;
  // The whole merged record (the detail's "fields", TCP health): as read
  // while the flow is active; a finished flow keeps it only as JSON text
  // (read_finished_flow_entry), a fifth of the memory, for the 200,000 flows kept.
  wire::FlowRecord record;
  std::string record_json;

  // The record, from whichever form the entry keeps.
  wire::FlowRecord full_record() const;

  uint64_t bytes() const { return bytes_c2s + bytes_s2c; }
  double duration() const { return last_seen > first_seen ? last_seen - first_seen : 0; }
};

// Reads a collected flow and its merged record (CollectedFlow::merged);
// `interface` names the collector input. An active flow's entry keeps the
// record itself; a finished flow's only its JSON (FlowEntry::record_json),
// written straight from `merged`, which is not copied.
FlowEntry read_flow_entry(const collect::CollectedFlow& flow, wire::FlowRecord&& merged,
                          const std::string& interface, uint64_t api_id);
FlowEntry read_finished_flow_entry(const collect::CollectedFlow& flow,
                                   const wire::FlowRecord& merged, const std::string& interface,
                                   uint64_t api_id);

// The process of one end as `record` tells it (nullopt: no PID in it); `ip`
// is that end's address, for the key. The history's past flows read it too.
enum class FlowSide : uint8_t { kClient, kServer };
std::optional<ProcessFacts> read_end_process(const wire::FlowRecord& record, FlowSide side,
                                             const std::string& ip);

// "TCP", "UDP", "ICMP"...; the number as text for others.
std::string l4_name(uint8_t proto);

// Lookups in a record by element name (resolved once), with conversions.
uint32_t element_id(const char* name);  // throws std::logic_error for names no table knows
std::optional<double> read_number(const wire::FlowRecord& r, uint32_t id);
std::string read_text(const wire::FlowRecord& r, uint32_t id);  // "" if absent; valid UTF-8

}  // namespace vedetta::live
