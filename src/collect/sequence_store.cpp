#include "collect/sequence_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/user_error.h"

namespace vedetta::collect {

struct SequenceStore::Slot {
  char key[kMaxKeyBytes + 1];  // NUL-terminated; empty = free
  uint32_t value;
  uint32_t reserved;
};


struct SequenceStore::Layout {
  char magic[8];
  uint64_t slots;
  Slot slot[kSlots];
};

namespace {
constexpr char kMagic[8] = {'V', 'D', 'S', 'E', 'Q', '1', 0, 0};
}

SequenceStore::SequenceStore(const std::string& path) : path_(path) {
  static_assert(sizeof(Slot) == 128, "the file's layout");
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw UserError(format("%s: cannot open: %s", path.c_str(), strerror(errno)));
  if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    throw UserError(format("%s: another vedetta server uses this data directory", path.c_str()));
  }
  struct stat st {};
  fstat(fd_, &st);
  const bool fresh = st.st_size == 0;
  if (!fresh && static_cast<size_t>(st.st_size) != sizeof(Layout))
    warning_ = format("%s: %lld bytes, not a sequence store: started afresh (losses across the "
                      "last restart are not counted)",
                      path.c_str(), static_cast<long long>(st.st_size));
  if ((!fresh && !warning_.empty()) && ftruncate(fd_, 0) != 0) {
    ::close(fd_);
    throw UserError(format("%s: cannot reset: %s", path.c_str(), strerror(errno)));
  }
  if (ftruncate(fd_, sizeof(Layout)) != 0) {
    ::close(fd_);
    throw UserError(format("%s: cannot size: %s", path.c_str(), strerror(errno)));
  }
  void* p = mmap(nullptr, sizeof(Layout), PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (p == MAP_FAILED) {
    ::close(fd_);
    throw UserError(format("%s: cannot map: %s", path.c_str(), strerror(errno)));
  }
  map_ = static_cast<Layout*>(p);
  if (std::memcmp(map_->magic, kMagic, sizeof kMagic) != 0 || map_->slots != kSlots) {
    if (!fresh && warning_.empty())
      warning_ = format("%s: not a sequence store: started afresh", path.c_str());
    std::memset(static_cast<void*>(map_), 0, sizeof(Layout));
    map_->slots = kSlots;
    std::memcpy(map_->magic, kMagic, sizeof kMagic);
  }
  for (Slot& s : map_->slot) {
    s.key[kMaxKeyBytes] = '\0';  // a damaged file cannot make us read past a key
    if (s.key[0]) index_.emplace(s.key, &s);
  }
}

SequenceStore::~SequenceStore() {
  if (map_) munmap(map_, sizeof(Layout));
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

uint32_t* SequenceStore::find(const std::string& key) {
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &it->second->value;
}

uint32_t* SequenceStore::slot(const std::string& key) {
  if (uint32_t* v = find(key)) return v;
  if (key.empty() || key.size() > kMaxKeyBytes || index_.size() >= kSlots) {
    ++not_kept_;
    return nullptr;
  }
  for (Slot& s : map_->slot) {
    if (s.key[0]) continue;
    s.value = 0;
    std::memcpy(s.key, key.data(), key.size());
    s.key[key.size()] = '\0';
    index_.emplace(key, &s);
    return &s.value;
  }
  ++not_kept_;
  return nullptr;
}

}  // namespace vedetta::collect
