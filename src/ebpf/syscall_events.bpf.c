// Kernel side of system call capture: raw tracepoints on sys_enter and
// sys_exit (kprobes, fentry and tp_btf are not available on the kernels we
// target), filtered in the kernel by syscall number and process, delivered
// through a BPF ring buffer. Drops are counted per reason.
//
// For calls on sockets the socket behind the fd is read here, in the kernel
// (fd → file → socket → sock), so that short-lived processes and closed fds
// are still described: user space never has to look them up later.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "syscall_event.h"

// CO-RE: declare only the fields we read; libbpf relocates them by name
// against the running kernel's BTF.
struct pt_regs {
  unsigned long r10, r9, r8, ax, cx, dx, si, di, orig_ax;
} __attribute__((preserve_access_index));

struct in6_addr {
  union {
    unsigned char u6_addr8[16];
  } in6_u;
} __attribute__((preserve_access_index));
struct ns_common {
  unsigned int inum;
} __attribute__((preserve_access_index));
struct net {
  struct ns_common ns;
} __attribute__((preserve_access_index));
typedef struct {
  struct net* net;
} possible_net_t;
struct sock_common {
  unsigned int skc_daddr, skc_rcv_saddr;
  unsigned short skc_dport, skc_num;
  unsigned short skc_family;
  possible_net_t skc_net;
  struct in6_addr skc_v6_daddr, skc_v6_rcv_saddr;
} __attribute__((preserve_access_index));
struct sock {
  struct sock_common __sk_common;
  unsigned short sk_protocol, sk_type;
} __attribute__((preserve_access_index));
struct socket {
  short type;
  struct sock* sk;
} __attribute__((preserve_access_index));
struct super_block {
  unsigned int s_dev;
} __attribute__((preserve_access_index));
struct inode {
  unsigned short i_mode;
  unsigned long i_ino;
  struct super_block* i_sb;
} __attribute__((preserve_access_index));
struct sockaddr_un {
  unsigned short sun_family;
  char sun_path[108];
} __attribute__((preserve_access_index));
struct unix_address {  // the address a unix socket was bound to
  int len;
  struct sockaddr_un name[];
} __attribute__((preserve_access_index));
struct unix_sock {  // starts with its struct sock
  struct sock* peer;
  struct unix_address* addr;
} __attribute__((preserve_access_index));
struct file {
  struct inode* f_inode;
  void* private_data;
} __attribute__((preserve_access_index));
struct fdtable {
  unsigned int max_fds;
  struct file** fd;
} __attribute__((preserve_access_index));
struct files_struct {
  struct fdtable* fdt;
} __attribute__((preserve_access_index));
struct sched_entity {
  unsigned long long sum_exec_runtime;
} __attribute__((preserve_access_index));
struct mm_struct {
  unsigned long arg_start, arg_end;
} __attribute__((preserve_access_index));
struct signal_struct {
  unsigned long long sum_sched_runtime;
  unsigned long min_flt, maj_flt, maxrss;
} __attribute__((preserve_access_index));
typedef struct {
  unsigned int val;
} kuid_t;
typedef struct {
  unsigned int val;
} kgid_t;
struct cred {
  kuid_t uid;
  kgid_t gid;
} __attribute__((preserve_access_index));
struct task_struct {
  unsigned int flags;
  struct files_struct* files;
  int pid, tgid, exit_code;
  struct task_struct* real_parent;
  struct sched_entity se;
  unsigned long min_flt, maj_flt;
  struct mm_struct* mm;
  struct signal_struct* signal;
  const struct cred* real_cred;
} __attribute__((preserve_access_index));
struct linux_binprm {
  const char* filename;
  const char* fdpath;  // "/dev/fd/N[/path]": set by execveat with a dirfd only
} __attribute__((preserve_access_index));
struct iovec {
  void* iov_base;
  unsigned long iov_len;
} __attribute__((preserve_access_index));
struct user_msghdr {
  void* msg_name;
  int msg_namelen;
  struct iovec* msg_iov;
  unsigned long msg_iovlen;
} __attribute__((preserve_access_index));
struct open_how {
  unsigned long long flags, mode, resolve;
} __attribute__((preserve_access_index));

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define PF_KTHREAD 0x00200000
#define S_IFMT 0170000
#define S_IFSOCK 0140000

