/* One system call entry or exit as the kernel side reports it. Plain C with
 * fixed-width types: shared by syscall_events.bpf.c and the loader. */
#ifndef VEDETTA_SYSCALL_EVENT_H
#define VEDETTA_SYSCALL_EVENT_H

#ifdef __BPF__
typedef unsigned char __u8;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef long long __s64;
#else
#include <linux/types.h>
#endif

#define VEDETTA_MAX_SYSCALLS 512

enum vedetta_drop_reason {
  VEDETTA_DROP_RINGBUF_FULL = 0, /* no room in the ring buffer */
  VEDETTA_DROP_REASONS = 1,
};

struct vedetta_syscall_event {
  __u64 ts_ns;     /* bpf_ktime_get_boot_ns() */
  __u32 tgid;      /* process id */
  __u32 tid;       /* thread id */
  __u32 syscall;   /* number (x86-64) */
  __u16 cpu;
  __u8 exit;       /* 0 = entry, 1 = exit */
  __u8 pad;
  __s64 ret;       /* return value (exit only) */
  __u64 args[6];   /* raw arguments (entry only) */
  char comm[16];
};

/* Settings user space writes before attaching. */
struct vedetta_capture_config {
  __u32 ignore_tgid; /* vedetta itself: its own calls are left out */
  __u32 only_tgid;   /* 0 = every process */
};

#endif
