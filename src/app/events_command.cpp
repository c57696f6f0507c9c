// `vedetta events -r FILE`: replays a .scap capture and prints each event the
// way `sysdig -r FILE` does. Without -r: captures live with eBPF and prints
// the same lines (the kernel events become the PPME events sysdig writes).
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>

#include <linux/capability.h>

#include "app/commands.h"
#include "app/stop_signals.h"
#include "app/privileges.h"
#include "common/user_error.h"
#include "ebpf/event_clock.h"
#include "ebpf/syscall_capture.h"
#include "events/event_fields.h"
#include "events/chisels/registry.h"
#include "events/event_formatter.h"
#include "events/event_output.h"
#include "events/live_events.h"
#include "events/proc_snapshot.h"
#include "events/scap_reader.h"
#include "events/scap_writer.h"
#include "events/state_tracker.h"
#include "events/thread_table.h"
#include "filter/evaluator.h"
#include "filter/kernel_prefilter.h"
#include "filter/parser.h"

namespace vedetta {
namespace {

struct EventsArgs {
  std::string read_path;
  std::string write_path;   // -w: events go to this .scap file instead of stdout
  bool compress = false;    // -z: gzip the -w file
  uint64_t max_events = 0;  // 0 = all
  std::vector<std::string> filter_words;  // joined by blanks, as sysdig does
  std::string output_format;              // -p
  bool json = false;                      // -j
  // Live capture only.
  double max_seconds = 0;  // 0 = until Ctrl-C / SIGTERM
  uint32_t only_pid = 0;
  uint32_t snaplen = 80;
  bool verbose = false;
  std::string user = "nobody";
  bool keep_root = false;
  std::vector<std::string> chisel;  // -c NAME [ARGS]: a summary instead of the events
  bool list_chisels = false;
};

constexpr const char* kEventsFooter = R"(
USAGE: vedetta events -r FILE [-n N] [-p FORMAT | -j] [-w OUT.scap [-z]] [FILTER]
       vedetta events [-n N] [-M SECONDS] [--pid PID] [-s SNAPLEN] [-v] [-p FORMAT | -j] [FILTER]
                                                                         (live, as root)
       vedetta events -w OUT.scap [-z] [-M SECONDS] [--pid PID] [FILTER]  (live, to a file)
EXAMPLES:
  vedetta events -r trace.scap            # every event, sysdig's default line
  vedetta events -r trace.scap.gz -n 20   # the first 20 events (gzip files are read as is)
  vedetta events -r trace.scap "fd.type=ipv4 or fd.type=ipv6"    # network events only
  vedetta events -r trace.scap -p "%evt.num %proc.name %fd.name" evt.type=connect
  vedetta events -r trace.scap -j proc.name=curl                  # JSON lines
  sudo vedetta events -M 5 "proc.name=sshd and fd.sport=22"       # live, filtered
  sudo vedetta events -M 10               # live: 10 seconds of system calls and process events
  sudo vedetta events --pid 1234 -n 100   # live: one process, the first 100 events
  sudo vedetta events -M 10 -w trace.scap # live: 10 seconds written to a capture file
  sysdig -r trace.scap                    # ...which sysdig reads too (and vedetta -r)
  vedetta events -r big.scap -n 1000 -w head.scap.gz -z   # the first 1000 events, gzipped
  vedetta events -r trace.scap -c topconns      # a summary (chisel) instead of the events
  vedetta events -r trace.scap -c spy_port 80   # the data sent and received on port 80
  sudo vedetta events -c topprocs_net -M 5      # live: the top processes, every second

Lines read like sysdig's: evt.num time cpu process (tid) direction type args.
Times are in the local time zone (TZ=UTC for UTC). Live capture needs root
and eBPF; it covers socket, connect, accept, accept4, bind, listen, sendto,
recvfrom, sendmsg, recvmsg, sendmmsg, recvmmsg, read, write, readv, writev,
shutdown, socketpair, pipe, pipe2, open, openat, openat2, dup, dup2, dup3,
fcntl, close, close_range, and process creation (clone, clone3, fork,
vfork), execve, execveat and exit.
Kernel threads and vedetta itself are left out. I/O done through io_uring
is invisible to these tracepoints: -v counts its io_uring_enter calls.
With -w the events go to the file (sysdig's .scap format: machine, threads
and their open fds, then the events; -z compresses it with gzip) and one
line on stderr says how many were written.)";

// What every event goes through, read from a file or captured live: the
// state first (so the event shows what it did), then sysdig's filter, then
// the output format.
class EventSelection {
 public:
  EventSelection(const EventsArgs& a, events::ThreadTable& threads)
      : threads_(threads), tracker_(threads), fields_(threads), output_(a.output_format, a.json) {
    std::string text;
    for (const auto& w : a.filter_words) text += (text.empty() ? "" : " ") + w;
    if (!text.empty()) filter_ = filter::parse_filter_or_throw(text);
  }

