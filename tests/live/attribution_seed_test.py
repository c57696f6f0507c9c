#!/usr/bin/env python3
"""Live: process attribution beyond the eBPF events, with live_test.py's
driver, namespaces and probe handling (this file adds cases to it).
    attribution_seed_test.py --vedetta PATH CASE

  seed       servers and connected clients started BEFORE the probe (TCP and
             UDP, IPv4 and IPv6, on lo and between two network namespaces
             through a veth/bridge) talk afterwards with read()/write(),
             which the eBPF programs do not report: only the start-up scan
             (sock_diag in each namespace + /proc/PID/fd) can name them.
  poll       --events poll, privileges dropped: processes started after the
             probe, in namespaces no process was in at its start, are named
             after they exit; the probe keeps exactly CAP_DAC_READ_SEARCH,
             CAP_SYS_PTRACE and CAP_SYS_ADMIN; the warning is said once.
  cgroup     a server in a cgroup named like docker's (…/docker/<64 hex>)
             started before the probe, a client in a plain cgroup started
             after it: SRC_/DST_PROC_CONTAINER_ID and _CGROUP.
  processes  --processes-json: rewritten while the probe runs, and at exit
             per process pid, name, flows, bytes sent/received equal to its
             flows' counters, active since.
Exit codes and cleanup as live_test.py (77 = skipped, CI=true: failure).
"""
import json
import os
import pwd
import select
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import live_test  # noqa: E402
from live_test import Probe, Skip, Topology, find_flows, ifindex, kill_group  # noqa: E402

# One process per end. Server: prints its port, takes one TCP connection
# (or, for UDP, a first datagram and then connects to its sender), and
# answers each message with twice its size. Client: connects, prints its
# local port, and for each stdin line N sends N bytes and reads the answer,
# printing how many bytes came back. IO=rw uses read()/write(), which the
# probe's eBPF programs do not report; IO=send uses send()/recv().
PEER = r'''
import os, socket, sys
role, proto, addr, port, io = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
s = socket.socket(fam, kind)
def send(sock, data):
    os.write(sock.fileno(), data) if io == "rw" else sock.send(data)
def recv(sock, n):
    return os.read(sock.fileno(), n) if io == "rw" else sock.recv(n)
if role == "server":
    s.bind((addr, 0))
    print(s.getsockname()[1], flush=True)
    if kind == socket.SOCK_STREAM:
        s.listen(1); conn, _ = s.accept()
    else:
        _, peer = s.recvfrom(100); s.connect(peer); conn = s
    while True:
        data = recv(conn, 65536)
        if not data:
            break
        send(conn, b"S" * (2 * len(data)))
else:
    s.connect((addr, port))
    if kind == socket.SOCK_DGRAM:
        s.send(b"hello")
    print(s.getsockname()[1], flush=True)
    for line in sys.stdin:
        n = int(line)
        send(s, b"C" * n)
        got = 0
        while got < 2 * n:
            got += len(recv(s, 65536))
        print(got, flush=True)
'''


class Peer:
    """One end, in the root namespace or in `ns`, maybe in a cgroup."""

    def __init__(self, ctx, role, proto, addr, port=0, io="rw", ns=None, cgroup=None):
        cmd = [sys.executable, "-c", PEER, role, proto, addr, str(port), io]
        if cgroup:  # join the group, then exec: the exec event is where vedetta looks
            cmd = ["sh", "-c", f'echo $$ > {cgroup}/cgroup.procs && exec "$@"', "sh"] + cmd
        if ns:
            cmd = ["ip", "netns", "exec", ns] + cmd  # ip execs: the pid stays python's
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  start_new_session=True)
        ctx.closers.insert(0, lambda: kill_group(self.p))  # before the cgroups are removed
        self.port = int(self.readline(f"{role} {proto} {addr}: port"))

    @property
    def pid(self):
        return self.p.pid

    def readline(self, what, timeout=20):
        r, _, _ = select.select([self.p.stdout], [], [], timeout)
        line = self.p.stdout.readline() if r else ""
        if not line.strip():
            raise RuntimeError(f"peer pid {self.p.pid}: no {what} (rc={self.p.poll()})")
        return line

    def exchange(self, n):
        self.p.stdin.write(f"{n}\n")
        self.p.stdin.flush()
        return int(self.readline(f"answer to {n} bytes"))

    def close(self):
        self.p.stdin.close()
        try:
            self.p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            kill_group(self.p)


