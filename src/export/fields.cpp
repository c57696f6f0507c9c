#include "export/fields.h"

#include <pwd.h>
#include <strings.h>

#include <cstdio>
#include <unordered_map>

#include "dpi/ndpi_engine.h"

namespace vedetta {
namespace {

using W = FieldWriter;
using E = FlowExport;

constexpr uint32_t ntop(uint32_t n) { return 57472 + n; }  // ntop PEN 35632 elements
constexpr uint32_t own(uint32_t n) { return 61440 + n; }   // vedetta's own

std::string mac_text(const uint8_t* m) {
  char b[18];
  std::snprintf(b, sizeof b, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
  return b;
}

std::string pid_list(const std::vector<uint32_t>& pids) {
  std::string out;
  for (uint32_t p : pids) out += (out.empty() ? "" : ",") + std::to_string(p);
  return out;
}

void addr(const Endpoint& e, int version, W& w) {
  if (e.addr.version == version) w.text(e.addr.to_string());
}

// Looked up once per uid: the passwd database is read from files.
const std::string& user_name(uint32_t uid) {
  static std::unordered_map<uint32_t, std::string> cache;
  auto it = cache.find(uid);
  if (it != cache.end()) return it->second;
  char buf[4096];
  passwd pw, *found = nullptr;
  std::string name = (getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found)
                         ? std::string(pw.pw_name)
                         : std::to_string(uid);
  return cache.emplace(uid, std::move(name)).first->second;
}

bool has_mac(const Flow& f) {
  for (int i = 0; i < 6; ++i)
    if (f.client_mac[i] || f.server_mac[i]) return true;
  return false;
}

// Process fields: "SRC" is the client end, "DST" the server end (ntop's ids).
#define PROCESS_FIELDS(SIDE, member, ID_PID, ID_NAME, ID_USER, ID_PPID, ID_PNAME, ID_UID, ID_CMD, ID_EXE, ID_CONTAINER, ID_CGROUP) \
  {SIDE "_PROC_PID", ID_PID, "Process id at the " #member " end",                                  \
   [](const E& e, W& w) { if (e.member) w.number(e.member->pid); }},                            \
  {SIDE "_PROC_NAME", ID_NAME, "Process name at the " #member " end",                              \
   [](const E& e, W& w) { if (e.member) w.text(e.member->comm); }},                             \
  {SIDE "_PROC_USER_NAME", ID_USER, "User name of that process",                                   \
   [](const E& e, W& w) { if (e.member) w.text(user_name(e.member->uid)); }},                   \
  {SIDE "_FATHER_PROC_PID", ID_PPID, "Parent process id",                                           \
   [](const E& e, W& w) { if (e.member) w.number(e.member->ppid); }},                           \
  {SIDE "_FATHER_PROC_NAME", ID_PNAME, "Parent process name",                                       \
   [](const E& e, W& w) { if (e.member && !e.member->parent_comm.empty()) w.text(e.member->parent_comm); }}, \
  {SIDE "_PROC_UID", ID_UID, "User id of that process",                                            \
   [](const E& e, W& w) { if (e.member) w.number(e.member->uid); }},                            \
  {SIDE "_PROC_CMDLINE", ID_CMD, "Command line of that process",                               \
   [](const E& e, W& w) { if (e.member && !e.member->cmdline.empty()) w.text(e.member->cmdline); }}, \
  {SIDE "_PROC_EXE", ID_EXE, "Program path of that process",                                       \
   [](const E& e, W& w) { if (e.member && !e.member->exe.empty()) w.text(e.member->exe); }},    \
  {SIDE "_PROC_CONTAINER_ID", ID_CONTAINER, "Container of that process: 12-hex id, else its cgroup", \
   [](const E& e, W& w) { if (e.member && !e.member->container_id.empty()) w.text(e.member->container_id); }}, \
  {SIDE "_PROC_CGROUP", ID_CGROUP, "Control group of that process (from /proc/PID/cgroup)",    \
   [](const E& e, W& w) { if (e.member && !e.member->cgroup.empty()) w.text(e.member->cgroup); }}

// Percent as ntop encodes it: hundredths of a percent, rounded.
uint64_t centi_percent(double pct) { return static_cast<uint64_t>(pct * 100 + 0.5); }

// What the process at one end used while the flow was active (see
// docs/probe.md for the formulas). I/O wait says "n/a" when the process is
// known but delay accounting does not cover it.
#define RESOURCE_FIELDS(SIDE, member, ID_ACTUAL, ID_PEAK, ID_CPU, ID_FAULTS, ID_IOWAIT, ID_CPU_NS, ID_MINOR, ID_MAJOR) \
  {SIDE "_PROC_ACTUAL_MEMORY", ID_ACTUAL, "Resident memory of that process at the end of the flow, KB", \
   [](const E& e, W& w) { if (e.member && e.member->has_memory) w.number(e.member->actual_kb); }}, \
  {SIDE "_PROC_PEAK_MEMORY", ID_PEAK, "Largest resident memory of that process during the flow, KB", \
   [](const E& e, W& w) { if (e.member && e.member->has_memory) w.number(e.member->peak_kb); }}, \
  {SIDE "_PROC_AVERAGE_CPU_LOAD", ID_CPU, "CPU time of that process during the flow / duration, % x 100", \
   [](const E& e, W& w) { if (e.member && e.member->has_cpu_load) w.number(centi_percent(e.member->cpu_load_pct)); }}, \
  {SIDE "_PROC_NUM_PAGE_FAULTS", ID_FAULTS, "Page faults of that process during the flow (minor + major)", \
   [](const E& e, W& w) { if (e.member) w.number(e.member->min_flt + e.member->maj_flt); }}, \
  {SIDE "_PROC_PCTG_IOWAIT", ID_IOWAIT, "Block I/O delay of that process during the flow / duration, % x 100", \
   [](const E& e, W& w) { \
     if (e.member && e.member->has_iowait) w.number(centi_percent(e.member->iowait_pct)); \
     else if (e.member && e.member->has_cpu_load) w.text("n/a"); }}, \
  {SIDE "_PROC_CPU_NS", ID_CPU_NS, "CPU time of that process during the flow, ns", \
   [](const E& e, W& w) { if (e.member) w.number(e.member->cpu_ns); }}, \
  {SIDE "_PROC_MINOR_FAULTS", ID_MINOR, "Minor page faults of that process during the flow", \
   [](const E& e, W& w) { if (e.member) w.number(e.member->min_flt); }}, \
  {SIDE "_PROC_MAJOR_FAULTS", ID_MAJOR, "Major page faults (read from disk) during the flow", \
   [](const E& e, W& w) { if (e.member) w.number(e.member->maj_flt); }}

const std::vector<FieldDef> kFields = {
    {"FLOW_ID", 148, "Flow identifier, unique for the run",
     [](const E& e, W& w) { w.number(e.flow.id); }},
    {"EXPORT_REASON", own(1), "Why exported: idle, active, end, eviction, shutdown",
     [](const E& e, W& w) { w.text(export_reason_name(e.reason)); }},
    {"IP_PROTOCOL_VERSION", 60, "4 or 6",
     [](const E& e, W& w) { w.number(e.flow.key.lo.addr.version); }},
    {"PROTOCOL", 4, "IP protocol number (6 TCP, 17 UDP...)",
     [](const E& e, W& w) { w.number(e.flow.key.l4_proto); }},
    {"IPV4_SRC_ADDR", 8, "Client IPv4 address", [](const E& e, W& w) { addr(e.flow.client(), 4, w); }},
    {"L4_SRC_PORT", 7, "Client port", [](const E& e, W& w) { w.number(e.flow.client().port); }},
    {"IPV4_DST_ADDR", 12, "Server IPv4 address", [](const E& e, W& w) { addr(e.flow.server(), 4, w); }},
    {"L4_DST_PORT", 11, "Server port", [](const E& e, W& w) { w.number(e.flow.server().port); }},
    {"IPV6_SRC_ADDR", 27, "Client IPv6 address", [](const E& e, W& w) { addr(e.flow.client(), 6, w); }},
    {"IPV6_DST_ADDR", 28, "Server IPv6 address", [](const E& e, W& w) { addr(e.flow.server(), 6, w); }},
    {"SRC_VLAN", 58, "VLAN id (innermost tag)",
     [](const E& e, W& w) { w.number(e.flow.key.vlan); }},
    {"DST_VLAN", 59, "VLAN id (same as SRC_VLAN: flows are bidirectional)",
     [](const E& e, W& w) { w.number(e.flow.key.vlan); }},
    {"IN_SRC_MAC", 56, "Client-side MAC address of the first packet",
     [](const E& e, W& w) { if (has_mac(e.flow)) w.text(mac_text(e.flow.client_mac)); }},
    {"OUT_DST_MAC", 57, "Server-side MAC address of the first packet",
     [](const E& e, W& w) { if (has_mac(e.flow)) w.text(mac_text(e.flow.server_mac)); }},
    {"INPUT_SNMP", 10, "Input interface index (0 for files and 'any')",
     [](const E& e, W& w) { w.number(e.interface_index); }},
    {"INTERFACE_NAME", own(2), "Capture source (interface or file) the flow was seen on",
     [](const E& e, W& w) { w.text(e.interface_name); }},
    {"IN_PKTS", 2, "Client→server packets since the previous export",
     [](const E& e, W& w) { w.number(e.delta_in_packets()); }},
    {"IN_BYTES", 1, "Client→server IP bytes since the previous export",
     [](const E& e, W& w) { w.number(e.delta_in_bytes()); }},
    {"OUT_PKTS", 24, "Server→client packets since the previous export",
     [](const E& e, W& w) { w.number(e.delta_out_packets()); }},
    {"OUT_BYTES", 23, "Server→client IP bytes since the previous export",
     [](const E& e, W& w) { w.number(e.delta_out_bytes()); }},
    {"INITIATOR_PKTS", 298, "Client→server packets, flow total",
     [](const E& e, W& w) { w.number(e.flow.c2s.packets); }},
    {"INITIATOR_OCTETS", 231, "Client→server IP bytes, flow total",
     [](const E& e, W& w) { w.number(e.flow.c2s.ip_bytes); }},
    {"RESPONDER_PKTS", 299, "Server→client packets, flow total",
     [](const E& e, W& w) { w.number(e.flow.s2c.packets); }},
    {"RESPONDER_OCTETS", 232, "Server→client IP bytes, flow total",
     [](const E& e, W& w) { w.number(e.flow.s2c.ip_bytes); }},
    {"INITIATOR_FRAME_OCTETS", own(3), "Client→server frame bytes (layer 2 included), total",
     [](const E& e, W& w) { w.number(e.flow.c2s.frame_bytes); }},
    {"RESPONDER_FRAME_OCTETS", own(4), "Server→client frame bytes (layer 2 included), total",
     [](const E& e, W& w) { w.number(e.flow.s2c.frame_bytes); }},
    {"FIRST_SWITCHED", 22, "First packet, epoch seconds",
     [](const E& e, W& w) { w.number(e.flow.first_us / 1'000'000); }},
    {"LAST_SWITCHED", 21, "Last packet, epoch seconds",
     [](const E& e, W& w) { w.number(e.flow.last_us / 1'000'000); }},
    {"FLOW_START_MILLISECONDS", 152, "First packet, epoch milliseconds",
     [](const E& e, W& w) { w.number(e.flow.first_us / 1000); }},
    {"FLOW_END_MILLISECONDS", 153, "Last packet, epoch milliseconds",
     [](const E& e, W& w) { w.number(e.flow.last_us / 1000); }},
    {"TCP_FLAGS", 6, "OR of the TCP flags of both directions",
     [](const E& e, W& w) { w.number(e.flow.c2s.tcp_flags | e.flow.s2c.tcp_flags); }},
    {"CLIENT_TCP_FLAGS", ntop(78), "OR of the client's TCP flags",
     [](const E& e, W& w) { w.number(e.flow.c2s.tcp_flags); }},
    {"SERVER_TCP_FLAGS", ntop(79), "OR of the server's TCP flags",
     [](const E& e, W& w) { w.number(e.flow.s2c.tcp_flags); }},
    {"DIRECTION_GUESSED", own(5), "true when the TCP handshake was not seen",
     [](const E& e, W& w) { w.boolean(e.flow.direction_guessed); }},
    {"SRC_FRAGMENTS", ntop(80), "Client→server first IP fragments",
     [](const E& e, W& w) { w.number(e.flow.fragments(0)); }},
    {"DST_FRAGMENTS", ntop(81), "Server→client first IP fragments",
     [](const E& e, W& w) { w.number(e.flow.fragments(1)); }},
    {"CLIENT_NW_LATENCY_MS", ntop(123), "Client side of the handshake RTT (SYN+ACK→ACK), ms",
     [](const E& e, W& w) { if (e.flow.tcp.client_rtt_us) w.real(e.flow.tcp.client_rtt_us / 1000.0); }},
    {"SERVER_NW_LATENCY_MS", ntop(124), "Server side of the handshake RTT (SYN→SYN+ACK), ms",
     [](const E& e, W& w) { if (e.flow.tcp.server_rtt_us) w.real(e.flow.tcp.server_rtt_us / 1000.0); }},
    {"RETRANSMITTED_IN_PKTS", ntop(109), "Client→server TCP retransmissions",
     [](const E& e, W& w) { w.number(e.flow.tcp.retransmissions[0]); }},
    {"RETRANSMITTED_OUT_PKTS", ntop(110), "Server→client TCP retransmissions",
     [](const E& e, W& w) { w.number(e.flow.tcp.retransmissions[1]); }},
    {"OOORDER_IN_PKTS", ntop(111), "Client→server out-of-order TCP segments (stops at 65535)",
     [](const E& e, W& w) { w.number(e.flow.tcp.out_of_order[0]); }},
    {"OOORDER_OUT_PKTS", ntop(112), "Server→client out-of-order TCP segments (stops at 65535)",
     [](const E& e, W& w) { w.number(e.flow.tcp.out_of_order[1]); }},
    {"ZERO_WINDOW_IN_PKTS", own(6), "Client→server zero-window TCP segments (stops at 65535)",
     [](const E& e, W& w) { w.number(e.flow.tcp.zero_windows[0]); }},
    {"ZERO_WINDOW_OUT_PKTS", own(7), "Server→client zero-window TCP segments (stops at 65535)",
     [](const E& e, W& w) { w.number(e.flow.tcp.zero_windows[1]); }},
    {"L7_PROTO", ntop(118), "nDPI protocol as \"master.app\" ids (\"91.126\"), as nProbe",
     [](const E& e, W& w) { if (e.dpi && e.dpi->enabled()) w.text(e.dpi->protocol_id(e.flow.dpi)); }},
    {"L7_PROTO_NAME", ntop(119), "nDPI protocol name (\"TLS.Google\")",
     [](const E& e, W& w) { if (e.dpi && e.dpi->enabled()) w.text(e.dpi->protocol_name(e.flow.dpi)); }},
    {"L7_MASTER_PROTO", own(8), "nDPI master protocol id (0 = none)",
     [](const E& e, W& w) { if (e.dpi && e.dpi->enabled()) w.number(e.flow.dpi.master_id); }},
    {"L7_APP_PROTO", own(9), "nDPI application protocol id (0 = unknown)",
     [](const E& e, W& w) { if (e.dpi && e.dpi->enabled()) w.number(e.flow.dpi.app_id); }},
    {"L7_CATEGORY", own(10), "nDPI category name",
     [](const E& e, W& w) { if (e.dpi && e.dpi->enabled()) w.text(e.dpi->category_name(e.flow.dpi.category_id)); }},
    {"L7_CONFIDENCE", own(11), "How nDPI decided: DPI, Match by port, Match by IP, ...",
     [](const E& e, W& w) { if (e.dpi && e.dpi->enabled()) w.text(NdpiEngine::confidence_name(e.flow.dpi.confidence)); }},
    {"FLOW_SERVER_NAME", own(12), "Host name, TLS SNI or SSH signature found by nDPI",
     [](const E& e, W& w) { if (!e.flow.dpi.host.empty()) w.text(e.flow.dpi.host); }},
    {"TUNNEL", own(13), "Tunnel the flow was carried in: GTP, TZSP, CAPWAP",
     [](const E& e, W& w) { if (e.flow.tunnel != Tunnel::kNone) w.text(tunnel_name(e.flow.tunnel)); }},
    PROCESS_FIELDS("SRC", client_process, 57640, 57641, 57844, 57845, 57846, 57897, 58028, own(14), 58030, own(16)),
    RESOURCE_FIELDS("SRC", client_resources, 57855, 57856, 57857, 57858, 57865, own(18), own(19), own(20)),
    PROCESS_FIELDS("DST", server_process, 57847, 57848, 57849, 57850, 57851, 57898, 58029, own(15), 58031, own(17)),
    RESOURCE_FIELDS("DST", server_resources, 57859, 57860, 57861, 57862, 57866, own(21), own(22), own(23)),
    {"FLOW_LOCAL_ENDS", own(24),
     "Ends owned by a process of this host: both, client, server, none (remote flow)",
     [](const E& e, W& w) {
       if (!e.attribution_on) return;
       w.text(e.client_process ? (e.server_process ? "both" : "client")
                               : (e.server_process ? "server" : "none"));
     }},
    {"SRC_PROC_SHARED_WITH", own(25), "Other pids that used the client's socket (forked children)",
     [](const E& e, W& w) { if (!e.client_others.empty()) w.text(pid_list(e.client_others)); }},
    {"DST_PROC_SHARED_WITH", own(26), "Other pids that used the server's socket",
     [](const E& e, W& w) { if (!e.server_others.empty()) w.text(pid_list(e.server_others)); }},
};

}  // namespace

const std::vector<FieldDef>& all_fields() { return kFields; }

const FieldDef* find_field(std::string_view name) {
  for (const auto& f : kFields)
    if (f.name.size() == name.size() && strncasecmp(f.name.data(), name.data(), name.size()) == 0)
      return &f;
  return nullptr;
}

}  // namespace vedetta