  // Applies `e` to the state; whether the filter keeps it.
  bool select(const events::Event& e) {
    fields_.before_apply(e);
    tracker_.apply(e);
    fields_.after_apply(e);
    return !filter_ || filter::evaluate(*filter_, fields_);
  }

  // The line to print for `e`, or false when it is not printed.
  bool line_for(const events::Event& e, std::string& line) {
    bool printable = printable_.should_print(e);  // sees every event: it keeps state
    if (!select(e) || !printable) return false;
    return output_.render(fields_, e, threads_, line);
  }

  // For a chisel: the events the filter keeps, including the internal ones
  // sysdig hands its chisels (procinfo, once a second, drives their clock).
  bool select_for_chisel(const events::Event& e) {
    bool printable = printable_.should_print(e);
    return select(e) && (printable || !events::is_printable(e));
  }

  const events::StateTracker& tracker() const { return tracker_; }
  filter::KernelPrefilter kernel_prefilter() const {
    return filter_ ? filter::derive_kernel_prefilter(*filter_) : filter::KernelPrefilter{};
  }

 private:
  events::ThreadTable& threads_;
  events::StateTracker tracker_;
  events::EventFields fields_;
  events::OutputFilter printable_;
  std::optional<filter::Filter> filter_;
  events::EventOutput output_;
};
// The chisel -c asked for, or null. Live tables redraw the screen on a terminal.
std::unique_ptr<events::chisels::ChiselRunner> open_chisel(const EventsArgs& a, bool live) {
  if (a.chisel.empty()) return nullptr;
  events::chisels::ChiselOutput out{stdout, live, live && isatty(STDOUT_FILENO)};
  return std::make_unique<events::chisels::ChiselRunner>(
      events::chisels::make_chisel(a.chisel, out), live);
}

// -c takes up to three words; those its chisel does not take are the start
// of the filter (vedetta events -r f -c topconns proc.name=curl).
void give_extra_chisel_words_to_filter(EventsArgs& a) {
  if (a.chisel.empty()) return;
  for (const auto& spec : events::chisels::all_chisels()) {
    if (a.chisel[0] != spec.name) continue;
    size_t keep = 1 + spec.min_args;
    while (keep < a.chisel.size() && keep < 1 + spec.max_args && a.chisel[keep] == "disable_colors")
      ++keep;  // the only optional chisel argument
    if (a.chisel.size() > keep) {
      a.filter_words.insert(a.filter_words.begin(), a.chisel.begin() + keep, a.chisel.end());
      a.chisel.resize(keep);
    }
  }
}

volatile std::sig_atomic_t g_stop = 0;
void on_stop_signal(int) { g_stop = 1; }

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

// -w: the file is complete once this returns; one line on stderr says what it holds.
void finish_writing(events::ScapWriter& writer) {
  writer.close();
  std::fprintf(stderr, "vedetta: events: wrote %llu events to %s (%llu bytes of capture data)\n",
               static_cast<unsigned long long>(writer.events_written()), writer.path().c_str(),
               static_cast<unsigned long long>(writer.bytes_written()));
}

// With -v, every 10 seconds: the rate and the drops per reason since the
// last line, on stderr.
class StatsLine {
 public:
  explicit StatsLine(std::chrono::steady_clock::time_point start) : last_(start) {}

  void maybe_print(const events::LiveCounters& c, const SyscallCaptureDrops& d, uint64_t printed) {
    auto now = std::chrono::steady_clock::now();
    double secs = std::chrono::duration<double>(now - last_).count();
    if (secs < 10) return;
    uint64_t events = c.syscall_events + c.process_events;
    std::fprintf(stderr,
                 "vedetta: events: stats: %.0f kernel events/s, %llu printed; drops since the "
                 "last line: syscall ring buffer full %llu, process ring buffer full %llu\n",
                 double(events - events_) / secs, static_cast<unsigned long long>(printed),
                 static_cast<unsigned long long>(d.ringbuf_full - drops_.ringbuf_full),
                 static_cast<unsigned long long>(d.process_ringbuf_full -
                                                 drops_.process_ringbuf_full));
    last_ = now;
    events_ = events;
    drops_ = d;
  }

