// `vedetta server`: collect flows from probes (ZeroMQ) and routers
// (NetFlow/IPFIX) into one live model per input, merge the two ends of
// flows seen by probes on different hosts, print them (--json) and/or pass
// them up to a collector above (--zmq-export). With -i eth0, -i any or
// -i trace.pcap a probe runs inside the server. The console's live model
// (src/live) sees every interface's flows; the web console (src/web)
// serves it over HTTP(S) with a login.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "app/commands.h"
#include "app/stop_signals.h"
#include "app/privileges.h"
#include "app/delay_accounting.h"
#include "app/server_web.h"
#include "collect/collector.h"
#include "common/user_error.h"
#include "history/history_options.h"
#include "history/history_query.h"
#include "live/live_model.h"

namespace vedetta {
namespace {

collect::Collector* g_running = nullptr;
void on_signal(int) {
  if (g_running) g_running->stop();
}

struct ServerArgs {
  collect::CollectorOptions collector;
  std::string zmq_export;
  std::string zmq_export_format = "tlv";
  bool zmq_export_compress = false;
  uint32_t zmq_export_source_id = 0;
  std::string curve_secret_key_file;
  std::string user = "nobody";
  bool keep_root = false;
  bool quiet = false;
  live::LiveModelOptions live;
  ConsoleArgs console;
  history::HistoryOptions history;
};

constexpr const char* kServerFooter = R"(
EXAMPLES:
  vedetta server -i tcp://127.0.0.1:5556 --json -          # one probe that binds (--zmq tcp://*:5556)
  vedetta server -i tcp://h1:5556 -i tcp://h2:5556 --json - # two probes, two separate interfaces
  vedetta server -i tcp://h1:5556,tcp://h2:5556 --json -    # two probes, one aggregated interface
  vedetta server -i "tcp://127.0.0.1:5556c" --json -        # collector mode: probes connect (--zmq-probe-mode)
  vedetta server -i netflow://:2055 -i ipfix://:4739 --json -   # routers, softflowd, nProbe
  vedetta server -i "tcp://*:5556c" --zmq-export "tcp://127.0.0.1:5557"  # a level of a hierarchy
  vedetta server -i eth0                                   # a probe inside the server
  vedetta server -i trace.pcap                             # replay a capture for the console
  vedetta server -i eth0 --http-bind 0.0.0.0 --tls-cert c.pem --tls-key k.pem   # console over HTTPS
  vedetta server -i "tcp://*:5556c" --http-port 0 --data-dir ""  # no console, nothing kept
  vedetta server -i tcp://127.0.0.1:5556 --data-dir /var/lib/vedetta     # history in DIR/history.db
  vedetta server -i tcp://127.0.0.1:5556 --dump-flows clickhouse://vedetta:pw@db1:8123/vedetta

Flows seen by probes on both hosts of a conversation (the same tuple at
overlapping times) are merged into one, with the client process from one and
the server process from the other; the counters are one probe's, never summed.
A finished flow is printed --merge-wait seconds after its last record. Inputs
without an address bind 127.0.0.1. An interface or a capture file as -i runs
the probe inside the server (process attribution as `vedetta probe` does it;
active flows exported every second). After opening its inputs the server
runs as --user (default nobody) with no capabilities (those polling
attribution needs when eBPF is not available).

The web console and its REST API (docs/api.md) listen on 127.0.0.1:3000.
At the first start the user admin gets a random password, printed once here
and kept in DATA_DIR/admin-password (mode 0600), unless
--admin-password-file FILE or $VEDETTA_ADMIN_PASSWORD gives one. Scripts
use an API token (POST /api/v1/tokens) or basic auth.)";

std::string read_key_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UserError(format("--curve-secret-key-file %s: cannot read it", path.c_str()));
  std::string key;
  in >> key;
  if (key.size() != 40)
    throw UserError(
        format("--curve-secret-key-file %s: expected a 40-character Z85 key, got %zu "
               "characters",
               path.c_str(), key.size()));
  return key;
}

nlohmann::json writer_status(history::HistoryWriter& writer) {
  history::WriterStats s = writer.stats();
  return {{"store", writer.store().describe()}, {"written", s.written}, {"dropped", s.dropped},
          {"failures", s.failures},  {"queued", s.queued},
          {"bad_records", s.bad_records}, {"store_available", s.store_available},
          {"last_error", s.last_error}};
}