def pair(ctx, proto, server_addr, io="rw", server_ns=None, client_ns=None, server_cgroup=None,
         client_cgroup=None, connect_addr=None):
    server = Peer(ctx, "server", proto, server_addr, io=io, ns=server_ns, cgroup=server_cgroup)
    client = Peer(ctx, "client", proto, connect_addr or server_addr, server.port, io=io,
                  ns=client_ns, cgroup=client_cgroup)
    return server, client


def the_flow(ck, flows, label, proto, client, server):
    recs = [f for f in find_flows(flows, proto, client.port, server.port)
            if f.get("L4_SRC_PORT") == client.port]
    ck.check(len(recs) == 1, f"{label}: one record, client → server ({len(recs)}: {recs})")
    return recs[0] if recs else {}


def check_processes(ck, label, rec, client, server, exe=True):
    ck.check(rec.get("SRC_PROC_PID") == client.pid,
             f"{label}: SRC_PROC_PID is the client's {client.pid} ({rec.get('SRC_PROC_PID')})")
    ck.check(rec.get("DST_PROC_PID") == server.pid,
             f"{label}: DST_PROC_PID is the server's {server.pid} ({rec.get('DST_PROC_PID')})")
    if exe:
        python = os.path.realpath(sys.executable)
        ck.check(rec.get("SRC_PROC_EXE") == python and rec.get("DST_PROC_EXE") == python,
                 f"{label}: both exe {python} ({rec.get('SRC_PROC_EXE')}, {rec.get('DST_PROC_EXE')})")


def wait_for_probe(probe, ifaces):
    probe.wait_ready([ifindex(i) for i in ifaces])


def stop_and_read(ctx, probe):
    rc, _ = probe.stop()
    ctx.ck.check(rc == 0, f"probe exits 0 on SIGINT (rc={rc})")
    return probe.flows(ctx.ck)


def case_seed(ctx):
    ck = ctx.ck
    topo = Topology(ctx, "s").setup()
    peers = {  # label → (proto, server, client); all connected before the probe starts
        "lo TCP/IPv4": ("tcp",) + pair(ctx, "tcp", "127.0.0.1"),
        "lo UDP/IPv4": ("udp",) + pair(ctx, "udp", "127.0.0.1"),
        "lo TCP/IPv6": ("tcp",) + pair(ctx, "tcp", "::1"),
        "netns TCP/IPv4": ("tcp",) + pair(ctx, "tcp", topo.addr_b, server_ns=topo.ns_b, client_ns=topo.ns_a),
        "netns UDP/IPv4": ("udp",) + pair(ctx, "udp", topo.addr_b, server_ns=topo.ns_b, client_ns=topo.ns_a),
    }
    if topo.has_ipv6:
        peers["netns TCP/IPv6"] = ("tcp",) + pair(ctx, "tcp", topo.addr6_b, server_ns=topo.ns_b,
                                                  client_ns=topo.ns_a)
    probe = Probe(ctx, "seed", ["lo", topo.root_a], ["--events", "ebpf", "-q", "-d", "30"])
    wait_for_probe(probe, ["lo", topo.root_a])
    for label, (_, server, client) in peers.items():
        ck.check(client.exchange(300) == 600, f"{label}: exchange after the probe started")
    time.sleep(0.5)
    flows = stop_and_read(ctx, probe)
    for label, (proto, server, client) in peers.items():
        rec = the_flow(ck, flows, label, 6 if proto == "tcp" else 17, client, server)
        check_processes(ck, label, rec, client, server)
    err = probe.stderr()
    ck.check("events lost: 0 socket" in err, "exit report: eBPF attribution, no events lost")


def proc_status(pid):
    with open(f"/proc/{pid}/status") as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


