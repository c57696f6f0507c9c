#pragma once
// What the collector tells a live view of its flows (the console's model,
// live/live_model.h), on the collector thread: each flow as it leaves its
// interface's model, and about once a second a look at every interface,
// whose flows the observer may visit then (FlowModel::for_each_flow) and
// nowhere else: the models change as soon as the call returns.
#include <cstddef>
#include <vector>

#include "collect/flow_input.h"
#include "collect/flow_model.h"

namespace vedetta::collect {

struct CollectorInterface {
  const FlowInput& input;
  const FlowModel& model;
};

class CollectorObserver {
 public:
  virtual ~CollectorObserver() = default;
  // A flow output by its model (finished, idle or evicted), in its last
  // state, with its merged record (built once for every consumer).
  virtual void flow_done(size_t interface, const CollectedFlow& flow,
                         const wire::FlowRecord& merged) = 0;
  // Once at start, about once a second, and once when run() ends.
  virtual void tick(const std::vector<CollectorInterface>& interfaces) = 0;
};

}  // namespace vedetta::collect