int run(ServerArgs& a) {
  collect::CollectorOptions& o = a.collector;
  if (a.quiet) o.stats_interval_s = 0;
  if (!a.curve_secret_key_file.empty())
    o.input.curve_secret_key = read_key_file(a.curve_secret_key_file);
  if (!a.zmq_export.empty()) {
    ZmqExportOptions e;
    e.endpoint = a.zmq_export;
    // An endpoint ending in "c" (ntop's notation) means: the collector above binds.
    if (e.endpoint.size() > 1 && e.endpoint.back() == 'c') {
      e.endpoint.pop_back();
      e.probe_mode = true;
    }
    e.format =
        a.zmq_export_format == "json" ? wire::PayloadFormat::kJson : wire::PayloadFormat::kTlv;
    e.compress = a.zmq_export_compress;
    e.source_id = a.zmq_export_source_id;
    o.zmq_export = e;
  }
  // One data directory: the collector's msg_ids, the console's users.
  a.console.web.data_dir = o.data_dir;
  if (!o.data_dir.empty()) web::prepare_data_dir(o.data_dir, std::nullopt);
  // A local probe (-i eth0) attributes flows as `vedetta probe` does by default.
  o.input.local_probe.probe.attribution = ProbeOptions::Attribution::kAuto;
  o.input.local_probe.probe.delayacct = current_delay_accounting();
  // --- the console's live model (issue 6) ---
  // Fed only when the console is on: reading every flow costs the collector
  // about two thirds of its ingest rate (docs/benchmarks.md).
  live::LiveModel model(a.live);
  if (a.console.web.port != 0) o.observer = &model;
  // --- history (issue 7): finished flows into SQLite in the data directory or ClickHouse ---
  if (o.data_dir.empty() && a.history.dump_flows.empty() && !a.history.disabled) {
    a.history.disabled = true;
    if (!a.quiet)
      std::fprintf(stderr, "vedetta: server: no history (give --data-dir DIR, or --dump-flows)\n");
  }
  // Opened while still root: the database files exist before the console
  // hands the data directory over to --user.
  std::unique_ptr<history::HistoryWriter> history_writer =
      history::open_history(a.history, o.data_dir);
  if (history_writer) {
    o.on_merged_flow = [w = history_writer.get()](const wire::FlowRecord& r) { w->add(r); };
    if (!a.quiet)
      std::fprintf(stderr, "vedetta: server: history in %s\n",
                   history_writer->store().describe().c_str());
  }
  collect::Collector collector(o);
  // The web console answering from `model`: port, TLS key and data
  // directory while still root; users and serving after the drop.
  auto console = open_console(a.console, model, a.keep_root ? "" : a.user);
  std::unique_ptr<history::HistoryQuery> history_query;
  if (console && history_writer) {
    // The API's threads query the writer's store: its select() is safe
    // against the inserts.
    history_query = std::make_unique<history::HistoryQuery>(history_writer->store());
    console->set_history({history_query.get(), "",
                          [w = history_writer.get()] { return writer_status(*w); }});
  } else if (console) {
    console->set_history({nullptr, "off (the server runs with --no-history)", nullptr});
  }
  // --- end of the console ---
  if (!a.keep_root) {
    std::string note = drop_privileges(a.user, collector.capabilities_needed());
    if (!a.quiet) std::fprintf(stderr, "vedetta: server: %s\n", note.c_str());
  }
  if (console) console->start();
  g_running = &collector;
  on_stop_signals(on_signal);
  collector.run();
  g_running = nullptr;
  if (console) console->stop();
  std::fprintf(stderr, "%s", collector.report().c_str());
  if (history_writer) {
    history_writer->stop();  // writes what is queued
    std::fprintf(stderr, "%s", history_writer->report().c_str());
  }
  return 0;
}

}  // namespace

