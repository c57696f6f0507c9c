// `vedetta events -r FILE`: replays a .scap capture and prints each event the
// way `sysdig -r FILE` does.
#include <cstdio>
#include <string>

#include "app/commands.h"
#include "common/user_error.h"
#include "events/event_formatter.h"
#include "events/scap_reader.h"
#include "events/state_tracker.h"
#include "events/thread_table.h"

namespace vedetta {
namespace {

struct EventsArgs {
  std::string read_path;
  uint64_t max_events = 0;  // 0 = all
};

constexpr const char* kEventsFooter = R"(
USAGE: vedetta events -r FILE [-n N]
EXAMPLES:
  vedetta events -r trace.scap            # every event, sysdig's default line
  vedetta events -r trace.scap.gz -n 20   # the first 20 events (gzip files are read as is)

Lines read like sysdig's: evt.num time cpu process (tid) direction type args.
Times are in the local time zone (TZ=UTC for UTC).)";

// What the capture held that was not printed as events, on stderr (stdout
// stays sysdig's lines). Silent when there is nothing to say.
void report_skipped(const std::string& path, const events::ReaderCounters& c) {
  std::string parts;
  auto add = [&](uint64_t n, const char* what) {
    if (!n) return;
    parts += parts.empty() ? "" : ", ";
    parts += format("%llu %s", static_cast<unsigned long long>(n), what);
  };
  add(c.unknown_events, "events of types sysdig 0.29 does not know (skipped)");
  add(c.malformed_entries, "malformed thread/fd/user entries");
  add(c.orphan_fd_lists, "fd lists of unlisted threads");
  if (!parts.empty())
    std::fprintf(stderr, "vedetta: events: %s: %s\n", path.c_str(), parts.c_str());
}

int run(const EventsArgs& a) {
  if (a.read_path.empty()) throw UserError("events: give a capture to read with -r FILE");
  std::string error;
  auto reader = events::ScapReader::open_file(a.read_path, &error);
  if (!reader) throw UserError("events: " + error);

  events::ThreadTable threads;
  threads.seed(reader->metadata());
  events::StateTracker tracker(threads);
  events::OutputFilter filter;
  events::Event e;
  uint64_t printed = 0;
  std::string line;
  for (;;) {
    auto status = reader->next(e);
    if (status == events::ScapReader::Status::kEnd) break;
    if (status == events::ScapReader::Status::kError) {
      std::fflush(stdout);
      throw UserError(format("events: %s: %s (%llu events read before it)", a.read_path.c_str(),
                             reader->error().c_str(), static_cast<unsigned long long>(e.num)));
    }
    tracker.apply(e);
    if (!filter.should_print(e)) continue;
    line = events::format_default_line(e, threads);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stdout);
    if (a.max_events && ++printed >= a.max_events) break;
  }
  report_skipped(a.read_path, reader->counters());
  return 0;
}

}  // namespace

std::function<int()> add_events_command(CLI::App& app) {
  auto args = std::make_shared<EventsArgs>();
  CLI::App* cmd =
      app.add_subcommand("events", "Read system events from a .scap capture (sysdig -r)");
  cmd->footer(kEventsFooter);
  cmd->add_option("-r,--read", args->read_path, "Capture file to read (.scap, plain or gzip)")
      ->required();
  cmd->add_option("-n,--count", args->max_events, "Stop after printing N events");
  return [args] { return run(*args); };
}

}  // namespace vedetta