// x86-64 system call numbers of the calls whose fd we describe.
enum {
  NR_read = 0, NR_write = 1, NR_open = 2, NR_close = 3, NR_readv = 19, NR_writev = 20,
  NR_pipe = 22, NR_dup = 32, NR_dup2 = 33, NR_connect = 42, NR_accept = 43, NR_sendto = 44,
  NR_recvfrom = 45, NR_sendmsg = 46, NR_recvmsg = 47, NR_shutdown = 48, NR_bind = 49,
  NR_listen = 50, NR_socketpair = 53, NR_fcntl = 72, NR_openat = 257, NR_accept4 = 288,
  NR_dup3 = 292, NR_pipe2 = 293, NR_recvmmsg = 299, NR_sendmmsg = 307, NR_io_uring_enter = 426,
  NR_openat2 = 437, NR_splice = 275,
};
// The calls that fork and exec: the process events say which one it was.
enum { NR_clone = 56, NR_fork = 57, NR_vfork = 58, NR_execve = 59, NR_execveat = 322,
       NR_clone3 = 435 };

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 16 << 20);
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

// Lean mode (attribution): which process used which socket with which peer.
struct io_seen_key {
  __u64 inode;
  __u32 tgid;
  __u16 remote_port;
  __u16 pad;
  __u8 remote_addr[16];
};

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 65536);
  __type(key, struct io_seen_key);
  __type(value, __u8);
} io_seen SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, VEDETTA_LEAN_COUNTERS);
  __type(key, __u32);
  __type(value, __u64);
} lean SEC(".maps");

static __always_inline void count_lean(__u32 reason) {
  __u64* n = bpf_map_lookup_elem(&lean, &reason);
  if (n) *n += 1;  // per CPU: no atomics needed
}

// Events a filter's pids or comms left out here (per CPU; one slot).
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} filtered SEC(".maps");

static __always_inline void count_filtered(void) {
  __u32 zero = 0;
  __u64* n = bpf_map_lookup_elem(&filtered, &zero);
  if (n) *n += 1;  // per CPU: no atomics needed
}

// The pids (thread-group ids) and comms a filter allows, when config says so.
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, VEDETTA_FILTER_MAX);
  __type(key, __u32);
  __type(value, __u8);
} pid_filter SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, VEDETTA_FILTER_MAX);
  __type(key, char[VEDETTA_COMM_LEN]);
  __type(value, __u8);
} comm_filter SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 4 << 20);
} process_events SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, VEDETTA_DROP_REASONS);
  __type(key, __u32);
  __type(value, __u64);
} drops SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, VEDETTA_IO_URING_COUNTERS);
  __type(key, __u32);
  __type(value, __u64);
} io_uring SEC(".maps");

static __always_inline struct vedetta_capture_config* wanted(__u32 nr, __u32 tgid) {
  if (nr >= VEDETTA_MAX_SYSCALLS) return 0;
  __u8* on = bpf_map_lookup_elem(&selected, &nr);
  if (!on || !*on) return 0;
  __u32 zero = 0;
  struct vedetta_capture_config* c = bpf_map_lookup_elem(&config, &zero);
  if (!c) return 0;
  if (c->ignore_tgid && c->ignore_tgid == tgid) return 0;
  if (c->only_tgid && c->only_tgid != tgid) return 0;
  if (*on == VEDETTA_SELECTED_ALWAYS) return c;  // keeps user space's fd tables true
  if (c->filter_pids && !bpf_map_lookup_elem(&pid_filter, &tgid)) {
    count_filtered();
    return 0;
  }
  if (c->filter_comms) {
    char comm[VEDETTA_COMM_LEN] = {};
    bpf_get_current_comm(comm, sizeof comm);  // NUL-padded, as the map keys are
    if (!bpf_map_lookup_elem(&comm_filter, comm)) {
      count_filtered();
      return 0;
    }
  }
  return c;
}