std::function<int()> add_server_command(CLI::App& app) {
  auto args = std::make_shared<ServerArgs>();
  ServerArgs& a = *args;
  CLI::App* s = app.add_subcommand("server",
                                   "Web console and REST API over live flows, hosts and "
                                   "processes: a probe inside, flows collected from probes "
                                   "and routers (ZeroMQ, NetFlow/IPFIX), history");
  s->footer(kServerFooter);
  s->add_option("-i,--interface", a.collector.inputs,
                "Input: tcp://HOST:PORT (probe binds), tcp://*:PORTc (probes connect), "
                "several ZeroMQ endpoints joined by commas (one interface), netflow://[ADDR]:PORT, "
                "ipfix://[ADDR]:PORT, or an interface (eth0, any) or capture file for a probe "
                "inside the server; repeat -i for separate interfaces")
      ->required();
  a.collector.data_dir = "/var/lib/vedetta";
  s->add_option("--data-dir", a.collector.data_dir,
                "Directory for what must survive a restart of the server: the console's users, "
                "sessions and API tokens, the history (history.db), the ZeroMQ senders' msg_ids "
                "(so that messages lost "
                "across it are counted); created 0700 and owned by --user; \"\" = keep nothing "
                "(with --http-port 0)")
      ->capture_default_str();
  history::add_history_options(s, a.history);
  s->add_option("--json", a.collector.json_path,
                "Write merged flows as JSON lines to FILE ('-' = stdout)");
  s->add_option(
      "--zmq-export", a.zmq_export,
      "Re-export merged flows to a collector above over ZeroMQ: tcp://*:PORT (bind; "
      "the collector above connects) or tcp://HOST:PORTc (connect to a collector that binds)");
  s->add_option("--zmq-export-format", a.zmq_export_format, "Payload of the re-export")
      ->check(CLI::IsMember({"json", "tlv"}))
      ->capture_default_str();
  s->add_flag("--zmq-export-compress", a.zmq_export_compress, "zlib-compress the re-export");
  s->add_option("--zmq-export-source-id", a.zmq_export_source_id,
                "Source id in the re-export's headers (default: from host name and pid)");
  s->add_option("--curve-secret-key-file", a.curve_secret_key_file,
                "ZeroMQ CURVE: this collector's secret key (Z85, 40 characters) in FILE; probes "
                "then need its public key (--zmq-curve-server-key)");
  s->add_option("--merge-wait", a.collector.model.merge_wait_s,
                "Seconds a finished flow waits for the other end's probe before output")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  s->add_option("--idle-timeout", a.collector.model.idle_timeout_s,
                "Output a flow with no record for this long")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  s->add_option("--pair-slack", a.collector.model.pair_slack_s,
                "Seconds of clock difference allowed when matching two probes' views of a flow")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  s->add_option("--max-flows", a.collector.model.max_flows,
                "Flows held per interface; beyond, the least recently updated is output")
      ->check(CLI::Range(uint64_t(1), uint64_t(1) << 32))
      ->capture_default_str();
  s->add_option("--stats-interval", a.collector.stats_interval_s, "Seconds between stats lines")
      ->check(CLI::Range(0.1, 86400.0))
      ->capture_default_str();
  s->add_option("--top-series", a.live.series.top,
                "Entries of each kind (application, host, process) with 1-second time series; "
                "the others get 1-minute points")
      ->check(CLI::Range(size_t(0), size_t(100000)))
      ->capture_default_str();
  s->add_option("--keep-finished", a.live.max_finished_flows,
                "Finished flows the console keeps in memory for its pages (each about 5 KB; "
                "older ones are in the history)")
      ->check(CLI::Range(size_t(0), size_t(10'000'000)))
      ->capture_default_str();
  s->add_option("--keep-finished-for", a.live.finished_keep_s,
                "Seconds the console keeps a finished flow (a capture file's: until the server "
                "stops, within --keep-finished)")
      ->check(CLI::Range(0.0, 1e9))
      ->capture_default_str();
  s->add_flag("-q,--quiet", a.quiet, "No periodic stats line (the exit report stays)");
  s->add_option("--duration", a.collector.duration_s, "Stop after this many seconds")
      ->check(CLI::Range(0.0, 1e9));
  s->add_option("-u,--user", a.user, "User to run as after opening the inputs")
      ->capture_default_str();
  s->add_flag("--keep-root", a.keep_root, "Keep root privileges (no drop)");
  add_console_options(s, a.console);
  return [args]() { return run(*args); };
}

}  // namespace vedetta
