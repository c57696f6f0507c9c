#!/usr/bin/env python3
"""Live test of `vedetta events` (no -r): eBPF capture printed as sysdig lines.

    live_events_test.py --vedetta PATH CASE
        CASE: network | short_lived | filtered | rate | write | files_and_fds | process_calls

  network      a Python child, captured with --pid, runs a TCP server and a
               client thread on 127.0.0.1 (kernel-chosen ports), UDP
               sendto/recvfrom, and TCP on ::1; the lines must show connect,
               accept, sendto, recvfrom, close with fd names and tuples
               (client first), the process name and the thread ids.
  short_lived  a child execs bash, which connects to a port of this test and
               exits at once: its connect still prints with its name, then
               its procexit.
  filtered     a sysdig filter and a -p format live: "proc.pid=CHILD and
               evt.type=connect"; the child connects once, then does 30,000
               read() and write() calls on the socket: only its connect lines
               print, in the format, and the read/write calls are dropped in
               the kernel (with --pid: fewer than 20,000 kernel events reach
               user space instead of more than 120,000).
  comm_filter  "proc.name=vdt_commtest and evt.type=write": the child (named
               by the link it was started through) and this test both write;
               this test's writes are left out in the kernel (-v counts them).
  rate         the child makes 25,000 write() calls a second for 4 s (50,000
               events/s); the capture, all in user space (a filter on an fd
               number no call uses), must count them all with zero drops.
  write        the network child captured with -w FILE: Debian's `sysdig -r FILE`
               shows its connect, accept, sendto and recvfrom with the process
               name and the tuples, and `vedetta events -r FILE` prints the same
               lines as sysdig.
  files_and_fds  a Python child writes and reads a temp file, dup2's a
               connected TCP socket and writes on the copy, uses writev/readv,
               a pipe, a socketpair, a unix stream socket bound to a path,
               sendmsg/recvmsg and sendmmsg/recvmmsg on UDP, close_range, and
               one io_uring_enter: the lines must show the paths, flags, device,
               tuples and fd names each call leaves in the fd table.
  process_calls  a Python child starts a thread, calls fork, clone3 and
               (through subprocess) vfork directly, then replaces itself
               with execveat(fd, "", AT_EMPTY_PATH): each prints as the call
               it was (clone/clone3/fork/vfork/execveat) with its flags.

Exit 0 = pass, 1 = fail, 77 = skipped (not root, no BPF); with CI=true a
missing prerequisite fails instead of skipping.
"""
import argparse
import json
import os
import re
import select
import signal
import socket
import subprocess
import shutil
import sys
import tempfile
import time

SKIP = 77

NETWORK_CHILD = r'''
import json, socket, sys, threading
sys.stdin.readline()                      # wait until vedetta captures
out = {"pid": __import__("os").getpid()}
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(4)
out["sport"] = srv.getsockname()[1]; out["srv_fd"] = srv.fileno()
def client():
    c = socket.socket(); out["cfd"] = c.fileno()
    c.connect(("127.0.0.1", out["sport"]))
    out["cport"] = c.getsockname()[1]; out["client_tid"] = threading.get_native_id()
    c.send(b"hello server"); c.recv(100); c.close()
t = threading.Thread(target=client); t.start()
a, _ = srv.accept(); out["afd"] = a.fileno()
a.recv(100); a.send(b"hello client"); t.join(); a.close(); srv.close()
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); rx.bind(("127.0.0.1", 0))
tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
out["rx_fd"], out["tx_fd"], out["rx_port"] = rx.fileno(), tx.fileno(), rx.getsockname()[1]
tx.sendto(b"ping", ("127.0.0.1", out["rx_port"]))
_, peer = rx.recvfrom(100); out["tx_port"] = peer[1]
tx.close(); rx.close()
try:
    s6 = socket.socket(socket.AF_INET6); s6.bind(("::1", 0)); s6.listen(1)
    c6 = socket.socket(socket.AF_INET6); c6.connect(("::1", s6.getsockname()[1]))
    a6, _ = s6.accept()
    out["v6"] = {"sport": s6.getsockname()[1], "cport": c6.getsockname()[1], "afd": a6.fileno()}
    c6.close(); a6.close(); s6.close()
except OSError:
    out["v6"] = None
print(json.dumps(out), flush=True)
'''

SHORT_LIVED_CHILD = r'''
import os, sys
port = sys.stdin.readline().strip()
os.execv("/bin/bash", ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + port])
'''


