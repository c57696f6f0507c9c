#include "collect/flow_sides.h"

#include <array>
#include <functional>
#include <unordered_map>
#include <vector>

#include "wire/elements.h"

namespace vedetta::collect {
namespace {

using wire::as_text;
using wire::as_unsigned;
using wire::FlowRecord;

constexpr uint32_t kInBytes = 1, kInPkts = 2, kProtocol = 4, kSrcPort = 7, kSrcV4 = 8,
                   kDstPort = 11, kDstV4 = 12, kLast = 21, kFirst = 22, kOutBytes = 23,
                   kOutPkts = 24, kSrcV6 = 27, kDstV6 = 28, kSrcVlan = 58, kStartSec = 150,
                   kEndSec = 151, kStartMs = 152, kEndMs = 153, kInitOctets = 231,
                   kRespOctets = 232, kInitPkts = 298, kRespPkts = 299;
constexpr uint32_t kExportReason = wire::kOwnBase + 1;

uint64_t number(const FlowRecord& r, uint32_t id) {
  uint64_t v = 0;
  as_unsigned(r.get(id), v);
  return v;
}

// Replaces every occurrence of each word of a pair by the other, at once.
std::string swapped_name(std::string_view name) {
  static const std::array<std::pair<std::string_view, std::string_view>, 5> kPairs = {{
      {"SRC", "DST"},
      {"IN_", "OUT_"},
      {"INITIATOR", "RESPONDER"},
      {"CLIENT", "SERVER"},
      {"INPUT", "OUTPUT"},
  }};
  std::string out;
  for (size_t i = 0; i < name.size();) {
    bool matched = false;
    for (auto [a, b] : kPairs) {
      for (auto [from, to] : {std::pair{a, b}, std::pair{b, a}}) {
        if (name.substr(i, from.size()) == from) {
          out += to;
          i += from.size();
          matched = true;
          break;
        }
      }
      if (matched) break;
    }
    if (!matched) out += name[i++];
  }
  return out;
}

}  // namespace

size_t FlowTupleHash::operator()(const FlowTuple& t) const {
  std::hash<std::string> h;
  size_t x = h(t.client_ip) * 31 + h(t.server_ip);
  return x ^ (size_t(t.client_port) << 16 | t.server_port) ^ (size_t(t.l4_proto) << 40) ^
         (size_t(t.vlan) << 48);
}

bool read_tuple(const FlowRecord& r, FlowTuple& t) {
  const bool v4 = as_text(r.get(kSrcV4), t.client_ip) && as_text(r.get(kDstV4), t.server_ip);
  if (!v4 && !(as_text(r.get(kSrcV6), t.client_ip) && as_text(r.get(kDstV6), t.server_ip)))
    return false;
  t.l4_proto = static_cast<uint8_t>(number(r, kProtocol));
  t.vlan = static_cast<uint16_t>(number(r, kSrcVlan));
  t.client_port = static_cast<uint16_t>(number(r, kSrcPort));
  t.server_port = static_cast<uint16_t>(number(r, kDstPort));
  return true;
}

bool read_span_ms(const FlowRecord& r, uint64_t& first_ms, uint64_t& last_ms) {
  if (as_unsigned(r.get(kStartMs), first_ms)) {
    if (!as_unsigned(r.get(kEndMs), last_ms)) last_ms = first_ms;
    return true;
  }
  for (auto [start, end] : {std::pair{kStartSec, kEndSec}, std::pair{kFirst, kLast}}) {
    uint64_t s = 0, e = 0;
    if (as_unsigned(r.get(start), s)) {
      if (!as_unsigned(r.get(end), e)) e = s;
      first_ms = s * 1000;
      last_ms = e * 1000 + 999;  // seconds: the whole last second
      return true;
    }
  }
  return false;
}

FlowCounters read_counters(const FlowRecord& r, bool& totals) {
  totals = r.get(kInitPkts) || r.get(kInitOctets);
  if (totals)
    return {number(r, kInitPkts), number(r, kInitOctets), number(r, kRespPkts),
            number(r, kRespOctets)};
  return {number(r, kInPkts), number(r, kInBytes), number(r, kOutPkts), number(r, kOutBytes)};
}

bool is_final_export(const FlowRecord& r) {
  std::string reason;
  return !as_text(r.get(kExportReason), reason) || reason != "active";
}

// By element name, once: the model asks for every field of every record
// (a dictionary search each time was a sixth of the collector's CPU).
Side side_by_name(uint32_t id) {
  const wire::Element* e = wire::find_element(id);
  if (!e) return Side::kNone;
  const std::string_view n = e->name;
  if (n.starts_with("SRC_PROC_") || n.starts_with("SRC_FATHER_PROC_")) return Side::kClient;
  if (n.starts_with("DST_PROC_") || n.starts_with("DST_FATHER_PROC_")) return Side::kServer;
  return Side::kNone;
}

Side process_side(uint32_t id) {
  static const std::vector<Side> kSides = [] {
    std::vector<Side> sides(1u << 16, Side::kNone);
    for (uint32_t i = 0; i < sides.size(); ++i) sides[i] = side_by_name(i);
    return sides;
  }();
  return id < kSides.size() ? kSides[id] : Side::kNone;
}

void swap_sides(FlowRecord& r) {
  static const std::unordered_map<uint32_t, uint32_t> kCounterpart = [] {
    std::unordered_map<uint32_t, uint32_t> m;
    for (uint32_t id = 1; id < wire::kOwnBase + 4096; ++id) {
      const wire::Element* e = wire::find_element(id);
      if (!e) continue;
      const std::string other = swapped_name(e->name);
      if (other == e->name) continue;
      if (const wire::Element* o = wire::find_element(other)) m[id] = o->id;
    }
    return m;
  }();
  for (wire::RecordField& f : r.fields) {
    auto it = kCounterpart.find(f.id);
    if (it != kCounterpart.end()) f.id = it->second;
  }
}

}  // namespace vedetta::collect