 private:
  std::chrono::steady_clock::time_point last_;
  uint64_t events_ = 0;
  SyscallCaptureDrops drops_{};
};

int run_live(const EventsArgs& a) {
  if (!SyscallCapture::may_load())  // one line here rather than open()'s generic one
    throw UserError(
        "events: live capture needs root (or CAP_BPF + CAP_PERFMON) to load its eBPF programs: "
        "run it as root; reading .scap files with -r works without it");
  // The filter first: a bad one is reported before anything is loaded.
  events::ThreadTable threads;
  EventSelection selection(a, threads);
  // What the kernel can decide of the filter is decided there, so that
  // unwanted events cost no user-space time (docs/events.md).
  filter::KernelPrefilter pre = selection.kernel_prefilter();
  auto chisel = open_chisel(a, true);
  SyscallCaptureOptions o;
  o.syscalls = events::LiveEvents::syscalls_for(
      [&](std::string_view type) { return pre.event_types.allows(std::string(type)); });
  o.always = events::LiveEvents::state_syscalls();
  o.only_pid = a.only_pid;
  // The filter's pids and names (an empty set: nothing can pass; pid 0 and
  // the empty name make no system calls).
  if (!pre.pids.any) {
    for (int64_t pid : pre.pids.values)
      if (pid > 0 && pid <= UINT32_MAX) o.only_pids.push_back(static_cast<uint32_t>(pid));
    if (o.only_pids.empty()) o.only_pids.push_back(0);
  }
  if (!pre.comms.any) {
    for (const std::string& comm : pre.comms.values)
      o.only_comms.push_back(comm.substr(0, filter::kKernelCommLength));
    if (o.only_comms.empty()) o.only_comms.push_back("");
  }
  o.snaplen = a.snaplen;
  std::unique_ptr<SyscallCapture> capture;
  try {
    capture = SyscallCapture::open(o);
  } catch (const UserError& e) {
    throw UserError(std::string("events: live capture: ") + e.what());
  }
  // The kernel's boot-time clock to the epoch, taken once.
  int64_t offset = event_clock_to_epoch_offset_ns();
  events::CaptureMetadata snapshot = events::read_proc_snapshot();
  threads.seed(snapshot);
  events::LiveEvents live(threads, offset);
  live.seed(snapshot);
  // Created while still root (the file may go where only root writes), and
  // holding the /proc snapshot as the capture's process and fd lists.
  std::unique_ptr<events::ScapWriter> writer;
  if (!a.write_path.empty()) {
    events::read_user_database(snapshot);  // the file's user list (sysdig's user.name)
    writer = std::make_unique<events::ScapWriter>(a.write_path, snapshot, a.compress);
  }
  // BPF is loaded and /proc was read: run as an unprivileged user, keeping
  // only CAP_SYS_PTRACE, which reading /proc/PID/cwd of other users'
  // processes (first seen in an event) needs.
  if (!a.keep_root) {
    std::string note = drop_privileges(a.user, {CAP_SYS_PTRACE});
    if (a.verbose) std::fprintf(stderr, "vedetta: events: %s\n", note.c_str());
  }
  if (a.verbose)
    std::fprintf(stderr, "vedetta: events: capturing live (%zu threads in /proc)%s\n",
                 snapshot.threads.size(),
                 a.only_pid ? format(", process %u only", a.only_pid).c_str() : "");
  snapshot = {};

  on_stop_signals(on_stop_signal);

  uint64_t printed = 0;
  bool done = false;
  std::string line;
  auto sink = [&](const events::Event& e) {
    // With -w every event the filter keeps is written (internal ones too);
    // printing also skips what sysdig never prints.
    if (done) return;
    bool keep = writer ? selection.select(e)
                : chisel ? selection.select_for_chisel(e)
                         : selection.line_for(e, line);
    if (!keep) return;
    if (a.only_pid) {  // process events come for every process
      const events::ThreadInfo* th = threads.find(e.tid);
      if (!th || th->pid != static_cast<int64_t>(a.only_pid)) return;
    }
    if (writer) {
      writer->write(e);
      if (a.max_events && writer->events_written() >= a.max_events) done = true;
      return;
    }
    if (chisel) {
      chisel->on_event(e, threads);
      done = chisel->done() || (a.max_events && ++printed >= a.max_events);
      return;
    }
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stdout);
    ++printed;
    if (a.max_events && printed >= a.max_events) done = true;
  };
  auto on_syscall = [&](const vedetta_syscall_event& k) { live.add(k); };
  auto on_process = [&](const vedetta_process_event& k) { live.add(k); };
  auto start = std::chrono::steady_clock::now();
  StatsLine stats(start);
  // Both ring buffers are read to the end at each poll, so every event
  // stamped before the poll started has been read (bar one still being
  // written: a margin): those are released in time order. The kernel wakes
  // the reader only per batch, so a fixed window after "now" could release
  // an event before an older one of the other ring buffer (an exec after
  // the writes that follow it) was read.
  constexpr uint64_t kReorderNs = 10'000'000;
  while (!g_stop && !done) {
    if (a.max_seconds > 0 &&
        std::chrono::steady_clock::now() - start >= std::chrono::duration<double>(a.max_seconds))
      break;
    uint64_t now = event_clock_now_ns();
    capture->poll(100, on_syscall, on_process);
    live.release(now > kReorderNs ? now - kReorderNs : 0, sink);
    // Every event up to there was given: the chisel's clock may move on.
    if (chisel && now > kReorderNs) chisel->tick(now - kReorderNs + offset);
    std::fflush(stdout);
    if (a.verbose) stats.maybe_print(live.counters(), capture->drops(), printed);
  }
  // What the kernel still holds, then everything buffered.
  if (!done) capture->poll(0, on_syscall, on_process);
  live.flush(sink);
  if (chisel) chisel->finish(threads);
  std::fflush(stdout);
  if (writer) finish_writing(*writer);