// Waking the reader on every event costs more than the event itself (an
// interrupt, a VM exit under a hypervisor): wake it once per WAKEUP_BYTES
// waiting, i.e. when this record takes the data waiting across a multiple of
// WAKEUP_BYTES. Waking on every record once a batch was waiting made each
// record pay the interrupt while the reader was behind (27 % of a redis
// workload's time: docs/benchmarks.md). A crossing missed in a race between
// CPUs is made up by the next one, or by the reader's poll timeout.
#define WAKEUP_BYTES (256 * 1024)
// A record in the ring: the event and its 8-byte header, 8-byte aligned.
#define RECORD_BYTES ((sizeof(struct vedetta_syscall_event) + 8 + 7) & ~7UL)
static __always_inline long wakeup_flags(void* ring) {
  __u64 waiting = bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA);  // this record included
  if (waiting < WAKEUP_BYTES) return BPF_RB_NO_WAKEUP;
  return waiting / WAKEUP_BYTES != (waiting - RECORD_BYTES) / WAKEUP_BYTES ? BPF_RB_FORCE_WAKEUP
                                                                          : BPF_RB_NO_WAKEUP;
}

static __always_inline struct vedetta_syscall_event* reserve(void) {
  struct vedetta_syscall_event* e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) {
    __u32 reason = VEDETTA_DROP_RINGBUF_FULL;
    __u64* n = bpf_map_lookup_elem(&drops, &reason);
    if (n) __sync_fetch_and_add(n, 1);
  }
  return e;
}

static __always_inline void fill_common(struct vedetta_syscall_event* e, __u32 nr, __u64 id,
                                        struct pt_regs* regs) {
  e->ts_ns = bpf_ktime_get_boot_ns();
  e->tgid = id >> 32;
  e->tid = (__u32)id;
  e->syscall = nr;
  e->cpu = (__u16)bpf_get_smp_processor_id();
  e->sock_is_out = 0;
  e->ret = 0;
  e->snap_len = 0;
  e->io_size = 0;
  e->file_ino = 0;
  e->file_dev = 0;
  bpf_get_current_comm(e->comm, sizeof(e->comm));
  // The saved user registers still hold the arguments at exit too. On
  // x86-64 r10, r9, r8, ax, cx, dx, si, di follow each other in pt_regs (the
  // entry code pushes them in that order): one read instead of six.
  unsigned long r[8] = {};
  bpf_probe_read_kernel(r, sizeof(r), (char*)regs + bpf_core_field_offset(regs->r10));
  e->args[0] = r[7];  // di
  e->args[1] = r[6];  // si
  e->args[2] = r[5];  // dx
  e->args[3] = r[0];  // r10
  e->args[4] = r[2];  // r8
  e->args[5] = r[1];  // r9
  __builtin_memset(&e->sock, 0, sizeof(e->sock));
}

static __always_inline __u16 swap16(__u16 v) { return (v >> 8) | (v << 8); }

