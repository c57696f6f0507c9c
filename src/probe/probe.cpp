#include "probe/probe.h"

#include <linux/capability.h>
#include <pcap/dlt.h>
#include <sys/stat.h>

#include <ctime>
#include <filesystem>
#include <cstdio>

#include "common/user_error.h"

namespace vedetta {
namespace {

// Processes with no flow exported for this long leave --processes-json.
constexpr uint64_t kProcessIdleUs = 600'000'000;
constexpr double kProcessesEveryS = 1;

// The file is replaced by rename, so its directory is what must exist (and
// be writable by --user, which only the first write, after the drop, shows).
void check_output_directory(const std::string& path) {
  std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/') + 1);
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw UserError(format("--processes-json '%s': no such directory '%s'", path.c_str(), dir.c_str()));
}

double now_s() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

uint64_t wall_us() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

}  // namespace

Probe::Probe(ProbeOptions options) : options_(std::move(options)) {
  if (options_.events_only) open_agent();
  else open_inputs();
  dpi_ = std::make_unique<NdpiEngine>(options_.dpi);
  using Attribution = ProbeOptions::Attribution;
  if (options_.attribution == Attribution::kOn && !live())
    throw UserError("--events ebpf attributes live traffic: a capture file is never matched "
                    "against the processes running now");
  if (options_.attribution != Attribution::kOff && live()) open_attribution();
  if (!options_.processes_json.empty() && !attribution_)
    throw UserError("--processes-json needs process attribution: live interfaces, --events "
                    "auto, ebpf or poll");
  if (!options_.processes_json.empty()) check_output_directory(options_.processes_json);

  table_ = std::make_unique<FlowTable>(options_.flows,
                                       [this](Flow& f, ExportReason r) { on_export(f, r); });
}

Probe::~Probe() = default;

void Probe::open_agent() {
  if (!options_.inputs.empty())
    throw UserError("--events-only builds flows from system calls: it takes no -i");
  if (!options_.capture.bpf_filter.empty())
    throw UserError("--events-only: -f filters packets, and agent mode captures none");
  try {
    agent_ = std::make_unique<AgentSource>(VEDETTA_SNAP_MAX);
  } catch (const UserError& e) {
    throw UserError(std::string("--events-only needs eBPF: ") + e.what());
  }
  decoders_.emplace_back(DLT_RAW, options_.decode);
}

void Probe::open_inputs() {
  if (options_.inputs.empty()) throw UserError("no input: give -i FILE.pcap or -i INTERFACE");
  std::vector<std::unique_ptr<PacketSource>> sources;
  for (const auto& name : options_.inputs) {
    sources.push_back(PacketSource::open(name, options_.capture));
    int dlt = sources.back()->datalink();
    if (!Decoder::supports_datalink(dlt))
      throw UserError(format("'%s': link type %s (%d) is not supported", name.c_str(),
                             pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt) : "?",
                             dlt));
    decoders_.emplace_back(dlt, options_.decode);
  }
  inputs_ = std::make_unique<CaptureGroup>(std::move(sources));
}

namespace {

// kAuto: own namespace only unless the probe runs in the initial one (that
// of pid 1), where containers' traffic passes through its interfaces.
FlowAttribution::NamespaceScope namespace_scope(ProbeOptions::NetnsScope asked) {
  using Scope = FlowAttribution::NamespaceScope;
  if (asked != ProbeOptions::NetnsScope::kAuto)
    return asked == ProbeOptions::NetnsScope::kOwn ? Scope::kOwn : Scope::kAll;
  struct stat own {}, init {};
  if (stat("/proc/self/ns/net", &own) != 0) return Scope::kAll;
  if (stat("/proc/1/ns/net", &init) == 0) return own.st_ino == init.st_ino ? Scope::kAll : Scope::kOwn;
  // pid 1 out of reach (another user namespace, a sandbox): a namespace
  // named by `ip netns` (bind-mounted under /run/netns) is not the initial one.
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/run/netns", ec)) {
    struct stat named {};
    if (stat(entry.path().c_str(), &named) == 0 && named.st_ino == own.st_ino &&
        named.st_dev == own.st_dev)
      return Scope::kOwn;
  }
  return Scope::kAll;
}

}  // namespace

