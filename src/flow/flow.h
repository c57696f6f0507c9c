#pragma once
// One bidirectional flow. Client = initiator: the SYN sender for TCP (a
// SYN+ACK seen first makes its receiver the client), otherwise the sender of
// the first packet; `direction_guessed` when the start was not seen.
//
// A probe holds up to a million of these, so the layout is kept tight (see
// the size check at the end and docs/benchmarks.md, "Memory per flow"): what
// few flows need lives in FlowExtras, counters share words with flags.
#include <cstdint>
#include <string>

#include "decode/decoded_packet.h"
#include "flow/dpi_result.h"
#include "flow/flow_extras.h"
#include "flow/flow_key.h"
#include "flow/tcp_health.h"

namespace vedetta {

enum class ExportReason : uint8_t { kIdle, kActiveTimeout, kEnd, kEviction, kShutdown };
const char* export_reason_name(ExportReason r);  // "idle", "active", "end", "eviction", "shutdown"

struct DirectionCounters {
  uint64_t packets = 0;
  uint64_t ip_bytes = 0;             // as the IP headers state them
  uint64_t frame_bytes : 56 = 0;     // layer 2 included (frame length on the wire);
                                     // 2^56 bytes: 180 years of 100 Gb/s
  uint64_t tcp_flags : 8 = 0;        // OR of the flags seen
};

struct Flow {
  FlowKey key;
  uint16_t input_if = 0;     // capture source index (0 = first)
  uint8_t client_mac[6] = {}, server_mac[6] = {};
  Tunnel tunnel = Tunnel::kNone;
  bool lo_is_client : 1 = true;  // which canonical endpoint is the client
  bool direction_guessed : 1 = false;
  bool fin_from_client : 1 = false, fin_from_server : 1 = false;
  uint8_t list : 1 = 0;      // which table list holds it (see FlowTable)
  uint32_t ifindex = 0;      // interface of the first packet, when its link header says ("any")

  TcpHealth tcp;
  uint32_t prev = 0, next = 0;  // list links: slab indices (owned by FlowTable; 0 = none)

  uint64_t id = 0;
  uint64_t first_us = 0, last_us = 0;
  DirectionCounters c2s, s2c;  // totals
  DpiResult dpi;               // dpi.host also holds nDPI's state while it inspects
  FlowExtrasBox extras_box;

  const Endpoint& client() const { return lo_is_client ? key.lo : key.hi; }
  const Endpoint& server() const { return lo_is_client ? key.hi : key.lo; }

  // The DPI stage's state while it inspects (null otherwise).
  void* dpi_state() const { return dpi.host.state(); }
  void set_dpi_state(void* s) { dpi.host.hold_state(s); }

  // Rarely needed values, with their defaults when no FlowExtras exists.
  FlowExtras& extras() {
    if (FlowExtras* x = extras_box.get()) return *x;
    FlowExtras& x = extras_box.create();
    x.last_export_us = first_us;
    return x;
  }
  const ExportedCounts& exported_c2s() const { return x() ? x()->exported_c2s : kNothingExported; }
  const ExportedCounts& exported_s2c() const { return x() ? x()->exported_s2c : kNothingExported; }
  uint64_t last_export_us() const { return x() ? x()->last_export_us : first_us; }
  uint64_t closed_us() const { return x() ? x()->closed_us : 0; }
  uint32_t fragments(int dir) const { return x() ? x()->fragments[dir] : 0; }

 private:
  static constexpr ExportedCounts kNothingExported{};
  const FlowExtras* x() const { return extras_box.get(); }
};

// At most 224 bytes: with the table's 8 bytes per slot, 35 % to 70 % full
// (11 to 23 bytes per flow), and the host name of the flows that have one,
// the probe stays under its target of 256 bytes per flow beyond nDPI's state
// (issue 2). A field added here must find room
// in the padding or go to FlowExtras.
static_assert(sizeof(Flow) <= 224, "Flow grew: see docs/benchmarks.md, Memory per flow");

}  // namespace vedetta