def case_poll(ctx):
    ck = ctx.ck
    nobody = pwd.getpwnam("nobody")
    topo = Topology(ctx, "p").setup()
    for agent in topo.agents:  # nobody in the namespaces: the probe enters them after its drop
        agent.close()
    probe = Probe(ctx, "poll", [topo.root_a], ["--events", "poll", "-d", "5", "--tcp-close-timeout",
                                              "1", "--stats-interval", "60"])
    wait_for_probe(probe, [topo.root_a])
    status = proc_status(probe.pid)
    ck.check(status.get("Uid", "").split()[:1] == [str(nobody.pw_uid)],
             f"probe runs as nobody ({status.get('Uid')})")
    wanted = (1 << 2) | (1 << 19) | (1 << 21)  # CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE, CAP_SYS_ADMIN
    ck.check(int(status.get("CapEff", "0"), 16) == wanted and int(status.get("CapPrm", "0"), 16) == wanted,
             f"kept exactly CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE, CAP_SYS_ADMIN "
             f"(CapEff {status.get('CapEff')}, CapPrm {status.get('CapPrm')})")
    peers = {
        "TCP/IPv4": ("tcp",) + pair(ctx, "tcp", topo.addr_b, io="send", server_ns=topo.ns_b,
                                    client_ns=topo.ns_a),
        "UDP/IPv4": ("udp",) + pair(ctx, "udp", topo.addr_b, io="send", server_ns=topo.ns_b,
                                    client_ns=topo.ns_a),
    }
    for label, (_, server, client) in peers.items():
        ck.check(client.exchange(200) == 400, f"{label}: exchange")
    time.sleep(2.5)  # two scans while the sockets are open
    for _, server, client in peers.values():
        client.close()
        server.close()
    time.sleep(2)  # TCP ends by its close timeout; UDP at the probe's exit
    flows = stop_and_read(ctx, probe)
    for label, (proto, server, client) in peers.items():
        rec = the_flow(ck, flows, label, 6 if proto == "tcp" else 17, client, server)
        check_processes(ck, label, rec, client, server)
        # Both ends closed 2.5 s after the last packet: TCP's close timeout
        # (1 s) or UDP's idle timeout (5 s) or the probe's exit come later.
        ck.check(rec.get("EXPORT_REASON") in (("end",) if proto == "tcp" else ("idle", "shutdown")),
                 f"{label}: exported after the processes exited ({rec.get('EXPORT_REASON')})")
    err = probe.stderr()
    ck.check(err.count("polling the sockets every second") == 1 and "is missed" in err,
             "the polling warning is said once")
    ck.check("socket scans (polling, no eBPF)" in err, "exit report counts the scans")
    ck.check("not scanned" not in err, "every namespace scanned after the privilege drop")


def cgroup_hierarchy():
    """A v1 hierarchy we may create groups in, or the v2 root."""
    for controller in ("pids", "cpu", "memory"):
        path = f"/sys/fs/cgroup/{controller}"
        if os.path.exists(f"{path}/cgroup.procs") and os.access(path, os.W_OK):
            return path
    if os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
        return "/sys/fs/cgroup"
    raise Skip("no writable cgroup hierarchy under /sys/fs/cgroup")


def make_cgroup(ctx, root, relative):
    path = os.path.join(root, relative)
    os.makedirs(path)
    ctx.closers.append(lambda: remove_cgroup(root, relative))
    return path


def remove_cgroup(root, relative):
    parts = relative.split("/")
    for i in range(len(parts), 0, -1):  # children first; empty once the peers are gone
        target = os.path.join(root, *parts[:i])
        for _ in range(50):
            try:
                os.rmdir(target)
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.1)


def first_group(pid):
    """The path vedetta should pick for a process in no container: v2's, else
    the first v1 group that is not the root."""
    with open(f"/proc/{pid}/cgroup") as f:
        lines = [line.rstrip("\n").split(":", 2) for line in f]
    v2 = [p for h, _, p in lines if h == "0" and p != "/"]
    v1 = [p for h, _, p in lines if h != "0" and p != "/"]
    return (v2 or v1 or [""])[0]


def case_cgroup(ctx):
    ck = ctx.ck
    root = cgroup_hierarchy()
    container = "3f0a5b0c8e2d4f6a9b1c7d3e5f2a4b6c8d0e1f3a5b7c9d2e4f6a8b0c1d3e5f7a"
    top = f"vdt-{os.getpid()}"
    docker = make_cgroup(ctx, root, f"{top}/docker/{container}")
    plain = make_cgroup(ctx, root, f"{top}/plain")
    server = Peer(ctx, "server", "tcp", "127.0.0.1", cgroup=docker)  # before the probe: /proc seeding
    probe = Probe(ctx, "cgroup", ["lo"], ["--events", "ebpf", "-q"])
    wait_for_probe(probe, ["lo"])
    client = Peer(ctx, "client", "tcp", "127.0.0.1", server.port, cgroup=plain)  # after: exec event
    expected_client_group = first_group(client.pid)
    ck.check(expected_client_group.endswith(f"/{top}/plain"),
             f"the client is in the plain group ({expected_client_group})")
    ck.check(client.exchange(100) == 200, "exchange")
    time.sleep(0.5)
    flows = stop_and_read(ctx, probe)
    rec = the_flow(ck, flows, "TCP", 6, client, server)
    check_processes(ck, "TCP", rec, client, server, exe=False)
    ck.check(rec.get("DST_PROC_CONTAINER_ID") == container[:12],
             f"server: container id = the first 12 hex digits ({rec.get('DST_PROC_CONTAINER_ID')})")
    ck.check(rec.get("DST_PROC_CGROUP", "").endswith(f"/{top}/docker/{container}"),
             f"server: cgroup path ({rec.get('DST_PROC_CGROUP')})")
    ck.check(rec.get("SRC_PROC_CGROUP") == expected_client_group,
             f"client: cgroup path {expected_client_group} ({rec.get('SRC_PROC_CGROUP')})")
    ck.check(rec.get("SRC_PROC_CONTAINER_ID") == expected_client_group,
             f"client: no container, so its container id is the cgroup path ({rec.get('SRC_PROC_CONTAINER_ID')})")


