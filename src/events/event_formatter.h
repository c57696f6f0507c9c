#pragma once
// sysdig's default output line:
//   %evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info
// e.g. "475 22:38:10.809983697 0 sshd (2352) > read
// fd=3(<4t>192.168.122.1:57897->192.168.122.100:22) size=16384 " Times print in the local time
// zone, as sysdig does.
#include <string>

#include "events/event.h"
#include "events/thread_table.h"

namespace vedetta::events {

// Events sysdig counts but never prints: internal bookkeeping (procinfo,
// drop...) and types newer than its event table.
bool is_printable(const Event& e);

// Decides, event by event, what sysdig would print: besides is_printable(),
// the container descriptions a capture starts with are state, not output.
class OutputFilter {
 public:
  bool should_print(const Event& e);

 private:
  bool seen_other_event_ = false;
};

// sysdig's evt.type: the table name, or the syscall's name for generic events.
std::string event_type_name(const Event& e);

// sysdig's evt.info: "name=value(resolved) " for each parameter.
// `truncate` false: buffers whole, as sysdig's JSON output has them.
std::string event_info_text(const Event& e, const ThreadTable& threads, bool truncate = true);

// The whole default line, without the newline.
std::string format_default_line(const Event& e, const ThreadTable& threads);

}  // namespace vedetta::events
