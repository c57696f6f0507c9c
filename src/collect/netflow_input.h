#pragma once
// `-i netflow://[ADDR]:PORT` and `-i ipfix://[ADDR]:PORT`: a UDP socket
// that takes NetFlow v5/v9 and IPFIX (netflow://) or IPFIX only (ipfix://)
// from routers and probes, decoded by wire/netflow_decoder.h.
//
// Binds 127.0.0.1 unless an address is given (0.0.0.0 or [::] for every
// interface). The receive buffer is enlarged (bursts of export packets are
// the rule), datagrams the kernel still drops are counted (SO_RXQ_OVFL),
// and sequence gaps are counted per exporter and source id as lost: in
// packets for NetFlow v9, in flow records for v5 and IPFIX, which is what
// their sequence numbers count.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collect/flow_input.h"
#include "common/udp_address.h"
#include "wire/netflow_decoder.h"

namespace vedetta::collect {

// True for "netflow://..." and "ipfix://..." (whether valid or not).
bool is_netflow_url(std::string_view url);

// The input for a netflow:// or ipfix:// URL; throws UserError naming what
// is wrong (scheme, address, port, bind failure).
std::unique_ptr<FlowInput> open_netflow_input(std::string_view url);

struct NetflowListenAddress {
  bool ipfix_only = false;
  std::string host;  // "" → 127.0.0.1
  std::string port;  // "" → 2055 (netflow://) or 4739 (ipfix://)
};
// Parses the URL; throws UserError.
NetflowListenAddress parse_netflow_url(std::string_view url);

class NetflowInput : public FlowInput {
 public:
  static constexpr int kWantedReceiveBuffer = 32 << 20;

  explicit NetflowInput(std::string_view url);  // throws UserError
  ~NetflowInput() override;

  std::string name() const override { return url_; }
  std::string kind() const override { return "netflow"; }
  void poll_items(std::vector<zmq_pollitem_t>& items) override;
  void read_ready(RecordHandler& handler) override;
  InputStats stats() const override { return stats_; }
  // The socket first, then one line per exporter/source id.
  std::vector<std::string> source_lines() const override;

  // Where it listens and the receive buffer it got, for a start-up line.
  std::string opened_note() const;
  int receive_buffer_bytes() const { return receive_buffer_; }
  const UdpAddress& local_address() const { return bound_; }  // the port chosen for port 0

 private:
  struct Source {
    uint16_t version = 0;
    bool expecting = false;  // `expected` is meaningful
    uint32_t expected = 0;
    uint32_t last_uptime = 0;
    uint64_t packets = 0, flows = 0, lost = 0, restarts = 0;
  };

  void handle_datagram(const sockaddr* from, const uint8_t* data, size_t size,
                       RecordHandler& handler);
  void update_kernel_drops();
  void track_sequence(const std::string& key, const wire::NetflowPacketInfo& info);
  void complain(const std::string& from, const std::string& error);

  std::string url_;
  bool ipfix_only_ = false;
  int fd_ = -1;
  UdpAddress bound_;
  int receive_buffer_ = 0;
  bool forced_buffer_ = false;
  wire::NetflowDecoder decoder_;
  InputStats stats_;
  std::map<std::string, Source> sources_;  // "exporter vN id S"
  std::vector<wire::FlowRecord> records_;
  std::vector<uint8_t> buffer_;
  double last_complaint_ = 0;
  uint64_t unreported_complaints_ = 0;
};

}  // namespace vedetta::collect
