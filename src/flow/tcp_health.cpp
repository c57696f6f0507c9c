#include "flow/tcp_health.h"

namespace vedetta {
namespace {
// Sequence comparison with wrap-around (RFC 1982).
inline bool seq_lt(uint32_t a, uint32_t b) { return int32_t(a - b) < 0; }
inline void count_up_to_max(uint16_t& n) {
  if (n < TcpHealth::kCountMax) ++n;
}
}  // namespace

void TcpHealth::on_packet(const DecodedPacket& p, int dir) {
  using namespace tcp_flag;
  uint8_t f = p.tcp_flags;
  // Round trips in uint32_t: differences of the times' low 32 bits.
  const uint32_t now = static_cast<uint32_t>(p.ts_us);
  if ((f & (kSyn | kAck)) == kSyn && dir == 0 && handshake_ == kNoSyn) {
    handshake_ = kSynSeen;
    handshake_mark_ = now;
  }
  if ((f & (kSyn | kAck)) == (kSyn | kAck) && dir == 1 && handshake_ == kSynSeen) {
    server_rtt_us = now - handshake_mark_;
    handshake_ = kSynAckSeen;
    handshake_mark_ = now;
  }
  if ((f & (kSyn | kAck | kRst)) == kAck && dir == 0 && handshake_ == kSynAckSeen && client_rtt_us == 0)
    client_rtt_us = now - handshake_mark_;

  if (p.tcp_window == 0 && !(f & (kSyn | kRst | kFin))) count_up_to_max(zero_windows[dir]);

  // Only segments that carry data (or SYN/FIN, which take a number) move
  // the sequence space.
  uint32_t len = p.payload_len + ((f & kSyn) ? 1 : 0) + ((f & kFin) ? 1 : 0);
  if (len == 0 || (f & kRst)) return;
  TcpSequenceTracker& t = seq[dir];
  const uint8_t bit = uint8_t(1u << dir);
  uint32_t end = p.tcp_seq + len;
  if (!(seq_started_ & bit) || (f & kSyn)) {
    seq_started_ |= bit;
    t.next_seq = end;
    seq_hole_ &= ~bit;
    return;
  }
  if (p.tcp_seq == t.next_seq) {
    t.next_seq = end;
  } else if (seq_lt(t.next_seq, p.tcp_seq)) {  // a gap: something is missing
    if (!(seq_hole_ & bit)) {
      t.hole_start = t.next_seq;
      t.hole_end = p.tcp_seq;
    }
    seq_hole_ |= bit;
    t.next_seq = end;
  } else if ((seq_hole_ & bit) && !seq_lt(p.tcp_seq, t.hole_start) && seq_lt(p.tcp_seq, t.hole_end)) {
    count_up_to_max(out_of_order[dir]);  // fills the gap late
    if (p.tcp_seq == t.hole_start) t.hole_start = end;  // the gap shrinks from its start
    if (!seq_lt(end, t.next_seq)) t.next_seq = end;
    if (!seq_lt(t.hole_start, t.hole_end)) seq_hole_ &= ~bit;
  } else {  // data seen before: sent again
    ++retransmissions[dir];
    if (seq_lt(t.next_seq, end)) t.next_seq = end;
  }
}

}  // namespace vedetta
