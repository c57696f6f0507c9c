#pragma once
// What a collector must remember across its own restarts to count losses
// exactly: the last msg_id it took from each sender, and which sender a
// connected endpoint had. Without it, a restarted collector cannot tell
// how many messages were lost between its last message before the restart
// and its first after (they were in its dead socket's buffers, or dropped
// by the probe's full queue while nobody listened).
//
// The values live in a file mapped into memory (DATA_DIR/zmq-sequences):
// a store is one write to the mapping, which the kernel keeps in the page
// cache even if the server is killed with SIGKILL a moment later. A second
// server on the same file is refused (flock).
#include <cstdint>
#include <string>
#include <unordered_map>

namespace vedetta::collect {

class SequenceStore {
 public:
  // Opens or creates `path`; throws UserError naming it. A file that is not
  // a store (wrong size or magic) is started afresh, with a warning.
  explicit SequenceStore(const std::string& path);
  ~SequenceStore();
  SequenceStore(const SequenceStore&) = delete;
  SequenceStore& operator=(const SequenceStore&) = delete;

  // The value remembered for `key`, or nullptr. Keys longer than
  // kMaxKeyBytes are not kept.
  uint32_t* find(const std::string& key);
  // The slot for `key`, created (value 0) if new; nullptr when the file is
  // full (kSlots keys) or the key is too long: that sender is not
  // remembered, counted in not_kept().
  uint32_t* slot(const std::string& key);

  const std::string& path() const { return path_; }
  uint64_t not_kept() const { return not_kept_; }
  const std::string& warning() const { return warning_; }  // "" = none

  static constexpr size_t kSlots = 8192;
  static constexpr size_t kMaxKeyBytes = 119;

 private:
  struct Slot;
  struct Layout;
  std::string path_;
  int fd_ = -1;
  Layout* map_ = nullptr;
  std::unordered_map<std::string, Slot*> index_;
  uint64_t not_kept_ = 0;
  std::string warning_;
};

}  // namespace vedetta::collect
