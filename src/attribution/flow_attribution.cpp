#include "attribution/flow_attribution.h"

#include "ebpf/event_clock.h"

#include <sys/syscall.h>


namespace vedetta {
namespace {

// Closed sockets and exited processes are kept this long so that flows
// exported after them (idle timeout) are still attributed.
constexpr uint64_t kKeepNs = 300ULL * 1'000'000'000ULL;

}  // namespace

FlowAttribution::FlowAttribution() {
  SyscallCaptureOptions o;
  // The calls that tie a socket to a process: its lifecycle, and the
  // send/receive calls that name the peer of unconnected UDP.
  o.syscalls = {SYS_connect, SYS_accept, SYS_accept4, SYS_bind,    SYS_listen, SYS_sendto,
                SYS_recvfrom, SYS_sendmsg, SYS_recvmsg, SYS_close};
  o.snaplen = 0;
  capture_ = SyscallCapture::open(o);
  processes_.seed_from_proc();
}

void FlowAttribution::drain() {
  capture_->poll(0, [this](const vedetta_syscall_event& e) { sockets_.on_syscall_event(e); },
                 [this](const vedetta_process_event& p) { processes_.on_process_event(p); });
  uint64_t now = event_clock_now_ns();
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
  if (const SocketOwner* o = sockets_.find(flow.key.l4_proto, c, s)) r.client = o->process;
  if (const SocketOwner* o = sockets_.find(flow.key.l4_proto, s, c)) r.server = o->process;
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
  s.drops = capture_->drops();
  return s;
}

}  // namespace vedetta