  SyscallCaptureDrops d = capture->drops();
  const events::LiveCounters& c = live.counters();
  std::fprintf(stderr,
               "vedetta: events: %llu kernel events, %llu drops (syscall ring buffer full: %llu, "
               "process ring buffer full: %llu)\n",
               static_cast<unsigned long long>(c.syscall_events + c.process_events),
               static_cast<unsigned long long>(d.ringbuf_full + d.process_ringbuf_full),
               static_cast<unsigned long long>(d.ringbuf_full),
               static_cast<unsigned long long>(d.process_ringbuf_full));
  if (a.verbose)
    std::fprintf(stderr,
                 "vedetta: events: %llu syscall events, %llu process events, %llu PPME events, "
                 "%llu printed, %llu threads first seen in an event\n",
                 static_cast<unsigned long long>(c.syscall_events),
                 static_cast<unsigned long long>(c.process_events),
                 static_cast<unsigned long long>(c.events),
                 static_cast<unsigned long long>(printed),
                 static_cast<unsigned long long>(selection.tracker().counters().threads_unknown));
  if (a.verbose) {
    // io_uring I/O never passes the syscall tracepoints: say how much was missed.
    SyscallCaptureIoUring u = capture->io_uring();
    std::fprintf(stderr,
                 "vedetta: events: io_uring: %llu io_uring_enter calls submitting %llu "
                 "operations (their I/O is not captured)\n",
                 static_cast<unsigned long long>(u.enters), static_cast<unsigned long long>(u.sqes));
    std::fprintf(stderr,
                 "vedetta: events: %llu events of other processes left out in the kernel by the "
                 "filter's pids and names\n",
                 static_cast<unsigned long long>(capture->filtered_in_kernel()));
  }
  return 0;
}