FILES_CHILD = r'''
import ctypes, json, os, socket, sys, tempfile
sys.stdin.readline()                      # wait until vedetta captures
libc = ctypes.CDLL(None, use_errno=True)
out = {"pid": os.getpid()}
d = tempfile.mkdtemp(prefix="vedetta-live-")
path = os.path.join(d, "file.txt")
fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o640)
os.write(fd, b"file contents"); os.close(fd)
fd = os.open(path, os.O_RDONLY); out["file_fd"] = fd; os.read(fd, 100); os.close(fd)
out["path"], out["dev"] = path, os.stat(path).st_dev
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
c = socket.socket(); c.connect(("127.0.0.1", srv.getsockname()[1])); a, _ = srv.accept()
out["sport"], out["cport"], out["tcp_fd"], out["afd"] = (srv.getsockname()[1], c.getsockname()[1],
                                                         c.fileno(), a.fileno())
out["dup_fd"] = os.dup2(c.fileno(), 50)
os.write(50, b"via dup2"); a.recv(100)
os.writev(50, [b"vec1", b"vec2"]); os.readv(a.fileno(), [bytearray(4), bytearray(4)])
r, w = os.pipe(); out["pipe"] = [r, w]; os.write(w, b"through pipe"); os.read(r, 100)
s1, s2 = socket.socketpair(); out["pair"] = [s1.fileno(), s2.fileno()]
s1.send(b"pair"); s2.recv(10)
upath = os.path.join(d, "sock"); us = socket.socket(socket.AF_UNIX); us.bind(upath); us.listen(1)
uc = socket.socket(socket.AF_UNIX); uc.connect(upath); ua, _ = us.accept()
out["upath"], out["unix_fd"], out["unix_afd"] = upath, uc.fileno(), ua.fileno()
uc.send(b"over unix"); ua.recv(100)
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); rx.bind(("127.0.0.1", 0))
tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
tx.sendmsg([b"msg-", b"data"], [], 0, rx.getsockname()); rx.recvmsg(100)
out["rx_fd"], out["tx_fd"], out["rx_port"] = rx.fileno(), tx.fileno(), rx.getsockname()[1]
out["tx_port"] = tx.getsockname()[1]
class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
class msghdr(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32),
                ("iov", ctypes.POINTER(iovec)), ("iovlen", ctypes.c_size_t),
                ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t), ("flags", ctypes.c_int)]
class mmsghdr(ctypes.Structure):
    _fields_ = [("hdr", msghdr), ("len", ctypes.c_uint)]
def mmsgs(bufs):
    msgs, iovs = (mmsghdr * len(bufs))(), (iovec * len(bufs))()
    for i, b in enumerate(bufs):
        iovs[i].base, iovs[i].len = ctypes.cast(b, ctypes.c_void_p), len(b)
        msgs[i].hdr.iov, msgs[i].hdr.iovlen = ctypes.pointer(iovs[i]), 1
    return msgs, iovs
tx.connect(rx.getsockname())
sent, _keep1 = mmsgs([ctypes.create_string_buffer(b"one", 3), ctypes.create_string_buffer(b"two", 3)])
got, _keep2 = mmsgs([ctypes.create_string_buffer(16), ctypes.create_string_buffer(16)])
out["sent"] = libc.sendmmsg(tx.fileno(), sent, 2, 0)
out["received"] = libc.recvmmsg(rx.fileno(), got, 2, 0, None)
lo, hi = min(r, w, *out["pair"]), max(r, w, *out["pair"])
out["close_range"] = [lo, hi, libc.syscall(436, lo, hi, 0)]
try:
    os.write(w, b"after")                 # closed: the fd table must not name it
except OSError as e:
    out["write_after"] = e.errno
# io_uring_enter on a bad fd: it fails, but the call (3 to submit) is counted.
out["io_uring_enter"] = libc.syscall(426, -1, 3, 0, 0, None, 0)
os.unlink(upath); os.unlink(path); os.rmdir(d)
print(json.dumps(out), flush=True)
'''


