// The web side of the live model: each LiveApi answer from the newest snapshot.
#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "live/flow_json.h"
#include "live/list_query.h"
#include "live/live_model.h"

#ifndef VEDETTA_VERSION
#define VEDETTA_VERSION "unknown"
#endif

namespace vedetta::live {
namespace {

using nlohmann::json;

constexpr size_t kTop = 10;
constexpr size_t kProcessFlows = 100;

// Parameters of a request that is not a list: only `allowed` ones.
void check_params(const std::string& what, const Params& p,
                  const std::vector<std::string>& allowed) {
  for (const auto& [name, value] : p) {
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    std::string list;
    for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
    throw BadQuery(what + ": " + name + ": unknown parameter (one of " + list + ")");
  }
}

std::optional<double> number_param(const std::string& what, const Params& p,
                                   const std::string& name) {
  auto it = p.find(name);
  if (it == p.end() || it->second.empty()) return std::nullopt;
  double v = 0;
  const std::string& s = it->second;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size())
    throw BadQuery(what + ": " + name + ": '" + s + "' is not a number");
  return v;
}

// The flows list's filters, read from the query once (not once per flow:
// with 100,000 flows that was most of a request's time).
struct FlowFilter {
  std::optional<std::string> interface, host, app, process, user, container, q;
  std::optional<uint64_t> port, pid;
  std::optional<std::string> l4_name;  // "TCP"
  std::optional<uint64_t> l4_number;   // or 6

  explicit FlowFilter(const ListQuery& query)
      : interface(query.filter("interface")),
        host(query.filter("host")),
        app(query.filter("app")),
        process(query.filter("process")),
        user(query.filter("user")),
        container(query.filter("container")),
        q(query.filter("q")),
        port(query.number_filter("port")),
        pid(query.number_filter("pid")) {
    if (auto v = query.filter("l4")) {
      uint64_t n = 0;
      auto r = std::from_chars(v->data(), v->data() + v->size(), n);
      if (r.ec == std::errc() && r.ptr == v->data() + v->size())
        l4_number = n;
      else
        l4_name = *v;
    }
  }
};

bool flow_matches(const FlowEntry& f, const FlowFilter& w) {
  if (w.interface && f.interface != *w.interface) return false;
  if (w.host && f.client.ip != *w.host && f.server.ip != *w.host) return false;
  if (w.port && f.client.port != *w.port && f.server.port != *w.port) return false;
  if (w.l4_number && *w.l4_number != f.l4) return false;
  if (w.l4_name && !equals_nocase(l4_name(f.l4), *w.l4_name)) return false;
  if (w.app && !application_matches(f.application, *w.app)) return false;
  auto either_process = [&](auto&& test) {
    return (f.client.process && test(*f.client.process)) ||
           (f.server.process && test(*f.server.process));
  };
  if (w.process &&
      !either_process([&](const ProcessFacts& p) { return equals_nocase(p.name, *w.process); }))
    return false;
  if (w.pid && !either_process([&](const ProcessFacts& p) { return p.pid == *w.pid; }))
    return false;
  if (w.user && !either_process([&](const ProcessFacts& p) { return p.user == *w.user; }))
    return false;
  if (w.container &&
      !either_process([&](const ProcessFacts& p) { return p.container == *w.container; }))
    return false;
  if (w.q) {
    const std::string& v = *w.q;
    const bool hit = contains_nocase(f.client.ip, v) || contains_nocase(f.server.ip, v) ||
                     contains_nocase(f.application, v) || contains_nocase(f.server_name, v) ||
                     either_process([&](const ProcessFacts& p) { return contains_nocase(p.name, v); });
    if (!hit) return false;
  }
  return true;
}

SortKey flow_sort_key(const FlowEntry& f, const std::string& sort) {
  if (sort == "throughput") return f.throughput_bps;
  if (sort == "duration") return f.duration();
  if (sort == "first_seen") return f.first_seen;
  if (sort == "last_seen") return f.last_seen;
  if (sort == "application") return f.application;
  if (sort == "client_process") return f.client.process ? f.client.process->name : std::string();
  if (sort == "server_process") return f.server.process ? f.server.process->name : std::string();
  return static_cast<double>(f.bytes());
}

template <typename T>
std::vector<T> top(std::vector<T> items, size_t n, auto&& bytes) {
  std::stable_sort(items.begin(), items.end(),
                   [&](const T& a, const T& b) { return bytes(a) > bytes(b); });
  if (items.size() > n) items.resize(n);
  return items;
}

// Bytes and flows to one peer (an address, its service port, its process).
struct PeerTotals {
  std::string ip;
  std::optional<uint16_t> port;
  std::optional<ProcessFacts> process;
  uint64_t bytes = 0, flows = 0;
};

}  // namespace

