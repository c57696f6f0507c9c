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
  VEDETTA_DROP_RINGBUF_FULL = 0, /* no room in the syscall ring buffer */
  VEDETTA_DROP_PROCESS_RINGBUF_FULL = 1, /* no room in the process ring buffer */
  VEDETTA_DROP_REASONS = 2,
};

/* io_uring's I/O never passes the syscall tracepoints: what can be seen is
 * io_uring_enter itself, counted (per CPU) instead of reported. */
enum vedetta_io_uring_counter {
  VEDETTA_IO_URING_ENTERS = 0,  /* io_uring_enter calls */
  VEDETTA_IO_URING_SQES = 1,    /* submissions they asked for (to_submit) */
  VEDETTA_IO_URING_COUNTERS = 2,
};

#define VEDETTA_SNAP_MAX 255

/* The socket behind an fd, read in the kernel. local/remote as the socket
 * sees them; for unconnected UDP, remote comes from the call's sockaddr.
 * Unix sockets: local_addr holds the kernel address of the socket, and
 * remote_addr its peer's (8 bytes each), as sysdig's tuples show them. */
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
  __u8 sock_is_out; /* splice exit: `sock` is the out fd (args[2]), the in fd being no socket */
  __s64 ret;       /* return value (exit only) */
  __u64 args[6];   /* raw arguments (entry and exit) */
  char comm[16];
  struct vedetta_socket_info sock; /* the fd argument's socket, when it is one */
  __u64 file_ino;  /* inode of the file behind the fd (any kind), 0 = none */
  __u32 file_dev;  /* its device as the kernel holds it (MAJOR << 20 | MINOR) */
  __u32 io_size;   /* readv/writev/sendmsg/recvmsg: total of the iovec lengths */
  __u32 snap_len;  /* bytes used in snap */
  /* I/O data; the path for open/openat/openat2 and for a unix socket's
   * address (connect, bind; accept: the listener's); the two new fds
   * (int[2]) for pipe/socketpair. */
  __u8 snap[VEDETTA_SNAP_MAX + 1];
};

/* Process lifecycle from the sched tracepoints. */
enum vedetta_process_kind {
  VEDETTA_PROCESS_FORK = 1, /* a new thread or process (child_tid) */
  VEDETTA_PROCESS_EXEC = 2, /* a new program image */
  VEDETTA_PROCESS_EXIT = 3, /* a thread ends; totals when it is the last one */
};

#define VEDETTA_ARGS_MAX 256
#define VEDETTA_PATH_MAX 256

struct vedetta_process_event {
  __u64 ts_ns;
  __u32 kind;
  __u32 tgid, tid;      /* the task the event is about (the parent for fork) */
  __u32 ppid;           /* parent process (real_parent's tgid) */
  __u32 child_tgid, child_tid; /* fork only */
  __u32 uid, gid;
  __s32 exit_code;      /* exit only: as wait() reports it */
  __u32 syscall;        /* fork/exec: the call that made it (clone, clone3, fork, vfork,
                           execve, execveat with a dirfd; x86-64 numbers), 0 = unknown */
  __u32 pad2;
  __u64 clone_flags;    /* clone/clone3: the clone flags */
  __u8 group_dead;      /* exit only: the last thread of the process */
  __u8 pad[3];
  /* exit only, process totals when group_dead: CPU time in ns (not ticks;
   * the scheduler updates it at ticks and switches, so a process that lived
   * under a tick without sleeping reads 0), page faults, peak resident set
   * in KiB as getrusage() counts it (it includes the image before exec). */
  __u64 cpu_ns, min_flt, maj_flt, maxrss_kb;
  char comm[16];
  __u32 args_len;                    /* exec: argv, NUL-separated */
  char args[VEDETTA_ARGS_MAX];
  char filename[VEDETTA_PATH_MAX];   /* exec: the path given to execve */
};

/* Settings user space writes before attaching. */
struct vedetta_capture_config {
  __u32 ignore_tgid; /* vedetta itself: its own calls are left out */
  __u32 only_tgid;   /* 0 = every process */
  __u32 snaplen;     /* bytes of I/O data to copy (<= VEDETTA_SNAP_MAX) */
  /* A filter's pids / comms (maps pid_filter, comm_filter) apply: calls
     selected with VEDETTA_SELECTED_ALWAYS pass anyway. */
  __u8 filter_pids;
  __u8 filter_comms;
  /* Attribution needs only who owns each socket: enter events only for
     close, close only of IP sockets, and send/receive exits only the first
     time a process uses a socket with a peer (LRU map io_seen). */
  __u8 lean;
  /* Agent mode (probe --events-only) wants only calls on IPv4/IPv6 sockets:
     the others are left in the kernel (counted as lean "other"). */
  __u8 ip_sockets_only;
};

/* Events the lean mode left out in the kernel (counters map `lean`). */
enum vedetta_lean_counter {
  VEDETTA_LEAN_REPEATED_IO = 0, /* a process's send/receive on a socket and peer seen before */
  VEDETTA_LEAN_OTHER = 1,       /* enter events, closes of non-sockets */
  VEDETTA_LEAN_COUNTERS = 2,
};

/* Values of the `selected` map. */
#define VEDETTA_SELECTED 1        /* reported if the pid/comm filters allow */
#define VEDETTA_SELECTED_ALWAYS 2 /* reported for every process (keeps fd tables true) */
#define VEDETTA_FILTER_MAX 1024   /* pids or comms a filter may list */
#define VEDETTA_COMM_LEN 16

#endif
