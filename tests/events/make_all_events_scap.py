#!/usr/bin/env python3
"""Writes a capture holding every event type of src/events/event_table_spec.inc
(enter and exit, all their parameters) with seeded random values of each
parameter type, so that the sysdig comparison checks the printing of every
type, format and flag table. Types sysdig 0.29 does not know, internal
events and thread/cwd changes are left out. Deterministic for a given seed.
  make_all_events_scap.py SPEC OUT.scap [SEED]"""
import random
import struct
import sys

spec_path, out_path = sys.argv[1], sys.argv[2]
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1234)
text = open(spec_path, encoding="utf-8").read()
body = text[text.index('R"SPEC(') + 7:text.index(')SPEC"')]

out = bytearray()


def block(btype, data):
    pad = (-len(data)) % 4
    total = 12 + len(data) + pad
    out.extend(struct.pack("<II", btype, total) + data + b"\0" * pad + struct.pack("<I", total))


def s16(s):
    b = s.encode()
    return struct.pack("<H", len(b)) + b


block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 2, -1))
block(0x201, struct.pack("<IQQ", 4, 1 << 32, 32768) + b"all-events".ljust(128, b"\0") + b"\0" * 32)
u = struct.pack("<BII", 0, 0, 0) + s16("root") + s16("/root") + s16("/bin/sh")
g = struct.pack("<BI", 1, 0) + s16("root")
block(0x220, struct.pack("<I", 4 + len(u)) + u + struct.pack("<I", 4 + len(g)) + g)
t = struct.pack("<qqqqq", 10, 10, 1, 10, 10) + s16("app") + s16("/bin/app") + s16("/bin/app")
t += s16("") + s16("/work") + struct.pack("<QIIIIIIQQ", 1024, 0, 0, 0, 1, 1, 0, 0, 0)
t += s16("") + struct.pack("<qq", 10, 10) + s16("") + s16("/")
block(0x215, struct.pack("<I", 4 + len(t)) + t)
fds = struct.pack("<q", 10)
for fd, ftype, data in [(3, 1, s16("/etc/passwd")), (4, 2, s16("/var")),
                        (5, 3, bytes([10, 0, 0, 1, 10, 0, 0, 2]) + struct.pack("<HHB", 4000, 80, 2)),
                        (6, 7, s16("")), (7, 8, struct.pack("<QQ", 1, 2) + s16("/run/s"))]:
    e = struct.pack("<qQB", fd, 100 + fd, ftype) + data
    fds += struct.pack("<I", 4 + len(e)) + e
block(0x218, fds)

FLAG_VALUES = [0, 1, 2, 3, 4, 5, 8, 16, 64, 128, 129, 256, 1024, 4097, 0x8000, 0x2000 | 0x800]