PROCESS_CHILD = r'''
import ctypes, json, os, subprocess, sys, threading
sys.stdin.readline()                      # wait until vedetta captures
libc = ctypes.CDLL(None, use_errno=True)
out = {"pid": os.getpid()}
t = threading.Thread(target=lambda: None); t.start(); t.join(); out["thread"] = t.native_id
out["clone"] = os.fork()                  # glibc's fork(): the clone system call
if out["clone"] == 0:
    os._exit(0)
os.waitpid(out["clone"], 0)
out["fork"] = libc.syscall(57)            # fork(2) itself
if out["fork"] == 0:
    os._exit(0)
os.waitpid(out["fork"], 0)
args = (ctypes.c_uint64 * 8)(0, 0, 0, 0, 17, 0, 0, 0)  # clone_args: flags 0, exit_signal SIGCHLD
out["clone3"] = libc.syscall(435, args, ctypes.sizeof(args))
if out["clone3"] == 0:
    os._exit(0)
os.waitpid(out["clone3"], 0)
out["vfork_used"] = getattr(subprocess, "_USE_VFORK", False)
p = subprocess.Popen(["/bin/true"]); p.wait(); out["vfork"] = p.pid
fd = os.open("/bin/true", os.O_RDONLY); out["exec_fd"] = fd
print(json.dumps(out), flush=True)
argv = (ctypes.c_char_p * 3)(b"true", b"via-execveat", None)
envp = (ctypes.c_char_p * 1)(None)
libc.syscall(322, fd, b"", argv, envp, 0x1000)  # execveat(fd, "", ..., AT_EMPTY_PATH)
os._exit(3)                               # not reached
'''


FILTERED_CHILD = r'''
import json, os, socket, sys
sys.stdin.readline()
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
c = socket.socket(); c.connect(("127.0.0.1", srv.getsockname()[1])); a, _ = srv.accept()
for _ in range(30000):
    os.write(c.fileno(), b"x"); os.read(a.fileno(), 1)
print(json.dumps({"sport": srv.getsockname()[1], "cport": c.getsockname()[1]}), flush=True)
'''

RATE_CHILD = r'''
import os, sys, time
sys.stdin.readline()
fd = os.open("/dev/null", os.O_WRONLY)
calls, start = 0, time.monotonic()
while True:
    elapsed = time.monotonic() - start
    if elapsed >= 4: break
    while calls < elapsed * 25000:   # paced: 25,000 calls/s
        os.write(fd, b"x"); calls += 1
    time.sleep(0.001)
print(calls, flush=True)
'''


class Skip(Exception):
    pass


def skip_or_fail(why):
    if os.environ.get("CI") == "true":
        print(f"FAIL: {why} (CI=true: prerequisites must be there)", flush=True)
        sys.exit(1)
    print(f"SKIP: {why}", flush=True)
    sys.exit(SKIP)


class Run:
    """vedetta events --pid PID, stopped with SIGINT; stdout and stderr kept."""

    def __init__(self, vedetta, pid, args=None, extra=()):
        args = list(args) if args is not None else ["--pid", str(pid)]
        self.proc = subprocess.Popen(
            [vedetta, "events", "-v", "-M", "60"] + args + list(extra),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, TZ="UTC"))
        self.err = b""
        deadline = time.time() + 20
        while b"capturing live" not in self.err:
            if self.proc.poll() is not None or time.time() > deadline:
                out, err = self.proc.communicate()
                self.err += err
                text = self.err.decode(errors="replace").strip()
                if self.proc.returncode not in (0, None):
                    raise Skip(f"vedetta events cannot capture: {text}")
                raise RuntimeError(f"vedetta events did not start: {text}")
            r, _, _ = select.select([self.proc.stderr], [], [], 0.5)
            if r:
                self.err += os.read(self.proc.stderr.fileno(), 4096)

    def stop(self):
        time.sleep(0.5)  # the reorder window and the last poll
        self.proc.send_signal(signal.SIGINT)
        try:
            out, err = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        self.err += err
        return out.decode(errors="replace"), self.err.decode(errors="replace")


def capture_child(vedetta, child, extra=(), settle=0.0, args=None, while_running=None):
    """Captures `child` (started with stdin and stdout pipes, waiting for a
    line on stdin) with `vedetta events --pid` (or `args` instead of --pid)
    and `extra` options: says "go", calls `while_running`, reads the JSON line
    the child prints, waits for its end, then `settle` seconds.
    Returns (stdout lines, stderr, the child's JSON)."""
    try:
        run = Run(vedetta, child.pid, args=args, extra=extra)
        child.stdin.write("go\n")
        child.stdin.flush()
        if while_running:
            while_running()
        info = json.loads(child.stdout.readline())
        child.wait(timeout=30)
        time.sleep(settle)
        out, err = run.stop()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    lines = out.splitlines()
    print(f"{len(lines)} lines; stderr: {err.strip()}", flush=True)
    return lines, err, info


