#!/usr/bin/env python3
"""Writes a small synthetic capture with event types the shared corpus lacks
(relative paths, IPv4 TCP/UDP sockets, accept, unix sockets, pipes, dup, poll
fd lists, signals, user ids...), so that the sysdig comparison covers them.
  make_synthetic_scap.py OUT.scap          # v2 blocks, newest metadata blocks
  make_synthetic_scap.py --v1 OUT.scap     # v1 event blocks (no parameter count),
                                           # process list v5, fd and user lists v1
Deterministic: same bytes on every run."""
import struct
import sys

V1 = "--v1" in sys.argv
ARGS = [a for a in sys.argv[1:] if a != "--v1"]

out = bytearray()


def block(btype, body):
    pad = (-len(body)) % 4
    total = 12 + len(body) + pad
    out.extend(struct.pack("<II", btype, total) + body + b"\0" * pad + struct.pack("<I", total))


def s16(s):
    b = s.encode()
    return struct.pack("<H", len(b)) + b


def thread(tid, pid, ptid, comm, cwd, uid=0):
    if V1:  # process list v5: no sid, vpgid, exepath, no length prefix
        t = struct.pack("<qqq", tid, pid, ptid)
        t += s16(comm) + s16("/usr/bin/" + comm) + s16("") + s16(cwd)
    else:
        t = struct.pack("<qqqqq", tid, pid, ptid, pid, pid)
        t += s16(comm) + s16("/usr/bin/" + comm) + s16("/usr/bin/" + comm) + s16("") + s16(cwd)
    t += struct.pack("<QIII", 1024, 0, uid, uid) + struct.pack("<IIIQQ", 100, 10, 0, 1, 2)
    t += s16("") + struct.pack("<qq", tid, pid) + s16("") + s16("/")
    return t if V1 else struct.pack("<I", 4 + len(t)) + t


def fd_entry(fd, ftype, data):
    e = struct.pack("<qQB", fd, 1000 + fd, ftype) + data
    return e if V1 else struct.pack("<I", 4 + len(e)) + e


def ip4(a):
    return bytes(int(x) for x in a.split("."))


# Event parameters
def u8(v): return struct.pack("<B", v)
def u16(v): return struct.pack("<H", v)
def u32(v): return struct.pack("<I", v & 0xffffffff)
def u64(v): return struct.pack("<Q", v & 0xffffffffffffffff)
def st(s): return s.encode() + b"\0"
def buf(b): return b


def tuple4(sip, sport, dip, dport):
    return u8(2) + ip4(sip) + u16(sport) + ip4(dip) + u16(dport)


def addr4(ip, port):
    return u8(2) + ip4(ip) + u16(port)


ts = 1_600_000_000_000_000_000


def ev(tid, etype, params, cpu=1):
    global ts
    ts += 1000
    hdr_len = (22 if V1 else 26) + 2 * len(params) + sum(len(p) for p in params)
    if V1:  # alternate plain and flagged v1 blocks
        flagged = etype % 3 == 0
        body = struct.pack("<H", cpu) + (struct.pack("<I", 0) if flagged else b"")
        body += struct.pack("<QqIH", ts, tid, hdr_len, etype)
    else:
        body = struct.pack("<HQqIHI", cpu, ts, tid, hdr_len, etype, len(params))
    body += b"".join(struct.pack("<H", len(p)) for p in params) + b"".join(params)
    block((0x208 if flagged else 0x204) if V1 else 0x216, body)


# Section header, machine, users, threads, fds.
block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 2, -1))
block(0x201, struct.pack("<IQQ", 2, 1 << 30, 32768) + b"synthetic".ljust(128, b"\0") + b"\0" * 32)
users = b""
for uid, name in [(0, "root"), (1000, "alice")]:
    u = struct.pack("<BII", 0, uid, uid) + s16(name) + s16("/home/" + name) + s16("/bin/sh")
    users += u if V1 else struct.pack("<I", 4 + len(u)) + u
g = struct.pack("<BI", 1, 1000) + s16("staff")
users += g if V1 else struct.pack("<I", 4 + len(g)) + g
block(0x206 if V1 else 0x220, users)
block(0x211 if V1 else 0x215, thread(100, 100, 1, "server", "/srv/www", 0) + thread(101, 100, 1, "server", "/srv/www")
      + thread(200, 200, 1, "client", "/home/alice", 1000))