def value(ptype):
    """Random bytes for a parameter of the spec's type code."""
    base = ptype.split("/")[0].split("@")[0]
    num = base.rstrip("xo") if base[:1] in "ui" and base not in ("uid",) else base
    if num in ("u8", "i8"):
        return struct.pack("<B", rng.choice([0, 1, 7, 200, 255]))
    if num in ("u16", "i16"):
        return struct.pack("<H", rng.choice([0, 1, 300, 65535]))
    if num in ("u32", "i32"):
        return struct.pack("<I", rng.choice([0, 1, 0o644, 4096, 0xFFFFFFFF, 123456]))
    if num in ("u64", "i64"):
        return struct.pack("<Q", rng.choice([0, 1, 0x7F0000001000, 2**64 - 1, 10**12]))
    if base == "fd":
        return struct.pack("<q", rng.choice([3, 4, 5, 6, 7, 42, -2, -100, -9]))
    if base == "pid":
        return struct.pack("<q", rng.choice([10, 1, 0, 99999]))
    if base == "err":
        return struct.pack("<q", rng.choice([0, 5, -1, -2, -11, -115, -514, -4095]))
    if base in ("path", "rel", "str") and (base != "rel" or "@" in ptype):
        return rng.choice(["/etc/hosts", "notes.txt", "../x/./y", "", "<NA>"]).encode() + b"\0"
    if base == "rel":
        return struct.pack("<Q", rng.choice([0, 1500000000, 2**64 - 1, 42]))
    if base == "buf":
        n = rng.choice([0, 5, 30, 100])
        return bytes(rng.choice(b"abcXYZ019 \n\t\0\x01\xff") for _ in range(n))
    if base == "addr":
        return rng.choice([b"\x02" + bytes([192, 168, 1, 2]) + struct.pack("<H", 53),
                           b"\x0a" + bytes(15) + b"\x01" + struct.pack("<H", 8080),
                           b"\x01/tmp/sock\0", b"\x11abc", b""])
    if base == "tuple":
        return rng.choice([b"\x02" + bytes([10, 0, 0, 1]) + struct.pack("<H", 1) + bytes([10, 0, 0, 2])
                           + struct.pack("<H", 2),
                           b"\x0a" + bytes(15) + b"\x01" + struct.pack("<H", 3) + bytes(15) + b"\x02"
                           + struct.pack("<H", 4),
                           b"\x01" + struct.pack("<QQ", 0xabc, 0) + b"/run/s\0", b""])
    if base == "fdlist":
        n = rng.choice([0, 1, 3])
        return struct.pack("<H", n) + b"".join(struct.pack("<qh", rng.choice([3, 5, 9]), rng.choice([1, 4, 0x41]))
                                              for _ in range(n))
    if base == "sc":
        return struct.pack("<H", rng.choice([0, 3, 108, 209, 332, 400]))
    if base == "sig":
        return struct.pack("<B", rng.choice([0, 9, 17, 29, 34, 64]))
    if base == "abs":
        return struct.pack("<Q", 1_600_000_000_123_456_789)
    if base in ("uid", "gid"):
        return struct.pack("<I", rng.choice([0, 1000, 0xFFFFFFFF]))
    if base == "sigset":
        return struct.pack("<I", rng.choice([0, 1, 0x10002, 0xFFFFFFFF]))
    if base in ("f8", "f16", "f32"):
        v = rng.choice(FLAG_VALUES)
        return struct.pack({"f8": "<B", "f16": "<H", "f32": "<I"}[base], v & {"f8": 0xFF, "f16": 0xFFFF, "f32": 0xFFFFFFFF}[base])
    if base == "mode":
        return struct.pack("<I", rng.choice([0, 0o755, 0o4644, 0o777]))
    if base == "dyn":
        kind = ptype.split("/")[1]
        if kind == "sockopt":
            return rng.choice([b"\x00abc", b"\x01" + struct.pack("<q", -11), b"\x02" + struct.pack("<I", 7),
                               b"\x03" + struct.pack("<Q", 9), b"\x04" + struct.pack("<Q", 1000000)])
        if kind == "ptrace":
            return rng.choice([b"\x00" + struct.pack("<Q", 0x1000), b"\x01\x09"])
        return rng.choice([b"\x00" + struct.pack("<q", 3), b"\x01" + struct.pack("<q", -1)])
    raise SystemExit("unknown type " + ptype)


ts = 1_700_000_000_000_000_000
for k, line in enumerate(body.strip().split("\n")):
    head, rest = line.split(" : ")
    flags = head.split()[1:]
    name = head.split()[0].split("/")[0]
    if "!I" in flags or "!N" in flags or name in ("tracer", "container"):
        continue  # not printed by sysdig 0.29; tracer carries pointers
    if name in ("clone", "fork", "vfork", "clone3", "execve", "execveat", "procexit", "chdir",
                "fchdir"):
        continue  # thread and cwd changes: random values would only scramble the state
    enter_types = [tok.split(":", 1)[1] for tok in rest.split("|")[0].split()]
    exit_types = [tok.split(":", 1)[1] for tok in rest.split("|")[1].split()]
    exit_used = "/" not in head.split()[0]
    for draw in range(2):  # two draws per event type, each an enter then its exit
        # Each pair on a thread of its own: what one pair does to the fd table
        # (random fds, random tuples of any family) must not leak into the next.
        # Fds of listed threads print in the corpus and synthetic captures.
        tid = 1000 + 2 * k + draw
        pairs = [(2 * k, enter_types)] + ([(2 * k + 1, exit_types)] if exit_used else [])
        for etype, types in pairs:
            ps = [value(ty) for ty in types]
            ts += 1000
            n = 26 + 2 * len(ps) + sum(len(p) for p in ps)
            ev = struct.pack("<HQqIHI", k % 4, ts, tid, n, etype, len(ps))
            ev += b"".join(struct.pack("<H", len(p)) for p in ps) + b"".join(ps)
            block(0x216, ev)

with open(out_path, "wb") as f:
    f.write(out)
