#pragma once
// One bidirectional flow. Client = initiator: the SYN sender for TCP (a
// SYN+ACK seen first makes its receiver the client), otherwise the sender of
// the first packet; `direction_guessed` when the start was not seen.
#include <cstdint>
#include <string>

#include "common/compact_string.h"
#include "decode/decoded_packet.h"
#include "flow/flow_key.h"
#include "flow/tcp_health.h"

namespace vedetta {

enum class ExportReason : uint8_t { kIdle, kActiveTimeout, kEnd, kEviction, kShutdown };
const char* export_reason_name(ExportReason r);  // "idle", "active", "end", "eviction", "shutdown"

struct DirectionCounters {
  uint64_t packets = 0;
  uint64_t ip_bytes = 0;     // as the IP headers state them
  uint64_t frame_bytes = 0;  // layer 2 included (frame length on the wire)
  uint8_t tcp_flags = 0;     // OR of the flags seen
  uint32_t fragments = 0;    // first fragments seen
};

// What nDPI found. Filled by the DPI stage; plain data so the flow stage
// does not depend on nDPI.
struct DpiResult {
  uint16_t master_id = 0, app_id = 0;
  uint16_t category_id = 0;
  uint8_t confidence = 0;    // ndpi_confidence_t
  bool completed = false;    // detection finished (found or given up)
  CompactString host;        // hostname / SNI / SSH signature when nDPI gives one
};

struct Flow {
  FlowKey key;
  uint64_t id = 0;
  bool lo_is_client = true;  // which canonical endpoint is the client
  bool direction_guessed = false;
  Tunnel tunnel = Tunnel::kNone;
  uint8_t list = 0;          // which table list holds it (see FlowTable)
  uint16_t input_if = 0;     // capture source index (0 = first)
  uint8_t client_mac[6] = {}, server_mac[6] = {};
  uint32_t ifindex = 0;      // interface of the first packet, when its link header says ("any")

  uint64_t first_us = 0, last_us = 0;
  uint64_t last_export_us = 0;  // for the active timeout
  uint64_t closed_us = 0;       // FIN both ways or RST seen (0 = open)
  bool fin_seen[2] = {false, false};

  DirectionCounters c2s, s2c;  // totals
  // Totals at the previous export, for the deltas that IN_/OUT_ carry.
  struct Exported {
    uint64_t packets = 0, ip_bytes = 0;
  } exported_c2s, exported_s2c;

  TcpHealth tcp;
  DpiResult dpi;
  void* dpi_state = nullptr;  // owned by the DPI stage while it inspects

  Flow* prev = nullptr;  // intrusive list links (owned by FlowTable)
  Flow* next = nullptr;

  const Endpoint& client() const { return lo_is_client ? key.lo : key.hi; }
  const Endpoint& server() const { return lo_is_client ? key.hi : key.lo; }
};

}  // namespace vedetta
