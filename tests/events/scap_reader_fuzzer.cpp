// libFuzzer target over the whole `vedetta events -r` path: bytes of a
// capture (plain or gzip) → ScapReader → StateTracker → sysdig line.
// Nothing may crash, hang or read out of bounds, whatever the bytes; a
// damaged capture must end with an error that names an offset inside it.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "events/event_formatter.h"
#include "events/scap_reader.h"
#include "events/state_tracker.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vedetta::events;
  std::string error;
  auto reader = ScapReader::open_bytes(std::vector<uint8_t>(data, data + size), &error);
  if (!reader) return 0;
  ThreadTable threads;
  threads.seed(reader->metadata());
  StateTracker tracker(threads);
  Event e;
  for (int n = 0; n < 100000; ++n) {
    auto st = reader->next(e);
    if (st == ScapReader::Status::kEnd) break;
    if (st == ScapReader::Status::kError) {
      // Offsets name a place in the (uncompressed) stream; for plain input
      // it is inside the bytes given.
      if (size >= 2 && !(data[0] == 0x1f && data[1] == 0x8b) && reader->error_offset() > size)
        std::abort();
      break;
    }
    tracker.apply(e);
    std::string line = format_default_line(e, threads);
    if (line.empty()) std::abort();
  }
  return 0;
}
