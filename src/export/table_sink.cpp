#include "export/table_sink.h"

#include <netdb.h>

#include <cstdio>

#include "dpi/ndpi_engine.h"

namespace vedetta {
namespace {

class TextWriter : public FieldWriter {
 public:
  std::string value;
  void number(uint64_t v) override { value = std::to_string(v); }
  void real(double v) override {
    char b[32];
    std::snprintf(b, sizeof b, "%.3f", v);
    value = b;
  }
  void text(std::string_view v) override {
    value.clear();
    for (char c : v) value.push_back((c >= 0x20 && c < 0x7f) ? c : '?');  // terminal-safe
  }
  void boolean(bool v) override { value = v ? "true" : "false"; }
};

std::string endpoint_text(const Endpoint& e) {
  std::string a = e.addr.to_string();
  if (e.addr.version == 6) a = "[" + a + "]";
  return a + ":" + std::to_string(e.port);
}

std::string l4_name(uint8_t proto) {
  switch (proto) {
    case 6: return "TCP";
    case 17: return "UDP";
    case 1: return "ICMP";
    case 58: return "ICMPv6";
    default: return std::to_string(proto);
  }
}

std::string human_bytes(uint64_t b) {
  char buf[32];
  if (b < 10'000) std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(b));
  else if (b < 10'000'000) std::snprintf(buf, sizeof buf, "%.1fK", b / 1e3);
  else if (b < 10'000'000'000ULL) std::snprintf(buf, sizeof buf, "%.1fM", b / 1e6);
  else std::snprintf(buf, sizeof buf, "%.1fG", b / 1e9);
  return buf;
}

}  // namespace

std::string field_text(const FieldDef& f, const FlowExport& e) {
  TextWriter w;
  f.write(e, w);
  return w.value;
}

TableSink::TableSink(FILE* out, std::vector<const FieldDef*> template_fields)
    : out_(out), fields_(std::move(template_fields)) {}

void TableSink::header() {
  if (!fields_.empty()) {
    for (const FieldDef* f : fields_) std::fprintf(out_, "%-16.*s ", int(f->name.size()), f->name.data());
    std::fprintf(out_, "\n");
    return;
  }
  std::fprintf(out_, "%-8s %-6s %-46s %-46s %-18s %15s %17s %9s\n", "REASON", "L4", "CLIENT",
               "SERVER", "APPLICATION", "PKTS c>s/s>c", "BYTES c>s/s>c", "SECONDS");
}

void TableSink::write(const FlowExport& e) {
  if (rows_++ % 40 == 0) header();
  if (!fields_.empty()) {
    for (const FieldDef* f : fields_) std::fprintf(out_, "%-16s ", field_text(*f, e).c_str());
    std::fprintf(out_, "\n");
    return;
  }
  const Flow& f = e.flow;
  std::string app = (e.dpi && e.dpi->enabled()) ? e.dpi->protocol_name(f.dpi) : "-";
  if (f.tunnel != Tunnel::kNone) app = std::string(tunnel_name(f.tunnel)) + ":" + app;
  std::string pkts = std::to_string(f.c2s.packets) + "/" + std::to_string(f.s2c.packets);
  std::string bytes = human_bytes(f.c2s.ip_bytes) + "/" + human_bytes(f.s2c.ip_bytes);
  double secs = (f.last_us - f.first_us) / 1e6;
  std::fprintf(out_, "%-8s %-6s %-46s %-46s %-18s %15s %17s %9.2f\n", export_reason_name(e.reason),
               l4_name(f.key.l4_proto).c_str(), endpoint_text(f.client()).c_str(),
               endpoint_text(f.server()).c_str(), app.c_str(), pkts.c_str(), bytes.c_str(), secs);
}

}  // namespace vedetta