json LiveModel::interfaces() const {
  auto snap = snapshot();
  json list = json::array();
  for (const InterfaceEntry& i : snap->interfaces) {
    const collect::InputStats& s = i.input;
    json collector = nullptr;
    if (i.kind == "zmq" || i.kind == "netflow")
      collector = {{"messages", s.messages},         {"flows", s.flows},
                   {"lost_messages", s.lost_messages}, {"source_restarts", s.source_restarts},
                   {"bad_messages", s.bad_messages}, {"kernel_drops", s.kernel_drops},
                   {"unknown_templates", s.unknown_templates}};
    list.push_back({{"name", i.name},
                    {"kind", i.kind},
                    {"active_flows", i.active_flows},
                    {"flows_seen", i.flows_seen},
                    {"bytes", i.bytes},
                    {"packets", i.packets},
                    {"throughput_bps", i.throughput_bps},
                    {"drops", {{"capture_kernel", s.capture_kernel_drops},
                               {"capture_interface", s.capture_interface_drops},
                               {"export_queue_full", 0},
                               {"live_queue_full", s.live_queue_full},
                               {"flows_evicted", s.probe_flows_evicted + i.model_evictions}}},
                    {"collector", collector}});
  }
  return {{"interfaces", list}};
}

json LiveModel::flows(const Params& p) const {
  ListQuery q("flows", p,
              {"interface", "host", "port", "l4", "app", "process", "pid", "user", "container", "q"},
              {"bytes", "throughput", "duration", "first_seen", "last_seen", "application",
               "client_process", "server_process"});
  if (auto port = q.number_filter("port"); port && *port > 65535)
    q.bad("port", "'" + std::to_string(*port) + "' is not a port (0 to 65535)");
  auto snap = snapshot();  // keeps the entries alive while we point at them
  const FlowFilter filter(q);
  using Ptr = const FlowEntry*;
  std::vector<Ptr> matching;
  matching.reserve(snap->flows.size());
  for (const auto& f : snap->flows)
    if (flow_matches(*f, filter)) matching.push_back(f.get());
  return q.answer<Ptr>(
      std::move(matching), [&](const Ptr& f) { return flow_sort_key(*f, q.sort()); },
      [](const Ptr& f) { return flow_json(*f); });
}

json LiveModel::flow(uint64_t id) const {
  auto snap = snapshot();
  const FlowEntry* f = snap->find(id);
  if (!f) throw NotFound("flow " + std::to_string(id) + ": not known (or no longer kept)");
  return flow_detail_json(*f);
}

json LiveModel::hosts(const Params& p) const {
  ListQuery q("hosts", p, {"interface", "q"}, {"bytes", "throughput", "flows", "ip"});
  auto snap = snapshot();
  std::vector<HostTotals> hosts;
  for (HostTotals& h : host_totals(snap->flows, q.filter("interface").value_or("")))
    if (!q.filter("q") || contains_nocase(h.ip, *q.filter("q"))) hosts.push_back(std::move(h));
  return q.answer<HostTotals>(
      std::move(hosts),
      [&](const HostTotals& h) -> SortKey {
        if (q.sort() == "throughput") return h.throughput_bps;
        if (q.sort() == "flows") return double(h.flows_as_client + h.flows_as_server);
        if (q.sort() == "ip") return h.ip;
        return double(h.bytes());
      },
      host_json);
}

json LiveModel::host(const std::string& ip) const {
  auto snap = snapshot();
  FlowList own;
  for (const auto& f : snap->flows)
    if (f->client.ip == ip || f->server.ip == ip) own.push_back(f);
  if (own.empty()) throw NotFound("host " + ip + ": no flow has this address");
  std::vector<HostTotals> totals = host_totals(own);
  auto me = std::find_if(totals.begin(), totals.end(), [&](const auto& h) { return h.ip == ip; });
  json out = host_json(*me);
  json apps = json::array();
  for (const auto& a : top(application_totals(own), SIZE_MAX, [](const auto& a) { return a.bytes; }))
    apps.push_back(application_json(a));
  out["top_applications"] = apps;
  json processes = json::array();
  for (const ProcessTotals& pt : process_totals(own))
    if (pt.host == ip) processes.push_back(process_json(pt));
  out["processes"] = processes;
  std::map<std::string, std::pair<uint64_t, uint64_t>> peers;  // ip → bytes, flows
  for (const auto& f : own) {
    for_each_end(*f, [&](const FlowEnd& end, const FlowEnd& other, uint64_t, uint64_t, bool) {
      if (end.ip != ip || other.ip == ip) return;
      peers[other.ip].first += f->bytes();
      ++peers[other.ip].second;
    });
  }
  std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>> sorted(peers.begin(), peers.end());
  json peer_list = json::array();
  for (const auto& [peer, n] : top(sorted, SIZE_MAX, [](const auto& e) { return e.second.first; }))
    peer_list.push_back({{"ip", peer}, {"bytes", n.first}, {"flows", n.second}});
  out["peers"] = peer_list;
  return out;
}

