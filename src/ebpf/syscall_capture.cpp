#include "ebpf/syscall_capture.h"

#include <bpf/libbpf.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/user_error.h"
#include "syscall_events.skel.h"

namespace vedetta {
namespace {

int quiet_libbpf(enum libbpf_print_level level, const char* fmt, va_list args) {
  if (level == LIBBPF_WARN) return vfprintf(stderr, fmt, args);
  return 0;
}

std::string why_bpf_failed(int err) {
  if (geteuid() != 0)
    return "eBPF needs root (or CAP_BPF + CAP_PERFMON): run as root";
  if (err == -EPERM || err == EPERM) return "the kernel refused to load BPF programs (EPERM)";
  return std::string("loading the BPF programs failed: ") + strerror(err < 0 ? -err : err);
}


}  // namespace

// Root, CAP_SYS_ADMIN, or CAP_BPF with CAP_PERFMON (from CapEff): checked
// before libbpf tries, so that a user reads one line, not libbpf's warnings.
bool SyscallCapture::may_load() {
  if (geteuid() == 0) return true;
  FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return true;  // cannot tell: let the kernel decide
  char line[256];
  unsigned long long effective = 0;
  while (std::fgets(line, sizeof line, f))
    if (std::sscanf(line, "CapEff: %llx", &effective) == 1) break;
  std::fclose(f);
  constexpr int kSysAdmin = 21, kPerfmon = 38, kBpf = 39;
  auto has = [&](int cap) { return (effective >> cap) & 1ULL; };
  return has(kSysAdmin) || (has(kBpf) && has(kPerfmon));
}

std::unique_ptr<SyscallCapture> SyscallCapture::open(const SyscallCaptureOptions& options) {
  if (!may_load()) throw UserError(why_bpf_failed(EPERM));
  libbpf_set_print(quiet_libbpf);
  std::unique_ptr<SyscallCapture> c(new SyscallCapture());
  c->skel_ = syscall_events_bpf__open();
  if (!c->skel_) throw UserError(why_bpf_failed(errno));
  int err = syscall_events_bpf__load(c->skel_);
  if (err) throw UserError(why_bpf_failed(err));

  for (int nr : options.syscalls) {
    if (nr < 0 || nr >= VEDETTA_MAX_SYSCALLS) continue;
    uint32_t key = static_cast<uint32_t>(nr);
    bool always = std::find(options.always.begin(), options.always.end(), nr) != options.always.end();
    uint8_t on = always ? VEDETTA_SELECTED_ALWAYS : VEDETTA_SELECTED;
    bpf_map__update_elem(c->skel_->maps.selected, &key, sizeof key, &on, sizeof on, BPF_ANY);
  }
  if (options.only_pids.size() > VEDETTA_FILTER_MAX || options.only_comms.size() > VEDETTA_FILTER_MAX)
    throw UserError("a filter may name at most 1024 pids and 1024 process names");
  uint8_t yes = 1;
  for (uint32_t pid : options.only_pids)
    bpf_map__update_elem(c->skel_->maps.pid_filter, &pid, sizeof pid, &yes, sizeof yes, BPF_ANY);
  for (const std::string& comm : options.only_comms) {
    char key[VEDETTA_COMM_LEN] = {};
    std::memcpy(key, comm.data(), std::min(comm.size(), sizeof key - 1));
    bpf_map__update_elem(c->skel_->maps.comm_filter, key, sizeof key, &yes, sizeof yes, BPF_ANY);
  }
  vedetta_capture_config cfg{};
  cfg.lean = options.lean;
  cfg.ip_sockets_only = options.ip_sockets_only;
  cfg.filter_pids = !options.only_pids.empty();
  cfg.filter_comms = !options.only_comms.empty();
  cfg.ignore_tgid = options.include_self ? 0 : static_cast<uint32_t>(getpid());
  cfg.only_tgid = options.only_pid;
  cfg.snaplen = options.snaplen > VEDETTA_SNAP_MAX ? VEDETTA_SNAP_MAX : options.snaplen;
  uint32_t zero = 0;
  bpf_map__update_elem(c->skel_->maps.config, &zero, sizeof zero, &cfg, sizeof cfg, BPF_ANY);

  err = syscall_events_bpf__attach(c->skel_);
  if (err) throw UserError("attaching to the raw tracepoints sys_enter/sys_exit failed: " +
                           std::string(strerror(-err)));
  c->ring_ = ring_buffer__new(bpf_map__fd(c->skel_->maps.events), &SyscallCapture::on_sample,
                              c.get(), nullptr);
  if (!c->ring_ || ring_buffer__add(c->ring_, bpf_map__fd(c->skel_->maps.process_events),
                                    &SyscallCapture::on_process_sample, c.get()) != 0)
    throw UserError("cannot open the BPF ring buffers: " + std::string(strerror(errno)));
  return c;
}

SyscallCapture::~SyscallCapture() {
  if (ring_) ring_buffer__free(ring_);
  if (skel_) syscall_events_bpf__destroy(skel_);
}

int SyscallCapture::on_sample(void* self, void* data, size_t size) {
  auto* c = static_cast<SyscallCapture*>(self);
  if (size >= sizeof(vedetta_syscall_event) && c->handler_)
    (*c->handler_)(*static_cast<const vedetta_syscall_event*>(data));
  return 0;
}

int SyscallCapture::on_process_sample(void* self, void* data, size_t size) {
  auto* c = static_cast<SyscallCapture*>(self);
  if (size >= sizeof(vedetta_process_event) && c->process_handler_ && *c->process_handler_)
    (*c->process_handler_)(*static_cast<const vedetta_process_event*>(data));
  return 0;
}

int SyscallCapture::poll(int timeout_ms, const Handler& handler, const ProcessHandler& on_process) {
  handler_ = &handler;
  process_handler_ = &on_process;
  // The kernel side wakes us only for batches: after the wait, take what
  // is there anyway.
  int n = ring_buffer__poll(ring_, timeout_ms);
  if (n >= 0) {
    int more = ring_buffer__consume(ring_);
    if (more > 0) n += more;
  }
  handler_ = nullptr;
  process_handler_ = nullptr;
  return n < 0 ? 0 : n;
}

uint64_t SyscallCapture::per_cpu_sum(const struct bpf_map* map, uint32_t key) const {
  int ncpu = libbpf_num_possible_cpus();
  std::vector<uint64_t> per_cpu(ncpu > 0 ? ncpu : 1);
  uint64_t total = 0;
  if (bpf_map__lookup_elem(map, &key, sizeof key, per_cpu.data(),
                           per_cpu.size() * sizeof(uint64_t), 0) == 0)
    for (uint64_t v : per_cpu) total += v;
  return total;
}

SyscallCaptureDrops SyscallCapture::drops() const {
  SyscallCaptureDrops d;
  d.ringbuf_full = per_cpu_sum(skel_->maps.drops, VEDETTA_DROP_RINGBUF_FULL);
  d.process_ringbuf_full = per_cpu_sum(skel_->maps.drops, VEDETTA_DROP_PROCESS_RINGBUF_FULL);
  return d;
}

uint64_t SyscallCapture::lean_repeated_io() const {
  return per_cpu_sum(skel_->maps.lean, VEDETTA_LEAN_REPEATED_IO);
}
uint64_t SyscallCapture::lean_other() const { return per_cpu_sum(skel_->maps.lean, VEDETTA_LEAN_OTHER); }

uint64_t SyscallCapture::filtered_in_kernel() const { return per_cpu_sum(skel_->maps.filtered, 0); }

SyscallCaptureIoUring SyscallCapture::io_uring() const {
  SyscallCaptureIoUring u;
  u.enters = per_cpu_sum(skel_->maps.io_uring, VEDETTA_IO_URING_ENTERS);
  u.sqes = per_cpu_sum(skel_->maps.io_uring, VEDETTA_IO_URING_SQES);
  return u;
}

}  // namespace vedetta
