#pragma once
// What a collected record says about its flow, read through the element
// ids: the tuple (client first), the time span, the counters, and which
// fields belong to the process at each end. Also turns a record around
// when a probe saw the flow the other way (client and server swapped).
#include <cstdint>
#include <string>

#include "wire/flow_record.h"

namespace vedetta::collect {

struct FlowTuple {
  uint8_t l4_proto = 0;
  uint16_t vlan = 0;
  std::string client_ip, server_ip;  // text, as on the wire
  uint16_t client_port = 0, server_port = 0;

  bool operator==(const FlowTuple&) const = default;
  FlowTuple reversed() const {
    return {l4_proto, vlan, server_ip, client_ip, server_port, client_port};
  }
};

struct FlowTupleHash {
  size_t operator()(const FlowTuple& t) const;
};

// False if the record has no addresses (not a flow we can place).
bool read_tuple(const wire::FlowRecord& r, FlowTuple& out);

// First and last packet in epoch ms, from whichever time elements the
// sender used (ms, seconds, or NetFlow's FIRST/LAST_SWITCHED in seconds);
// false if none.
bool read_span_ms(const wire::FlowRecord& r, uint64_t& first_ms, uint64_t& last_ms);

struct FlowCounters {
  uint64_t in_packets = 0, in_bytes = 0, out_packets = 0, out_bytes = 0;
  uint64_t packets() const { return in_packets + out_packets; }
};
// Totals if the record has them (INITIATOR_/RESPONDER_), else its deltas
// (IN_/OUT_); `totals` says which.
FlowCounters read_counters(const wire::FlowRecord& r, bool& totals);

// Whether the sender will say more about this flow: vedetta probes mark
// periodic exports of long flows EXPORT_REASON=active; everything else
// (other reasons, NetFlow, nProbe without the field) is taken as final.
bool is_final_export(const wire::FlowRecord& r);

enum class Side : uint8_t { kNone, kClient, kServer };
// Which end's process an element describes (SRC_PROC_*, SRC_FATHER_PROC_*
// = client; DST_... = server).
Side process_side(uint32_t id);

// Swaps client and server: addresses, ports, MACs, counters, flags and
// process fields (every SRC/DST, IN/OUT, INITIATOR/RESPONDER,
// CLIENT/SERVER pair of the element dictionary).
void swap_sides(wire::FlowRecord& r);

}  // namespace vedetta::collect
