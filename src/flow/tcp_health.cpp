#include "flow/tcp_health.h"

namespace vedetta {
namespace {
// Sequence comparison with wrap-around (RFC 1982).
inline bool seq_lt(uint32_t a, uint32_t b) { return int32_t(a - b) < 0; }
}  // namespace

void TcpHealth::on_packet(const DecodedPacket& p, int dir) {
  using namespace tcp_flag;
  uint8_t f = p.tcp_flags;
  if ((f & (kSyn | kAck)) == kSyn && dir == 0 && syn_us == 0) syn_us = p.ts_us;
  if ((f & (kSyn | kAck)) == (kSyn | kAck) && dir == 1 && synack_us == 0 && syn_us != 0) {
    synack_us = p.ts_us;
    server_rtt_us = static_cast<uint32_t>(p.ts_us - syn_us);
  }
  if ((f & (kSyn | kAck | kRst)) == kAck && dir == 0 && synack_us != 0 && client_rtt_us == 0)
    client_rtt_us = static_cast<uint32_t>(p.ts_us - synack_us);

  if (p.tcp_window == 0 && !(f & (kSyn | kRst | kFin))) ++zero_windows[dir];

  // Only segments that carry data (or SYN/FIN, which take a number) move
  // the sequence space.
  uint32_t len = p.payload_len + ((f & kSyn) ? 1 : 0) + ((f & kFin) ? 1 : 0);
  if (len == 0 || (f & kRst)) return;
  TcpSequenceTracker& t = seq[dir];
  uint32_t end = p.tcp_seq + len;
  if (!t.started || (f & kSyn)) {
    t.started = true;
    t.next_seq = end;
    t.hole = false;
    return;
  }
  if (p.tcp_seq == t.next_seq) {
    t.next_seq = end;
  } else if (seq_lt(t.next_seq, p.tcp_seq)) {  // a gap: something is missing
    if (!t.hole) {
      t.hole_start = t.next_seq;
      t.hole_end = p.tcp_seq;
    }
    t.hole = true;
    t.next_seq = end;
  } else if (t.hole && !seq_lt(p.tcp_seq, t.hole_start) && seq_lt(p.tcp_seq, t.hole_end)) {
    ++out_of_order[dir];  // fills the gap late
    if (p.tcp_seq == t.hole_start) t.hole_start = end;  // the gap shrinks from its start
    if (!seq_lt(end, t.next_seq)) t.next_seq = end;
    if (!seq_lt(t.hole_start, t.hole_end)) t.hole = false;
  } else {  // data seen before: sent again
    ++retransmissions[dir];
    if (seq_lt(t.next_seq, end)) t.next_seq = end;
  }
}

}  // namespace vedetta
