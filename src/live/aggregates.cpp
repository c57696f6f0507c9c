#include "live/aggregates.h"

#include <algorithm>
#include <set>

namespace vedetta::live {
namespace {

void widen_span(double& first, double& last, const FlowEntry& f, bool fresh) {
  first = fresh ? f.first_seen : std::min(first, f.first_seen);
  last = fresh ? f.last_seen : std::max(last, f.last_seen);
}

template <typename Map>
auto values(Map& m) {
  std::vector<typename Map::mapped_type> out;
  out.reserve(m.size());
  for (auto& [key, v] : m) out.push_back(std::move(v));
  return out;
}

}  // namespace

std::vector<HostTotals> host_totals(const FlowList& flows, const std::string& interface) {
  std::map<std::string, HostTotals> hosts;
  std::map<std::string, std::set<std::string>> processes;
  for (const auto& flow : flows) {
    if (!interface.empty() && flow->interface != interface) continue;
    for_each_end(*flow, [&](const FlowEnd& end, const FlowEnd&, uint64_t sent, uint64_t rcvd,
                            bool is_client) {
      auto [it, fresh] = hosts.try_emplace(end.ip);
      HostTotals& h = it->second;
      h.ip = end.ip;
      h.bytes_sent += sent;
      h.bytes_rcvd += rcvd;
      if (flow->active) h.throughput_bps += flow->throughput_bps;
      ++(is_client ? h.flows_as_client : h.flows_as_server);
      widen_span(h.first_seen, h.last_seen, *flow, fresh);
      if (end.process) processes[end.ip].insert(end.process->key);
    });
  }
  for (auto& [ip, keys] : processes) hosts[ip].process_keys.assign(keys.begin(), keys.end());
  return values(hosts);
}

std::vector<ProcessTotals> process_totals(const FlowList& flows, const std::string& interface) {
  std::map<std::string, ProcessTotals> processes;
  std::map<std::string, double> newest;  // last_seen of the flow `facts` came from
  for (const auto& flow : flows) {
    if (!interface.empty() && flow->interface != interface) continue;
    for_each_end(*flow, [&](const FlowEnd& end, const FlowEnd&, uint64_t sent, uint64_t rcvd,
                            bool) {
      if (!end.process) return;
      auto [it, fresh] = processes.try_emplace(end.process->key);
      ProcessTotals& p = it->second;
      p.key = end.process->key;
      p.host = end.ip;
      ++p.flows;
      if (flow->active) {
        ++p.active_flows;
        p.throughput_bps += flow->throughput_bps;
      }
      p.bytes_sent += sent;
      p.bytes_rcvd += rcvd;
      widen_span(p.active_since, p.last_seen, *flow, fresh);
      if (fresh || flow->last_seen >= newest[p.key]) {
        p.facts = &*end.process;
        newest[p.key] = flow->last_seen;
      }
    });
  }
  return values(processes);
}

std::vector<ApplicationTotals> application_totals(const FlowList& flows) {
  std::map<std::string, ApplicationTotals> apps;
  for (const auto& flow : flows) {
    ApplicationTotals& a = apps[flow->application];
    a.application = flow->application;
    a.bytes += flow->bytes();
    ++a.flows;
  }
  return values(apps);
}

nlohmann::json host_json(const HostTotals& h) {
  return {{"ip", h.ip},
          {"bytes_sent", h.bytes_sent},
          {"bytes_rcvd", h.bytes_rcvd},
          {"bytes", h.bytes()},
          {"throughput_bps", h.throughput_bps},
          {"flows_as_client", h.flows_as_client},
          {"flows_as_server", h.flows_as_server},
          {"processes", h.process_keys.size()},
          {"first_seen", h.first_seen},
          {"last_seen", h.last_seen}};
}

nlohmann::json process_json(const ProcessTotals& p) {
  return {{"key", p.key},
          {"host", p.host},
          {"pid", p.facts->pid},
          {"name", p.facts->name},
          {"user", p.facts->user},
          {"container", p.facts->container},
          {"flows", p.flows},
          {"active_flows", p.active_flows},
          {"active_since", p.active_since},
          {"last_seen", p.last_seen},
          {"bytes_sent", p.bytes_sent},
          {"bytes_rcvd", p.bytes_rcvd},
          {"throughput_bps", p.throughput_bps}};
}

nlohmann::json application_json(const ApplicationTotals& a) {
  return {{"application", a.application}, {"bytes", a.bytes}, {"flows", a.flows}};
}

}  // namespace vedetta::live