// fd → its socket, when it is one; with `file_id`, also the file's inode
// and device (open*, pipe: read only there, to keep the hot path short).
static __always_inline void describe_fd_of(struct vedetta_syscall_event* e, long fd,
                                           int file_id) {
  if (fd < 0) return;
  struct task_struct* task = (struct task_struct*)bpf_get_current_task();
  struct fdtable* fdt = BPF_CORE_READ(task, files, fdt);
  if (!fdt) return;
  unsigned int max = BPF_CORE_READ(fdt, max_fds);
  if ((unsigned long)fd >= max) return;
  struct file** fds = BPF_CORE_READ(fdt, fd);
  struct file* file = 0;
  bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
  if (!file) return;
  struct inode* inode = BPF_CORE_READ(file, f_inode);
  if (file_id) {
    e->file_ino = BPF_CORE_READ(inode, i_ino);
    e->file_dev = BPF_CORE_READ(inode, i_sb, s_dev);
  }
  unsigned short mode = BPF_CORE_READ(inode, i_mode);
  if ((mode & S_IFMT) != S_IFSOCK) return;
  struct socket* sock = BPF_CORE_READ(file, private_data);
  struct sock* sk = BPF_CORE_READ(sock, sk);
  if (!sk) return;
  struct vedetta_socket_info* s = &e->sock;
  s->family = BPF_CORE_READ(sk, __sk_common.skc_family);
  s->type = BPF_CORE_READ(sk, sk_type);
  s->protocol = BPF_CORE_READ(sk, sk_protocol);
  s->inode = BPF_CORE_READ(inode, i_ino);
  s->netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
  s->local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
  s->remote_port = swap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
  if (s->family == AF_INET) {
    unsigned int l = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
    unsigned int r = BPF_CORE_READ(sk, __sk_common.skc_daddr);
    __builtin_memcpy(s->local_addr, &l, 4);
    __builtin_memcpy(s->remote_addr, &r, 4);
  } else if (s->family == AF_INET6) {
    BPF_CORE_READ_INTO(&s->local_addr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
    BPF_CORE_READ_INTO(&s->remote_addr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
  } else if (s->family == AF_UNIX) {
    __u64 self = (__u64)sk;
    __u64 peer = (__u64)BPF_CORE_READ((struct unix_sock*)sk, peer);
    __builtin_memcpy(s->local_addr, &self, 8);
    __builtin_memcpy(s->remote_addr, &peer, 8);
  }
}

static __always_inline void describe_fd(struct vedetta_syscall_event* e, long fd) {
  describe_fd_of(e, fd, 0);
}

// A peer given by the caller (unconnected UDP): sockaddr_in / sockaddr_in6.
static __always_inline void peer_from_user(struct vedetta_syscall_event* e, const void* addr) {
  if (!addr) return;
  __u16 family = 0;
  if (bpf_probe_read_user(&family, sizeof(family), addr)) return;
  __u16 port_be = 0;
  bpf_probe_read_user(&port_be, sizeof(port_be), (const char*)addr + 2);
  if (family == AF_INET) {
    bpf_probe_read_user(e->sock.remote_addr, 4, (const char*)addr + 4);
  } else if (family == AF_INET6) {
    bpf_probe_read_user(e->sock.remote_addr, 16, (const char*)addr + 8);
  } else {
    return;
  }
  e->sock.remote_port = swap16(port_be);
}

// Copies the first bytes of an I/O buffer (at most 255: the mask is a bound
// the verifier can see).
static __always_inline void copy_snap(struct vedetta_syscall_event* e,
                                      struct vedetta_capture_config* c, const void* buf,
                                      long len) {
  if (!buf || len <= 0) return;
  __u64 n = (__u64)len < c->snaplen ? (__u64)len : c->snaplen;
  n &= 0xff;
  if (bpf_probe_read_user(e->snap, n, buf) == 0) e->snap_len = n;
}

// A NUL-terminated user string (a path) into snap; snap_len counts the NUL.
static __always_inline void copy_path(struct vedetta_syscall_event* e, const void* path) {
  if (!path) return;
  long n = bpf_probe_read_user_str(e->snap, sizeof(e->snap), path);
  if (n > 0) e->snap_len = n;
}

// A unix socket address (connect, bind): its path into snap.
static __always_inline void unix_path_from_user(struct vedetta_syscall_event* e,
                                                const void* addr) {
  __u16 family = 0;
  if (!addr || bpf_probe_read_user(&family, sizeof(family), addr) || family != AF_UNIX) return;
  copy_path(e, (const char*)addr + 2);
}

// An accepted unix socket shares the listening socket's address: its path
// into snap (empty for abstract names, which start with a NUL).
static __always_inline void unix_path_bound(struct vedetta_syscall_event* e) {
  __u64 sk = 0;
  __builtin_memcpy(&sk, e->sock.local_addr, 8);
  struct unix_address* ua = BPF_CORE_READ((struct unix_sock*)sk, addr);
  if (!ua) return;
  const char* path = (const char*)ua + bpf_core_field_offset(ua->name) +
                     bpf_core_field_offset(struct sockaddr_un, sun_path);
  long n = bpf_probe_read_kernel_str(e->snap, sizeof(ua->name[0].sun_path), path);
  if (n > 0) e->snap_len = n;
}

// An iovec array: the total of its lengths (the first 16 entries: a bound
// the verifier accepts, more than programs use), and its data, the buffers
// one after the other as sysdig shows them, at most `len` bytes (the call's
// result for reads) and the snap length. The first buffer may fill the
// snap; the next ones (up to 4 in all) go on while less than 128 bytes are
// copied, 127 at most each: bounds the verifier can add up (< 256).
#define IOV_SUMMED 16
#define IOV_COPIED 4
#define IOV_CHUNK 127
static __always_inline void copy_iovec(struct vedetta_syscall_event* e,
                                       struct vedetta_capture_config* c,
                                       const struct iovec* iov, unsigned long count, long len) {
  if (!iov || !count) return;
  __u64 total = 0;
  for (int i = 0; i < IOV_SUMMED && i < count; i++) {
    unsigned long n = 0;
    bpf_probe_read_user(&n, sizeof(n), &iov[i].iov_len);
    total += n;
  }
  e->io_size = (__u32)total;
  long limit = len < (long)c->snaplen ? len : (long)c->snaplen;
  struct iovec v = {};
  if (limit <= 0 || bpf_probe_read_user(&v, sizeof(v), iov)) return;
  copy_snap(e, c, v.iov_base, (long)v.iov_len < limit ? (long)v.iov_len : limit);
  for (int i = 1; i < IOV_COPIED && i < count; i++) {
    __u32 off = e->snap_len;
    if (off >= limit || off > IOV_CHUNK) break;
    if (bpf_probe_read_user(&v, sizeof(v), &iov[i])) break;
    __u64 n = v.iov_len < (__u64)(limit - off) ? v.iov_len : (__u64)(limit - off);
    if (n > IOV_CHUNK) n = IOV_CHUNK;
    off &= IOV_CHUNK;  // no-op (checked above), a bound the verifier sees
    n &= IOV_CHUNK;
    if (!v.iov_base || bpf_probe_read_user(e->snap + off, n, v.iov_base)) break;
    e->snap_len = off + n;
  }
}

static __always_inline void copy_msg_iovec(struct vedetta_syscall_event* e,
                                           struct vedetta_capture_config* c,
                                           const struct user_msghdr* m, long len) {
  copy_iovec(e, c, m->msg_iov, m->msg_iovlen, len);
}

// io_uring_enter is counted, not reported: its I/O is invisible here anyway.
static __always_inline void count_io_uring(__u64 to_submit) {
  __u32 key = VEDETTA_IO_URING_ENTERS;
  __u64* n = bpf_map_lookup_elem(&io_uring, &key);
  if (n) *n += 1;  // per CPU: no atomics needed
  key = VEDETTA_IO_URING_SQES;
  n = bpf_map_lookup_elem(&io_uring, &key);
  if (n) *n += to_submit;
}

// Agent mode: a call on anything but an IPv4/IPv6 socket goes no further
// (discarded, counted); true when the event is wanted.
static __always_inline int ip_socket_wanted(struct vedetta_capture_config* c,
                                            struct vedetta_syscall_event* e) {
  if (!c->ip_sockets_only || e->sock.family == AF_INET || e->sock.family == AF_INET6) return 1;
  bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
  count_lean(VEDETTA_LEAN_OTHER);
  return 0;
}

SEC("raw_tracepoint/sys_enter")
int on_sys_enter(struct bpf_raw_tracepoint_args* ctx) {
  __u32 nr = (__u32)ctx->args[1];
  __u64 id = bpf_get_current_pid_tgid();
  struct vedetta_capture_config* c = wanted(nr, id >> 32);
  if (!c) return 0;
  if (nr == NR_io_uring_enter) {
    count_io_uring(BPF_CORE_READ((struct pt_regs*)ctx->args[0], si));
    return 0;
  }
  if (c->lean && nr != NR_close) {  // attribution reads exits, and close's enter
    count_lean(VEDETTA_LEAN_OTHER);
    return 0;
  }
  struct vedetta_syscall_event* e = reserve();
  if (!e) return 0;
  fill_common(e, nr, id, (struct pt_regs*)ctx->args[0]);
  e->exit = 0;
  switch (nr) {
    case NR_close:  // the fd is gone at exit: describe it now
    case NR_connect: case NR_sendto: case NR_sendmsg: case NR_write: case NR_writev:
    case NR_shutdown: case NR_bind: case NR_listen: case NR_sendmmsg:
    case NR_dup: case NR_dup2: case NR_dup3: case NR_fcntl:  // the fd being copied
      describe_fd(e, (long)e->args[0]);
      break;
  }
  if (!ip_socket_wanted(c, e)) return 0;
  // What is sent is in the caller's buffers now; what is read, at exit.
  switch (nr) {
    case NR_write: case NR_sendto:
      copy_snap(e, c, (const void*)e->args[1], (long)e->args[2]);
      break;
    case NR_writev:
      copy_iovec(e, c, (const struct iovec*)e->args[1], e->args[2], VEDETTA_SNAP_MAX);
      break;
    case NR_sendmsg: {
      struct user_msghdr m = {};
      if (bpf_probe_read_user(&m, sizeof(m), (const void*)e->args[1]) == 0)
        copy_msg_iovec(e, c, &m, VEDETTA_SNAP_MAX);
      break;
    }
    case NR_connect:
      if (e->sock.family == AF_UNIX) unix_path_from_user(e, (const void*)e->args[1]);
      break;
  }
  if (nr == NR_sendto && e->sock.family) peer_from_user(e, (const void*)e->args[4]);
  if (c->lean && e->sock.family != AF_INET && e->sock.family != AF_INET6) {
    bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);  // a file or pipe closing
    count_lean(VEDETTA_LEAN_OTHER);
    return 0;
  }
  bpf_ringbuf_submit(e, wakeup_flags(&events));
  return 0;
}

SEC("raw_tracepoint/sys_exit")
int on_sys_exit(struct bpf_raw_tracepoint_args* ctx) {
  struct pt_regs* regs = (struct pt_regs*)ctx->args[0];
  __u32 nr = (__u32)BPF_CORE_READ(regs, orig_ax);
  __u64 id = bpf_get_current_pid_tgid();
  struct vedetta_capture_config* c = wanted(nr, id >> 32);
  if (!c) return 0;
  struct vedetta_syscall_event* e = reserve();
  if (!e) return 0;
  fill_common(e, nr, id, regs);
  e->exit = 1;
  e->ret = (__s64)ctx->args[1];
  switch (nr) {
    case NR_accept: case NR_accept4:  // the new connection is the result
      describe_fd(e, (long)e->ret);
      break;
    case NR_open: case NR_openat: case NR_openat2:  // the new file
      describe_fd_of(e, (long)e->ret, 1);
      break;
    case NR_close: case NR_dup: case NR_dup2: case NR_dup3: case NR_fcntl:
    case NR_pipe: case NR_pipe2:
      break;
    case NR_socketpair: {  // int sv[2] in args[3]: the first end's socket
      int fds[2] = {-1, -1};
      if (e->ret == 0 && bpf_probe_read_user(fds, sizeof(fds), (const void*)e->args[3]) == 0) {
        __builtin_memcpy(e->snap, fds, sizeof(fds));
        e->snap_len = sizeof(fds);
        describe_fd(e, fds[0]);
      }
      break;
    }
    case NR_splice:  // in (args[0]) and out (args[2]) fds: the socket among them
      describe_fd(e, (long)e->args[0]);
      if (!e->sock.family) {
        describe_fd(e, (long)e->args[2]);
        e->sock_is_out = e->sock.family != 0;
      }
      break;
    default:
      describe_fd(e, (long)e->args[0]);
  }
  if (!ip_socket_wanted(c, e)) return 0;
  switch (nr) {
    case NR_read: case NR_recvfrom:
      if (e->ret > 0) copy_snap(e, c, (const void*)e->args[1], e->ret);
      break;
    case NR_readv:
      copy_iovec(e, c, (const struct iovec*)e->args[1], e->args[2], e->ret);
      break;
    case NR_recvmsg: {
      struct user_msghdr m = {};
      if (bpf_probe_read_user(&m, sizeof(m), (const void*)e->args[1]) == 0)
        copy_msg_iovec(e, c, &m, e->ret);
      break;
    }
    case NR_open:
      copy_path(e, (const void*)e->args[0]);
      break;
    case NR_openat:
      copy_path(e, (const void*)e->args[1]);
      break;
    case NR_openat2: {  // flags, mode, resolve are in struct open_how: into args[3..5]
      struct open_how how = {};
      bpf_probe_read_user(&how, sizeof(how), (const void*)e->args[2]);
      e->args[3] = how.flags;
      e->args[4] = how.mode;
      e->args[5] = how.resolve;
      copy_path(e, (const void*)e->args[1]);
      break;
    }
    case NR_pipe: case NR_pipe2: {  // int fds[2] in args[0]
      if (e->ret == 0 && bpf_probe_read_user(e->snap, 8, (const void*)e->args[0]) == 0) {
        e->snap_len = 8;
        int fds[2];
        __builtin_memcpy(fds, e->snap, sizeof(fds));
        describe_fd_of(e, fds[0], 1);  // for the pipe's inode
      }
      break;
    }
    case NR_connect: case NR_bind:
      if (e->sock.family == AF_UNIX) unix_path_from_user(e, (const void*)e->args[1]);
      break;
    case NR_accept: case NR_accept4:
      if (e->sock.family == AF_UNIX) unix_path_bound(e);
      break;
  }
  // Unconnected UDP: the peer is the call's address (sendto: where it went,
  // recvfrom: where it came from, filled by the kernel).
  if ((nr == NR_recvfrom || nr == NR_sendto) && e->sock.family && e->ret >= 0)
    peer_from_user(e, (const void*)e->args[4]);
  if ((nr == NR_sendmsg || nr == NR_recvmsg) && e->sock.family) {
    struct user_msghdr m = {};
    if (bpf_probe_read_user(&m, sizeof(m), (const void*)e->args[1]) == 0 && m.msg_name)
      peer_from_user(e, m.msg_name);
  }
  if (c->lean && (nr == NR_sendto || nr == NR_recvfrom || nr == NR_sendmsg || nr == NR_recvmsg)) {
    // Only the first use of a socket with a peer by a process says who owns it.
    struct io_seen_key k = {};
    k.inode = e->sock.inode;
    k.tgid = e->tgid;
    k.remote_port = e->sock.remote_port;
    __builtin_memcpy(k.remote_addr, e->sock.remote_addr, sizeof(k.remote_addr));
    if (e->ret < 0 || bpf_map_lookup_elem(&io_seen, &k)) {
      bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
      count_lean(VEDETTA_LEAN_REPEATED_IO);
      return 0;
    }
    __u8 one = 1;
    bpf_map_update_elem(&io_seen, &k, &one, BPF_ANY);
  }
  bpf_ringbuf_submit(e, wakeup_flags(&events));
  return 0;
}

// ---- process lifecycle: always reported (the process table depends on it),
// whatever the syscall selection, except vedetta's own.

// Kernel threads (kworkers coming and going) are left out: they make no
// system calls, and would only fill the output and the process table.
static __always_inline struct vedetta_process_event* reserve_process(struct task_struct* t,
                                                                    __u32 tgid) {
  if (BPF_CORE_READ(t, flags) & PF_KTHREAD) return 0;
  __u32 zero = 0;
  struct vedetta_capture_config* c = bpf_map_lookup_elem(&config, &zero);
  if (c && c->ignore_tgid && c->ignore_tgid == tgid) return 0;
  struct vedetta_process_event* e = bpf_ringbuf_reserve(&process_events, sizeof(*e), 0);
  if (!e) {
    __u32 reason = VEDETTA_DROP_PROCESS_RINGBUF_FULL;
    __u64* n = bpf_map_lookup_elem(&drops, &reason);
    if (n) __sync_fetch_and_add(n, 1);
    return 0;
  }
  __builtin_memset(e, 0, sizeof(*e));
  return e;
}

static __always_inline void fill_task(struct vedetta_process_event* e, struct task_struct* t) {
  e->ts_ns = bpf_ktime_get_boot_ns();
  e->tgid = BPF_CORE_READ(t, tgid);
  e->tid = BPF_CORE_READ(t, pid);
  e->ppid = BPF_CORE_READ(t, real_parent, tgid);
  e->uid = BPF_CORE_READ(t, real_cred, uid.val);
  e->gid = BPF_CORE_READ(t, real_cred, gid.val);
  bpf_get_current_comm(e->comm, sizeof(e->comm));
}

// The fork tracepoint runs inside the system call that caused it, in the
// calling task: its saved registers say which call it was. (Not so for
// exec: orig_ax reads execve there even for execveat.)
static __always_inline struct pt_regs* current_regs(void) {
  return (struct pt_regs*)bpf_task_pt_regs(bpf_get_current_task_btf());
}

// Raw tracepoints (no tracefs needed): sched_process_fork(parent, child).
SEC("raw_tracepoint/sched_process_fork")
int on_fork(struct bpf_raw_tracepoint_args* ctx) {
  struct task_struct* parent = (struct task_struct*)ctx->args[0];
  struct task_struct* child = (struct task_struct*)ctx->args[1];
  struct vedetta_process_event* e = reserve_process(child, BPF_CORE_READ(parent, tgid));
  if (!e) return 0;
  fill_task(e, parent);
  e->kind = VEDETTA_PROCESS_FORK;
  e->child_tgid = BPF_CORE_READ(child, tgid);  // == tgid for a new thread
  e->child_tid = BPF_CORE_READ(child, pid);
  struct pt_regs* regs = current_regs();
  e->syscall = (__u32)BPF_CORE_READ(regs, orig_ax);
  if (e->syscall == NR_clone) {
    e->clone_flags = BPF_CORE_READ(regs, di);
  } else if (e->syscall == NR_clone3) {  // struct clone_args starts with the flags
    bpf_probe_read_user(&e->clone_flags, sizeof(e->clone_flags),
                        (const void*)BPF_CORE_READ(regs, di));
  }
  bpf_ringbuf_submit(e, 0);  // rare: deliver at once
  return 0;
}

// sched_process_exec(task, old_pid, bprm): the new image is in place.
SEC("raw_tracepoint/sched_process_exec")
int on_exec(struct bpf_raw_tracepoint_args* ctx) {
  struct task_struct* t = (struct task_struct*)ctx->args[0];
  struct linux_binprm* bprm = (struct linux_binprm*)ctx->args[2];
  struct vedetta_process_event* e = reserve_process(t, BPF_CORE_READ(t, tgid));
  if (!e) return 0;
  fill_task(e, t);
  e->kind = VEDETTA_PROCESS_EXEC;
  // execveat with an absolute path or AT_FDCWD is execve to the kernel.
  e->syscall = NR_execve;
  if (bpf_core_field_exists(bprm->fdpath) && BPF_CORE_READ(bprm, fdpath)) e->syscall = NR_execveat;
  bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), BPF_CORE_READ(bprm, filename));
  unsigned long start = BPF_CORE_READ(t, mm, arg_start);
  unsigned long end = BPF_CORE_READ(t, mm, arg_end);
  __u64 n = end > start ? end - start : 0;
  if (n > VEDETTA_ARGS_MAX) n = VEDETTA_ARGS_MAX;
  n &= 0x1ff;  // a bound the verifier can see (the buffer holds 256)
  if (n > VEDETTA_ARGS_MAX) return 0;
  if (bpf_probe_read_user(e->args, n, (const void*)start) == 0) e->args_len = n;
  bpf_ringbuf_submit(e, 0);  // rare: deliver at once
  return 0;
}

