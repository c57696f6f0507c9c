#pragma once
// Per-flow TCP health for "who is slow": handshake round trips,
// retransmissions, out-of-order segments and zero windows, per direction.
#include <cstdint>

#include "decode/decoded_packet.h"

namespace vedetta {

struct TcpSequenceTracker {
  uint32_t next_seq = 0;   // highest sequence end seen
  uint32_t hole_start = 0; // first byte still missing in the gap
  uint32_t hole_end = 0;   // where the gap ended when it was seen
};

struct TcpHealth {
  // Handshake: SYN → SYN+ACK is the server side of the round trip (as the
  // probe sees it), SYN+ACK → ACK the client side. 0 = not measured.
  uint32_t server_rtt_us = 0, client_rtt_us = 0;
  uint32_t retransmissions[2] = {0, 0};  // [0] client→server, [1] server→client
  // These two stop at kCountMax (65535) rather than wrap: both are rare
  // events, and 16 bits keep a flow within its memory target (flow.h).
  uint16_t out_of_order[2] = {0, 0};
  uint16_t zero_windows[2] = {0, 0};
  static constexpr uint16_t kCountMax = 0xffff;
  TcpSequenceTracker seq[2];

  // `dir` 0 = from the client, 1 = from the server.
  void on_packet(const DecodedPacket& p, int dir);

 private:
  enum Handshake : uint8_t { kNoSyn, kSynSeen, kSynAckSeen };
  // The time of the handshake's last step (SYN, then SYN+ACK), its low 32
  // bits only: a round trip is a uint32_t of microseconds anyway.
  uint32_t handshake_mark_ = 0;
  uint8_t handshake_ : 2 = kNoSyn;
  uint8_t seq_started_ : 2 = 0;  // bit `dir`: that direction's sequence seen
  uint8_t seq_hole_ : 2 = 0;     // bit `dir`: a gap is open in that direction
};

}  // namespace vedetta
