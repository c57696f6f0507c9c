#include "attribution/flow_attribution.h"

#include "ebpf/event_clock.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>


namespace vedetta {
namespace {

// Closed sockets and exited processes are kept this long so that flows
// exported after them (idle timeout) are still attributed.
constexpr uint64_t kKeepNs = 300ULL * 1'000'000'000ULL;
constexpr uint64_t kScanEveryNs = 1'000'000'000ULL;
// A flow no socket matches may be newer than the last scan; scan again, but
// not for every remote flow of a busy link.
constexpr uint64_t kRescanOnMissNs = 250'000'000ULL;
// Interfaces and addresses come and go (a container starts). The kernel
// announces it: the map is read again, at most this often.
constexpr uint64_t kReadInterfacesAtMostNs = 250'000'000ULL;
constexpr uint64_t kCheckAnnouncementsEveryNs = 100'000'000ULL;  // a recv() each time
// Where the announcements do not cover the peers' namespaces (the socket
// was not opened as root), an interface not in the map is looked for again
// after a second, an address no namespace behind the interface has (a
// remote one, most often) after ten.
constexpr uint64_t kReadInterfacesOnNewNs = 1'000'000'000ULL;
constexpr uint64_t kReadInterfacesOnMissNs = 10'000'000'000ULL;

uint64_t wall_us() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

SampleClock sample_clock(int64_t epoch_offset_ns, DelayAccounting delayacct) {
  SampleClock c;
  c.boot_to_epoch_us = epoch_offset_ns / 1000;
  long hz = sysconf(_SC_CLK_TCK);
  c.tick_ns = 1'000'000'000ULL / uint64_t(hz > 0 ? hz : 100);
  c.delayacct = delayacct;
  return c;
}

}  // namespace

FlowAttribution::FlowAttribution(Source source, DelayAccounting delayacct, NamespaceScope scope)
    : source_(source), resources_(sample_clock(epoch_offset_ns_, delayacct)) {
  scope_ = scope;
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
  struct stat own_ns {};
  if (stat("/proc/self/ns/net", &own_ns) == 0) {
    own_netns_ = static_cast<uint32_t>(own_ns.st_ino);
    sockets_.prefer_namespace(own_netns_);
    if (scope_ == NamespaceScope::kOwn) sockets_.scope_to_namespace(own_netns_);
  }
  // Before the privilege drop: other namespaces' addresses need
  // CAP_NET_ADMIN, their announcements CAP_NET_BROADCAST.
  // Agent mode's flows come from system calls: no interface to map.
  if (scope_ == NamespaceScope::kAll && own_netns_ && source_ != Source::kFed) {
    interface_changes_ = std::make_unique<RouteChanges>();
    interface_changes_->changed();
    read_interfaces(event_clock_now_ns());
  }
  processes_.seed_from_proc();
  scan(event_clock_now_ns());
}

void FlowAttribution::scan(uint64_t now_ns) {
  scanner_.scan(processes_, sockets_, now_ns, source_ == Source::kPoll);
  last_scan_ns_ = now_ns;
}

void FlowAttribution::on_syscall_event(const vedetta_syscall_event& e) {
  ++stats_.socket_events;
  sockets_.on_syscall_event(e);
  if (e.sock.family != AF_INET && e.sock.family != AF_INET6) return;
  // Where flows start and end: samples there bracket them best.
  bool edge = e.syscall == SYS_connect || e.syscall == SYS_accept || e.syscall == SYS_accept4 ||
              e.syscall == SYS_close;
  resources_.watch(e.tgid, wall_us(), edge);
}

void FlowAttribution::on_process_event(const vedetta_process_event& p) {
  ++stats_.process_events;
  processes_.on_process_event(p);
  uint64_t at_us = uint64_t(int64_t(p.ts_ns) + epoch_offset_ns_) / 1000;
  if (p.kind == VEDETTA_PROCESS_FORK && p.child_tgid != p.tgid) resources_.on_fork(p.child_tgid, at_us);
  if (p.kind == VEDETTA_PROCESS_EXIT && p.group_dead) {  // applied at the next drain()
    exits_.push_back({at_us, p.cpu_ns, p.min_flt, p.maj_flt, p.maxrss_kb});
    exit_pids_.push_back(p.tgid);
  }
}

void FlowAttribution::drain() {
  uint64_t now = event_clock_now_ns();
  if (capture_) {
    capture_->poll(0, [this](const vedetta_syscall_event& e) { on_syscall_event(e); },
                   [this](const vedetta_process_event& p) { on_process_event(p); });
  } else if (source_ == Source::kPoll && now >= last_scan_ns_ + kScanEveryNs) {
    scan(now);
  }
  if (interface_changes_ && now >= changes_checked_ns_ + kCheckAnnouncementsEveryNs) {
    changes_checked_ns_ = now;
    if (interface_changes_->changed()) interfaces_changed_ = true;
  }
  // The rings are read one after the other: a process's last socket
  // events may come after its exit, and must be watched first.
  for (size_t i = 0; i < exits_.size(); ++i) resources_.on_exit(exit_pids_[i], exits_[i]);
  exits_.clear();
  exit_pids_.clear();
  sample_resources();
  if (now > last_expire_ns_ + 10'000'000'000ULL) {
    sockets_.expire(now, kKeepNs);
    processes_.expire_exited(now, kKeepNs);
    last_expire_ns_ = now;
  }
}

void FlowAttribution::read_interfaces(uint64_t now_ns) {
  interfaces_.refresh(own_netns_);
  interfaces_read_ns_ = now_ns;
  interfaces_changed_ = false;
}

uint32_t FlowAttribution::end_namespace(uint32_t ifindex, const IpAddress& address) {
  if (!ifindex || !interface_changes_) return 0;
  if (interfaces_changed_) {
    uint64_t now = event_clock_now_ns();
    if (now >= interfaces_read_ns_ + kReadInterfacesAtMostNs) read_interfaces(now);
  }
  if (uint32_t ns = interfaces_.owner(ifindex, address)) return ns;
  if (interface_changes_->all_namespaces() && !interfaces_changed_) return 0;
  uint64_t now = event_clock_now_ns();
  uint64_t wait = interfaces_.knows(ifindex) ? kReadInterfacesOnMissNs : kReadInterfacesOnNewNs;
  if (now < interfaces_read_ns_ + wait) return 0;
  read_interfaces(now);
  return interfaces_.owner(ifindex, address);
}

std::vector<std::string> FlowAttribution::take_warnings() {
  std::vector<std::string> out = scanner_.take_warnings();
  for (std::string& w : interfaces_.take_warnings()) out.push_back(std::move(w));
  return out;
}

FlowProcesses FlowAttribution::lookup(const Flow& flow, uint32_t ifindex) {
  FlowProcesses r;
  const Endpoint& c = flow.client();
  const Endpoint& s = flow.server();
  // 0 (not known): every namespace the scope allows.
  const uint32_t client_ns = end_namespace(ifindex, c.addr);
  const uint32_t server_ns = end_namespace(ifindex, s.addr);
  stats_.ends_by_interface += (client_ns != 0) + (server_ns != 0);
  // The flow's first packet on the events' clock: picks, among sockets that
  // had this tuple one after the other, the one alive then.
  int64_t start = static_cast<int64_t>(flow.first_us) * 1000 - epoch_offset_ns_;
  uint64_t at_ns = start > 0 ? static_cast<uint64_t>(start) : 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (const SocketOwner* o = sockets_.find(flow.key.l4_proto, c, s, client_ns, at_ns)) {
      r.client = o->process;
      r.client_others = o->others;
    }
    if (const SocketOwner* o = sockets_.find(flow.key.l4_proto, s, c, server_ns, at_ns)) {
      r.server = o->process;
      r.server_others = o->others;
    }
    if (r.client || r.server || source_ != Source::kPoll) break;
    uint64_t now = event_clock_now_ns();
    if (now < last_scan_ns_ + kRescanOnMissNs) break;
    scan(now);
  }
  r.client_resources = resources(r.client, flow);
  r.server_resources = resources(r.server, flow);
  uint64_t bytes = flow.c2s.ip_bytes + flow.s2c.ip_bytes;
  ++stats_.flows;
  stats_.bytes += bytes;
  if (r.client || r.server) {
    ++stats_.flows_attributed;
    stats_.bytes_attributed += bytes;
  }
  if (r.client || r.server || host_addresses_.is_local(c.addr) || host_addresses_.is_local(s.addr)) {
    ++stats_.local_flows;
    stats_.local_bytes += bytes;
    if (r.client || r.server) {
      ++stats_.local_flows_attributed;
      stats_.local_bytes_attributed += bytes;
    }
  }
  return r;
}

void FlowAttribution::sample_resources() {
  uint64_t now_us = wall_us();
  if (now_us < last_sample_us_ + ResourceSampler::kEveryUs) return;
  last_sample_us_ = now_us;
  owners_.clear();
  sockets_.open_owners(owners_);
  std::sort(owners_.begin(), owners_.end());
  owners_.erase(std::unique(owners_.begin(), owners_.end()), owners_.end());
  resources_.tick(now_us, owners_);
}

std::optional<FlowResources> FlowAttribution::resources(const ProcessRef& p, const Flow& flow) {
  if (!p) return std::nullopt;
  return resources_.usage(p->pid, flow.first_us, flow.last_us, wall_us());
}

AttributionStats FlowAttribution::stats() const {
  AttributionStats s = stats_;
  if (capture_) {
    s.drops = capture_->drops();
    s.left_in_kernel_io = capture_->lean_repeated_io();
    s.left_in_kernel_other = capture_->lean_other();
  }
  s.scans = scanner_.stats().scans;
  s.socket_events_applied = sockets_.stats().events;
  return s;
}

}  // namespace vedetta
