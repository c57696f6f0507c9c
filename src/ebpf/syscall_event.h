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

#define VEDETTA_SNAP_MAX 255

/* The socket behind an fd, read in the kernel. local/remote as the socket
 * sees them; for unconnected UDP, remote comes from the call's sockaddr. */
struct vedetta_socket_info {
  __u16 family;     /* AF_INET, AF_INET6, AF_UNIX; 0 = not a socket */
  __u16 type;       /* SOCK_STREAM, SOCK_DGRAM, ... */
  __u16 protocol;   /* IPPROTO_TCP, IPPROTO_UDP, ... */
  __u16 local_port, remote_port; /* host order */
  __u8 local_addr[16], remote_addr[16]; /* IPv4 in the first 4 bytes */
  __u32 netns;      /* network namespace inode */
  __u64 inode;      /* socket inode */
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
  __u64 args[6];   /* raw arguments (entry and exit) */
  char comm[16];
  struct vedetta_socket_info sock; /* the fd argument's socket, when it is one */
  __u32 snap_len;  /* bytes of I/O data copied into snap */
  __u8 snap[VEDETTA_SNAP_MAX + 1];
};

/* Settings user space writes before attaching. */
struct vedetta_capture_config {
  __u32 ignore_tgid; /* vedetta itself: its own calls are left out */
  __u32 only_tgid;   /* 0 = every process */
  __u32 snaplen;     /* bytes of I/O data to copy (<= VEDETTA_SNAP_MAX) */
};

#endif