void Probe::open_attribution() {
  using Attribution = ProbeOptions::Attribution;
  using Source = FlowAttribution::Source;
  const FlowAttribution::NamespaceScope scope = namespace_scope(options_.netns_scope);
  if (agent_) {  // agent mode's capture has every event attribution needs
    attribution_ = std::make_unique<FlowAttribution>(Source::kFed, options_.delayacct, scope);
    agent_->feed(attribution_.get());
    return;
  }
  std::string bpf_error;
  if (options_.attribution != Attribution::kPoll) {
    try {
      attribution_ = std::make_unique<FlowAttribution>(Source::kEbpf, options_.delayacct, scope);
      return;
    } catch (const UserError& e) {
      if (options_.attribution == Attribution::kOn) throw;
      bpf_error = e.what();
    }
  }
  attribution_ = std::make_unique<FlowAttribution>(Source::kPoll, options_.delayacct, scope);
  attribution_warning_ =
      "processes found by polling the sockets every second" +
      (bpf_error.empty() ? std::string() : " (no eBPF: " + bpf_error + ")") +
      "; a process that opens and closes its connection between two polls is missed";
}

// eBPF attribution needs nothing once running (the ring buffers are open);
// polling reads every process's /proc/PID/fd (a directory only its owner
// may list: CAP_DAC_READ_SEARCH; its links and /proc/PID/ns/net:
// CAP_SYS_PTRACE, read mode) and enters other network namespaces to create
// their sock_diag socket (setns: CAP_SYS_ADMIN).
std::vector<int> Probe::capabilities_needed() const {
  if (!attribution_ || attribution_->source() != FlowAttribution::Source::kPoll) return {};
  return {CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE, CAP_SYS_ADMIN};
}

void Probe::drain_attribution() {
  attribution_->drain();
  for (const std::string& w : attribution_->take_warnings())
    std::fprintf(stderr, "vedetta: warning: %s\n", w.c_str());
}

void Probe::write_processes(bool at_start) {
  uint64_t now = wall_us();
  activity_.expire(now, kProcessIdleUs);
  activity_.refresh([this](uint32_t pid) { return attribution_->current_process(pid); });
  try {
    activity_.write_file(options_.processes_json, now);
    processes_write_failed_ = false;
  } catch (const UserError& e) {
    if (at_start) throw;
    // Later (disk full...), the flows matter more: say it once, keep trying.
    if (!processes_write_failed_) std::fprintf(stderr, "vedetta: warning: %s\n", e.what());
    processes_write_failed_ = true;
  }
}

void Probe::on_export(Flow& f, ExportReason reason) {
  if (reason != ExportReason::kActiveTimeout) dpi_->finish(f);
  const char* name = "";
  unsigned ifindex = 0;
  if (agent_) {
    name = AgentSource::kInputName;
  } else if (f.input_if < inputs_->size()) {
    name = (*inputs_)[f.input_if].name().c_str();
    ifindex = (*inputs_)[f.input_if].ifindex();
  }
  FlowProcesses p;
  if (attribution_) {
    // The socket events of this flow may still wait in the ring buffer.
    double t = now_s();
    if (t - last_drain_ > 0.001) {
      drain_attribution();
      last_drain_ = t;
    }
    // The interface says whose sockets the ends are ("any": the packet's own).
    p = attribution_->lookup(f, ifindex ? ifindex : f.ifindex);
  }
  FlowExport e{f,
               reason,
               dpi_.get(),
               name,
               ifindex,
               std::move(p.client),
               std::move(p.server),
               p.client_resources,
               p.server_resources,
               std::move(p.client_others),
               std::move(p.server_others),
               attribution_ != nullptr};
  if (!options_.processes_json.empty()) activity_.on_export(e);
  for (auto& s : sinks_) s->write(e);
  ++counters_.exported;
}