fds = struct.pack("<q", 100)
fds += fd_entry(0, 1, s16("/dev/null"))
fds += fd_entry(3, 5, ip4("0.0.0.0") + u16(8080) + u8(2))                      # listening TCP
fds += fd_entry(4, 3, ip4("10.1.1.1") + ip4("10.1.1.2") + u16(8080) + u16(51000) + u8(2))
fds += fd_entry(5, 8, u64(0xffff1) + u64(0xffff2) + s16("/run/app.sock"))
fds += fd_entry(6, 7, s16(""))
fds += fd_entry(7, 12, s16(""))
block(0x203 if V1 else 0x218, fds)

S, C, W = 100, 200, 101
# Files: relative and absolute paths, openat with AT_FDCWD, a directory.
ev(S, 2, [st("index.html"), u32(1), u32(0)])
ev(S, 3, [u64(8), st("index.html"), u32(1), u32(0), u32(0x803)])
ev(S, 6, [u64(8), u32(4096)])
ev(S, 7, [u64(12), buf(b"<html>\r\n\tok</html>")])
ev(S, 306, [u64(-100 & (2**64 - 1)), st("../etc/conf"), u32(1 | 4096), u32(0)])
ev(S, 307, [u64(9), u64(-100 & (2**64 - 1)), st("../etc/conf"), u32(1 | 4096), u32(0), u32(0x803)])
ev(S, 306, [u64(-100 & (2**64 - 1)), st("/var/log"), u32(1 | 1024), u32(0)])
ev(S, 307, [u64(10), u64(-100 & (2**64 - 1)), st("/var/log"), u32(1 | 1024), u32(0), u32(0x803)])
ev(S, 70, [u64(10)])
ev(S, 71, [u64(0)])
ev(S, 2, [st("missing"), u32(2 | 4 | 256), u32(0o644)])
ev(S, 3, [u64(-2 & (2**64 - 1)), st("missing"), u32(2 | 4 | 256), u32(0o644), u32(0)])
ev(S, 66, [])
ev(S, 67, [u64(0), st("./a/../b")])
ev(S, 4, [u64(8)])
ev(S, 5, [u64(0)])
ev(S, 6, [u64(8), u32(10)])
# The existing TCP connection and the listening socket.
ev(S, 8, [u64(4), u32(5)])
ev(S, 9, [u64(5), buf(b"hello")])
ev(W, 56, [u32(0)])
ev(W, 57, [u64(11), tuple4("10.1.1.9", 40000, "10.1.1.1", 8080), u8(0)])
ev(W, 249, [u64(12), tuple4("10.1.1.8", 40001, "10.1.1.1", 8080), u8(3), u32(1), u32(128)])
ev(W, 8, [u64(12), u32(3)])
ev(W, 9, [u64(3), buf(b"abc")])
# Client: TCP connect, UDP sendto, a bind to port 0, unix connect.
ev(C, 18, [u32(2), u32(1), u32(0)])
ev(C, 19, [u64(3)])
ev(C, 22, [u64(3), addr4("10.1.1.1", 8080)])
ev(C, 23, [u64(0), tuple4("10.1.1.2", 52000, "10.1.1.1", 8080)])
ev(C, 8, [u64(3), u32(4)])
ev(C, 18, [u32(2), u32(2), u32(17)])
ev(C, 19, [u64(4)])
ev(C, 30, [u64(4), u32(20), tuple4("0.0.0.0", 0, "8.8.8.8", 53)])
ev(C, 31, [u64(20), buf(b"\x12\x34query")])
ev(C, 34, [u64(4), u32(512)])
ev(C, 35, [u64(40), buf(b"answer"), tuple4("8.8.8.8", 53, "10.1.1.2", 33333)])
ev(C, 20, [u64(4)])
ev(C, 21, [u64(0), addr4("0.0.0.0", 0)])
ev(C, 8, [u64(4), u32(1)])
ev(C, 18, [u32(1), u32(1), u32(0)])
ev(C, 19, [u64(5)])
ev(C, 22, [u64(5), u8(1) + b"/run/app.sock\0"])
ev(C, 23, [u64(0), u8(1) + u64(0xabc) + u64(0xdef) + b"/run/app.sock\0"])
ev(C, 8, [u64(5), u32(1)])
ev(C, 36, [u64(3), u8(2)])
ev(C, 37, [u64(0)])
# Pipes, dup, eventfd, fcntl, poll, epoll.
ev(C, 60, [])
ev(C, 61, [u64(0), u64(6), u64(7), u64(999)])
ev(C, 124, [u64(3)])
ev(C, 125, [u64(9)])
ev(C, 62, [u64(0), u32(0)])
ev(C, 63, [u64(10)])
ev(C, 150, [u64(3), u8(1)])
ev(C, 151, [u64(11)])
ev(C, 80, [u16(3) + u64(3) + u16(1) + u64(6) + u16(4) + u64(42) + u16(1), u64(1000)])
ev(C, 81, [u64(1), u16(2) + u64(3) + u16(1) + u64(6) + u16(0)])
ev(S, 78, [u64(16)])
ev(S, 79, [u64(0)])
ev(S, 80, [u16(2) + u64(3) + u16(1) + u64(5) + u16(5), u64(-1 & (2**64 - 1))])
# Signals, users, memory, time, futex, generic syscalls.
ev(C, 128, [u64(100), u8(15)])
ev(C, 129, [u64(0)])
ev(S, 232, [u64(200), u64(100), u8(15)])
ev(C, 202, [])
ev(C, 203, [u32(1000)])
ev(C, 198, [u32(0)])
ev(C, 199, [u64(-1 & (2**64 - 1))])
ev(C, 206, [])
ev(C, 207, [u32(1000)])
ev(C, 160, [u64(0), u64(8192), u32(3), u32(2 | 8), u64(-1 & (2**64 - 1)), u64(0)])
ev(C, 161, [u64(0x7f0000001000), u32(5000), u32(700), u32(0)])
ev(C, 328, [u64(0x7f0000001000), u64(4096), u32(0)])
ev(C, 329, [u64(0)])
ev(C, 134, [u64(1_500_000_000)])
ev(C, 135, [u64(-4 & (2**64 - 1))])
ev(C, 64, [u64(0x1234), u16(128 | 1), u64(1)])
ev(C, 65, [u64(1)])
ev(C, 0, [u16(108), u16(14)])
ev(C, 1, [u16(108)])
ev(C, 0, [u16(999), u16(0)])
ev(C, 1, [u16(999)])
ev(C, 140, [u8(7)])
ev(C, 141, [u64(0), u64(1024), u64(4096)])
ev(C, 86, [u64(3), u64(0), u8(2)])
ev(C, 87, [u64(100)])
# cwd changes and relative paths after them.
ev(C, 94, [])
ev(C, 95, [u64(0), st("projects")])
ev(C, 2, [st("notes.txt"), u32(2 | 4), u32(0o600)])
ev(C, 3, [u64(12), st("notes.txt"), u32(2 | 4), u32(0o600), u32(0)])
ev(C, 300, [])
ev(C, 301, [u64(0), st("old.txt")])
ev(C, 264, [u32(2 | 4)])
ev(C, 265, [u64(-13 & (2**64 - 1)), st("/etc/shadow")])
# Paths relative to a directory fd, file modes, rename/link flags, mounts.
ev(S, 306, [u64(10), st("syslog"), u32(1), u32(0)])
ev(S, 307, [u64(13), u64(10), st("syslog"), u32(1), u32(0), u32(0x803)])
ev(S, 302, [])
ev(S, 303, [u64(0), u64(10), st("old.log"), u32(0x200)])
ev(S, 312, [])
ev(S, 313, [u64(0), u64(-100 & (2**64 - 1)), st("run.sh"), u32(0o755)])
ev(S, 318, [])
ev(S, 319, [u64(0), u64(10), st("a"), u64(-100 & (2**64 - 1)), st("/tmp/b"), u32(1)])
ev(S, 256, [u32(1 | 4096)])
ev(S, 257, [u64(0), st("/dev/sda1"), st("/mnt"), st("ext4")])
ev(S, 258, [u32(2)])
ev(S, 259, [u64(0), st("/mnt")])
ev(S, 44, [])
ev(S, 45, [u64(0), u64(3), u8(1), u8(2), u8(2) + u32(1), u32(4)])
ev(S, 46, [])
ev(S, 47, [u64(0), u64(3), u8(1), u8(4), u8(1) + u64(0), u32(4)])
ev(S, 168, [u16(16), u64(200)])
ev(S, 169, [u64(0), u8(0) + u64(0x1000), u8(1) + u8(9)])
ev(S, 254, [u16(1) + u64(3) + u16(1), u64(1_000_000), u32(1 << 16)])
ev(S, 255, [u64(0), u16(1) + u64(3) + u16(0)])
ev(S, 120, [u64(10), u64(7)])
ev(S, 121, [u64(3), u32(3), buf(b"abc")])
ev(S, 42, [u32(1), u32(1), u32(0)])
ev(S, 43, [u64(0), u64(14), u64(15), u64(0xaaaa), u64(0xbbbb)])
ev(S, 8, [u64(14), u32(1)])
ev(S, 136, [u8(1), u8(0)])
ev(S, 137, [u64(16)])
ev(S, 138, [u8(0)])
ev(S, 139, [u64(17)])
ev(S, 126, [u64(-1 & (2**64 - 1)), u32(0), u8(0)])
ev(S, 127, [u64(18)])
ev(S, 80, [u16(5) + u64(14) + u16(1) + u64(16) + u16(1) + u64(17) + u16(1) + u64(18) + u16(1)
            + u64(13) + u16(1), u64(0)])
