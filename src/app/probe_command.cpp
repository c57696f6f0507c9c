// `vedetta probe`: options → ProbeOptions, sinks, privilege drop, run.
#include <csignal>
#include <cstdio>
#include <ctime>
#include <unistd.h>

#include "app/commands.h"
#include "app/stop_signals.h"
#include "app/delay_accounting.h"
#include "app/privileges.h"
#include "common/user_error.h"
#include "export/fields.h"
#include "export/flow_template.h"
#include "export/json_lines_sink.h"
#include "export/json_text.h"
#include "export/netflow_sink.h"
#include "export/table_sink.h"
#include "export/zmq_publisher.h"
#include "export/zmq_sink.h"
#include "probe/probe.h"
#include "wire/zmq_curve_key.h"

namespace vedetta {
namespace {

Probe* g_running = nullptr;
void on_signal(int) {
  if (g_running) g_running->stop();
}

struct ProbeArgs {
  ProbeOptions probe;
  std::string json_path;
  std::string template_text;
  bool quiet = false;
  bool no_dpi = false;
  bool no_tunnels = false;
  bool no_guess = false;
  bool no_promisc = false;
  bool list_fields = false;
  bool keep_root = false;
  bool delayacct = false;
  std::string events = "auto";
  std::string netns_scope = "auto";
  std::string processes_json;
  std::string user = "nobody";
  double idle_s = 30, active_s = 120, close_s = 5;
  // --zmq export
  std::vector<std::string> zmq_endpoints;
  bool zmq_probe_mode = false;
  std::string zmq_format = "json";
  bool zmq_compress = false;
  uint32_t zmq_source_id = 0;
  std::string zmq_curve_key;
  std::string netflow_to, ipfix_to;  // --netflow / --ipfix HOST:PORT
  uint32_t template_packets = 20;
  double template_s = 30;
};

constexpr const char* kProbeFooter = R"(
USAGE: vedetta probe [-i FILE|IFACE]... [options]
EXAMPLES:
  vedetta probe -i any                         # all interfaces, table of flows on stdout
  vedetta probe -i eth0 -f "tcp port 443" --json flows.json
  vedetta probe -i trace.pcap --json - | head  # replay a capture, JSON lines
  vedetta probe -i trace.pcap -T "%IPV4_SRC_ADDR %L4_SRC_PORT %IPV4_DST_ADDR %L4_DST_PORT %IN_PKTS %IN_BYTES %L7_PROTO_NAME"
  vedetta probe -i trace.pcap -d 0 -t 0 --tcp-close-timeout 0   # ndpiReader-like: flows end with the file
  vedetta probe -i any -q --json flows.json --processes-json /tmp/processes.json   # flows and processes
  vedetta probe -i lo --delayacct --json - -T "%L4_SRC_PORT %L4_DST_PORT @PROCESS@"   # with I/O wait
  vedetta probe --events-only --json -         # agent mode: flows from socket syscalls, no capture
  vedetta probe -i eth0 --zmq "tcp://*:5556" --zmq-format tlv   # ntopng: -i tcp://HOST:5556
  vedetta probe -i eth0 --zmq tcp://collector:5556 --zmq-probe-mode   # collector binds: -i "tcp://*:5556c"
  vedetta probe -i eth0 --netflow collector:2055 --ipfix collector:4739   # NetFlow v9 and IPFIX

Timeouts are in seconds of packet time; 0 turns one off. IN_/OUT_ counters are
IP bytes since the flow's previous export; INITIATOR_/RESPONDER_ are totals.
After opening its inputs the probe runs as --user (default nobody) with no
capabilities (with --events poll: CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE and
CAP_SYS_ADMIN, to read other processes' sockets); --keep-root keeps root.)";

// The "event" message: the probe's statistics in the shape nProbe sends
// (ntopng shows them per interface). Runs on the packet loop's thread.
std::string probe_event_json(const Probe& probe, const ZmqExporter& exporter,
                             const std::string& uuid, uint32_t source_id) {
  const ProbeOptions& o = probe.options();
  CaptureStats cs = probe.capture_stats();
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  std::string host_json;
  append_json_string(host_json, host);
  return format(
      "{\"time\":%lld,\"bytes\":%llu,\"packets\":%llu,\"packet_drops\":%llu,"
      "\"exported_flows\":%llu,\"active_flows\":%zu,"
      "\"timeout\":{\"lifetime\":%llu,\"idle\":%llu},"
      "\"drops\":{\"export_queue_full\":%llu,\"too_many_flows\":%llu},"
      "\"probe\":{\"uuid\":\"%s\",\"version\":\"%s\",\"hostname\":%s,\"source_id\":%u}}",
      (long long)time(nullptr), (unsigned long long)probe.counters().bytes,
      (unsigned long long)probe.counters().packets,
      (unsigned long long)(cs.kernel_dropped + cs.interface_dropped),
      (unsigned long long)probe.counters().exported, probe.flows().size(),
      (unsigned long long)(o.flows.active_timeout_us / 1000000),
      (unsigned long long)(o.flows.idle_timeout_us / 1000000),
      (unsigned long long)exporter.stats().export_queue_full,
      (unsigned long long)probe.flows().stats().evicted, uuid.c_str(), VEDETTA_VERSION,
      host_json.c_str(), source_id);
}

// A random UUID for this run of the probe (the "event" messages' probe.uuid).
std::string run_uuid() {
  std::string uuid;
  if (FILE* f = std::fopen("/proc/sys/kernel/random/uuid", "r")) {
    char b[64] = {};
    if (std::fgets(b, sizeof b, f)) uuid = b;
    std::fclose(f);
  }
  while (!uuid.empty() && (uuid.back() == '\n' || uuid.back() == ' ')) uuid.pop_back();
  return uuid;
}

// One ZmqSink per --zmq endpoint (bound or connected now, before the
// privilege drop), each with its own source id.
void add_zmq_sinks(const ProbeArgs& a, const std::vector<const FieldDef*>& fields, Probe& probe) {
  if (a.zmq_endpoints.empty()) return;
  ZmqExportOptions base;
  base.probe_mode = a.zmq_probe_mode;
  // A file's replay may wait for the collector; live capture never does.
  base.wait_when_full = probe.replaying_files();
  base.format = a.zmq_format == "tlv" ? wire::PayloadFormat::kTlv : wire::PayloadFormat::kJson;
  base.compress = a.zmq_compress;
  if (!a.zmq_curve_key.empty()) {
    std::string error;
    if (!wire::read_curve_key(a.zmq_curve_key, base.curve_server_key, error))
      throw UserError("--zmq-curve-server-key: " + error);
  }
  uint32_t source_id = a.zmq_source_id ? a.zmq_source_id : default_source_id();
  std::string uuid = run_uuid();
  for (const std::string& endpoint : a.zmq_endpoints) {
    ZmqExportOptions o = base;
    o.endpoint = endpoint;
    o.source_id = source_id;
    source_id = source_id == 0xffffffffu ? 1 : source_id + 1;  // never 0 ("derive one")
    auto sink = std::make_unique<ZmqSink>(o, fields);
    ZmqExporter& exporter = sink->exporter();
    uint32_t id = o.source_id;
    exporter.set_event_source([&probe, &exporter, uuid, id] {
      return probe_event_json(probe, exporter, uuid, id);
    });
    probe.add_sink(std::move(sink));
  }
}

int run(ProbeArgs& a) {
  if (a.list_fields) {
    for (const auto& f : all_fields())
      std::printf("%-26.*s %6u  %.*s\n", int(f.name.size()), f.name.data(), f.id,
                  int(f.description.size()), f.description.data());
    return 0;
  }
  ProbeOptions& o = a.probe;
  if (o.inputs.empty() && !o.events_only) o.inputs.push_back("any");
  o.capture.promiscuous = !a.no_promisc;
  o.decode.decode_tunnels = !a.no_tunnels;
  o.dpi.enabled = !a.no_dpi;
  o.dpi.guess_on_giveup = !a.no_guess;
  o.flows.idle_timeout_us = static_cast<uint64_t>(a.idle_s * 1e6);
  o.flows.active_timeout_us = static_cast<uint64_t>(a.active_s * 1e6);
  o.flows.tcp_close_timeout_us = static_cast<uint64_t>(a.close_s * 1e6);
  if (a.quiet) o.stats_interval_s = 0;

  std::vector<const FieldDef*> fields;
  if (!a.template_text.empty()) fields = parse_template(a.template_text);

  // Process attribution: on by default for live interfaces where BPF works.
  o.attribution = a.events == "ebpf"   ? ProbeOptions::Attribution::kOn
                  : a.events == "poll" ? ProbeOptions::Attribution::kPoll
                  : a.events == "none" ? ProbeOptions::Attribution::kOff
                                       : ProbeOptions::Attribution::kAuto;
  o.processes_json = a.processes_json;
  o.netns_scope = a.netns_scope == "own"   ? ProbeOptions::NetnsScope::kOwn
                  : a.netns_scope == "all" ? ProbeOptions::NetnsScope::kAll
                                           : ProbeOptions::NetnsScope::kAuto;
  // Before the privilege drop: only root may switch it (and put it back).
  std::unique_ptr<DelayAccountingSwitch> delayacct;
  if (a.delayacct) {
    if (o.attribution == ProbeOptions::Attribution::kOff)
      throw UserError("--delayacct measures the I/O wait of the flows' processes: it needs "
                      "--events auto, ebpf or poll");
    delayacct = std::make_unique<DelayAccountingSwitch>();
    o.delayacct = delayacct->state();
  } else {
    o.delayacct = current_delay_accounting();
  }
  auto probe_ptr = std::make_unique<Probe>(o);
  if (!probe_ptr->attribution_warning().empty())
    std::fprintf(stderr, "vedetta: warning: %s\n",
                 probe_ptr->attribution_warning().c_str());
  Probe& probe = *probe_ptr;  // captures, nDPI files and BPF are open: errors surfaced
  std::vector<const FieldDef*> json_fields = fields;
  if (json_fields.empty())
    for (const auto& f : all_fields()) json_fields.push_back(&f);
  if (!a.json_path.empty()) probe.add_sink(std::make_unique<JsonLinesSink>(a.json_path, json_fields));
  add_zmq_sinks(a, json_fields, probe);
  std::vector<const NetflowSink*> udp_sinks;  // for the exit report
  for (auto [to, protocol] : {std::pair{&a.netflow_to, wire::NetflowProtocol::kV9},
                              std::pair{&a.ipfix_to, wire::NetflowProtocol::kIpfix}}) {
    if (to->empty()) continue;
    auto sink = std::make_unique<NetflowSink>(
        NetflowSinkOptions{protocol, *to, 0, a.template_packets, a.template_s}, fields);
    udp_sinks.push_back(sink.get());
    probe.add_sink(std::move(sink));
  }
  // The table is the default output; with --json or an export the export is the output.
  if (a.json_path.empty() && udp_sinks.empty())
    probe.add_sink(std::make_unique<TableSink>(stdout, fields));

  if (!a.keep_root) {
    std::string note = drop_privileges(a.user, probe.capabilities_needed());
    if (!a.quiet) std::fprintf(stderr, "vedetta: %s\n", note.c_str());
  }

  g_running = &probe;
  on_stop_signals(on_signal);
  probe.run();
  g_running = nullptr;
  std::fprintf(stderr, "%s", probe.report().c_str());
  for (const NetflowSink* sink : udp_sinks) std::fprintf(stderr, "%s", sink->report().c_str());
  return 0;
}

}  // namespace

// ">= 0" without CLI11's NonNegativeNumber, whose message prints DBL_MAX.
const CLI::Validator kNonNegative(
    [](std::string& text) -> std::string {
      try {
        size_t used = 0;
        double v = std::stod(text, &used);
        if (used == text.size() && v >= 0) return {};
      } catch (const std::exception&) {
      }
      return "must be a number >= 0, got '" + text + "'";
    },
    "SECONDS>=0");

std::function<int()> add_probe_command(CLI::App& app) {
  auto args = std::make_shared<ProbeArgs>();
  ProbeArgs& a = *args;
  CLI::App* p = app.add_subcommand("probe", "Capture packets, build flows with nDPI, export them");

  p->footer(kProbeFooter);
  CLI::Option* interface = p->add_option(
      "-i,--interface", a.probe.inputs,
      "Capture file (pcap/pcapng) or interface; repeat for several; 'any' = all "
      "interfaces (default)");
  p->add_flag("--events-only", a.probe.events_only,
              "Agent mode: no packet capture, flows from the socket system calls (eBPF, root); "
              "bytes from the calls' results, nDPI on the first 255 bytes of each")
      ->excludes(interface);
  p->add_option("-f,--filter", a.probe.capture.bpf_filter, "BPF capture filter, e.g. \"tcp port 80\"");
  p->add_option("-s,--snaplen", a.probe.capture.snaplen, "Bytes captured per packet")
      ->check(CLI::Range(64, 262144))->capture_default_str();
  p->add_flag("--no-promisc", a.no_promisc, "Do not put interfaces in promiscuous mode");
  p->add_option("--json", a.json_path, "Write flows as JSON lines to FILE ('-' = stdout)");
  p->add_option("-T,--template", a.template_text,
                "Fields to export, nProbe style: \"%IPV4_SRC_ADDR %L4_SRC_PORT ...\"");
  p->add_option("--netflow", a.netflow_to,
                "Export flows as NetFlow v9 over UDP to HOST:PORT (-T fields or all)");
  p->add_option("--ipfix", a.ipfix_to, "Export flows as IPFIX over UDP to HOST:PORT");
  p->add_option("--template-packets", a.template_packets,
                "NetFlow/IPFIX: send the templates again every this many packets (0 = not by count)")
      ->capture_default_str();
  p->add_option("--template-seconds", a.template_s,
                "NetFlow/IPFIX: send the templates again after this many seconds (0 = not by time)")
      ->check(kNonNegative)->capture_default_str();
  p->add_flag("--list-fields", a.list_fields, "List the field names and ids, then exit");
  p->add_flag("-q,--quiet", a.quiet, "No periodic stats line (the exit report stays)");
  p->add_option("--stats-interval", a.probe.stats_interval_s, "Seconds between stats lines")
      ->check(CLI::PositiveNumber.description("SECONDS>0"))->capture_default_str();
  p->add_option("-d,--idle-timeout", a.idle_s, "Export a flow idle this long (0 = never)")
      ->check(kNonNegative)->capture_default_str();
  p->add_option("-t,--lifetime-timeout", a.active_s,
                "Export long flows every this often, with deltas (0 = never)")
      ->check(kNonNegative)->capture_default_str();
  p->add_option("--tcp-close-timeout", a.close_s,
                "Export a TCP flow this long after FIN both ways or RST (0 = ignore FIN/RST)")
      ->check(kNonNegative)->capture_default_str();
  p->add_option("--max-flows", a.probe.flows.max_flows,
                "Flows kept in memory; beyond, the least recently seen is exported (eviction)")
      ->check(CLI::Range(uint64_t(1), uint64_t(1) << 32))->capture_default_str();
  p->add_flag("--no-dpi", a.no_dpi, "No application detection (plain flow export)");
  p->add_option("--protos", a.probe.dpi.protos_file, "nDPI custom protocols file (ndpiReader -p)");
  p->add_option("--categories", a.probe.dpi.categories_file,
                "nDPI custom categories file (ndpiReader -c)");
  p->add_option("--dpi-tcp-packets", a.probe.dpi.max_tcp_packets,
                "TCP packets per flow given to nDPI at most")->capture_default_str();
  p->add_option("--dpi-udp-packets", a.probe.dpi.max_udp_packets,
                "UDP packets per flow given to nDPI at most")->capture_default_str();
  p->add_flag("--no-guess", a.no_guess, "Leave undetected flows Unknown (no guess by port/IP)");
  p->add_flag("--no-tunnels", a.no_tunnels, "Do not open GTP/TZSP/CAPWAP tunnels");
  p->add_flag("--discard-truncated", a.probe.decode.discard_truncated,
              "Skip IP packets cut short by the snap length, as ndpiReader does (default: count "
              "them with the length their IP header states)");
  p->add_option("--events", a.events,
                "Process attribution: ebpf (name the local process at each end of a flow), poll "
                "(scan the sockets every second, no BPF needed: misses short-lived processes), "
                "none; auto = ebpf for live interfaces where BPF works, else poll")
      ->check(CLI::IsMember({"auto", "ebpf", "poll", "none"}))->capture_default_str();
  p->add_option("--netns-scope", a.netns_scope,
                "Network namespaces whose sockets name a flow's processes: own (the probe's), "
                "all (the machine's: each end in the namespace, behind the capture interface, "
                "that has its address); auto = own when the probe runs in a namespace other "
                "than the initial one, else all")
      ->check(CLI::IsMember({"auto", "own", "all"}))->capture_default_str();
  p->add_option("--processes-json", a.processes_json,
                "Write the active processes (flows, bytes sent/received, active since) as JSON "
                "to FILE every second and at exit (replaced atomically)");
  p->add_flag("--delayacct", a.delayacct,
              "Switch the kernel's delay accounting on for the run (kernel.task_delayacct; the "
              "old value is restored at exit) so that *_PROC_PCTG_IOWAIT is measured");
  CLI::Option* zmq = p->add_option("--zmq", a.zmq_endpoints,
                "Export flows over ZeroMQ in ntop's format: bind ENDPOINT (\"tcp://*:5556\"), "
                "or connect to it with --zmq-probe-mode; repeat for several");
  p->add_flag("--zmq-probe-mode", a.zmq_probe_mode,
              "Connect to the --zmq endpoint (a collector in collector mode, -i tcp://*:PORTc) "
              "instead of binding it")
      ->needs(zmq);
  p->add_option("--zmq-format", a.zmq_format,
                "ZeroMQ flow payload: json (numeric keys) or tlv (nDPI serializer, what current "
                "ntopng reads)")
      ->check(CLI::IsMember({"json", "tlv"}))->capture_default_str()->needs(zmq);
  p->add_flag("--zmq-compress", a.zmq_compress, "zlib-compress the ZeroMQ payloads")->needs(zmq);
  p->add_option("--zmq-source-id", a.zmq_source_id,
                "Source id in the ZeroMQ headers (default: from the host name and pid)")
      ->check(CLI::Range(uint32_t(1), uint32_t(0xffffffff)))->needs(zmq);
  p->add_option("--zmq-curve-server-key", a.zmq_curve_key,
                "Encrypt with CURVE: the collector's public key (40 characters of Z85), or "
                "@FILE holding it")
      ->needs(zmq);
  p->add_option("-c,--count", a.probe.max_packets, "Stop after this many packets");
  p->add_option("--duration", a.probe.duration_s, "Stop after this many seconds")
      ->check(kNonNegative);
  p->add_option("-u,--user", a.user, "User to run as after opening the captures")
      ->capture_default_str();
  p->add_flag("--keep-root", a.keep_root, "Keep root privileges (no drop)");
  return [args]() { return run(*args); };
}

}  // namespace vedetta
