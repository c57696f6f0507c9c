#pragma once
// sysdig's fields (proc.name, fd.sip, evt.res...) read from one event and
// the thread/fd state it was replayed into: what filters evaluate, what -p
// formats and -j JSON print.
//
// The event's fd follows sysdig: the "fd" argument of an enter event, the
// enter's fd for an exit event, the result of an exit that creates an fd
// (socket, open, accept). Its state is read after the state tracker applied
// the event (a connect's exit shows the tuple it made), except when the
// event removed it (close): then the state from just before is used, as
// sysdig removes fds only after the event was filtered and printed.
#include <optional>
#include <string>
#include <unordered_map>

#include "events/event.h"
#include "events/thread_table.h"
#include "filter/evaluator.h"

namespace vedetta::events {

class EventFields : public filter::FieldSource {
 public:
  explicit EventFields(const ThreadTable& threads) : threads_(threads) {}

  // Call before the state tracker applies `e` ...
  void before_apply(const Event& e);
  // ... and after; then get() answers for `e` until the next before_apply.
  void after_apply(const Event& e);

  filter::FieldValue get(const filter::FieldRef& field) const override;

  // The value as sysdig prints it in -p formats and -j output ("<NA>" when absent).
  std::string text(const filter::FieldRef& field) const;

 private:
  filter::FieldValue event_field(const filter::FieldRef& field) const;
  filter::FieldValue process_field(const filter::FieldRef& field) const;
  filter::FieldValue fd_field(const filter::FieldRef& field) const;
  const ThreadInfo* main_thread(const ThreadInfo* th) const;
  filter::FieldValue argument(const filter::FieldRef& field, bool raw) const;

  const ThreadTable& threads_;
  const Event* event_ = nullptr;
  const ThreadInfo* thread_ = nullptr;
  std::optional<int64_t> fd_num_;
  FdInfo fd_before_;  // the fd's state before the event (close)
  bool has_fd_before_ = false;
  std::optional<FdInfo> fd_;
  uint64_t enter_ts_ns_ = 0;
  std::unordered_map<int64_t, int64_t> last_fd_;  // tid -> fd of its last enter naming one
  std::unordered_map<int64_t, std::pair<uint16_t, uint64_t>> last_enter_;  // tid -> type, ts  // of the matching enter event, for evt.latency
};

}  // namespace vedetta::events