class Checker:
    def __init__(self, lines):
        self.lines = lines
        self.failures = []

    def has(self, what, pattern):
        rx = re.compile(pattern)
        ok = any(rx.search(l) for l in self.lines)
        print(("ok   " if ok else "FAIL ") + what + ("" if ok else f"\n     no line matches {pattern}"),
              flush=True)
        if not ok:
            self.failures.append(what)
        return ok

    def check(self, ok, what):
        print(("ok   " if ok else "FAIL ") + what, flush=True)
        if not ok:
            self.failures.append(what)


LINE = r"^\d+ \d\d:\d\d:\d\d\.\d{9} \d+ "


def run_python_child(vedetta, code, extra=()):
    """Runs `code` in a Python child captured with --pid (+ extra options); it
    starts on "go" and prints one JSON line. Returns its comm, that JSON, the
    lines, stderr."""
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    with open(f"/proc/{child.pid}/comm") as f:
        comm = f.read().strip()
    lines, err, info = capture_child(vedetta, child, extra)
    return comm, info, lines, err


def case_network(vedetta):
    comm, info, lines, err = run_python_child(vedetta, NETWORK_CHILD)
    c = Checker(lines)
    pid, ctid = info["pid"], info["client_tid"]
    sp, cp = info["sport"], info["cport"]
    tup = rf"127\.0\.0\.1:{cp}->127\.0\.0\.1:{sp}"
    name = re.escape(comm)
    c.check(all(re.match(LINE + rf"{name} \((?:{pid}|{ctid})\) [<>] ", l) for l in lines),
            f"every line is of process {comm} ({pid}), threads {pid} and {ctid}")
    c.has("listen on the server socket",
          LINE + rf"{name} \({pid}\) > listen fd={info['srv_fd']}\(<4t>127\.0\.0\.1:{sp}\) backlog=4 $")
    c.has("connect exit in the client thread with the tuple, client first",
          LINE + rf"{name} \({ctid}\) < connect res=0 tuple={tup} $")
    c.has("accept exit in the main thread: new fd named by the tuple",
          LINE + rf"{name} \({pid}\) < accept fd={info['afd']}\(<4t>{tup}\) tuple={tup} ")
    c.has("client sendto with fd name and data",
          LINE + rf"{name} \({ctid}\) > sendto fd={info['cfd']}\(<4t>{tup}\) size=12 tuple={tup} $")
    c.has("client sendto exit data", LINE + rf"{name} \({ctid}\) < sendto res=12 data=hello server $")
    c.has("server recvfrom with the data",
          LINE + rf"{name} \({pid}\) < recvfrom res=12 data=hello server tuple={tup} $")
    c.has("client close names the connection",
          LINE + rf"{name} \({ctid}\) > close fd={info['cfd']}\(<4t>{tup}\) $")
    up, tp = info["rx_port"], info["tx_port"]
    c.has("UDP sendto: peer from the call's address",
          LINE + rf"{name} \({pid}\) > sendto fd={info['tx_fd']}\(<4\w?>[^)]*\) size=4 "
          rf"tuple=0\.0\.0\.0:{tp}->127\.0\.0\.1:{up} $")
    c.has("UDP recvfrom: sender first",
          LINE + rf"{name} \({pid}\) < recvfrom res=4 data=ping tuple=127\.0\.0\.1:{tp}->127\.0\.0\.1:{up} $")
    c.has("UDP close names the sending socket",
          LINE + rf"{name} \({pid}\) > close fd={info['tx_fd']}\(<4u>0\.0\.0\.0:{tp}->127\.0\.0\.1:{up}\) $")
    # sysdig's rule: recvfrom's tuple replaces the first end only of a bound socket.
    c.has("UDP close names the receiving socket as sysdig does",
          LINE + rf"{name} \({pid}\) > close fd={info['rx_fd']}\(<4u>127\.0\.0\.1:{tp}->0\.0\.0\.0:0\) $")
    if info.get("v6"):
        v6 = info["v6"]
        t6 = rf"::1:{v6['cport']}->::1:{v6['sport']}"
        c.has("IPv6 connect tuple", LINE + rf"{name} \({pid}\) < connect res=0 tuple={t6} $")
        c.has("IPv6 accept fd", LINE + rf"{name} \({pid}\) < accept fd={v6['afd']}\(<6t>{t6}\) tuple={t6} ")
    else:
        print("note: no IPv6 loopback here, ::1 checks skipped", flush=True)
    c.has("procexit of the process", LINE + rf"{name} \({pid}\) > procexit status=0 ret=0 sig=0 core=0 $")
    c.check("drops (syscall ring buffer full: 0" in err, "no drops reported on stderr")
    return c


