// The periodic stats line and the exit report.
#include <cstdio>

#include "probe/probe.h"

#include "common/user_error.h"

namespace vedetta {
namespace {
std::string rate(double v, const char* unit) {
  char b[32];
  if (v >= 1e6) std::snprintf(b, sizeof b, "%.2f M%s", v / 1e6, unit);
  else if (v >= 1e3) std::snprintf(b, sizeof b, "%.1f k%s", v / 1e3, unit);
  else std::snprintf(b, sizeof b, "%.0f %s", v, unit);
  return b;
}
}  // namespace

std::string Probe::stats_line(double elapsed_s) const {
  CaptureStats cs = capture_stats();
  double secs = elapsed_s > 0 ? elapsed_s : 1;
  char b[512];
  int n = std::snprintf(b, sizeof b,
                        "vedetta: %llu pkts (%s/s), %s, flows %zu active %llu exported %llu evicted, "
                        "drops kernel %llu interface %llu, anomalies %llu",
                        (unsigned long long)counters_.packets, rate(counters_.packets / secs, "pkt").c_str(),
                        rate(counters_.bytes * 8 / secs, "bit/s").c_str(), table_->size(),
                        (unsigned long long)counters_.exported,
                        (unsigned long long)table_->stats().evicted,
                        (unsigned long long)cs.kernel_dropped,
                        (unsigned long long)cs.interface_dropped,
                        (unsigned long long)anomalies().total());
  std::string line(b, n > 0 ? n : 0);
  int64_t queue_full = export_queue_full();
  if (queue_full >= 0) line += ", drops.export_queue_full " + std::to_string(queue_full);
  if (attribution_) {
    AttributionStats a = attribution_->stats();
    std::snprintf(b, sizeof b, ", local flows attributed %.0f%% (%.0f%% of bytes)",
                  a.local_flows ? 100.0 * a.local_flows_attributed / a.local_flows : 0.0,
                  a.local_bytes ? 100.0 * a.local_bytes_attributed / a.local_bytes : 0.0);
    line += b;
  }
  if (!live()) {
    for (size_t i = 0; i < inputs_->size(); ++i) {
      double p = (*inputs_)[i].progress();
      if (p >= 0 && p < 1) {
        std::snprintf(b, sizeof b, ", %s %.0f%%", (*inputs_)[i].name().c_str(), p * 100);
        line += b;
      }
    }
  }
  return line;
}

int64_t Probe::export_queue_full() const {
  int64_t total = -1;
  for (const auto& s : sinks_)
    if (int64_t n = s->export_queue_full(); n >= 0) total = (total < 0 ? 0 : total) + n;
  return total;
}

std::string Probe::capture_report() const {
  std::string out;
  char b[512];
  CaptureStats cs = inputs_->total_stats();
  std::snprintf(b, sizeof b,
                "capture: %llu packets received, %llu dropped by the kernel, %llu dropped by the "
                "interface\n",
                (unsigned long long)cs.received, (unsigned long long)cs.kernel_dropped,
                (unsigned long long)cs.interface_dropped);
  out += b;
  for (size_t i = 0; i < inputs_->size() && inputs_->size() > 1; ++i) {
    CaptureStats s = (*inputs_)[i].stats();
    std::snprintf(b, sizeof b, "  %s: %llu received, %llu kernel drops, %llu interface drops\n",
                  (*inputs_)[i].name().c_str(), (unsigned long long)s.received,
                  (unsigned long long)s.kernel_dropped, (unsigned long long)s.interface_dropped);
    out += b;
  }
  return out;
}

// What the calls showed, and what they moved without showing it.
std::string Probe::agent_report() const {
  AgentStats a = agent_->stats();
  char b[1024];
  std::snprintf(b, sizeof b,
                "syscalls: %llu packets from %llu send/receive calls (and connects, accepts, "
                "closes), %llu receives left to their local sender, %llu events lost (ring "
                "buffer full), %llu calls on other fds left in the kernel\n"
                "not shown by the calls: sendfile/splice %llu calls, %llu bytes (in the flows, no "
                "data for nDPI); sendmmsg/recvmmsg %llu calls, %llu messages (bytes unknown, not in "
                "the flows); io_uring %llu enters, %llu submissions (their I/O is not seen); "
                "kernel TLS not detectable (its sockets look like plain TCP)\n",
                (unsigned long long)counters_.packets, (unsigned long long)a.calls,
                (unsigned long long)a.local_receives, (unsigned long long)a.drops.ringbuf_full,
                (unsigned long long)a.other_fds,
                (unsigned long long)a.dataless_calls, (unsigned long long)a.dataless_bytes,
                (unsigned long long)a.mmsg_calls, (unsigned long long)a.mmsg_messages,
                (unsigned long long)a.io_uring.enters, (unsigned long long)a.io_uring.sqes);
  return b;
}

std::string Probe::report() const {
  std::string out;
  char b[512];
  if (agent_) out += agent_report();
  else out += capture_report();
  const FlowTableStats& fs = table_->stats();
  std::snprintf(b, sizeof b,
                "flows: %llu packets in flows, %llu flows created, %llu records exported "
                "(%llu periodic), %llu evicted at the cap of %zu\n",
                (unsigned long long)counters_.flow_packets, (unsigned long long)fs.created,
                (unsigned long long)counters_.exported, (unsigned long long)fs.active_exports,
                (unsigned long long)fs.evicted, table_->options().max_flows);
  out += b;
  if (dpi_->enabled()) {
    const DpiStats& d = dpi_->stats();
    std::snprintf(b, sizeof b, "dpi: %llu packets inspected, %llu flows detected, %llu given up\n",
                  (unsigned long long)d.packets_inspected, (unsigned long long)d.flows_detected,
                  (unsigned long long)d.flows_guessed);
    out += b;
  }
  if (attribution_) {
    AttributionStats a = attribution_->stats();
    std::snprintf(b, sizeof b,
                  "attribution: %llu of %llu flows (%.1f%% of bytes) have a local process; "
                  "%llu of %llu flows with an address of this host (%.1f%% of their bytes); ",
                  (unsigned long long)a.flows_attributed, (unsigned long long)a.flows,
                  a.bytes ? 100.0 * a.bytes_attributed / a.bytes : 0.0,
                  (unsigned long long)a.local_flows_attributed, (unsigned long long)a.local_flows,
                  a.local_bytes ? 100.0 * a.local_bytes_attributed / a.local_bytes : 0.0);
    out += b;
    if (attribution_->scope() == FlowAttribution::NamespaceScope::kOwn)
      out += format("processes of this network namespace only (net:[%u]); ",
                    attribution_->own_namespace());
    else if (a.ends_by_interface)
      out += format("%llu flow ends looked up in the namespace their capture interface gives; ",
                    (unsigned long long)a.ends_by_interface);
    if (attribution_->source() == FlowAttribution::Source::kPoll)
      std::snprintf(b, sizeof b, "%llu socket scans (polling, no eBPF)\n", (unsigned long long)a.scans);
    else if (attribution_->source() == FlowAttribution::Source::kFed)
      std::snprintf(b, sizeof b, "from agent mode's events\n");
    else
      std::snprintf(b, sizeof b,
                    "%llu socket (%llu applied) and %llu process events received, events "
                    "lost: %llu socket, %llu process (ring buffer full); not needed, left in the "
                    "kernel: %llu repeated send/receive, %llu other\n",
                    (unsigned long long)a.socket_events,
                    (unsigned long long)a.socket_events_applied, (unsigned long long)a.process_events,
                    (unsigned long long)a.drops.ringbuf_full,
                    (unsigned long long)a.drops.process_ringbuf_full,
                    (unsigned long long)a.left_in_kernel_io, (unsigned long long)a.left_in_kernel_other);
    out += b;
  }
  for (const auto& s : sinks_) out += s->report();
  AnomalyCounters an = anomalies();
  if (an.total()) {
    out += "decoder:";
    for (size_t i = 0; i < an.counts.size(); ++i)
      if (an.counts[i]) {
        std::snprintf(b, sizeof b, " %s=%llu", anomaly_name(static_cast<Anomaly>(i)).data(),
                      (unsigned long long)an.counts[i]);
        out += b;
      }
    out += "\n";
  }
  return out;
}

}  // namespace vedetta
