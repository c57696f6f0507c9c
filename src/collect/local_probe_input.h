#pragma once
// A probe inside the server (`vedetta server -i eth0`, `-i any`,
// `-i trace.pcap`): the same capture → flows → nDPI → attribution pipeline
// as `vedetta probe`, on a thread of its own, handing its flow records to
// the collector through a bounded queue that an eventfd makes pollable.
//
// Live interfaces export every active flow about once a second
// (EXPORT_REASON=active, totals included), so the console sees flows while
// they run; a full queue drops records (counted: live_queue_full). A capture
// file is read as fast as the collector takes it (the probe waits when the
// queue is full: nothing is lost), then the thread ends and the server
// keeps running.
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "collect/flow_input.h"
#include "probe/probe.h"

namespace vedetta::collect {

struct LocalProbeOptions {
  ProbeOptions probe;              // -i is set from the spec; the rest as `vedetta probe`
  double active_export_s = 1;      // live interfaces: export active flows this often
  size_t queue_records = 100'000;  // records waiting for the collector at most
};

class LocalProbeInput : public FlowInput {
 public:
  // Not a ZeroMQ or NetFlow/IPFIX URL: an interface or a capture file.
  static bool handles(std::string_view spec);

  // Opens the capture (and attribution) now, as root; the probe's thread
  // starts at the first poll, after the server has dropped its privileges.
  LocalProbeInput(const std::string& spec, LocalProbeOptions options);
  ~LocalProbeInput() override;

  std::string name() const override { return spec_; }
  std::string kind() const override;
  std::vector<int> capabilities_needed() const override { return probe_->capabilities_needed(); }
  void poll_items(std::vector<zmq_pollitem_t>& items) override;
  void read_ready(RecordHandler& handler) override;
  InputStats stats() const override;
  void finish() override;  // stops the probe, which exports its flows (shutdown), and waits
  std::vector<std::string> source_lines() const override;

 private:
  class QueueSink;
  friend class QueueSink;
  // Called on the probe's thread.
  void push(wire::FlowRecord&& record);
  void update_probe_stats();

  std::string spec_;
  LocalProbeOptions options_;
  std::unique_ptr<Probe> probe_;
  std::thread thread_;
  int event_fd_ = -1;

  mutable std::mutex mutex_;  // guards what follows
  std::condition_variable space_;
  std::deque<wire::FlowRecord> queue_;
  bool stopping_ = false;
  bool finishing_ = false;  // finish(): the queue takes the probe's last flows unbounded
  bool probe_done_ = false;
  InputStats stats_;
  std::string final_report_;
};

}  // namespace vedetta::collect
