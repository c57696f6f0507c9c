#pragma once
// A flow is the packets that share (VLAN, L4 protocol, {address, port} pair)
// in either direction. The key stores the pair in a canonical order (the
// lower endpoint first) so both directions find the same flow.
#include <cstdint>
#include <functional>

#include "common/ip_address.h"
#include "decode/decoded_packet.h"

namespace vedetta {

struct Endpoint {
  IpAddress addr;
  uint16_t port = 0;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
  friend auto operator<=>(const Endpoint& a, const Endpoint& b) {
    if (auto c = a.addr <=> b.addr; c != 0) return c;
    return a.port <=> b.port;
  }
};

struct FlowKey {
  Endpoint lo, hi;  // lo <= hi
  uint16_t vlan = 0;
  uint8_t l4_proto = 0;

  // Builds the key of a packet; `sender_is_lo` tells which side sent it.
  static FlowKey of(const DecodedPacket& p, bool& sender_is_lo);
  uint64_t hash() const;
  friend bool operator==(const FlowKey&, const FlowKey&) = default;
};

}  // namespace vedetta
