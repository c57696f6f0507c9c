#pragma once
// Active processes: per local process, what its flows did — the table a
// console shows (ntopng's "active processes"). Fed by the exported flows,
// so a flow counts once it is first exported (idle, lifetime or close
// timeout) and its bytes as each export reports them.
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "export/flow_export.h"

namespace vedetta {

class ProcessActivity {
 public:
  void on_export(const FlowExport& e);

  // {"time": ..., "processes": [{"pid", "name", "exe", "uid",
  // "container_id", "exited", "flows", "bytes_sent", "bytes_received",
  // "active_since", "last_seen"}]} — times are Unix seconds (packet time),
  // the busiest process (bytes) first.
  std::string to_json(uint64_t now_us) const;
  // Replaces `path` atomically (PATH.tmp, then rename), so a reader never
  // sees half a file. Throws UserError naming the file.
  void write_file(const std::string& path, uint64_t now_us) const;
  // Replaces each process's snapshot with what `current` says of it now
  // (null: nothing newer), so that "exited" is today's news.
  void refresh(const std::function<ProcessRef(uint32_t pid)>& current);
  // Forgets processes with no flow exported for `idle_us`.
  void expire(uint64_t now_us, uint64_t idle_us);
  size_t size() const { return by_pid_.size(); }

 private:
  struct Activity {
    ProcessRef process;  // the latest snapshot
    uint64_t flows = 0, bytes_sent = 0, bytes_received = 0;
    uint64_t first_us = 0, last_us = 0;
  };
  void add(const ProcessRef& p, const Flow& f, bool first_export, uint64_t sent, uint64_t received);

  std::map<uint32_t, Activity> by_pid_;
};

}  // namespace vedetta