void Probe::process(const RawPacket& raw, size_t source) {
  ++counters_.packets;
  counters_.bytes += raw.wire_len;
  last_packet_us_ = raw.ts_us;
  DecodedPacket p;
  if (!decoders_[source].decode(raw.data, raw.caplen, raw.wire_len, raw.ts_us, p)) return;
  ++counters_.flow_packets;
  bool from_client;
  Flow& f = table_->update(p, static_cast<uint16_t>(source), from_client);
  dpi_->on_packet(f, p);
  // Timeouts run on packet time, once per second of it.
  if (raw.ts_us >= last_expire_us_ + 1'000'000) {
    table_->expire(raw.ts_us);
    last_expire_us_ = raw.ts_us;
  }
}

CaptureGroup::Next Probe::next_packet(RawPacket& raw, size_t& source) {
  if (!agent_) return inputs_->next(raw, source);
  source = 0;
  return agent_->next(raw) == AgentSource::Next::kPacket ? CaptureGroup::Next::kPacket
                                                         : CaptureGroup::Next::kIdle;
}

CaptureStats Probe::capture_stats() const {
  if (!agent_) return inputs_->total_stats();
  CaptureStats s;
  s.received = counters_.packets;
  s.kernel_dropped = agent_->stats().drops.ringbuf_full;
  return s;
}

void Probe::run() {
  started_ = now_s();
  // A first (empty) file now: a directory the user cannot write to is an
  // error at start, not a surprise later.
  if (!options_.processes_json.empty()) write_processes(/*at_start=*/true);
  last_processes_write_ = started_;
  double next_stats = started_ + options_.stats_interval_s;
  RawPacket raw;
  size_t source = 0;
  uint64_t since_clock_check = 0;
  while (!stop_requested_) {
    auto r = next_packet(raw, source);
    if (r == CaptureGroup::Next::kEnd) break;
    if (r == CaptureGroup::Next::kPacket) {
      process(raw, source);
      if (options_.max_packets && counters_.packets >= options_.max_packets) break;
      if (++since_clock_check < 1024) continue;  // read the clock rarely on busy links
    } else if (live()) {
      table_->expire(wall_us());  // a quiet link still ages its flows
    }
    since_clock_check = 0;
    double t = now_s();
    if (attribution_) {
      drain_attribution();
      last_drain_ = t;
    }
    if (!options_.processes_json.empty() && t >= last_processes_write_ + kProcessesEveryS) {
      write_processes(false);
      last_processes_write_ = t;
    }
    if (live() && options_.active_export_s > 0 &&
        t >= last_active_export_ + options_.active_export_s) {
      table_->export_active(wall_us(), static_cast<uint64_t>(options_.active_export_s * 1e6));
      last_active_export_ = t;
    }
    for (auto& s : sinks_) s->tick();
    if (options_.duration_s > 0 && t - started_ >= options_.duration_s) break;
    if (options_.stats_interval_s > 0 && t >= next_stats) {
      std::fprintf(stderr, "%s\n", stats_line(t - started_).c_str());
      next_stats = t + options_.stats_interval_s;
    }
  }
  // Calls still in the reorder window are flows' last bytes.
  if (agent_)
    while (agent_->next_remaining(raw)) process(raw, 0);
  if (attribution_) drain_attribution();
  table_->flush(ExportReason::kShutdown);
  for (auto& s : sinks_) s->flush();
  if (!options_.processes_json.empty()) write_processes(false);
}

AnomalyCounters Probe::anomalies() const {
  AnomalyCounters total;
  for (const auto& d : decoders_)
    for (size_t i = 0; i < total.counts.size(); ++i) total.counts[i] += d.anomalies().counts[i];
  // Agent mode's packets hold only the data the kernel copied: cut by design.
  if (agent_) total.counts[size_t(Anomaly::kSnaplenTruncated)] = 0;
  return total;
}

}  // namespace vedetta