ev(S, 96, [u64(10)])
ev(S, 97, [u64(0)])
ev(S, 66, [])
ev(S, 67, [u64(0), st("messages")])
ev(S, 192, [u32(1000), u32(-1 & 0xffffffff), u32(0)])
ev(S, 193, [u64(0)])
ev(S, 174, [])
ev(S, 175, [u64(0), st("x"), st("y")])
ev(S, 144, [u64(0), u8(7)])
ev(S, 145, [u64(0), u64(1024), u64(-1 & (2**64 - 1)), u64(1024), u64(4096)])
# Old event versions: clone (11 params), execve (8), fork; an unknown thread
# named in a later event; seccomp; getcwd.
ev(400, 8, [u64(1), u32(2)])
ev(C, 128, [u64(400), u8(9)])
ev(C, 14, [])
ev(C, 15, [u64(500), st("/bin/sh"), buf(b"-c\0ls\0"), u64(200), u64(200), u64(1), st("/home/alice"),
           u64(1024), u32(0x11), u32(1000), u32(1000)])
ev(500, 12, [])
ev(500, 13, [u64(0), st("/bin/ls"), buf(b"-l\0"), u64(500), u64(500), u64(200), st("/home/alice"),
             u64(1024)])
ev(500, 8, [u64(1), u32(2)])
ev(500, 182, [])
ev(500, 183, [u64(501), st("/bin/ls"), buf(b""), u64(500), u64(500), u64(200), st("/home/alice"),
              u64(1024), u64(0), u64(0), u32(0), u32(0), u32(0), u32(0), u32(1000), u32(1000)])
