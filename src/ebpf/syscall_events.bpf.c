// Kernel side of system call capture: raw tracepoints on sys_enter and
// sys_exit (kprobes, fentry and tp_btf are not available on the kernels we
// target), filtered in the kernel by syscall number and process, delivered
// through a BPF ring buffer. Drops are counted per reason.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "syscall_event.h"

// CO-RE: declare only the fields we read; libbpf relocates them by name
// against the running kernel's BTF.
struct pt_regs {
  unsigned long di, si, dx, r10, r8, r9, orig_ax;
} __attribute__((preserve_access_index));

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 8 << 20);
} events SEC(".maps");

// Which syscall numbers to report (1 = yes); user space fills it.
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, VEDETTA_MAX_SYSCALLS);
  __type(key, __u32);
  __type(value, __u8);
} selected SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct vedetta_capture_config);
} config SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, VEDETTA_DROP_REASONS);
  __type(key, __u32);
  __type(value, __u64);
} drops SEC(".maps");

static __always_inline int wanted(__u32 nr, __u32 tgid) {
  if (nr >= VEDETTA_MAX_SYSCALLS) return 0;
  __u8* on = bpf_map_lookup_elem(&selected, &nr);
  if (!on || !*on) return 0;
  __u32 zero = 0;
  struct vedetta_capture_config* c = bpf_map_lookup_elem(&config, &zero);
  if (!c) return 0;
  if (c->ignore_tgid && c->ignore_tgid == tgid) return 0;
  if (c->only_tgid && c->only_tgid != tgid) return 0;
  return 1;
}

static __always_inline struct vedetta_syscall_event* reserve(void) {
  struct vedetta_syscall_event* e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) {
    __u32 reason = VEDETTA_DROP_RINGBUF_FULL;
    __u64* n = bpf_map_lookup_elem(&drops, &reason);
    if (n) *n += 1;
  }
  return e;
}

static __always_inline void fill_common(struct vedetta_syscall_event* e, __u32 nr, __u64 id) {
  e->ts_ns = bpf_ktime_get_boot_ns();
  e->tgid = id >> 32;
  e->tid = (__u32)id;
  e->syscall = nr;
  e->cpu = (__u16)bpf_get_smp_processor_id();
  e->pad = 0;
  bpf_get_current_comm(e->comm, sizeof(e->comm));
}

SEC("raw_tracepoint/sys_enter")
int on_sys_enter(struct bpf_raw_tracepoint_args* ctx) {
  __u32 nr = (__u32)ctx->args[1];
  __u64 id = bpf_get_current_pid_tgid();
  if (!wanted(nr, id >> 32)) return 0;
  struct vedetta_syscall_event* e = reserve();
  if (!e) return 0;
  fill_common(e, nr, id);
  e->exit = 0;
  e->ret = 0;
  struct pt_regs* regs = (struct pt_regs*)ctx->args[0];
  e->args[0] = BPF_CORE_READ(regs, di);
  e->args[1] = BPF_CORE_READ(regs, si);
  e->args[2] = BPF_CORE_READ(regs, dx);
  e->args[3] = BPF_CORE_READ(regs, r10);
  e->args[4] = BPF_CORE_READ(regs, r8);
  e->args[5] = BPF_CORE_READ(regs, r9);
  bpf_ringbuf_submit(e, 0);
  return 0;
}

SEC("raw_tracepoint/sys_exit")
int on_sys_exit(struct bpf_raw_tracepoint_args* ctx) {
  struct pt_regs* regs = (struct pt_regs*)ctx->args[0];
  __u32 nr = (__u32)BPF_CORE_READ(regs, orig_ax);
  __u64 id = bpf_get_current_pid_tgid();
  if (!wanted(nr, id >> 32)) return 0;
  struct vedetta_syscall_event* e = reserve();
  if (!e) return 0;
  fill_common(e, nr, id);
  e->exit = 1;
  e->ret = (__s64)ctx->args[1];
  for (int i = 0; i < 6; i++) e->args[i] = 0;
  bpf_ringbuf_submit(e, 0);
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