def case_short_lived(vedetta):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    port = srv.getsockname()[1]
    child = subprocess.Popen([sys.executable, "-c", SHORT_LIVED_CHILD], stdin=subprocess.PIPE,
                             text=True)
    try:
        run = Run(vedetta, child.pid)
        child.stdin.write(f"{port}\n")
        child.stdin.flush()
        child.wait(timeout=20)
        out, err = run.stop()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        srv.close()
    lines = out.splitlines()
    print(f"{len(lines)} lines; stderr: {err.strip()}", flush=True)
    c = Checker(lines)
    c.check(child.returncode == 0, f"bash connected and exited (status {child.returncode})")
    pid = child.pid
    c.has("execve of bash", LINE + rf"bash \({pid}\) < execve res=0 exe=bash args=-c\.exec 3<>/dev/tcp/127\.0\.0\.1/{port}\. ")
    c.has("connect with its name and tuple",
          LINE + rf"bash \({pid}\) < connect res=0 tuple=127\.0\.0\.1:\d+->127\.0\.0\.1:{port} $")
    c.has("procexit with its name", LINE + rf"bash \({pid}\) > procexit status=0 ")
    conn = [i for i, l in enumerate(lines) if re.search(rf"< connect res=0 .*:{port} $", l)]
    ends = [i for i, l in enumerate(lines) if "> procexit" in l]
    c.check(bool(conn and ends and conn[0] < ends[-1]), "connect prints before procexit")
    return c


def case_files_and_fds(vedetta):
    comm, info, lines, err = run_python_child(vedetta, FILES_CHILD)
    c = Checker(lines)
    pre = LINE + rf"{re.escape(comm)} \({info['pid']}\) "
    path, ffd = re.escape(info["path"]), info["file_fd"]
    c.has("openat enter: path, flags and mode",
          pre + rf"> openat dirfd=-100\(AT_FDCWD\) name={path} "
          rf"flags=\d+\(O_TRUNC\|O_CREAT\|O_WRONLY\|O_CLOEXEC\) mode=0640 $")
    c.has("openat exit: the new fd named by its path, the file's device",
          pre + rf"< openat fd={ffd}\(<f>{path}\) dirfd=-100\(AT_FDCWD\) name={path} "
          rf"flags=\d+\(O_TRUNC\|O_CREAT\|O_WRONLY\|O_CLOEXEC\) mode=0640 dev={info['dev']:X} $")
    c.has("write on the file", pre + rf"> write fd={ffd}\(<f>{path}\) size=13 $")
    c.has("file data written", pre + r"< write res=13 data=file contents $")
    c.has("read of the file", pre + rf"> read fd={ffd}\(<f>{path}\) size=100 $")
    c.has("file data read", pre + r"< read res=13 data=file contents $")
    c.has("close names the file", pre + rf"> close fd={ffd}\(<f>{path}\) $")
    tup = rf"127\.0\.0\.1:{info['cport']}->127\.0\.0\.1:{info['sport']}"
    tcp = rf"<4t>{tup}"
    c.has("dup2 enter names the socket copied",
          pre + rf"> dup fd={info['tcp_fd']}\({tcp}\) $")
    c.has("dup2 exit: the copy has the socket's name", pre + rf"< dup res=50\({tcp}\) $")
    c.has("write on the dup'ed fd", pre + rf"> write fd=50\({tcp}\) size=8 $")
    c.has("its data", pre + r"< write res=8 data=via dup2 $")
    c.has("writev: fd and total size", pre + rf"> writev fd=50\({tcp}\) size=8 $")
    c.has("writev: the buffers' data one after the other", pre + r"< writev res=8 data=vec1vec2 $")
    c.has("readv: size and data", pre + r"< readv res=8 size=8 data=vec1vec2 $")
    r, w = info["pipe"]
    c.has("pipe: two fifo fds and the inode",
          pre + rf"< pipe res=0 fd1={r}\(<p>\) fd2={w}\(<p>\) ino=\d+ $")
    c.has("write on the pipe", pre + rf"> write fd={w}\(<p>\) size=12 $")
    p1, p2 = info["pair"]
    c.has("socketpair: two unix fds, the kernel's socket addresses",
          pre + rf"< socketpair res=0 fd1={p1}\(<u>\) fd2={p2}\(<u>\) "
          r"source=[0-9A-F]+ peer=[0-9A-F]+ $")
    up = re.escape(info["upath"])
    c.has("unix bind: the path", pre + rf"< bind res=0 addr={up} $")
    c.has("unix connect enter: the fd named by the path",
          pre + rf"> connect fd={info['unix_fd']}\(<u>{up}\) addr={up} $")
    c.has("unix connect exit: the tuple with the path",
          pre + rf"< connect res=0 tuple=[0-9a-f]+->[0-9a-f]+ {up} $")
    c.has("unix accept: the new fd named by the tuple",
          pre + rf"< accept fd={info['unix_afd']}\(<u>[0-9a-f]+->[0-9a-f]+ {up}\) ")
    c.has("send on the connected unix socket names it",
          pre + rf"> sendto fd={info['unix_fd']}\(<u>[0-9a-f]+->[0-9a-f]+ {up}\) size=9 ")
    utup = rf"0\.0\.0\.0:{info['tx_port']}->127\.0\.0\.1:{info['rx_port']}"
    c.has("UDP sendmsg: total size, peer from msg_name",
          pre + rf"> sendmsg fd={info['tx_fd']}\(<4\w?>[^)]*\) size=8 tuple={utup} $")
    c.has("UDP sendmsg exit: data of both buffers", pre + r"< sendmsg res=8 data=msg-data $")
    c.has("UDP recvmsg: size, data and the sender",
          pre + rf"< recvmsg res=8 size=100 data=msg-data "
          rf"tuple=127\.0\.0\.1:{info['tx_port']}->127\.0\.0\.1:{info['rx_port']} $")
    c.check(info["sent"] == 2 and info["received"] == 2, "sendmmsg/recvmmsg moved 2 messages")
    c.has("sendmmsg as sysdig 0.29 shows it (no parameters)", pre + r"< sendmmsg $")
    c.has("recvmmsg as sysdig 0.29 shows it (no parameters)", pre + r"< recvmmsg $")
    c.check(info["close_range"][2] == 0, "close_range succeeded")
    # sysdig 0.29 knows no close_range: a generic event, which it names <unknown>.
    at = [i for i, l in enumerate(lines) if re.match(pre + r"< <unknown> $", l)]
    c.check(bool(at), "close_range printed as a generic event")
    after = [l for l in lines[at[0]:] if re.match(pre + rf"> write fd={w} ", l)] if at else []
    c.check(bool(after) and after[0].endswith(f"> write fd={w} size=5 "),
            "after close_range the pipe's fd is no longer in the table: "
            + (after[0] if after else "no write line"))
    c.check("io_uring: 1 io_uring_enter calls submitting 3 operations" in err,
            "io_uring_enter counted on stderr (-v), with its 3 submissions")
    return c


