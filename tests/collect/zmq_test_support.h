#pragma once
// Helpers of the ZeroMQ transport tests: a handler that keeps what arrives,
// a loop that polls inputs as `vedetta server` will, and test records.
#include <zmq.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "collect/flow_input.h"
#include "wire/flow_record.h"

namespace vedetta::test {

struct Received : collect::RecordHandler {
  std::vector<std::pair<collect::FlowOrigin, wire::FlowRecord>> flows;
  std::vector<std::pair<std::string, std::string>> messages;  // topic, JSON
  void flow(const collect::FlowOrigin& origin, wire::FlowRecord&& record) override {
    flows.emplace_back(origin, std::move(record));
  }
  void message(const collect::FlowOrigin&, std::string_view topic, std::string_view json) override {
    messages.emplace_back(std::string(topic), std::string(json));
  }
  size_t count(const std::string& topic) const {
    size_t n = 0;
    for (const auto& m : messages) n += m.first == topic;
    return n;
  }
};

inline bool pump_each(std::vector<std::pair<collect::FlowInput*, collect::RecordHandler*>> inputs,
                      const std::function<bool()>& done, double timeout_s);

// Polls `inputs` and reads what is ready until `done()` or `timeout_s`.
inline bool pump(std::vector<collect::FlowInput*> inputs, collect::RecordHandler& handler,
                 const std::function<bool()>& done, double timeout_s) {
  std::vector<std::pair<collect::FlowInput*, collect::RecordHandler*>> each;
  for (auto* in : inputs) each.emplace_back(in, &handler);
  return pump_each(each, done, timeout_s);
}

// As pump(), each input with its own handler.
inline bool pump_each(std::vector<std::pair<collect::FlowInput*, collect::RecordHandler*>> inputs,
                      const std::function<bool()>& done, double timeout_s) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::vector<zmq_pollitem_t> items;
    for (auto& [in, handler] : inputs) in->poll_items(items);
    zmq_poll(items.data(), static_cast<int>(items.size()), 20);
    for (auto& [in, handler] : inputs) in->read_ready(*handler);
  }
  return true;
}

// Waits without reading (the exporter's thread works meanwhile).
inline bool wait_until(const std::function<bool()>& done, double timeout_s) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// A flow record like the probe's: addresses as text, counters, names
// (one with a quote and non-ASCII to travel through JSON and TLV).
inline wire::FlowRecord test_record(uint64_t i) {
  wire::FlowRecord r;
  r.add(8, std::string("10.0.") + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256));
  r.add(12, std::string("192.168.1.1"));
  r.add(7, uint64_t(1024 + i % 60000));
  r.add(11, uint64_t(443));
  r.add(4, uint64_t(6));
  r.add(1, uint64_t(1000 + i));
  r.add(2, uint64_t(10));
  r.add(57591, std::string("TLS.Google"));
  r.add(57641, std::string("cu\"rl-ü"));
  r.add(57640, uint64_t(4242));
  return r;
}

// The flow's index, from the client port and address written by test_record.
inline uint64_t record_index(const wire::FlowRecord& r) {
  uint64_t bytes = 0;
  wire::as_unsigned(r.get(1), bytes);
  return bytes - 1000;
}

}  // namespace vedetta::test
