#pragma once
// Several inputs read by one thread: files one after the other, live
// interfaces together (poll on their descriptors).
#include <memory>
#include <vector>

#include "capture/packet_source.h"

namespace vedetta {

class CaptureGroup {
 public:
  // Throws UserError when inputs mix files and interfaces.
  explicit CaptureGroup(std::vector<std::unique_ptr<PacketSource>> sources);

  enum class Next { kPacket, kIdle, kEnd };
  // Next packet from any source; `source` gets its index. kIdle when live
  // interfaces had nothing for ~100 ms.
  Next next(RawPacket& out, size_t& source);

  size_t size() const { return sources_.size(); }
  PacketSource& operator[](size_t i) { return *sources_[i]; }
  const PacketSource& operator[](size_t i) const { return *sources_[i]; }
  bool files() const { return files_; }
  CaptureStats total_stats() const;

 private:
  std::vector<std::unique_ptr<PacketSource>> sources_;
  bool files_ = false;
  size_t current_ = 0;  // files: the one being read; live: round-robin start
  std::vector<bool> ended_;
};

}  // namespace vedetta
