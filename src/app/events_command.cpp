// `vedetta events -r FILE`: replays a .scap capture and prints each event the
// way `sysdig -r FILE` does. Without -r: captures live with eBPF and prints
// the same lines (the kernel events become the PPME events sysdig writes).
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>

#include <linux/capability.h>

#include "app/commands.h"
#include "app/privileges.h"
#include "common/user_error.h"
#include "ebpf/event_clock.h"
#include "ebpf/syscall_capture.h"
#include "events/chisels/registry.h"
#include "events/event_formatter.h"
#include "events/live_events.h"
#include "events/proc_snapshot.h"
#include "events/scap_reader.h"
#include "events/state_tracker.h"
#include "events/thread_table.h"

namespace vedetta {
namespace {

struct EventsArgs {
  std::string read_path;
  uint64_t max_events = 0;  // 0 = all
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
USAGE: vedetta events -r FILE [-n N]
       vedetta events [-n N] [-M SECONDS] [--pid PID] [-s SNAPLEN] [-v]   (live, as root)
EXAMPLES:
  vedetta events -r trace.scap            # every event, sysdig's default line
  vedetta events -r trace.scap.gz -n 20   # the first 20 events (gzip files are read as is)
  sudo vedetta events -M 10               # live: 10 seconds of network and process events
  sudo vedetta events --pid 1234 -n 100   # live: one process, the first 100 events
  vedetta events -r trace.scap -c topconns      # a summary (chisel) instead of the events
  vedetta events -r trace.scap -c spy_port 80   # the data sent and received on port 80
  sudo vedetta events -c topprocs_net -M 5      # live: the top processes, every second

Lines read like sysdig's: evt.num time cpu process (tid) direction type args.
Times are in the local time zone (TZ=UTC for UTC). Live capture needs root
and eBPF; it covers socket, connect, accept, accept4, bind, listen, sendto,
recvfrom, sendmsg, recvmsg, read, write, close, shutdown, and process
creation (clone), execve and exit.)";

// The chisel -c asked for, or null. Live tables redraw the screen on a terminal.
std::unique_ptr<events::chisels::ChiselRunner> open_chisel(const EventsArgs& a, bool live) {
  if (a.chisel.empty()) return nullptr;
  events::chisels::ChiselOutput out{stdout, live, live && isatty(STDOUT_FILENO)};
  return std::make_unique<events::chisels::ChiselRunner>(
      events::chisels::make_chisel(a.chisel, out), live);
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

// Whether this process may load tracing BPF programs: root, CAP_SYS_ADMIN,
// or CAP_BPF with CAP_PERFMON. Checked first so that the user reads one line
// instead of libbpf's warnings.
bool may_load_bpf() {
  if (geteuid() == 0) return true;
  FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return true;  // cannot tell: let the kernel decide
  char line[256];
  unsigned long long eff = 0;
  while (std::fgets(line, sizeof line, f))
    if (std::sscanf(line, "CapEff: %llx", &eff) == 1) break;
  std::fclose(f);
  auto has = [&](int cap) { return (eff >> cap) & 1ULL; };
  return has(21) || (has(39) && has(38));  // CAP_SYS_ADMIN; CAP_BPF + CAP_PERFMON
}

int run_live(const EventsArgs& a) {
  if (!may_load_bpf())
    throw UserError(
        "events: live capture needs root (or CAP_BPF + CAP_PERFMON) to load its eBPF programs: "
        "run it as root; reading .scap files with -r works without it");
  auto chisel = open_chisel(a, true);
  SyscallCaptureOptions o;
  o.syscalls = events::LiveEvents::syscalls();
  o.only_pid = a.only_pid;
  o.snaplen = a.snaplen;
  std::unique_ptr<SyscallCapture> capture;
  try {
    capture = SyscallCapture::open(o);
  } catch (const UserError& e) {
    throw UserError(std::string("events: live capture: ") + e.what());
  }
  // The kernel's boot-time clock to the epoch, taken once.
  int64_t offset = event_clock_to_epoch_offset_ns();
  events::ThreadTable threads;
  events::CaptureMetadata snapshot = events::read_proc_snapshot();
  threads.seed(snapshot);
  events::LiveEvents live(threads, offset);
  live.seed(snapshot);
  events::StateTracker tracker(threads);
  events::OutputFilter filter;
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

  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  uint64_t printed = 0;
  bool done = false;
  std::string line;
  auto sink = [&](const events::Event& e) {
    tracker.apply(e);
    if (done || !filter.should_print(e)) return;
    if (a.only_pid) {  // process events come for every process
      const events::ThreadInfo* th = threads.find(e.tid);
      if (!th || th->pid != static_cast<int64_t>(a.only_pid)) return;
    }
    if (chisel) {
      chisel->on_event(e, threads);
      done = chisel->done() || (a.max_events && ++printed >= a.max_events);
      return;
    }
    line = events::format_default_line(e, threads);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stdout);
    ++printed;
    if (a.max_events && printed >= a.max_events) done = true;
  };
  auto on_syscall = [&](const vedetta_syscall_event& k) { live.add(k); };
  auto on_process = [&](const vedetta_process_event& k) { live.add(k); };
  auto start = std::chrono::steady_clock::now();
  // Events of both ring buffers are held this long, then printed in time order.
  constexpr uint64_t kReorderNs = 50'000'000;
  while (!g_stop && !done) {
    if (a.max_seconds > 0 &&
        std::chrono::steady_clock::now() - start >= std::chrono::duration<double>(a.max_seconds))
      break;
    capture->poll(100, on_syscall, on_process);
    uint64_t now = event_clock_now_ns();
    live.release(now > kReorderNs ? now - kReorderNs : 0, sink);
    // Every event up to there was given: the chisel's clock may move on.
    if (chisel && now > kReorderNs) chisel->tick(now - kReorderNs + offset);
    std::fflush(stdout);
  }
  // What the kernel still holds, then everything buffered.
  if (!done) capture->poll(0, on_syscall, on_process);
  live.flush(sink);
  if (chisel) chisel->finish(threads);
  std::fflush(stdout);

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
                 static_cast<unsigned long long>(tracker.counters().threads_unknown));
  return 0;
}

int run(const EventsArgs& a) {
  if (a.list_chisels) {
    std::fputs(events::chisels::chisel_list_text().c_str(), stdout);
    return 0;
  }
  if (a.read_path.empty()) return run_live(a);
  auto chisel = open_chisel(a, false);
  std::string error;
  auto reader = events::ScapReader::open_file(a.read_path, &error);
  if (!reader) throw UserError("events: " + error);

  events::ThreadTable threads;
  threads.seed(reader->metadata());
  events::StateTracker tracker(threads);
  events::OutputFilter filter;
  // BPF is loaded and /proc was read: run as an unprivileged user, keeping
  // only CAP_SYS_PTRACE, which reading /proc/PID/cwd of other users'
  // processes (first seen in an event) needs.
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
    tracker.apply(e);
    bool print = filter.should_print(e);
    if (chisel) {
      // Chisels also see the internal events (procinfo: once a second), as in sysdig.
      if (!print && events::is_printable(e)) continue;
      chisel->on_event(e, threads);
      if (chisel->done() || (a.max_events && ++printed >= a.max_events)) break;
      continue;
    }
    if (!print) continue;
    line = events::format_default_line(e, threads);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stdout);
    if (a.max_events && ++printed >= a.max_events) break;
  }
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
  cmd->add_option("-n,--count", args->max_events, "Stop after printing N events");
  cmd->add_option("-c,--chisel", args->chisel,
                  "Print a summary instead of the events, as sysdig's chisel NAME does "
                  "(see --list-chisels)")
      ->expected(1, 3)  // spy_port PORT disable_colors
      ->type_name("NAME [ARGS]");
  cmd->add_flag("--list-chisels", args->list_chisels, "List the chisels -c runs, and exit");
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
  return [args] { return run(*args); };
}

}  // namespace vedetta
