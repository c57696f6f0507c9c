#pragma once
// Shared by the live model tests: a collector with a live model, run on a
// thread of its own, and the built `vedetta probe`'s JSON lines for a pcap.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "collect/collector.h"
#include "live/live_model.h"

namespace vedetta::live::test {

// A FlowInput for a model's interface list, of the given kind ("file",
// "zmq"...): the tests hand records to the model directly.
class ReplayInput : public collect::FlowInput {
 public:
  explicit ReplayInput(std::string kind) : kind_(std::move(kind)) {}
  std::string name() const override { return "replay"; }
  std::string kind() const override { return kind_; }
  void poll_items(std::vector<zmq_pollitem_t>&) override {}
  void read_ready(collect::RecordHandler&) override {}
  collect::InputStats stats() const override { return {}; }

 private:
  std::string kind_;
};

// A server's collector and live model, as `vedetta server -i SPEC` builds them.
struct RunningServer {
  LiveModel model;
  std::unique_ptr<collect::Collector> collector;
  std::thread thread;

  explicit RunningServer(const std::vector<std::string>& inputs, LiveModelOptions live = {}) :
      model(live) {
    collect::CollectorOptions o;
    o.inputs = inputs;
    o.stats_interval_s = 0;
    o.model.merge_wait_s = 0;  // finished flows leave the collector's model at once
    o.input.local_probe.probe.attribution = ProbeOptions::Attribution::kAuto;
    o.observer = &model;
    collector = std::make_unique<collect::Collector>(o);
    thread = std::thread([this] { collector->run(); });
  }
  ~RunningServer() { stop(); }
  void stop() {
    collector->stop();
    if (thread.joinable()) thread.join();
  }
  // Until a capture file is read and its flows finished: no active flow, the
  // same flows for three ticks in a row.
  bool wait_file_done(double timeout_s = 60) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    size_t last = 0, same = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      auto snap = model.snapshot();
      if (snap->interfaces.empty() || snap->flows.empty() || snap->interfaces[0].active_flows) continue;
      same = snap->flows.size() == last ? same + 1 : 0;
      last = snap->flows.size();
      if (same >= 5) return true;
    }
    return false;
  }
};

inline std::vector<nlohmann::json> probe_json_lines(const std::string& pcap) {
  std::string command = std::string(VEDETTA_BINARY) + " probe -q -i '" + pcap + "' --json -";
  FILE* p = popen(command.c_str(), "r");
  std::vector<nlohmann::json> lines;
  if (!p) return lines;
  std::string line;
  char buf[65536];
  while (std::fgets(buf, sizeof buf, p)) {
    line += buf;
    if (line.empty() || line.back() != '\n') continue;
    lines.push_back(nlohmann::json::parse(line));
    line.clear();
  }
  pclose(p);
  return lines;
}

// Every flow of the model, page by page.
inline std::vector<nlohmann::json> all_flows(const LiveApi& api, Params p = {}) {
  std::vector<nlohmann::json> out;
  p["limit"] = "1000";
  for (size_t offset = 0;; offset += 1000) {
    p["offset"] = std::to_string(offset);
    nlohmann::json page = api.flows(p);
    for (auto& f : page["flows"]) out.push_back(f);
    if (offset + 1000 >= page["total"].get<size_t>()) break;
  }
  return out;
}

}  // namespace vedetta::live::test