ev(501, 8, [u64(1), u32(2)])
ev(C, 298, [u64(1)])
ev(C, 299, [u64(0)])
ev(C, 92, [])
ev(C, 93, [u64(12), st("/home/alice/projects")])
ev(S, 272, [st('{"container":{"id":"abcdef012345","name":"web"}}')])
# Close-on-exec fds across execve; relative paths of a thread with no known
# cwd and of a directory fd nobody opened; a clone whose caller is in a pid
# namespace (vtid differs from tid: the child is not created from this side).
ev(C, 2, [st("/etc/hosts"), u32(1 | 4096), u32(0)])
ev(C, 3, [u64(20), st("/etc/hosts"), u32(1 | 4096), u32(0), u32(0)])
ev(C, 2, [st("/etc/motd"), u32(1), u32(0)])
ev(C, 3, [u64(21), st("/etc/motd"), u32(1), u32(0), u32(0)])
ev(C, 292, [st("/bin/client2")])
ev(C, 293, [u64(0), st("/bin/client2"), buf(b""), u64(200), u64(200), u64(1), st("/home/alice"),
            u64(1024), u64(0), u64(0), u32(0), u32(0), u32(0), st("client2"), buf(b""), buf(b""),
            u32(0), u64(200), u32(1000), u32(0)])