// sched_process_exit(task, ...): runs in the exiting task, after exit_mm().
SEC("raw_tracepoint/sched_process_exit")
int on_exit(struct bpf_raw_tracepoint_args* ctx) {
  struct task_struct* t = (struct task_struct*)ctx->args[0];
  struct vedetta_process_event* e = reserve_process(t, BPF_CORE_READ(t, tgid));
  if (!e) return 0;
  fill_task(e, t);
  e->kind = VEDETTA_PROCESS_EXIT;
  e->exit_code = BPF_CORE_READ(t, exit_code);
  // do_exit() has already folded the peak RSS into signal->maxrss (pages)
  // when this is the last thread; the exited threads' CPU time and faults
  // are in signal, this thread's in the task.
  struct signal_struct* sig = BPF_CORE_READ(t, signal);
  e->group_dead = BPF_CORE_READ(t, tgid) == BPF_CORE_READ(t, pid);
  // sum_exec_runtime is brought up to date at ticks and context switches
  // only: a process that lived less than a tick without sleeping reads 0.
  e->cpu_ns = BPF_CORE_READ(t, se.sum_exec_runtime) + BPF_CORE_READ(sig, sum_sched_runtime);
  e->min_flt = BPF_CORE_READ(t, min_flt) + BPF_CORE_READ(sig, min_flt);
  e->maj_flt = BPF_CORE_READ(t, maj_flt) + BPF_CORE_READ(sig, maj_flt);
  e->maxrss_kb = BPF_CORE_READ(sig, maxrss) * 4;  // pages of 4 KiB on x86-64
  bpf_ringbuf_submit(e, 0);  // rare: deliver at once
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
