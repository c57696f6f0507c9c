#pragma once
// Hosts, processes and applications added up over a set of flows: a host is
// the address of a flow end, a process the pid at an end with that end's
// address ("PID@ADDRESS"). Computed per request from a snapshot's flows.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "live/flow_entry.h"

namespace vedetta::live {

using FlowList = std::vector<std::shared_ptr<const FlowEntry>>;

struct HostTotals {
  std::string ip;
  uint64_t bytes_sent = 0, bytes_rcvd = 0;
  double throughput_bps = 0;
  uint64_t flows_as_client = 0, flows_as_server = 0;
  std::vector<std::string> process_keys;  // sorted, distinct
  double first_seen = 0, last_seen = 0;
  uint64_t bytes() const { return bytes_sent + bytes_rcvd; }
};

struct ProcessTotals {
  std::string key, host;
  const ProcessFacts* facts = nullptr;  // from its newest flow (owned by the flow list)
  uint64_t flows = 0, active_flows = 0;
  double active_since = 0, last_seen = 0;
  uint64_t bytes_sent = 0, bytes_rcvd = 0;
  double throughput_bps = 0;
};

struct ApplicationTotals {
  std::string application;
  uint64_t bytes = 0, flows = 0;
};

// Only the flows of `interface` when it is not empty. Sorted by key.
std::vector<HostTotals> host_totals(const FlowList& flows, const std::string& interface = "");
std::vector<ProcessTotals> process_totals(const FlowList& flows, const std::string& interface = "");
std::vector<ApplicationTotals> application_totals(const FlowList& flows);

nlohmann::json host_json(const HostTotals& h);
nlohmann::json process_json(const ProcessTotals& p);
nlohmann::json application_json(const ApplicationTotals& a);

// Calls visit(end, other_end, sent, rcvd, is_client) for both ends of a flow.
template <typename Visit>
void for_each_end(const FlowEntry& f, Visit&& visit) {
  visit(f.client, f.server, f.bytes_c2s, f.bytes_s2c, true);
  visit(f.server, f.client, f.bytes_s2c, f.bytes_c2s, false);
}

}  // namespace vedetta::live
