// libFuzzer target over the whole `vedetta events -r` path: bytes of a
// capture (plain or gzip) → ScapReader → StateTracker → sysdig line, a
// filter over many fields, a -p format and -j JSON.
// Nothing may crash, hang or read out of bounds, whatever the bytes; a
// damaged capture must end with an error that names an offset inside it.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "events/event_fields.h"
#include "events/event_formatter.h"
#include "events/event_output.h"
#include "events/scap_reader.h"
#include "events/state_tracker.h"
#include "filter/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vedetta::events;
  std::string error;
  auto reader = ScapReader::open_bytes(std::vector<uint8_t>(data, data + size), &error);
  if (!reader) return 0;
  ThreadTable threads;
  threads.seed(reader->metadata());
  StateTracker tracker(threads);
  EventFields fields(threads);
  static const auto filter = vedetta::filter::parse_filter_or_throw(
      "fd.type in (ipv4, ipv6) or fd.sport > 0 or proc.aname[3] = bash or fd.net = 10.0.0.0/8 "
      "or evt.arg.fd = 3 or fd.directory = /etc or evt.latency > 1 or fd.is_server = true");
  static const EventOutput format(
      "*%evt.num %evt.res %proc.pname %proc.args %fd.name %fd.cip %fd.lport %fd.filename "
      "%evt.rawarg.res %evt.buflen %user.name %evt.category",
      false);
  static const EventOutput json("", true);
  std::string out;
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
    fields.before_apply(e);
    tracker.apply(e);
    fields.after_apply(e);
    (void)vedetta::filter::evaluate(filter, fields);
    format.render(fields, e, threads, out);
    json.render(fields, e, threads, out);
    std::string line = format_default_line(e, threads);
    if (line.empty()) std::abort();
  }
  return 0;
}