int run(const EventsArgs& a) {
  if (a.list_chisels) {
    std::fputs(events::chisels::chisel_list_text().c_str(), stdout);
    return 0;
  }
  if (a.read_path.empty()) return run_live(a);
  std::error_code same_error;
  if (!a.write_path.empty() && std::filesystem::equivalent(a.read_path, a.write_path, same_error))
    throw UserError("events: -w " + a.write_path + " is the file -r reads: write to another file");
  auto chisel = open_chisel(a, false);
  std::string error;
  auto reader = events::ScapReader::open_file(a.read_path, &error);
  if (!reader) throw UserError("events: " + error);

  events::ThreadTable threads;
  threads.seed(reader->metadata());
  EventSelection selection(a, threads);
  std::unique_ptr<events::ScapWriter> writer;
  if (!a.write_path.empty())
    writer = std::make_unique<events::ScapWriter>(a.write_path, reader->metadata(), a.compress);
  // The file is open (and the output file): reading needs no privilege.
  if (!a.keep_root) {
    std::string note = drop_privileges(a.user, {CAP_SYS_PTRACE});
    if (a.verbose) std::fprintf(stderr, "vedetta: events: %s\n", note.c_str());
  }
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
    if (chisel) {  // the events the filter keeps, internal ones too (procinfo drives its clock)
      if (!selection.select_for_chisel(e)) continue;
      chisel->on_event(e, threads);
      if (chisel->done() || (a.max_events && ++printed >= a.max_events)) break;
      continue;
    }
    if (writer) {  // the events the filter keeps, as read
      if (!selection.select(e)) continue;
      writer->write(e);
      if (a.max_events && writer->events_written() >= a.max_events) break;
      continue;
    }
    if (!selection.line_for(e, line)) continue;
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stdout);
    if (a.max_events && ++printed >= a.max_events) break;
  }
  if (writer) finish_writing(*writer);
  if (chisel) chisel->finish(threads);
  report_skipped(a.read_path, reader->counters());
  return 0;
}

}  // namespace

std::function<int()> add_events_command(CLI::App& app) {
  auto args = std::make_shared<EventsArgs>();
  CLI::App* cmd = app.add_subcommand(
      "events", "System events like sysdig: read a .scap capture (-r), or capture live (eBPF)");
  cmd->footer(kEventsFooter);
  cmd->add_option("-r,--read", args->read_path, "Capture file to read (.scap, plain or gzip)");
  cmd->add_option("-n,--count", args->max_events, "Stop after printing (or writing) N events");
  cmd->add_option("-p,--print", args->output_format,
                  "Output format: %field tokens (sysdig's -p), e.g. \"%evt.num %proc.name %fd.name\"; "
                  "a leading * prints events whose fields are missing too");
  cmd->add_flag("-j,--json", args->json, "One JSON object per event (the -p fields, or the default ones)");
  cmd->add_option("-w,--write", args->write_path,
                  "Write the events to this .scap file (sysdig's format) instead of printing them");
  cmd->add_flag("-z,--compress", args->compress, "With -w: gzip the file")->needs("--write");
  cmd->add_option("-c,--chisel", args->chisel,
                  "Print a summary instead of the events, as sysdig's chisel NAME does "
                  "(see --list-chisels)")
      ->expected(1, 3)  // spy_port PORT disable_colors
      ->type_name("NAME [ARGS]");
  cmd->add_flag("--list-chisels", args->list_chisels, "List the chisels -c runs, and exit");
  cmd->add_option("filter", args->filter_words,
                  "sysdig filter, e.g. proc.name=sshd and fd.type=ipv4 (docs/events.md)");
  auto* m = cmd->add_option("-M,--seconds", args->max_seconds,
                            "Live: stop after this many seconds (default: Ctrl-C/SIGTERM)")
                ->check(CLI::Range(0.0, 1e9).description("SECONDS>=0"));
  auto* pid = cmd->add_option("--pid", args->only_pid, "Live: events of this process only")
                  ->check(CLI::Range(1u, 4194304u));
  auto* snap = cmd->add_option("-s,--snaplen", args->snaplen,
                               "Live: bytes of I/O data copied per call (at most 255)")
                   ->check(CLI::Range(0u, 255u))
                   ->capture_default_str();
  auto* v = cmd->add_flag("-v,--verbose", args->verbose,
                          "Live: say when capturing starts; counters at the end");
  auto* u = cmd->add_option("-u,--user", args->user,
                            "Live: user to run as once BPF is loaded (keeps only CAP_SYS_PTRACE)")
                ->capture_default_str();
  auto* k = cmd->add_flag("--keep-root", args->keep_root, "Live: keep root privileges");
  for (auto* o : {m, pid, snap, v, u, k}) o->excludes("--read");
  return [args] {
    give_extra_chisel_words_to_filter(*args);
    try {
      return run(*args);
    } catch (const events::ScapWriteError& e) {  // -w: said like the command's other errors
      throw UserError(std::string("events: ") + e.what());
    }
  };
}

}  // namespace vedetta