def case_processes(ctx):
    ck = ctx.ck
    os.chmod(ctx.tmp, 0o711)  # the probe runs as nobody: it must reach and write this directory
    out_dir = os.path.join(ctx.tmp, "console")
    os.mkdir(out_dir)
    os.chmod(out_dir, 0o777)
    path = os.path.join(out_dir, "processes.json")
    t0 = time.time()
    probe = Probe(ctx, "processes", ["lo"], ["--events", "ebpf", "-q", "--processes-json", path,
                                             "-d", "1", "--tcp-close-timeout", "1"])
    wait_for_probe(probe, ["lo"])
    server_one, client_one = pair(ctx, "tcp", "127.0.0.1", io="send")
    ck.check(client_one.exchange(1000) == 2000, "first exchange")
    server_two, client_two = pair(ctx, "udp", "127.0.0.1", io="send")
    ck.check(client_two.exchange(500) == 1000, "second exchange")
    for p in (client_one, server_one, client_two, server_two):
        p.close()
    time.sleep(3)  # idle/close timeouts, then a periodic rewrite
    during = {}
    try:
        with open(path) as f:
            during = json.load(f)
    except (OSError, ValueError) as e:
        ck.check(False, f"file written while the probe runs ({e})")
    pids_during = {p["pid"] for p in during.get("processes", [])}
    ck.check(client_one.pid in pids_during, f"the periodic file lists the first client ({pids_during})")
    flows = stop_and_read(ctx, probe)
    with open(path) as f:
        final = json.load(f)
    ck.check(os.listdir(out_dir) == ["processes.json"], f"no temporary file left ({os.listdir(out_dir)})")
    by_pid = {p["pid"]: p for p in final["processes"]}
    tcp = the_flow(ck, flows, "TCP", 6, client_one, server_one)
    udp = the_flow(ck, flows, "UDP", 17, client_two, server_two)
    for label, proc, rec, sent, received in (
            ("client 1", client_one, tcp, "IN_BYTES", "OUT_BYTES"),
            ("server 1", server_one, tcp, "OUT_BYTES", "IN_BYTES"),
            ("client 2", client_two, udp, "IN_BYTES", "OUT_BYTES"),
            ("server 2", server_two, udp, "OUT_BYTES", "IN_BYTES")):
        entry = by_pid.get(proc.pid)
        if not ck.check(entry is not None, f"{label} (pid {proc.pid}) listed"):
            continue
        ck.check(entry["flows"] == 1 and entry["name"].startswith("python"),
                 f"{label}: 1 flow, name {entry['name']} ({entry['flows']})")
        ck.check(entry["bytes_sent"] == rec.get(sent) and entry["bytes_received"] == rec.get(received),
                 f"{label}: bytes sent/received {entry['bytes_sent']}/{entry['bytes_received']} = "
                 f"its flow's {rec.get(sent)}/{rec.get(received)}")
        ck.check(t0 - 1 <= entry["active_since"] <= entry["last_seen"] <= time.time(),
                 f"{label}: active since {entry['active_since']} within the test")
        ck.check(entry["exited"] is True, f"{label}: exited")


live_test.CASES.update({"seed": case_seed, "poll": case_poll, "cgroup": case_cgroup,
                        "processes": case_processes})
live_test.NEEDS_NETNS |= {"seed", "poll"}

if __name__ == "__main__":
    sys.exit(live_test.main())
