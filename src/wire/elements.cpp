#include "wire/elements.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include "wire/flow_record.h"

namespace vedetta::wire {
namespace {

using K = ElementKind;

// Sorted by id. IANA ids first, then ntop's (57472 + n), then vedetta's (61440 + n).
const Element kElements[] = {
    {1, "IN_BYTES", K::kUnsigned, 8},
    {2, "IN_PKTS", K::kUnsigned, 8},
    {4, "PROTOCOL", K::kUnsigned, 1},
    {5, "SRC_TOS", K::kUnsigned, 1},
    {6, "TCP_FLAGS", K::kUnsigned, 1},
    {7, "L4_SRC_PORT", K::kUnsigned, 2},
    {8, "IPV4_SRC_ADDR", K::kIpv4, 4},
    {9, "IPV4_SRC_MASK", K::kUnsigned, 1},
    {10, "INPUT_SNMP", K::kUnsigned, 4},
    {11, "L4_DST_PORT", K::kUnsigned, 2},
    {12, "IPV4_DST_ADDR", K::kIpv4, 4},
    {13, "IPV4_DST_MASK", K::kUnsigned, 1},
    {14, "OUTPUT_SNMP", K::kUnsigned, 4},
    {15, "IPV4_NEXT_HOP", K::kIpv4, 4},
    {16, "SRC_AS", K::kUnsigned, 4},
    {17, "DST_AS", K::kUnsigned, 4},
    {21, "LAST_SWITCHED", K::kUnsigned, 4},
    {22, "FIRST_SWITCHED", K::kUnsigned, 4},
    {23, "OUT_BYTES", K::kUnsigned, 8},
    {24, "OUT_PKTS", K::kUnsigned, 8},
    {27, "IPV6_SRC_ADDR", K::kIpv6, 16},
    {28, "IPV6_DST_ADDR", K::kIpv6, 16},
    {32, "ICMP_TYPE", K::kUnsigned, 2},
    {42, "TOTAL_FLOWS_EXP", K::kUnsigned, 8},
    {56, "IN_SRC_MAC", K::kMac, 6},
    {57, "OUT_DST_MAC", K::kMac, 6},
    {58, "SRC_VLAN", K::kUnsigned, 2},
    {59, "DST_VLAN", K::kUnsigned, 2},
    {60, "IP_PROTOCOL_VERSION", K::kUnsigned, 1},
    {61, "DIRECTION", K::kUnsigned, 1},
    {85, "OCTET_TOTAL_COUNT", K::kUnsigned, 8},
    {86, "PACKET_TOTAL_COUNT", K::kUnsigned, 8},
    {136, "FLOW_END_REASON", K::kUnsigned, 1},
    {148, "FLOW_ID", K::kUnsigned, 8},
    {150, "FLOW_START_SEC", K::kUnsigned, 4},
    {151, "FLOW_END_SEC", K::kUnsigned, 4},
    {152, "FLOW_START_MILLISECONDS", K::kUnsigned, 8},
    {153, "FLOW_END_MILLISECONDS", K::kUnsigned, 8},
    {154, "FLOW_START_MICROSECONDS", K::kUnsigned, 8},
    {155, "FLOW_END_MICROSECONDS", K::kUnsigned, 8},
    {231, "INITIATOR_OCTETS", K::kUnsigned, 8},
    {232, "RESPONDER_OCTETS", K::kUnsigned, 8},
    {298, "INITIATOR_PKTS", K::kUnsigned, 8},
    {299, "RESPONDER_PKTS", K::kUnsigned, 8},
    {57550, "CLIENT_TCP_FLAGS", K::kUnsigned, 1},
    {57551, "SERVER_TCP_FLAGS", K::kUnsigned, 1},
    {57552, "SRC_FRAGMENTS", K::kUnsigned, 4},
    {57553, "DST_FRAGMENTS", K::kUnsigned, 4},
    {57581, "RETRANSMITTED_IN_PKTS", K::kUnsigned, 4},
    {57582, "RETRANSMITTED_OUT_PKTS", K::kUnsigned, 4},
    {57583, "OOORDER_IN_PKTS", K::kUnsigned, 4},
    {57584, "OOORDER_OUT_PKTS", K::kUnsigned, 4},
    {57590, "L7_PROTO", K::kText, 16},
    {57591, "L7_PROTO_NAME", K::kText, 32},
    {57595, "CLIENT_NW_LATENCY_MS", K::kReal, 4},
    {57596, "SERVER_NW_LATENCY_MS", K::kReal, 4},
    {57640, "SRC_PROC_PID", K::kUnsigned, 4},
    {57641, "SRC_PROC_NAME", K::kText, 16},
    {57844, "SRC_PROC_USER_NAME", K::kText, 16},
    {57845, "SRC_FATHER_PROC_PID", K::kUnsigned, 4},
    {57846, "SRC_FATHER_PROC_NAME", K::kText, 16},
    {57847, "DST_PROC_PID", K::kUnsigned, 4},
    {57848, "DST_PROC_NAME", K::kText, 16},
    {57849, "DST_PROC_USER_NAME", K::kText, 16},
    {57850, "DST_FATHER_PROC_PID", K::kUnsigned, 4},
    {57851, "DST_FATHER_PROC_NAME", K::kText, 16},
    {57855, "SRC_PROC_ACTUAL_MEMORY", K::kUnsigned, 4},
    {57856, "SRC_PROC_PEAK_MEMORY", K::kUnsigned, 4},
    {57857, "SRC_PROC_AVERAGE_CPU_LOAD", K::kUnsigned, 4},
    {57858, "SRC_PROC_NUM_PAGE_FAULTS", K::kUnsigned, 4},
    {57859, "DST_PROC_ACTUAL_MEMORY", K::kUnsigned, 4},
    {57860, "DST_PROC_PEAK_MEMORY", K::kUnsigned, 4},
    {57861, "DST_PROC_AVERAGE_CPU_LOAD", K::kUnsigned, 4},
    {57862, "DST_PROC_NUM_PAGE_FAULTS", K::kUnsigned, 4},
    {57865, "SRC_PROC_PCTG_IOWAIT", K::kUnsigned, 4},
    {57866, "DST_PROC_PCTG_IOWAIT", K::kUnsigned, 4},
    {57897, "SRC_PROC_UID", K::kUnsigned, 4},
    {57898, "DST_PROC_UID", K::kUnsigned, 4},
    {58028, "SRC_PROC_CMDLINE", K::kText, 128},
    {58029, "DST_PROC_CMDLINE", K::kText, 128},
    {58030, "SRC_PROC_CONTAINER_ID", K::kText, 64},
    {58031, "DST_PROC_CONTAINER_ID", K::kText, 64},
    {61441, "EXPORT_REASON", K::kText, 8},
    {61442, "INTERFACE_NAME", K::kText, 16},
    {61443, "INITIATOR_FRAME_OCTETS", K::kUnsigned, 8},
    {61444, "RESPONDER_FRAME_OCTETS", K::kUnsigned, 8},
    {61445, "DIRECTION_GUESSED", K::kBool, 1},
    {61446, "ZERO_WINDOW_IN_PKTS", K::kUnsigned, 4},
    {61447, "ZERO_WINDOW_OUT_PKTS", K::kUnsigned, 4},
    {61448, "L7_MASTER_PROTO", K::kUnsigned, 2},
    {61449, "L7_APP_PROTO", K::kUnsigned, 2},
    {61450, "L7_CATEGORY", K::kText, 16},
    {61451, "L7_CONFIDENCE", K::kText, 16},
    {61452, "FLOW_SERVER_NAME", K::kText, 64},
    {61453, "TUNNEL", K::kText, 8},
    {61454, "SRC_PROC_EXE", K::kText, 64},
    {61455, "DST_PROC_EXE", K::kText, 64},
    {61456, "SRC_PROC_CGROUP", K::kText, 64},
    {61457, "DST_PROC_CGROUP", K::kText, 64},
    {61458, "SRC_PROC_CPU_NS", K::kUnsigned, 8},
    {61459, "SRC_PROC_MINOR_FAULTS", K::kUnsigned, 4},
    {61460, "SRC_PROC_MAJOR_FAULTS", K::kUnsigned, 4},
    {61461, "DST_PROC_CPU_NS", K::kUnsigned, 8},
    {61462, "DST_PROC_MINOR_FAULTS", K::kUnsigned, 4},
    {61463, "DST_PROC_MAJOR_FAULTS", K::kUnsigned, 4},
    {61464, "FLOW_LOCAL_ENDS", K::kText, 8},
    {61465, "SRC_PROC_SHARED_WITH", K::kText, 32},
    {61466, "DST_PROC_SHARED_WITH", K::kText, 32},
    // Added by a collector to the flows it merged and re-exports.
    {61467, "COLLECTOR_INPUT", K::kText, 32},
    {61468, "FLOW_OBSERVATIONS", K::kUnsigned, 2},
    {61469, "COUNTERS_FROM", K::kText, 64},
};

}  // namespace

const Element* find_element(uint32_t id) {
  auto it = std::lower_bound(std::begin(kElements), std::end(kElements), id,
                             [](const Element& e, uint32_t v) { return e.id < v; });
  return it != std::end(kElements) && it->id == id ? &*it : nullptr;
}

const Element* find_element(std::string_view name) {
  for (const Element& e : kElements)
    if (e.name == name) return &e;
  return nullptr;
}

uint32_t element_id_of_key(std::string_view key) {
  if (key.empty()) return 0;
  if (key[0] >= '0' && key[0] <= '9') {
    const char* end = key.data() + key.size();
    uint32_t first = 0;
    auto r = std::from_chars(key.data(), end, first);
    if (r.ec != std::errc()) return 0;
    if (r.ptr == end) return first;  // "8", "57590"
    // "PEN.id": only ntop's enterprise maps onto our numbering.
    uint32_t element = 0;
    if (*r.ptr != '.' || first != kNtopPen) return 0;
    auto r2 = std::from_chars(r.ptr + 1, end, element);
    if (r2.ec != std::errc() || r2.ptr != end || element >= kOwnBase - kNtopBase) return 0;
    return ntop_element(element);
  }
  const Element* e = find_element(key);
  return e ? e->id : 0;
}

}  // namespace vedetta::wire