def case_process_calls(vedetta):
    comm, info, lines, err = run_python_child(vedetta, PROCESS_CHILD)
    c = Checker(lines)
    pre = LINE + rf"{re.escape(comm)} \({info['pid']}\) "
    c.has("thread: clone or clone3 with CLONE_THREAD",
          pre + rf"< clone3? res={info['thread']}\({re.escape(comm)}\) .* flags=\d+\([A-Z_|]*CLONE_THREAD")
    c.has("glibc fork(): clone with its flags",
          pre + rf"< clone res={info['clone']}\(.* flags=25165824\(CLONE_CHILD_CLEARTID\|CLONE_CHILD_SETTID\) ")
    c.has("fork(2)", pre + rf"< fork res={info['fork']}\(.* flags=0 ")
    c.has("clone3 without flags", pre + rf"< clone3 res={info['clone3']}\(.* flags=0 ")
    if info["vfork_used"]:
        c.has("subprocess's vfork", pre + rf"< vfork res={info['vfork']}\(.* flags=\d+\(CLONE_VM\|CLONE_VFORK\) ")
    else:
        print("note: this Python's subprocess does not use vfork, vfork check skipped", flush=True)
    fd = info["exec_fd"]
    c.has("execveat enter: dirfd, the kernel's name for the file, AT_EMPTY_PATH",
          pre + rf"> execveat dirfd={fd}\(<f>/bin/true\) pathname=/dev/fd/{fd} flags=1\(AT_EMPTY_PATH\) $")
    c.has("execveat exit: the new program",
          LINE + rf"true \({info['pid']}\) < execveat res=0 exe=true args=via-execveat\. ")
    return c


