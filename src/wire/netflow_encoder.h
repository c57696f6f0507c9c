#pragma once
// Flow records → NetFlow v9 (RFC 3954) or IPFIX (RFC 7011) export packets.
//
// Each distinct set of fields (IPv4 or IPv6, with or without process
// fields...) gets its own template, announced in the packet where it is
// first used and again once a refresh is due (every N packets or M
// seconds, whichever comes first). Field lengths come from the element
// dictionary (wire/elements.h); text is cut and NUL-padded to that length
// in NetFlow v9 and sent whole, variable-length, in IPFIX. Times travel as
// flowStart/EndMilliseconds (152/153): FIRST/LAST_SWITCHED (21/22) mean
// sysUptime offsets on the wire, not the epoch seconds a FlowRecord holds,
// so they are not sent.
#include <cstdint>
#include <memory>
#include <vector>

#include "wire/flow_record.h"

namespace vedetta::wire {

enum class NetflowProtocol : uint16_t { kV9 = 9, kIpfix = 10 };

struct NetflowEncoderOptions {
  NetflowProtocol protocol = NetflowProtocol::kV9;
  uint32_t source_id = 0;             // v9 source id / IPFIX observation domain
  size_t max_packet_bytes = 1400;     // below a 1500-byte MTU with IP/UDP headers
  uint32_t template_every_packets = 20;  // re-announce templates (0 = not by count)
  double template_every_s = 30;          // ... and/or after this long (0 = not by time)
};

struct NetflowEncoderStats {
  uint64_t packets = 0;           // packets completed
  uint64_t records = 0;           // data records written
  uint64_t template_records = 0;  // template records written (first and refreshes)
  uint64_t templates = 0;         // distinct templates defined
  uint64_t records_dropped = 0;   // too big for a packet, or no template id left
};

class NetflowEncoder {
 public:
  explicit NetflowEncoder(NetflowEncoderOptions options);
  ~NetflowEncoder();

  // Adds one record at wall-clock time `now_ms` (epoch milliseconds: header
  // times and the template refresh clock). Packets that fill up are
  // appended to `out`. Fields the dictionary does not know, or whose value
  // does not fit their kind, are left out.
  void add(const FlowRecord& record, uint64_t now_ms, std::vector<std::vector<uint8_t>>& out);
  // Completes the packet under construction, if it holds anything.
  void flush(uint64_t now_ms, std::vector<std::vector<uint8_t>>& out);
  // Time the oldest record waiting in the open packet was added (0 = none).
  uint64_t pending_since_ms() const;

  const NetflowEncoderStats& stats() const;
  const NetflowEncoderOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vedetta::wire
