#pragma once
// --netflow HOST:PORT / --ipfix HOST:PORT: exported flows as NetFlow v9 or
// IPFIX over UDP (wire/netflow_encoder.h builds the packets).
//
// Sends never block packet processing: the socket is non-blocking, and a
// datagram the kernel refuses (buffer full, collector port closed) is
// counted and dropped. Records wait in the open packet at most about a
// second: a small thread sends a packet that has not filled up by then.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "export/fields.h"
#include "wire/netflow_encoder.h"

namespace vedetta {

struct NetflowSinkOptions {
  wire::NetflowProtocol protocol = wire::NetflowProtocol::kV9;
  std::string destination;  // "host:port", "[v6]:port"
  uint32_t source_id = 0;
  uint32_t template_every_packets = 20;
  double template_every_s = 30;
};

struct NetflowSinkStats {
  uint64_t packets_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t send_errors = 0;  // datagrams the kernel refused (dropped)
  std::string first_error;   // what the first refusal said
};

class NetflowSink : public FlowSink {
 public:
  // Resolves the destination and opens the socket; throws UserError. With
  // no fields, all of them. FLOW_START/END_MILLISECONDS are added when the
  // list lacks them: collectors need the flow's times.
  NetflowSink(NetflowSinkOptions options, std::vector<const FieldDef*> fields);
  ~NetflowSink() override;  // sends what is left
  void write(const FlowExport& e) override;
  void flush() override;

  NetflowSinkStats stats() const;
  wire::NetflowEncoderStats encoder_stats() const;
  // One line for the probe's exit report.
  std::string report() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vedetta
