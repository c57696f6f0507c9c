// libFuzzer target over the whole per-packet path: Decoder → FlowTable →
// NdpiEngine → export (JSON rendering of every field). See fuzz_input.h for
// the input format. Besides the sanitizers, it checks the decoder's and the
// table's promises and traps when one is broken:
//   - a decoded packet's l3/payload pointers stay inside the frame;
//   - every flow created leaves through the export callback exactly once.
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>

#include "decode/decoder.h"
#include "dpi/ndpi_engine.h"
#include "export/fields.h"
#include "export/json_lines_sink.h"
#include "flow/flow_table.h"
#include "fuzz_input.h"

namespace {

using namespace vedetta;

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

void check_packet(const DecodedPacket& p, const uint8_t* frame, uint32_t caplen) {
  const uint8_t* end = frame + caplen;
  if (!p.l3 || p.l3 < frame || p.l3 > end) broken("l3 outside the frame");
  if (p.l3 + p.l3_captured != end) broken("l3_captured does not reach the frame's end");
  if (p.payload && (p.payload < frame || p.payload > end)) broken("payload outside the frame");
  if (p.src.version != p.dst.version || (p.src.version != 4 && p.src.version != 6))
    broken("address family");
  if (p.is_tcp && p.l4_proto != 6) broken("is_tcp without TCP");
  if (p.frame_len < p.caplen || p.wire_len < p.caplen) broken("frame length below caplen");
  // Read what the decoder says is captured: ASan flags a bad pointer here.
  volatile uint8_t sink = 0;
  for (uint32_t i = 0; i < p.l3_captured; ++i) sink = sink ^ p.l3[i];
  if (p.payload) {
    size_t avail = static_cast<size_t>(end - p.payload);
    size_t n = p.payload_len < avail ? p.payload_len : avail;
    for (size_t i = 0; i < n; ++i) sink = sink ^ p.payload[i];
  }
}

NdpiEngine& dpi() {
  // nDPI takes long to set up: one engine for the whole run (never freed).
  static NdpiEngine* engine = new NdpiEngine(DpiOptions{});
  return *engine;
}

std::vector<const FieldDef*> every_field() {
  std::vector<const FieldDef*> out;
  for (const auto& f : all_fields()) out.push_back(&f);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static const std::vector<const FieldDef*> fields = every_field();
  NdpiEngine& engine = dpi();

  uint8_t config = data[0];
  DecoderOptions dopt;
  dopt.decode_tunnels = !(config & fuzz::kNoTunnels);
  dopt.discard_truncated = (config & fuzz::kDiscardTruncated) != 0;
  Decoder decoder(fuzz::kDatalinks[(config & 0x0f) % fuzz::kDatalinkCount], dopt);

  // Small limits so timeouts, TCP close and eviction happen within an input.
  FlowTableOptions topt;
  topt.idle_timeout_us = 2'000'000;
  topt.active_timeout_us = 3'000'000;
  topt.tcp_close_timeout_us = 1'000'000;
  topt.max_flows = 4;

  std::unordered_map<uint64_t, int> final_exports;
  uint64_t created_seen = 0;
  std::string line;
  FlowTable table(topt, [&](Flow& f, ExportReason r) {
    if (final_exports.count(f.id) && final_exports[f.id] != 0) broken("flow exported twice");
    if (r != ExportReason::kActiveTimeout) {
      engine.finish(f);
      ++final_exports[f.id];
      if (f.dpi_state()) broken("nDPI state left after the final export");
    }
    line.clear();
    JsonLinesSink::render(FlowExport{f, r, &engine, "fuzz"}, fields, line);
    if (line.empty() || line.back() != '\n') broken("rendered line");
  });

  uint64_t ts = 1'600'000'000ULL * 1'000'000;
  size_t pos = 1;
  while (pos + fuzz::kRecordHeader <= size) {
    ts += data[pos] * fuzz::kGapUnitUs;
    size_t len = data[pos + 1] | size_t(data[pos + 2]) << 8;
    pos += fuzz::kRecordHeader;
    if (len > size - pos) len = size - pos;
    // An exactly sized copy: any read past the captured bytes hits a redzone.
    std::unique_ptr<uint8_t[]> frame(new uint8_t[len ? len : 1]);
    if (len) std::memcpy(frame.get(), data + pos, len);
    pos += len;

    DecodedPacket p;
    uint32_t caplen = static_cast<uint32_t>(len);
    if (decoder.decode(frame.get(), caplen, caplen + (ts & 0x3f), ts, p)) {
      check_packet(p, frame.get(), caplen);
      bool from_client = false;
      uint64_t before = table.stats().created;
      Flow& f = table.update(p, 0, from_client);
      if (table.stats().created != before) ++created_seen;
      if (final_exports.count(f.id)) broken("packet counted in an exported flow");
      if (table.size() > topt.max_flows) broken("table above max_flows");
      engine.on_packet(f, p);
    }
    table.expire(ts);
  }
  table.flush();
  if (table.size() != 0) broken("flush left flows");
  if (table.stats().created != created_seen) broken("created count");
  if (table.stats().exported != table.stats().created) broken("created != exported");
  if (final_exports.size() != created_seen) broken("a flow never left through the callback");
  return 0;
}
