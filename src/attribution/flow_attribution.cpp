#include "attribution/flow_attribution.h"

#include "ebpf/event_clock.h"

#include <sys/syscall.h>


namespace vedetta {
namespace {

// Closed sockets and exited processes are kept this long so that flows
// exported after them (idle timeout) are still attributed.
constexpr uint64_t kKeepNs = 300ULL * 1'000'000'000ULL;
constexpr uint64_t kScanEveryNs = 1'000'000'000ULL;
// A flow no socket matches may be newer than the last scan; scan again, but
// not for every remote flow of a busy link.
constexpr uint64_t kRescanOnMissNs = 250'000'000ULL;

}  // namespace

FlowAttribution::FlowAttribution(Source source) : source_(source) {
  if (source_ == Source::kEbpf) {
    SyscallCaptureOptions o;
    // The calls that tie a socket to a process: its lifecycle, and the
    // send/receive calls that name the peer of unconnected UDP.
    o.syscalls = {SYS_connect, SYS_accept, SYS_accept4, SYS_bind,    SYS_listen, SYS_sendto,
                  SYS_recvfrom, SYS_sendmsg, SYS_recvmsg, SYS_close};
    o.snaplen = 0;
    o.lean = true;  // owners only: repeated send/receive calls stay in the kernel
    capture_ = SyscallCapture::open(o);  // before the scan: no gap between the two
  }
  processes_.seed_from_proc();
  scan(event_clock_now_ns());
}

void FlowAttribution::scan(uint64_t now_ns) {
  scanner_.scan(processes_, sockets_, now_ns, source_ == Source::kPoll);
  last_scan_ns_ = now_ns;
}

void FlowAttribution::drain() {
  uint64_t now = event_clock_now_ns();
  if (capture_) {
    capture_->poll(0, [this](const vedetta_syscall_event& e) { sockets_.on_syscall_event(e); },
                   [this](const vedetta_process_event& p) { processes_.on_process_event(p); });
  } else if (source_ == Source::kPoll && now >= last_scan_ns_ + kScanEveryNs) {
    scan(now);
  }
  if (now > last_expire_ns_ + 10'000'000'000ULL) {
    sockets_.expire(now, kKeepNs);
    processes_.expire_exited(now, kKeepNs);
    last_expire_ns_ = now;
  }
}

FlowProcesses FlowAttribution::lookup(const Flow& flow) {
  FlowProcesses r;
  const Endpoint& c = flow.client();
  const Endpoint& s = flow.server();
  // The flow's first packet on the events' clock: picks, among sockets that
  // had this tuple one after the other, the one alive then.
  int64_t start = static_cast<int64_t>(flow.first_us) * 1000 - epoch_offset_ns_;
  uint64_t at_ns = start > 0 ? static_cast<uint64_t>(start) : 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (const SocketOwner* o = sockets_.find(flow.key.l4_proto, c, s, 0, at_ns))
      r.client = o->process;
    if (const SocketOwner* o = sockets_.find(flow.key.l4_proto, s, c, 0, at_ns))
      r.server = o->process;
    if (r.client || r.server || source_ != Source::kPoll) break;
    uint64_t now = event_clock_now_ns();
    if (now < last_scan_ns_ + kRescanOnMissNs) break;
    scan(now);
  }
  uint64_t bytes = flow.c2s.ip_bytes + flow.s2c.ip_bytes;
  ++stats_.flows;
  stats_.bytes += bytes;
  if (r.client || r.server) {
    ++stats_.flows_attributed;
    stats_.bytes_attributed += bytes;
  }
  return r;
}

AttributionStats FlowAttribution::stats() const {
  AttributionStats s = stats_;
  if (capture_) {
    s.drops = capture_->drops();
    s.left_in_kernel_io = capture_->lean_repeated_io();
    s.left_in_kernel_other = capture_->lean_other();
  }
  s.scans = scanner_.stats().scans;
  return s;
}

}  // namespace vedetta