json LiveModel::processes(const Params& p) const {
  ListQuery q("processes", p, {"interface", "host", "user", "container", "q"},
              {"bytes", "flows", "active_since", "bytes_sent", "bytes_rcvd", "name"});
  auto snap = snapshot();
  std::vector<ProcessTotals> list;
  for (ProcessTotals& pt : process_totals(snap->flows, q.filter("interface").value_or(""))) {
    if (auto v = q.filter("host"); v && pt.host != *v) continue;
    if (auto v = q.filter("user"); v && pt.facts->user != *v) continue;
    if (auto v = q.filter("container"); v && pt.facts->container != *v) continue;
    if (auto v = q.filter("q");
        v && !contains_nocase(pt.facts->name, *v) && !contains_nocase(pt.facts->cmdline, *v))
      continue;
    list.push_back(pt);
  }
  // The totals point into the snapshot's flows: `snap` outlives the answer.
  return q.answer<ProcessTotals>(
      std::move(list),
      [&](const ProcessTotals& pt) -> SortKey {
        if (q.sort() == "flows") return double(pt.flows);
        if (q.sort() == "active_since") return pt.active_since;
        if (q.sort() == "bytes_sent") return double(pt.bytes_sent);
        if (q.sort() == "bytes_rcvd") return double(pt.bytes_rcvd);
        if (q.sort() == "name") return pt.facts->name;
        return double(pt.bytes_sent + pt.bytes_rcvd);
      },
      process_json);
}

json LiveModel::process(const std::string& key) const {
  auto snap = snapshot();
  FlowList own;
  auto is_me = [&](const FlowEnd& end) { return end.process && end.process->key == key; };
  for (const auto& f : snap->flows)
    if (is_me(f->client) || is_me(f->server)) own.push_back(f);
  if (own.empty()) throw NotFound("process " + key + ": no flow has this process");
  std::vector<ProcessTotals> all = process_totals(snap->flows);
  auto me = std::find_if(all.begin(), all.end(), [&](const auto& p) { return p.key == key; });
  json out = process_json(*me);
  out["detail"] = process_detail_json(*me->facts);
  // Parents as far as the flows tell: a parent that had flows of its own on
  // this address names its parent too.
  json chain = json::array();
  std::set<uint64_t> seen = {me->facts->pid};
  const ProcessFacts* at = me->facts;
  while (at && at->parent_pid && seen.insert(*at->parent_pid).second) {
    chain.push_back({{"pid", *at->parent_pid}, {"name", at->parent_name}});
    const std::string parent_key = std::to_string(*at->parent_pid) + "@" + me->host;
    auto parent = std::find_if(all.begin(), all.end(), [&](const auto& p) { return p.key == parent_key; });
    at = parent == all.end() ? nullptr : parent->facts;
  }
  out["parent_chain"] = chain;
  FlowList newest = top(own, kProcessFlows, [](const auto& f) { return f->last_seen; });
  json flow_list = json::array();
  for (const auto& f : newest) flow_list.push_back(flow_json(*f));
  out["recent_flows"] = flow_list;  // "flows" stays the count, as in the list
  std::map<std::string, PeerTotals> peers;
  for (const auto& f : own) {
    for_each_end(*f, [&](const FlowEnd& end, const FlowEnd& other, uint64_t, uint64_t, bool is_client) {
      if (!is_me(end)) return;
      // The peer's port when it is the server (its service); a client's port is ephemeral.
      std::optional<uint16_t> port;
      if (is_client) port = other.port;
      const std::string id = other.ip + "|" + (port ? std::to_string(*port) : "") + "|" +
                             (other.process ? other.process->key : "");
      PeerTotals& peer = peers[id];
      peer.ip = other.ip;
      peer.port = port;
      peer.process = other.process;
      peer.bytes += f->bytes();
      ++peer.flows;
    });
  }
  std::vector<PeerTotals> peer_list;
  for (auto& [id, peer] : peers) peer_list.push_back(std::move(peer));
  json peers_json = json::array();
  for (const PeerTotals& peer : top(peer_list, SIZE_MAX, [](const auto& p) { return p.bytes; }))
    peers_json.push_back({{"ip", peer.ip},
                          {"port", peer.port ? json(*peer.port) : json(nullptr)},
                          {"process", process_summary_json(peer.process)},
                          {"bytes", peer.bytes},
                          {"flows", peer.flows}});
  out["peers"] = peers_json;
  return out;
}

