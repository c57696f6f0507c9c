#pragma once
// `-i tcp://...`: flows from ZeroMQ publishers (vedetta or nProbe probes,
// collectors re-exporting) in ntop's format, as ntopng takes them:
//   tcp://h1:5556               connect to a probe that binds (its default)
//   tcp://h1:5556,tcp://h2:5556 several endpoints, one input (aggregated)
//   tcp://*:5556c               trailing "c" = collector mode: bind, and the
//                               probes connect (--zmq-probe-mode); "*" binds
//                               every address, IPv4 and IPv6, as ntopng does
//                               (tcp://10.0.0.1:5556c binds one address;
//                               ipc:///run/vd.sockc binds a Unix socket)
// One SUB socket per endpoint, subscribed to flow, event, counter, template
// and option. Each sender is told apart by the header's source id and where
// it came from (the endpoint connected to, or the peer's address when bound),
// and its msg_id sequence gives the messages lost and the restarts. On an
// endpoint we connect to there is one publisher: a new source id there is
// that probe restarted (vedetta's default source id changes with the pid).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collect/flow_input.h"
#include "collect/rate_limited_log.h"
#include "collect/sequence_store.h"
#include "wire/zmq_message.h"

namespace vedetta::collect {

struct ZmqInputOptions {
  // CURVE server: the collector's secret key (Z85, or "@FILE"); "" = plain.
  // Probes then need its public key (vedetta probe --zmq-curve-server-key).
  std::string curve_secret_key;
  // Collector mode: frames larger than this are refused by ZeroMQ itself,
  // which drops that connection unread (not counted: ZeroMQ does not say).
  // Payloads over wire::kMaxPayloadBytes are read and counted as bad.
  int64_t max_message_bytes = 2 * int64_t(wire::kMaxPayloadBytes);
  // Directory where the last msg_id of each sender is remembered across
  // restarts of this collector, in a file per input ("" = not remembered:
  // losses between the last message before a restart and the first after
  // are not counted).
  std::string state_dir;
};

// Counters of one sender (its endpoint or address, and source id).
struct ZmqSourceStats {
  uint64_t messages = 0;
  uint64_t flows = 0;
  uint64_t lost_messages = 0;
  uint64_t restarts = 0;
  uint32_t last_msg_id = 0;
  uint32_t* remembered = nullptr;  // its msg_id in the SequenceStore, if any
};

class ZmqInput : public FlowInput {
 public:
  // Creates the sockets and binds/connects; throws UserError naming the endpoint.
  ZmqInput(const std::string& spec, const ZmqInputOptions& options = {});
  ~ZmqInput() override;

  // Whether an -i value is for this input ("tcp://", "ipc://").
  static bool handles(std::string_view spec);

  std::string name() const override { return spec_; }
  std::string kind() const override { return "zmq"; }
  void poll_items(std::vector<zmq_pollitem_t>& items) override;
  void read_ready(RecordHandler& handler) override;
  InputStats stats() const override { return stats_; }
  std::vector<std::string> source_lines() const override;

  // The file remembering msg_ids across restarts ("" = none).
  std::string state_file() const { return sequences_ ? sequences_->path() : ""; }
  // Bad messages by reason ("frames", "header", "payload").
  const std::map<std::string, uint64_t>& bad_by_reason() const { return bad_by_reason_; }
  // The endpoints as bound or connected (a bound "*" port resolved).
  std::vector<std::string> endpoints() const;
  const std::map<std::pair<std::string, uint32_t>, ZmqSourceStats>& sources() const {
    return sources_;
  }

 private:
  struct Endpoint {
    void* socket = nullptr;
    std::string address;  // as bound/connected
    bool bound = false;
    // Connected: the one publisher there (a new source id = it restarted).
    bool has_source = false;
    uint32_t source_id = 0;
    uint32_t* remembered_source = nullptr;  // source_id in the SequenceStore, if any
  };
  void open_endpoint(std::string text, const std::string& curve_secret, int64_t max_bytes);
  // One message from `e`; false when there is none left.
  bool read_one(Endpoint& e, RecordHandler& handler);
  void track(const FlowOrigin& origin, const wire::ZmqHeader& h, bool replaced,
             ZmqSourceStats*& source);
  void count_restart(ZmqSourceStats& source);
  // The msg_id remembered from before this collector restarted, 0 if none.
  uint32_t resume(ZmqSourceStats& source, const FlowOrigin& origin);
  void remember_source(Endpoint& e);
  std::string source_key(const Endpoint& e) const;
  void bad(const std::string& reason, const std::string& from, const std::string& what);

  std::string spec_;
  std::unique_ptr<SequenceStore> sequences_;
  void* context_ = nullptr;
  std::vector<Endpoint> endpoints_;
  InputStats stats_;
  std::map<std::pair<std::string, uint32_t>, ZmqSourceStats> sources_;
  std::map<std::string, uint64_t> bad_by_reason_;
  RateLimitedLog log_;
  wire::DecodedMessage decoded_;  // reused: its vectors keep their capacity
};

}  // namespace vedetta::collect