ev(C, 6, [u64(20), u32(1)])
ev(C, 6, [u64(21), u32(1)])
ev(600, 2, [st("rel/file"), u32(1), u32(0)])
ev(600, 3, [u64(3), st("rel/file"), u32(1), u32(0), u32(0)])
ev(600, 6, [u64(3), u32(1)])
ev(C, 306, [u64(77), st("nowhere"), u32(1), u32(0)])
ev(C, 307, [u64(22), u64(77), st("nowhere"), u32(1), u32(0), u32(0)])
ev(C, 6, [u64(22), u32(1)])
ev(C, 223, [u64(201), st("/bin/client2"), buf(b""), u64(200), u64(200), u64(1), st("/home/alice"),
            u64(1024), u64(0), u64(0), u32(0), u32(0), u32(0), st("client2"), buf(b""),
            u32(1 | 2 | 0x800 | 0x2000 | 0x8000), u32(1000), u32(1000), u64(201), u64(200)])
ev(201, 6, [u64(3), u32(1)])
ev(201, 4, [u64(3)])
ev(201, 5, [u64(0)])
ev(C, 6, [u64(3), u32(1)])
# A thread clone seen from the parent (shares the fds), IPv6 and IPv4-mapped
# tuples, a listening IPv6 socket accepting.
ev(C, 222, [])
ev(C, 223, [u64(202), st("/bin/client2"), buf(b""), u64(200), u64(200), u64(1), st("/home/alice"),
            u64(1024), u64(0), u64(0), u32(0), u32(0), u32(0), st("client2"), buf(b""),
            u32(1 | 2 | 0x800 | 0x2000 | 0x8000), u32(1000), u32(1000), u64(200), u64(200)])
ev(202, 6, [u64(3), u32(1)])
ev(202, 186, [u64(0), u64(0), u8(0), u8(0)])
ev(202, 6, [u64(3), u32(1)])
V6A = bytes.fromhex("20010db8000000000000000000000001")
V6B = bytes.fromhex("20010db8000000000000000000000002")
MAPPED = bytes.fromhex("00000000000000000000ffff0a010101")
MAPPED2 = bytes.fromhex("00000000000000000000ffff0a010102")
ev(S, 18, [u32(10), u32(1), u32(6)])
ev(S, 19, [u64(30)])
ev(S, 20, [u64(30)])
ev(S, 21, [u64(0), u8(10) + bytes(16) + u16(9090)])
ev(S, 24, [u64(30), u32(5)])
ev(S, 25, [u64(0)])
ev(S, 246, [])
ev(S, 247, [u64(31), u8(10) + V6B + u16(41000) + V6A + u16(9090), u8(0), u32(0), u32(5)])
ev(S, 246, [])
ev(S, 247, [u64(32), u8(10) + MAPPED2 + u16(41001) + MAPPED + u16(9090), u8(0), u32(0), u32(5)])
ev(S, 8, [u64(31), u32(1)])
ev(S, 8, [u64(32), u32(1)])
ev(S, 8, [u64(30), u32(1)])
# A thread the capture does not list, then a process exit.
ev(300, 6, [u64(3), u32(10)])
ev(300, 7, [u64(-11 & (2**64 - 1)), buf(b"")])
ev(300, 186, [u64(0), u64(0), u8(0), u8(0)])
ev(300, 152, [u64(200), u64(0), u64(0), u32(0), u32(0), u32(0)])
ev(S, 152, [u64(300), u64(1), u64(2), u32(3), u32(4), u32(5)])
ev(S, 4, [u64(4)])
ev(S, 5, [u64(0)])
ev(S, 8, [u64(4), u32(1)])

with open(ARGS[0] if ARGS else "synthetic.scap", "wb") as f:
    f.write(out)