json LiveModel::timeseries(const Params& p) const {
  check_params("timeseries", p, {"kind", "key", "from", "to"});
  auto kind_it = p.find("kind");
  if (kind_it == p.end() || kind_it->second.empty())
    throw BadQuery("timeseries: kind: missing (interface, application, host or process)");
  std::optional<SeriesKind> kind = series_kind(kind_it->second);
  if (!kind)
    throw BadQuery("timeseries: kind: unknown kind '" + kind_it->second +
                   "' (one of interface, application, host, process)");
  auto key_it = p.find("key");
  if (key_it == p.end() || key_it->second.empty()) throw BadQuery("timeseries: key: missing");
  return series_.query(*kind, key_it->second, number_param("timeseries", p, "from"),
                       number_param("timeseries", p, "to"));
}

json LiveModel::graph(const Params& p) const {
  check_params("graph", p, {"interface", "limit"});
  size_t limit = 200;
  if (auto v = number_param("graph", p, "limit")) {
    if (*v < 1 || *v > 1000 || *v != static_cast<size_t>(*v))
      throw BadQuery("graph: limit: '" + p.at("limit") + "' is not a number from 1 to 1000");
    limit = static_cast<size_t>(*v);
  }
  auto interface = p.find("interface");
  auto snap = snapshot();
  FlowList flows;
  for (const auto& f : snap->flows)
    if (interface == p.end() || interface->second.empty() || f->interface == interface->second)
      flows.push_back(f);
  flows = top(flows, limit, [](const auto& f) { return f->bytes(); });
  std::map<std::string, json> nodes;
  std::map<std::pair<std::string, std::string>, std::pair<uint64_t, uint64_t>> edges;
  std::set<std::pair<std::string, std::string>> runs_on;
  auto node_of = [&](const FlowEnd& end) {
    const std::string host_id = "host:" + end.ip;
    nodes.try_emplace(host_id, json{{"id", host_id}, {"type", "host"}, {"label", end.ip}});
    if (!end.process) return host_id;
    const std::string id = "proc:" + end.process->key;
    nodes.try_emplace(id, json{{"id", id}, {"type", "process"}, {"label", end.process->name},
                               {"host", end.ip}});
    runs_on.insert({id, host_id});
    return id;
  };
  for (const auto& f : flows) {
    auto& e = edges[{node_of(f->client), node_of(f->server)}];
    e.first += f->bytes();
    ++e.second;
  }
  json node_list = json::array(), edge_list = json::array();
  for (auto& [id, node] : nodes) node_list.push_back(std::move(node));
  for (const auto& [from, to] : runs_on)
    edge_list.push_back({{"source", from}, {"target", to}, {"type", "runs_on"}});
  for (const auto& [ends, n] : edges)
    edge_list.push_back({{"source", ends.first}, {"target", ends.second}, {"type", "flow"},
                         {"bytes", n.first}, {"flows", n.second}});
  return {{"nodes", node_list}, {"edges", edge_list}};
}

json LiveModel::dashboard() const {
  auto snap = snapshot();
  double throughput = 0;
  uint64_t active = 0;
  json drops = {{"capture_kernel", 0}, {"capture_interface", 0}, {"export_queue_full", 0},
                {"live_queue_full", 0}, {"flows_evicted", 0}, {"lost_messages", 0}};
  for (const InterfaceEntry& i : snap->interfaces) {
    throughput += i.throughput_bps;
    active += i.active_flows;
    auto add = [&](const char* name, uint64_t n) { drops[name] = drops[name].get<uint64_t>() + n; };
    add("capture_kernel", i.input.capture_kernel_drops);
    add("capture_interface", i.input.capture_interface_drops);
    add("live_queue_full", i.input.live_queue_full);
    add("flows_evicted", i.input.probe_flows_evicted + i.model_evictions);
    add("lost_messages", i.input.lost_messages);
  }
  json apps = json::array(), procs = json::array(), hosts = json::array();
  for (const auto& a : top(application_totals(snap->flows), kTop, [](const auto& a) { return a.bytes; }))
    apps.push_back(application_json(a));
  for (const auto& pt : top(process_totals(snap->flows), kTop,
                            [](const auto& p) { return p.bytes_sent + p.bytes_rcvd; }))
    procs.push_back(process_json(pt));
  for (const auto& h : top(host_totals(snap->flows), kTop, [](const auto& h) { return h.bytes(); }))
    hosts.push_back(host_json(h));
  return {{"throughput_bps", throughput}, {"active_flows", active}, {"top_applications", apps},
          {"top_processes", procs},       {"top_hosts", hosts},     {"drops", drops}};
}

json LiveModel::status() const {
  auto snap = snapshot();
  const double now = now_();
  return {{"version", VEDETTA_VERSION},
          {"started", started_},
          {"uptime", now - started_},
          {"series_dropped", series_.dropped()},
          {"interfaces", snap->interfaces.size()}};
}

}  // namespace vedetta::live