def case_filtered(vedetta):
    child = subprocess.Popen([sys.executable, "-c", FILTERED_CHILD], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    # --pid keeps the machine's other calls out of the count below.
    lines, err, info = capture_child(vedetta, child, ["-p", "%proc.pid %evt.dir %evt.type %fd.name",
                                                      f"proc.pid={child.pid} and evt.type=connect"])
    c = Checker(lines)
    tuple_ = rf"127\.0\.0\.1:{info['cport']}->127\.0\.0\.1:{info['sport']}"
    # At connect's enter the new socket has no name yet (as in sysdig).
    c.has("connect enter in the format", rf"^{child.pid} > connect $")
    c.has("connect exit with the tuple", rf"^{child.pid} < connect {tuple_}$")
    c.check(all(re.match(rf"^{child.pid} [<>] connect ", l) for l in lines),
            "only the child's connect events print")
    # The child's 120,000 read/write events never leave the kernel; what
    # arrives is its other calls and the machine's process events.
    m = re.search(r"(\d+) kernel events", err)
    c.check(bool(m) and int(m.group(1)) < 20000,
            f"read/write dropped in the kernel: {m.group(1) if m else '?'} kernel events "
            f"(< 20,000; 120,000 without the pre-filter)")
    return c


def case_rate(vedetta):
    child = subprocess.Popen([sys.executable, "-c", RATE_CHILD], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    lines, err, calls = capture_child(vedetta, child,
                                      args=[f"proc.pid={child.pid} and fd.num=9999"])
    print(f"{calls} write calls in 4 s", flush=True)
    c = Checker(lines)
    m = re.search(r"(\d+) kernel events, (\d+) drops", err)
    c.check(bool(m), "the exit line counts kernel events and drops")
    if m:
        events, drops = int(m.group(1)), int(m.group(2))
        c.check(drops == 0, f"no drops at {calls * 2 / 4:.0f} events/s ({drops} drops)")
        c.check(events >= 2 * calls, f"every call captured ({events} events for {calls} calls)")
    c.check(calls >= 95000, f"the load was offered ({calls} calls, 100,000 planned)")
    return c


def case_write(vedetta):
    sysdig = shutil.which("sysdig")
    if not sysdig:
        skip_or_fail("Debian's sysdig is not installed (apt-get install sysdig)")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "live.scap")
        comm, info, lines, err = run_python_child(vedetta, NETWORK_CHILD, ["-w", path])
        out = "\n".join(lines)
        env = dict(os.environ, TZ="UTC")
        ref = subprocess.run([sysdig, "-r", path], capture_output=True, text=True, env=env)
        ours = subprocess.run([vedetta, "events", "-r", path], capture_output=True, text=True,
                              env=env)
    c = Checker(ref.stdout.splitlines())
    c.check(out == "", "with -w nothing is printed on stdout")
    c.check(re.search(r"wrote [1-9]\d* events to .*live\.scap", err) is not None,
            "one line on stderr says how many events were written")
    c.check(ref.returncode == 0, f"sysdig -r reads the file (exit {ref.returncode}: "
            f"{ref.stderr.strip()[:300]})")
    c.check(ours.returncode == 0, f"vedetta events -r reads it (exit {ours.returncode}: "
            f"{ours.stderr.strip()[:300]})")
    pid, ctid = info["pid"], info["client_tid"]
    sp, cp = info["sport"], info["cport"]
    tup = rf"127\.0\.0\.1:{cp}->127\.0\.0\.1:{sp}"
    name = re.escape(comm)
    c.has("sysdig: connect exit with the process name and the tuple",
          LINE + rf"{name} \({ctid}\) < connect res=0 tuple={tup} $")
    c.has("sysdig: accept exit names the new fd by the tuple",
          LINE + rf"{name} \({pid}\) < accept fd={info['afd']}\(<4t>{tup}\) tuple={tup} ")
    c.has("sysdig: the listening socket from the events",
          LINE + rf"{name} \({pid}\) > listen fd={info['srv_fd']}\(<4t>127\.0\.0\.1:{sp}\) ")
    up, tp = info["rx_port"], info["tx_port"]
    c.has("sysdig: UDP recvfrom, sender first",
          LINE + rf"{name} \({pid}\) < recvfrom res=4 data=ping tuple=127\.0\.0\.1:{tp}->127\.0\.0\.1:{up} $")
    c.has("sysdig: UDP close names the sending socket",
          LINE + rf"{name} \({pid}\) > close fd={info['tx_fd']}\(<4u>0\.0\.0\.0:{tp}->127\.0\.0\.1:{up}\) $")
    # The same file printed by both: line for line, on the network calls and all the rest.
    # One known difference: closing the bound UDP socket after its recvfrom,
    # sysdig 0.29.3 names the far end from bytes of its server-socket record
    # (the bound port and protocol read as an address, e.g. 237.204.3.0:52461);
    # vedetta prints 0.0.0.0:0.
    known = re.compile(rf"> close fd={info['rx_fd']}\(<4u>127\.0\.0\.1:{tp}->")
    ref_lines, our_lines = ref.stdout.splitlines(), ours.stdout.splitlines()
    diff = [(i, r, o) for i, (r, o) in enumerate(zip(ref_lines, our_lines))
            if r != o and not (known.search(r) and known.search(o))]
    c.check(len(ref_lines) == len(our_lines) and not diff,
            f"vedetta events -r prints the same {len(ref_lines)} lines as sysdig -r "
            f"(ours: {len(our_lines)}; first difference: {diff[:1]})")
    return c


def case_comm_filter(vedetta):
    """proc.name pushed into the kernel: a child named vdt_commtest (a python
    started through a link of that name) and this test both make 2,000
    write calls; only the child's reach user space."""
    with tempfile.TemporaryDirectory() as tmp:
        link = os.path.join(tmp, "vdt_commtest")
        os.symlink(sys.executable, link)
        child = subprocess.Popen([link, "-c", RATE_CHILD.replace("25000", "500")],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

        def own_writes():  # this test's own writes: dropped in the kernel
            fd = os.open("/dev/null", os.O_WRONLY)
            for _ in range(2000):
                os.write(fd, b"x")
            os.close(fd)

        lines, err, calls = capture_child(
            vedetta, child, args=["-p", "%proc.name %evt.type",
                                  "proc.name=vdt_commtest and evt.type=write"],
            while_running=own_writes)
    print(f"child made {calls} writes", flush=True)
    c = Checker(lines)
    # (Lines were once lost here: Ctrl-C interrupted vedetta's write to the
    # full stdout pipe, EINTR, and stdio dropped its buffer; SA_RESTART now.)
    c.check(len(lines) >= 2 * calls and all(l == "vdt_commtest write" for l in lines),
            f"every line is one of the child's writes ({len(lines)} lines, {2 * calls} expected)")
    m = re.search(r"(\d+) events of other processes left out in the kernel", err)
    c.check(bool(m) and int(m.group(1)) >= 4000,
            f"this test's 2,000 writes left out in the kernel ({m.group(1) if m else '?'} "
            f"events left out, >= 4,000)")
    return c


def case_container(vedetta):
    """A child moves itself into a cgroup named like docker's
    (/sys/fs/cgroup/pids/docker/<64 hex>), then execs: container.id of its
    events is the first 12 hex digits; this test's own events say host.
    (The groups are read from /proc when the exec event is read, up to a
    poll interval later: the program lives 0.5 s; see docs/events.md.)"""
    cid = "0123456789abcdef" * 4
    group = f"/sys/fs/cgroup/pids/docker/{cid}"
    try:
        os.makedirs(group, exist_ok=True)
    except OSError as e:
        raise Skip(f"cannot create the cgroup {group}: {e}")
    code = (f"import os, sys; sys.stdin.readline(); "
            f"open('{group}/cgroup.procs', 'w').write(str(os.getpid())); "
            f"print('{{}}', flush=True); "
            f"os.execv('/bin/sh', ['sh', '-c', 'exec 3</etc/hostname; sleep 0.5'])")
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        lines, err, _ = capture_child(vedetta, child, ["-p", "%container.id %proc.name %evt.type",
                                                       "evt.type in (execve, open, openat)"])
    finally:
        try:
            os.rmdir(group)
        except OSError:
            pass
    c = Checker(lines)
    c.has("the exec inside the container's group names it", r"^0123456789ab sh execve$")
    c.has("the open after the exec too", r"^0123456789ab sh open(at)?$")
    c.check(not any(l.startswith("host sh") for l in lines), "no event of sh says host")
    return c


def run_case(cases):
    """Parses --vedetta and the case name, runs case_<name>(vedetta) from
    `cases` (a dict of functions returning a Checker); the exit code."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--vedetta", required=True)
    ap.add_argument("case", choices=sorted(cases))
    a = ap.parse_args()
    if os.geteuid() != 0:
        skip_or_fail("needs root to load BPF programs")
    try:
        c = cases[a.case](a.vedetta)
    except Skip as e:
        skip_or_fail(str(e))
    if c.failures:
        print(f"{len(c.failures)} check(s) failed", flush=True)
        for l in c.lines[:400]:
            print("  | " + l)
        return 1
    print("all checks passed", flush=True)
    return 0


def main():
    return run_case({"network": case_network, "short_lived": case_short_lived,
                     "filtered": case_filtered, "rate": case_rate, "write": case_write,
                     "files_and_fds": case_files_and_fds, "process_calls": case_process_calls,
                     "comm_filter": case_comm_filter, "container": case_container})


if __name__ == "__main__":
    sys.exit(main())
