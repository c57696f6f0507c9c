// The periodic stats line and the exit report.
#include <cstdio>

#include "probe/probe.h"

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
  CaptureStats cs = inputs_->total_stats();
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
  if (attribution_) {
    AttributionStats a = attribution_->stats();
    std::snprintf(b, sizeof b, ", attributed %.0f%% of flows", a.flows ? 100.0 * a.flows_attributed / a.flows : 0.0);
    line += b;
  }
  if (inputs_->files()) {
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

std::string Probe::report() const {
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
    std::snprintf(b, sizeof b, "attribution: %llu of %llu flows (%.1f%% of bytes) have a local process; ",
                  (unsigned long long)a.flows_attributed, (unsigned long long)a.flows,
                  a.bytes ? 100.0 * a.bytes_attributed / a.bytes : 0.0);
    out += b;
    if (attribution_->source() == FlowAttribution::Source::kPoll)
      std::snprintf(b, sizeof b, "%llu socket scans (polling, no eBPF)\n", (unsigned long long)a.scans);
    else
      std::snprintf(b, sizeof b,
                    "%llu socket (%llu applied) and %llu process events received, events "
                    "lost: %llu socket, %llu process (ring buffer full)\n",
                    (unsigned long long)a.socket_events,
                    (unsigned long long)a.socket_events_applied, (unsigned long long)a.process_events,
                    (unsigned long long)a.drops.ringbuf_full,
                    (unsigned long long)a.drops.process_ringbuf_full);
    out += b;
  }
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
