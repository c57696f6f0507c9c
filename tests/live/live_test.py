#!/usr/bin/env python3
"""Live-capture tests of `vedetta probe` (need root).

    live_test.py --vedetta PATH CASE      CASE: loopback | netns | privdrop | multi

  loopback  -i lo: TCP over IPv4 and IPv6, UDP and an HTTP request between
            sockets of this process; checks client/server, ports, packet and
            byte counts, export reasons, L7 protocol; stops with SIGINT.
  netns     two network namespaces joined through veth pairs and a bridge in
            the root namespace; the probe captures on a root-side veth (MACs,
            frame bytes, a BPF filter, --duration, stopping on a quiet link).
  privdrop  without --keep-root: /proc/PID/status shows the probe as 'nobody'
            with no capabilities, and it still captures.
  multi     -i lo -i <veth> together: each flow on its own interface.

Exit 0 = pass, 1 = fail, 77 = skipped (not root, no network namespaces...);
with CI=true a missing prerequisite fails instead of skipping. Every run
removes what it created (processes, namespaces, links) even on failure, and
first removes leftovers of runs that were killed (names vdt-<pid>-... /
vdt<pid>... whose pid is gone).
"""
import argparse
import json
import os
import pwd
import re
import select
import signal
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SKIP = 77
CASE_BUDGET_S = 100   # whole case, cleanup included; ctest's TIMEOUT is above this

# Checks failing because of a vedetta bug reported but not fixed yet: XFAIL
# while the bug is there, XPASS (and a failure, so the entry gets removed)
# once it is fixed.
KNOWN_BUGS = {
}

HTTP_HOST = "vedetta-live.test"


class Skip(Exception):
    pass


class CaseTimeout(Exception):
    pass


# ------------------------------------------------------------------ checks

class Checker:
    def __init__(self):
        self.failures = []
        self.xpass = []

    def check(self, ok, what, bug=None):
        if bug and bug in KNOWN_BUGS:
            if ok:
                print(f"XPASS [{bug}] {what}: vedetta looks fixed; remove '{bug}' from KNOWN_BUGS "
                      f"in tests/live/live_test.py", flush=True)
                self.xpass.append(what)
            else:
                print(f"XFAIL [{bug}] {what}  (known vedetta bug: {KNOWN_BUGS[bug]})", flush=True)
            return ok
        print(("ok   " if ok else "FAIL ") + what, flush=True)
        if not ok:
            self.failures.append(what)
        return ok


# ------------------------------------------------------------------ traffic
# The same operations run in this process (loopback) or in an agent process
# inside a network namespace (`ip netns exec NS python3 live_test.py _agent`).

def _family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def _recv_all(sock):
    n = 0
    while True:
        b = sock.recv(65536)
        if not b:
            return n
        n += len(b)


class Traffic:
    def __init__(self):
        self.closers = []
        self.held = []

    def _thread(self, fn):
        t = threading.Thread(target=fn, daemon=True)
        t.start()

    def tcp_server(self, addr, reply_bytes):
        """Each connection: read until the client's FIN, send reply_bytes, close."""
        s = socket.socket(_family(addr), socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, 0))
        s.listen(16)
        self.closers.append(s)

        def handle(c):
            try:
                c.settimeout(60)
                _recv_all(c)
                c.sendall(b"S" * reply_bytes)
            except OSError:
                pass
            finally:
                c.close()

        def loop():
            while True:
                try:
                    c, _ = s.accept()
                except OSError:
                    return
                threading.Thread(target=handle, args=(c,), daemon=True).start()

        self._thread(loop)
        return s.getsockname()[1]

    def tcp_client(self, addr, port, send_bytes, hold=False):
        """Connect, send send_bytes, half-close, read the reply to its end.
        hold=True: send and keep the connection open (see release())."""
        c = socket.create_connection((addr, port), timeout=20)
        local = c.getsockname()[1]
        c.sendall(b"C" * send_bytes)
        if hold:
            self.held.append(c)
            return {"port": local, "received": 0}
        c.shutdown(socket.SHUT_WR)
        n = _recv_all(c)
        c.close()
        return {"port": local, "received": n}

    def udp_server(self, addr, reply_bytes):
        """Answers every datagram with reply_bytes."""
        s = socket.socket(_family(addr), socket.SOCK_DGRAM)
        s.bind((addr, 0))
        self.closers.append(s)

        def loop():
            while True:
                try:
                    _, peer = s.recvfrom(65536)
                    s.sendto(b"R" * reply_bytes, peer)
                except OSError:
                    return

        self._thread(loop)
        return s.getsockname()[1]

    def udp_client(self, addr, port, send_bytes, expect_reply=True):
        s = socket.socket(_family(addr), socket.SOCK_DGRAM)
        s.settimeout(5)
        s.connect((addr, port))
        local = s.getsockname()[1]
        s.send(b"Q" * send_bytes)
        n = len(s.recv(65536)) if expect_reply else 0
        s.close()
        return {"port": local, "received": n}

    def http_server(self, addr):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = b"hello from the vedetta live test\n"
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        class Server(ThreadingHTTPServer):
            address_family = _family(addr)
            daemon_threads = True

        srv = Server((addr, 0), Handler)
        self.closers.append(srv)
        self._thread(srv.serve_forever)
        return srv.server_address[1]

    def http_get(self, addr, port, host):
        c = socket.create_connection((addr, port), timeout=20)
        local = c.getsockname()[1]
        req = (f"GET / HTTP/1.1\r\nHost: {host}\r\nUser-Agent: vedetta-live-test/1.0\r\n"
               f"Accept: */*\r\nConnection: close\r\n\r\n").encode()
        c.sendall(req)
        data = b""
        while True:
            b = c.recv(65536)
            if not b:
                break
            data += b
        c.close()
        status = data.split(b"\r\n", 1)[0].decode("latin-1")
        return {"port": local, "received": len(data), "sent": len(req), "status": status}

    def mac(self, ifname):
        with open(f"/sys/class/net/{ifname}/address") as f:
            return f.read().strip()

    def release(self):
        for c in self.held:
            try:
                c.close()
            except OSError:
                pass
        self.held = []

    def close(self):
        self.release()
        for s in self.closers:
            try:
                if isinstance(s, ThreadingHTTPServer):
                    s.shutdown()
                    s.server_close()
                else:
                    s.close()
            except OSError:
                pass
        self.closers = []


class Local:
    """Traffic in this process (root namespace)."""

    def __init__(self):
        self.t = Traffic()

    def call(self, op, *args):
        return getattr(self.t, op)(*args)

    def close(self):
        self.t.close()


class Agent:
    """Traffic from a helper process inside a network namespace."""

    def __init__(self, ns):
        self.ns = ns
        self.p = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, os.path.abspath(__file__),
                                   "_agent"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, start_new_session=True)

    def call(self, op, *args, timeout=30):
        self.p.stdin.write(json.dumps({"op": op, "args": args}) + "\n")
        self.p.stdin.flush()
        r, _, _ = select.select([self.p.stdout], [], [], timeout)
        if not r:
            raise RuntimeError(f"agent in {self.ns}: no answer to {op} within {timeout} s")
        line = self.p.stdout.readline()
        if not line:
            raise RuntimeError(f"agent in {self.ns} exited (rc={self.p.poll()})")
        reply = json.loads(line)
        if not reply["ok"]:
            raise RuntimeError(f"agent in {self.ns}: {op}{tuple(args)} failed: {reply['error']}")
        return reply["result"]

    def close(self):
        if self.p.poll() is None:
            try:
                self.p.stdin.close()
                self.p.wait(timeout=3)
            except (OSError, subprocess.TimeoutExpired):
                kill_group(self.p)


def agent_main():
    t = Traffic()
    for line in sys.stdin:
        cmd = json.loads(line)
        try:
            reply = {"ok": True, "result": getattr(t, cmd["op"])(*cmd["args"])}
        except Exception as e:  # reported to the test, which fails with it
            reply = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    t.close()
    return 0


# ------------------------------------------------------------------ processes

def kill_group(p):
    if p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


def sh(*cmd, check=True, ns=None):
    if ns:
        cmd = ("ip", "netns", "exec", ns) + cmd
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=20)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed (rc={p.returncode}): {p.stderr.strip()}")
    return p


def ifindex(name):
    with open(f"/sys/class/net/{name}/ifindex") as f:
        return int(f.read())


class Probe:
    def __init__(self, ctx, name, ifaces, options):
        self.json_path = os.path.join(ctx.tmp, f"{name}.json")
        self.out_path = os.path.join(ctx.tmp, f"{name}.out")
        self.err_path = os.path.join(ctx.tmp, f"{name}.err")
        cmd = [ctx.vedetta, "probe"]
        for i in ifaces:
            cmd += ["-i", i]
        cmd += ["--json", self.json_path] + options
        if "--duration" not in options:
            cmd += ["--duration", "90"]  # ends by itself if this script gets killed
        print("run: " + " ".join(cmd), flush=True)
        with open(self.out_path, "w") as out, open(self.err_path, "w") as err:
            self.p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                      start_new_session=True)
        self.started = time.monotonic()
        ctx.probes.append(self)

    @property
    def pid(self):
        return self.p.pid

    def stderr(self):
        with open(self.err_path, errors="replace") as f:
            return f.read()

    def stdout(self):
        with open(self.out_path, errors="replace") as f:
            return f.read()

    def packet_sockets(self):
        """(ifindex, running) of the probe's AF_PACKET sockets."""
        inodes = set()
        try:
            for fd in os.listdir(f"/proc/{self.pid}/fd"):
                try:
                    m = re.match(r"socket:\[(\d+)\]", os.readlink(f"/proc/{self.pid}/fd/{fd}"))
                except OSError:
                    continue
                if m:
                    inodes.add(m.group(1))
            with open(f"/proc/{self.pid}/net/packet") as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            return []
        out = []
        for row in rows:
            c = row.split()
            if len(c) >= 9 and c[8] in inodes:
                out.append((int(c[4]), c[5] == "1"))
        return out

    def wait_ready(self, indexes, timeout=15):
        """Until the probe has a running packet socket on each interface."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.p.poll() is not None:
                raise RuntimeError(f"probe exited early (rc={self.p.returncode}): {self.stderr().strip()}")
            socks = self.packet_sockets()
            if all((i, True) in socks for i in indexes):
                time.sleep(0.5)  # filter and non-blocking mode come right after
                return
            time.sleep(0.05)
        raise RuntimeError(f"probe not capturing on ifindex {indexes} after {timeout} s "
                           f"(sockets: {self.packet_sockets()}; stderr: {self.stderr().strip()})")

    def stop(self, sig=signal.SIGINT, timeout=10):
        """Signal the probe; returns (exit code or None, seconds it took)."""
        t0 = time.monotonic()
        if self.p.poll() is None:
            os.kill(self.pid, sig)
        try:
            rc = self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(self.p)
            rc = None
        return rc, time.monotonic() - t0

    def wait_exit(self, timeout):
        try:
            return self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(self.p)
            return None

    def flows(self, ck):
        rows, bad = [], []
        try:
            with open(self.json_path, errors="replace") as f:
                for line in f:
                    try:
                        rows.append(json.loads(line))
                    except ValueError:
                        bad.append(line)
        except OSError as e:
            ck.check(False, f"JSON output readable ({e})")
        ck.check(not bad, f"JSON output: every line parses ({len(bad)} bad: {bad[:2]})")
        return rows


# ------------------------------------------------------------------ namespaces

OUR_NS = re.compile(r"^vdt-(\d+)-")
OUR_LINK = re.compile(r"^vdt(\d+)[a-z]")


def pid_alive(pid):
    return os.path.exists(f"/proc/{pid}")


def remove_leftovers():
    """Namespaces and links of earlier runs that were killed before cleanup."""
    for line in sh("ip", "netns", "list", check=False).stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        m = OUR_NS.match(name)
        if m and not pid_alive(int(m.group(1))):
            print(f"removing leftover namespace {name}")
            sh("ip", "netns", "del", name, check=False)
    for name in os.listdir("/sys/class/net"):
        m = OUR_LINK.match(name)
        if m and not pid_alive(int(m.group(1))):
            print(f"removing leftover link {name}")
            sh("ip", "link", "del", name, check=False)


SUBNETS4 = ["198.51.100.0/24", "203.0.113.0/24", "169.254.77.0/24", "192.0.2.0/24"]
SUBNETS6 = ["2001:db8:7665:1::/64", "2001:db8:7665:2::/64", "fd56:6465:7474::/64"]


def pick_subnets():
    """Documentation / link-local ranges that the root namespace does not use
    already (a sandbox may sit on 192.0.2.0/24 itself): the root namespace
    must not own or route any address of the test's namespaces."""
    import ipaddress
    used = []
    for fam in ("-4", "-6"):
        for line in sh("ip", fam, "-o", "addr", "show", check=False).stdout.splitlines():
            m = re.search(r"\binet6? (\S+)", line)
            if m:
                used.append(ipaddress.ip_interface(m.group(1)).network)
        for line in sh("ip", fam, "route", "show", "table", "all", check=False).stdout.splitlines():
            word = line.split()[0] if line.split() else ""
            if word in ("broadcast", "local", "unicast", "multicast", "anycast"):
                word = line.split()[1]
            try:
                net = ipaddress.ip_network(word, strict=False)
            except ValueError:
                continue
            if net.prefixlen > 0:
                used.append(net)

    def free(cands):
        for c in cands:
            net = ipaddress.ip_network(c)
            if not any(net.version == u.version and net.overlaps(u) for u in used):
                return net
        raise Skip(f"every candidate range of {cands} is used in the root namespace")

    return free(SUBNETS4), free(SUBNETS6)


class Topology:
    """ns A (.1 of a free documentation range, IPv4 and IPv6) and ns B (.2),
    each joined by a veth
    pair to the root namespace, where a bridge without addresses links the
    two root-side ends. Every address lives inside the test's namespaces; the
    root-side veths and the bridge have none (and no IPv6)."""

    def __init__(self, ctx, tag):
        pid = os.getpid()
        self.ctx = ctx
        self.ns_a, self.ns_b = f"vdt-{pid}-{tag}a", f"vdt-{pid}-{tag}b"
        self.root_a, self.root_b = f"vdt{pid}{tag}ra", f"vdt{pid}{tag}rb"
        self.bridge = f"vdt{pid}{tag}br"
        net4, net6 = pick_subnets()
        self.addr_a, self.addr_b = str(net4[1]), str(net4[2])
        self.addr6_a, self.addr6_b = str(net6[1]), str(net6[2])
        self.agents = []
        ctx.topologies.append(self)

    def setup(self):
        for n in (self.root_a, self.root_b, self.bridge):
            if len(n) > 15:
                raise Skip(f"interface name {n} too long (pid too large)")
        try:
            sh("ip", "netns", "add", self.ns_a)
        except RuntimeError as e:
            raise Skip(f"cannot create a network namespace: {e}")
        sh("ip", "netns", "add", self.ns_b)
        sh("ip", "link", "add", self.bridge, "type", "bridge")
        for root, ns, a4, a6 in ((self.root_a, self.ns_a, self.addr_a, self.addr6_a),
                                 (self.root_b, self.ns_b, self.addr_b, self.addr6_b)):
            sh("ip", "link", "add", root, "type", "veth", "peer", "name", "eth0", "netns", ns)
            sh("ip", "link", "set", "eth0", "up", ns=ns)
            sh("ip", "link", "set", "lo", "up", ns=ns)
            sh("ip", "addr", "add", f"{a4}/24", "dev", "eth0", ns=ns)
            sh("ip", "-6", "addr", "add", f"{a6}/64", "dev", "eth0", "nodad", ns=ns, check=False)
            self._no_ipv6(root)
            sh("ip", "link", "set", root, "master", self.bridge)
            sh("ip", "link", "set", root, "up")
        self._no_ipv6(self.bridge)
        # The root namespace must not answer ARP for its own addresses here.
        for ifname in (self.bridge, self.root_a, self.root_b):
            path = f"/proc/sys/net/ipv4/conf/{ifname}/arp_ignore"
            if os.path.exists(path):
                with open(path, "w") as f:
                    f.write("8")
        sh("ip", "link", "set", self.bridge, "up")
        self.a = Agent(self.ns_a)
        self.b = Agent(self.ns_b)
        self.agents += [self.a, self.b]
        self.mac_a = self.a.call("mac", "eth0")
        self.mac_b = self.b.call("mac", "eth0")
        # The bridge forwards once its ports are up; retry a first exchange.
        port = self.b.call("udp_server", self.addr_b, 10)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.a.call("udp_client", self.addr_b, port, 10)
                break
            except RuntimeError as e:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no traffic between the namespaces through {self.bridge} "
                                       f"(bridge netfilter? {e})")
                time.sleep(0.2)
        self.has_ipv6 = True
        try:
            p6 = self.b.call("udp_server", self.addr6_b, 10)
            self.a.call("udp_client", self.addr6_b, p6, 10)
        except RuntimeError as e:
            print(f"note: no IPv6 between the namespaces ({e})")
            self.has_ipv6 = False
        return self

    @staticmethod
    def _no_ipv6(ifname):
        path = f"/proc/sys/net/ipv6/conf/{ifname}/disable_ipv6"
        if os.path.exists(path):
            with open(path, "w") as f:
                f.write("1")

    def teardown(self):
        for a in self.agents:
            a.close()
        for ns in (self.ns_a, self.ns_b):
            sh("ip", "netns", "del", ns, check=False)
        for link in (self.root_a, self.root_b, self.bridge):
            if os.path.exists(f"/sys/class/net/{link}"):
                sh("ip", "link", "del", link, check=False)
        left = [n for n in (self.ns_a, self.ns_b) if os.path.exists(f"/run/netns/{n}")]
        left += [l for l in (self.root_a, self.root_b, self.bridge) if os.path.exists(f"/sys/class/net/{l}")]
        return left


# ------------------------------------------------------------------ flow checks

TCP_FIN, TCP_SYN, TCP_RST, TCP_ACK = 1, 2, 4, 16


def find_flows(flows, proto, cport, sport):
    """Records of the flow between ports cport and sport, either direction."""
    return [f for f in flows if f.get("PROTOCOL") == proto and
            {f.get("L4_SRC_PORT"), f.get("L4_DST_PORT")} == {cport, sport}]


def check_flow(ck, flows, label, proto, client, server, cport, sport, c_payload=None,
               s_payload=None, version=4, reason=None, iface=None, l2_header=14, t_window=None,
               exact=False):
    """The one record of a flow: addresses and ports the right way round,
    packet/byte counters consistent with the payloads sent."""
    recs = find_flows(flows, proto, cport, sport)
    if not ck.check(len(recs) == 1, f"{label}: exported once ({len(recs)} records)"):
        if not recs:
            return None
    f = recs[0]
    src_key, dst_key = ("IPV4_SRC_ADDR", "IPV4_DST_ADDR") if version == 4 else ("IPV6_SRC_ADDR", "IPV6_DST_ADDR")
    ck.check(f.get("IP_PROTOCOL_VERSION") == version, f"{label}: IP version {version}")
    ck.check((f.get(src_key), f.get("L4_SRC_PORT")) == (client, cport) and
             (f.get(dst_key), f.get("L4_DST_PORT")) == (server, sport),
             f"{label}: client {client}:{cport} -> server {server}:{sport} "
             f"(got {f.get(src_key)}:{f.get('L4_SRC_PORT')} -> {f.get(dst_key)}:{f.get('L4_DST_PORT')})")
    ip_hdr = 20 if version == 4 else 40
    l4_min, l4_max = (20, 60) if proto == 6 else (8, 8)
    for direction, payload, pk, by in (("client->server", c_payload, "IN_PKTS", "IN_BYTES"),
                                       ("server->client", s_payload, "OUT_PKTS", "OUT_BYTES")):
        if payload is None:
            continue
        pkts, nbytes = f.get(pk, -1), f.get(by, -1)
        lo = payload + (ip_hdr + l4_min) * pkts
        hi = payload + (ip_hdr + l4_max) * pkts
        if exact:
            ck.check(nbytes == lo, f"{label}: {by} = {payload} payload + {ip_hdr + l4_min} a packet "
                                   f"= {lo} (got {nbytes}, {pkts} packets)")
        else:
            ck.check(pkts >= 1 and lo <= nbytes <= hi,
                     f"{label}: {direction} {by} {nbytes} within payload {payload} + headers of "
                     f"{pkts} packets [{lo}, {hi}]")
    ck.check(f.get("IN_PKTS") == f.get("INITIATOR_PKTS") and f.get("OUT_PKTS") == f.get("RESPONDER_PKTS")
             and f.get("IN_BYTES") == f.get("INITIATOR_OCTETS")
             and f.get("OUT_BYTES") == f.get("RESPONDER_OCTETS"),
             f"{label}: single export, IN_/OUT_ equal INITIATOR_/RESPONDER_")
    if l2_header is not None:
        ck.check(f.get("INITIATOR_FRAME_OCTETS") == f.get("INITIATOR_OCTETS", 0) + l2_header * f.get("INITIATOR_PKTS", 0)
                 and f.get("RESPONDER_FRAME_OCTETS") == f.get("RESPONDER_OCTETS", 0) + l2_header * f.get("RESPONDER_PKTS", 0),
                 f"{label}: frame bytes = IP bytes + {l2_header} a packet "
                 f"({f.get('INITIATOR_FRAME_OCTETS')}/{f.get('RESPONDER_FRAME_OCTETS')})")
    if reason:
        ck.check(f.get("EXPORT_REASON") == reason, f"{label}: EXPORT_REASON {reason} (got {f.get('EXPORT_REASON')})")
    if iface:
        ck.check(f.get("INTERFACE_NAME") == iface, f"{label}: INTERFACE_NAME {iface} (got {f.get('INTERFACE_NAME')})")
    if t_window:
        t0, t1 = t_window
        ck.check(t0 * 1000 - 1000 <= f.get("FLOW_START_MILLISECONDS", 0) <= f.get("FLOW_END_MILLISECONDS", 0)
                 <= t1 * 1000 + 1000, f"{label}: timestamps within the test's wall-clock window")
    if proto == 6:
        cf, sf = f.get("CLIENT_TCP_FLAGS", 0), f.get("SERVER_TCP_FLAGS", 0)
        ck.check(f.get("DIRECTION_GUESSED") is False, f"{label}: handshake seen (DIRECTION_GUESSED false)")
        ck.check(cf & TCP_SYN and cf & TCP_ACK and sf & TCP_SYN and sf & TCP_ACK,
                 f"{label}: SYN and ACK both ways (client flags {cf}, server flags {sf})")
        ck.check(f.get("RETRANSMITTED_IN_PKTS") == 0 and f.get("RETRANSMITTED_OUT_PKTS") == 0,
                 f"{label}: no retransmissions counted")
    return f


def check_tcp_closed(ck, f, label):
    if f:
        cf, sf = f.get("CLIENT_TCP_FLAGS", 0), f.get("SERVER_TCP_FLAGS", 0)
        ck.check(cf & TCP_FIN and sf & TCP_FIN, f"{label}: FIN both ways (flags {cf}/{sf})")


def check_exit(ck, label, rc, took, limit):
    ck.check(rc == 0, f"{label}: probe exits 0 (rc={rc})")
    ck.check(rc is not None and took <= limit, f"{label}: probe stopped within {limit} s ({took:.1f} s)")


def report_received(err):
    m = re.search(r"capture: (\d+) packets received", err)
    return int(m.group(1)) if m else -1


# ------------------------------------------------------------------ cases

def case_loopback(ctx):
    ck = ctx.ck
    lo = ifindex("lo")
    opts = ["--keep-root", "-q", "-d", "1", "--tcp-close-timeout", "1"]
    probe = Probe(ctx, "loopback", ["lo"], opts)
    # The default input, 'any' (Linux cooked capture), sees the same traffic.
    anyp = Probe(ctx, "any", ["any"], opts)
    probe.wait_ready([lo])
    anyp.wait_ready([0])
    t0 = time.time()
    L = Local()
    ctx.closers.append(L.close)
    srv4 = L.call("tcp_server", "127.0.0.1", 50000)
    tcp4 = L.call("tcp_client", "127.0.0.1", srv4, 10000)
    usrv = L.call("udp_server", "127.0.0.1", 300)
    udp = L.call("udp_client", "127.0.0.1", usrv, 100)
    has6 = True
    try:
        srv6 = L.call("tcp_server", "::1", 20000)
        tcp6 = L.call("tcp_client", "::1", srv6, 7000)
    except OSError as e:
        has6 = False
        if ctx.ci:
            ck.check(False, f"IPv6 on lo (::1) available ({e})")
        else:
            print(f"note: no IPv6 on lo ({e}); the IPv6 flow is not checked")
    hsrv = L.call("http_server", "127.0.0.1")
    http = L.call("http_get", "127.0.0.1", hsrv, HTTP_HOST)
    ck.check(tcp4["received"] == 50000 and udp["received"] == 300 and http["status"].startswith("HTTP/1.0 200"),
             f"traffic went through ({tcp4['received']}, {udp['received']}, {http['status']!r})")
    time.sleep(3)  # idle (1 s) and close (1 s) timeouts, checked by the clock
    held = L.call("tcp_client", "127.0.0.1", srv4, 1234, True)  # still open at Ctrl-C
    time.sleep(0.2)
    t1 = time.time()
    rc, took = probe.stop(signal.SIGINT)
    check_exit(ck, "SIGINT", rc, took, 5)
    rc, took = anyp.stop(signal.SIGINT)
    check_exit(ck, "SIGINT (-i any)", rc, took, 5)
    L.call("release")
    err = probe.stderr()
    ck.check(report_received(err) > 0, f"exit report on stderr ({err.strip()[:200]!r})")
    flows = probe.flows(ck)

    f = check_flow(ck, flows, "TCP/IPv4", 6, "127.0.0.1", "127.0.0.1", tcp4["port"], srv4, 10000, 50000,
                   reason="end", iface="lo", t_window=(t0, t1))
    check_tcp_closed(ck, f, "TCP/IPv4")
    if f:
        ck.check(f["IN_PKTS"] >= 3 and f["OUT_PKTS"] >= 2 and f["IN_PKTS"] + f["OUT_PKTS"] <= 100,
                 f"TCP/IPv4: plausible packet counts ({f['IN_PKTS']}/{f['OUT_PKTS']})")
    check_flow(ck, flows, "UDP/IPv4", 17, "127.0.0.1", "127.0.0.1", udp["port"], usrv, 100, 300,
               reason="idle", iface="lo", t_window=(t0, t1), exact=True)
    u = find_flows(flows, 17, udp["port"], usrv)
    if u:
        ck.check((u[0]["IN_PKTS"], u[0]["OUT_PKTS"]) == (1, 1),
                 f"UDP/IPv4: one packet each way, loopback packets not counted twice "
                 f"({u[0]['IN_PKTS']}/{u[0]['OUT_PKTS']})")
    if has6:
        f6 = check_flow(ck, flows, "TCP/IPv6", 6, "::1", "::1", tcp6["port"], srv6, 7000, 20000, version=6,
                        reason="end", iface="lo", t_window=(t0, t1))
        check_tcp_closed(ck, f6, "TCP/IPv6")
    h = check_flow(ck, flows, "HTTP", 6, "127.0.0.1", "127.0.0.1", http["port"], hsrv, http["sent"],
                   http["received"], reason="end", iface="lo", t_window=(t0, t1))
    if h:
        ck.check(h.get("L7_PROTO_NAME") == "HTTP", f"HTTP: L7_PROTO_NAME HTTP (got {h.get('L7_PROTO_NAME')})")
        ck.check(h.get("L7_CONFIDENCE") == "DPI", f"HTTP: found by DPI, not by port (got {h.get('L7_CONFIDENCE')})")
        ck.check(h.get("FLOW_SERVER_NAME") == HTTP_HOST,
                 f"HTTP: FLOW_SERVER_NAME is the Host header (got {h.get('FLOW_SERVER_NAME')})")
    o = check_flow(ck, flows, "TCP open at Ctrl-C", 6, "127.0.0.1", "127.0.0.1", held["port"], srv4, 1234,
                   0, reason="shutdown", iface="lo", t_window=(t0, t1))
    if o:
        ck.check(not (o.get("TCP_FLAGS", 0) & TCP_FIN), "TCP open at Ctrl-C: no FIN seen")
    # -i any: same flows, same counters, 20-byte cooked v2 headers (they
    # carry the interface index, which attribution uses).
    flows_any = anyp.flows(ck)
    for label, proto, cport, sport in (("UDP/IPv4", 17, udp["port"], usrv), ("TCP/IPv4", 6, tcp4["port"], srv4),
                                       ("HTTP", 6, http["port"], hsrv)):
        a, b = find_flows(flows, proto, cport, sport), find_flows(flows_any, proto, cport, sport)
        if not ck.check(len(b) == 1, f"-i any: {label} exported once ({len(b)} records)") or len(a) != 1:
            continue
        a, b = a[0], b[0]
        keys = ("L4_SRC_PORT", "L4_DST_PORT", "IN_PKTS", "OUT_PKTS", "IN_BYTES", "OUT_BYTES", "L7_PROTO_NAME")
        ck.check(all(a.get(k) == b.get(k) for k in keys),
                 f"-i any: {label} has the counters seen on lo ({[b.get(k) for k in keys]} vs {[a.get(k) for k in keys]})")
        ck.check(b.get("INTERFACE_NAME") == "any" and b.get("INPUT_SNMP") == 0 and "IN_SRC_MAC" not in b,
                 f"-i any: {label} INTERFACE_NAME any, INPUT_SNMP 0, no MAC "
                 f"({b.get('INTERFACE_NAME')}, {b.get('INPUT_SNMP')}, {b.get('IN_SRC_MAC')})")
        ck.check(b.get("INITIATOR_FRAME_OCTETS") == b.get("INITIATOR_OCTETS", 0) + 20 * b.get("INITIATOR_PKTS", 0),
                 f"-i any: {label} frame bytes = IP bytes + 20 (cooked v2 header) a packet")
    table = probe.stdout()
    ck.check(table.strip() == "",
             "with --json FILE nothing goes to stdout (the table is the default output only)")


def case_netns(ctx):
    ck = ctx.ck
    topo = Topology(ctx, "n").setup()
    A, B, ra = topo.a, topo.b, topo.root_a
    idx = ifindex(ra)

    # A quiet link (the filter lets nothing through): --duration and SIGINT
    # must still stop the probe.
    q = Probe(ctx, "quiet-duration", [ra], ["--keep-root", "-q", "-f", "udp port 9", "--duration", "2"])
    rc = q.wait_exit(12)
    took = time.monotonic() - q.started
    ck.check(rc == 0, f"quiet link, --duration 2: exits 0 by itself (rc={rc})")
    ck.check(rc is not None and 2 <= took <= 6, f"quiet link, --duration 2: took {took:.1f} s")
    ck.check(len(q.flows(ck)) == 0, "quiet link: no flow exported")
    q2 = Probe(ctx, "quiet-sigint", [ra], ["--keep-root", "-q", "-f", "udp port 9"])
    q2.wait_ready([idx])
    time.sleep(1)
    rc, took = q2.stop(signal.SIGINT)
    check_exit(ck, "quiet link, SIGINT", rc, took, 3)

    # Traffic between the namespaces; a filter drops the decoy flow.
    tsrv = B.call("tcp_server", topo.addr_b, 60000)
    usrv = B.call("udp_server", topo.addr_b, 400)
    decoy = B.call("udp_server", topo.addr_b, 50)
    tsrv6 = B.call("tcp_server", topo.addr6_b, 9000) if topo.has_ipv6 else None
    duration = 8
    probe = Probe(ctx, "netns", [ra], ["--keep-root", "-q", "-d", "1", "--tcp-close-timeout", "1",
                                       "--duration", str(duration), "-f", f"not udp port {decoy}"])
    probe.wait_ready([idx])
    t0 = time.time()
    tcp = A.call("tcp_client", topo.addr_b, tsrv, 30000)
    udp = A.call("udp_client", topo.addr_b, usrv, 150)
    dec = A.call("udp_client", topo.addr_b, decoy, 20)
    tcp6 = A.call("tcp_client", topo.addr6_b, tsrv6, 5000) if topo.has_ipv6 else None
    ck.check(tcp["received"] == 60000 and udp["received"] == 400 and dec["received"] == 50,
             "traffic went through between the namespaces")
    rc = probe.wait_exit(duration + 10)
    took = time.monotonic() - probe.started
    t1 = time.time()
    ck.check(rc == 0, f"--duration {duration}: exits 0 by itself (rc={rc})")
    ck.check(rc is not None and duration <= took <= duration + 4,
             f"--duration {duration}: took {took:.1f} s")
    flows = probe.flows(ck)
    f = check_flow(ck, flows, "TCP/IPv4 between namespaces", 6, topo.addr_a, topo.addr_b, tcp["port"], tsrv,
                   30000, 60000, reason="end", iface=ra, t_window=(t0, t1))
    check_tcp_closed(ck, f, "TCP/IPv4 between namespaces")
    if f:
        ck.check((f.get("IN_SRC_MAC"), f.get("OUT_DST_MAC")) == (topo.mac_a, topo.mac_b),
                 f"TCP/IPv4 between namespaces: client/server MACs {topo.mac_a}/{topo.mac_b} "
                 f"(got {f.get('IN_SRC_MAC')}/{f.get('OUT_DST_MAC')})")
    u = check_flow(ck, flows, "UDP/IPv4 between namespaces", 17, topo.addr_a, topo.addr_b, udp["port"], usrv,
                   150, 400, reason="idle", iface=ra, t_window=(t0, t1), exact=True)
    if u:
        ck.check((u["IN_PKTS"], u["OUT_PKTS"]) == (1, 1), f"UDP/IPv4 between namespaces: 1 packet each way")
        ck.check((u.get("IN_SRC_MAC"), u.get("OUT_DST_MAC")) == (topo.mac_a, topo.mac_b),
                 "UDP/IPv4 between namespaces: client/server MACs")
    ck.check(not find_flows(flows, 17, dec["port"], decoy), f"the BPF filter dropped the decoy flow (port {decoy})")
    if topo.has_ipv6:
        f6 = check_flow(ck, flows, "TCP/IPv6 between namespaces", 6, topo.addr6_a, topo.addr6_b, tcp6["port"],
                        tsrv6, 5000, 9000, version=6, reason="end", iface=ra, t_window=(t0, t1))
        check_tcp_closed(ck, f6, "TCP/IPv6 between namespaces")
    elif ctx.ci:
        ck.check(False, "IPv6 between the namespaces available")
    ours = {topo.addr_a, topo.addr_b, topo.addr6_a, topo.addr6_b}
    strangers = [x for x in flows if (x.get("IPV4_SRC_ADDR") or x.get("IPV6_SRC_ADDR")) not in ours
                 and not str(x.get("IPV6_SRC_ADDR", "")).startswith(("fe80:", "::"))]
    ck.check(not strangers, f"only the namespaces' addresses on {ra} ({strangers[:2]})")


def case_privdrop(ctx):
    ck = ctx.ck
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        raise Skip("no user 'nobody'")
    lo = ifindex("lo")
    probe = Probe(ctx, "privdrop", ["lo"], ["-d", "1", "--tcp-close-timeout", "1", "--stats-interval", "60"])
    status = {}
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and probe.p.poll() is None:
        status = read_status(probe.pid)
        if status.get("Uid", "").split()[:1] == [str(nobody.pw_uid)]:
            break
        time.sleep(0.05)
    probe.wait_ready([lo])
    status = read_status(probe.pid)
    uid, gid = str(nobody.pw_uid), str(nobody.pw_gid)
    ck.check(status.get("Uid", "").split() == [uid] * 4, f"Uid (real, effective, saved, fs) all {uid} "
                                                         f"(got {status.get('Uid')!r})")
    ck.check(status.get("Gid", "").split() == [gid] * 4, f"Gid all {gid} (got {status.get('Gid')!r})")
    ck.check(status.get("Groups", "").split() == [], f"no supplementary groups (got {status.get('Groups')!r})")
    # --events auto polls the sockets where BPF is missing, and polling keeps
    # CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE and CAP_SYS_ADMIN (docs/probe.md).
    polling = "polling the sockets" in probe.stderr()
    kept = (1 << 2) | (1 << 19) | (1 << 21) if polling else 0
    for cap in ("CapEff", "CapPrm", "CapInh", "CapAmb"):
        if cap in status:
            want = kept if cap in ("CapEff", "CapPrm") else 0
            ck.check(int(status[cap], 16) == want, f"{cap} is {want:x} (got {status[cap]}"
                     f"{', attribution by polling' if polling else ''})")
    if "NoNewPrivs" in status:
        ck.check(status["NoNewPrivs"] == "1", f"NoNewPrivs is 1 (got {status['NoNewPrivs']})")
    ck.check(os.stat(probe.json_path).st_uid == 0, "the JSON file was opened before the drop (owned by root)")

    t0 = time.time()
    L = Local()
    ctx.closers.append(L.close)
    usrv = L.call("udp_server", "127.0.0.1", 222)
    udp = L.call("udp_client", "127.0.0.1", usrv, 111)
    tsrv = L.call("tcp_server", "127.0.0.1", 4000)
    tcp = L.call("tcp_client", "127.0.0.1", tsrv, 3000)
    time.sleep(3)
    t1 = time.time()
    after = read_status(probe.pid)
    ck.check(after.get("Uid", "").split() == [uid] * 4 and int(after.get("CapEff", "1"), 16) == kept,
             "still nobody without capabilities (but polling's) after capturing")
    rc, took = probe.stop(signal.SIGINT)
    check_exit(ck, "SIGINT as nobody", rc, took, 5)
    err = probe.stderr()
    note = "with only the capabilities it needs" if polling else "with no capabilities"
    ck.check(re.search(r"running as nobody " + note, err) is not None,
             f"stderr tells about the drop ({err.strip().splitlines()[:1]})")
    flows = probe.flows(ck)
    check_flow(ck, flows, "UDP captured as nobody", 17, "127.0.0.1", "127.0.0.1", udp["port"], usrv, 111, 222,
               reason="idle", iface="lo", t_window=(t0, t1), exact=True)
    f = check_flow(ck, flows, "TCP captured as nobody", 6, "127.0.0.1", "127.0.0.1", tcp["port"], tsrv,
                   3000, 4000, reason="end", iface="lo", t_window=(t0, t1))
    if f:
        ck.check(f.get("L7_PROTO_NAME") is not None, "nDPI still runs after the drop")


def read_status(pid):
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                out[k] = v.strip()
    except OSError:
        pass
    return out


def case_multi(ctx):
    ck = ctx.ck
    topo = Topology(ctx, "m").setup()
    A, B, ra = topo.a, topo.b, topo.root_a
    lo, idx = ifindex("lo"), ifindex(ra)
    probe = Probe(ctx, "multi", ["lo", ra], ["--keep-root", "-q", "-d", "1", "--tcp-close-timeout", "1"])
    probe.wait_ready([lo, idx])
    t0 = time.time()
    L = Local()
    ctx.closers.append(L.close)
    lsrv = L.call("udp_server", "127.0.0.1", 77)
    lud = L.call("udp_client", "127.0.0.1", lsrv, 33)
    nsrv = B.call("udp_server", topo.addr_b, 88)
    nud = A.call("udp_client", topo.addr_b, nsrv, 44)
    tsrv = B.call("tcp_server", topo.addr_b, 8000)
    tcp = A.call("tcp_client", topo.addr_b, tsrv, 6000)
    ltsrv = L.call("tcp_server", "127.0.0.1", 2500)
    ltcp = L.call("tcp_client", "127.0.0.1", ltsrv, 1500)
    time.sleep(3)
    t1 = time.time()
    rc, took = probe.stop(signal.SIGTERM)
    check_exit(ck, "SIGTERM", rc, took, 5)
    flows = probe.flows(ck)
    a = check_flow(ck, flows, "UDP on lo", 17, "127.0.0.1", "127.0.0.1", lud["port"], lsrv, 33, 77,
                   reason="idle", iface="lo", t_window=(t0, t1), exact=True)
    b = check_flow(ck, flows, f"UDP on {ra}", 17, topo.addr_a, topo.addr_b, nud["port"], nsrv, 44, 88,
                   reason="idle", iface=ra, t_window=(t0, t1), exact=True)
    c = check_flow(ck, flows, f"TCP on {ra}", 6, topo.addr_a, topo.addr_b, tcp["port"], tsrv, 6000, 8000,
                   reason="end", iface=ra, t_window=(t0, t1))
    d = check_flow(ck, flows, "TCP on lo", 6, "127.0.0.1", "127.0.0.1", ltcp["port"], ltsrv, 1500, 2500,
                   reason="end", iface="lo", t_window=(t0, t1))
    for rec, name, index in ((a, "lo", lo), (b, ra, idx), (c, ra, idx), (d, "lo", lo)):
        if rec:
            ck.check(rec.get("INPUT_SNMP") == index,
                     f"INPUT_SNMP of a flow on {name} is its ifindex {index} (got {rec.get('INPUT_SNMP')})",
                     bug="input-snmp-not-ifindex")
    err = probe.stderr()
    for name in ("lo", ra):
        m = re.search(rf"^\s+{re.escape(name)}: (\d+) received", err, re.MULTILINE)
        ck.check(m is not None and int(m.group(1)) > 0,
                 f"the exit report counts packets received on {name} ({m.group(0).strip() if m else None})")
    ck.check(report_received(err) > 0, "the exit report's total")


CASES = {"loopback": case_loopback, "netns": case_netns, "privdrop": case_privdrop, "multi": case_multi}
NEEDS_NETNS = {"netns", "multi"}


# ------------------------------------------------------------------ driver

class Ctx:
    def __init__(self, vedetta, ci):
        self.vedetta = vedetta
        self.ci = ci
        self.ck = Checker()
        self.tmp = tempfile.mkdtemp(prefix="vedetta-live-")
        self.probes = []
        self.topologies = []
        self.closers = []

    def cleanup(self, show_logs):
        problems = []
        for pr in self.probes:
            if pr.p.poll() is None:
                problems.append(f"probe pid {pr.pid} still running at cleanup: killed")
                kill_group(pr.p)
            if show_logs:
                err = pr.stderr().strip()
                if err:
                    print(f"--- stderr of {os.path.basename(pr.err_path)[:-4]} probe:\n{err[-2000:]}")
        for c in self.closers:
            try:
                c()
            except Exception as e:
                problems.append(f"closing traffic: {e}")
        for t in self.topologies:
            left = t.teardown()
            if left:
                problems.append(f"could not remove {left}")
        shutil.rmtree(self.tmp, ignore_errors=True)
        return problems


def prerequisites(case):
    if os.geteuid() != 0:
        raise Skip("live capture needs root")
    if not os.path.exists("/sys/class/net/lo"):
        raise Skip("no loopback interface")
    if case in NEEDS_NETNS:
        if not shutil.which("ip"):
            raise Skip("'ip' (iproute2) not installed")
        if not os.path.exists("/proc/self/ns/net"):
            raise Skip("kernel without network namespaces")


def on_alarm(signum, frame):
    raise CaseTimeout(f"case took more than {CASE_BUDGET_S} s")


def on_term(signum, frame):
    raise CaseTimeout(f"stopped by signal {signum}")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "_agent":
        return agent_main()
    ap = argparse.ArgumentParser()
    ap.add_argument("--vedetta", required=True)
    ap.add_argument("case", choices=sorted(CASES))
    args = ap.parse_args()
    ci = os.environ.get("CI", "").lower() == "true"
    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)

    ctx = None
    error = None
    skipped = None
    t0 = time.monotonic()
    try:
        prerequisites(args.case)
        if not os.access(args.vedetta, os.X_OK):
            raise RuntimeError(f"vedetta binary {args.vedetta} not found")
        if args.case in NEEDS_NETNS:
            remove_leftovers()
        ctx = Ctx(args.vedetta, ci)
        signal.alarm(CASE_BUDGET_S)
        CASES[args.case](ctx)
    except Skip as e:
        skipped = str(e)
    except Exception as e:  # setup failures, timeouts, agent errors
        import traceback
        traceback.print_exc()
        error = f"{type(e).__name__}: {e}"
    finally:
        signal.alarm(0)
        failed = bool(error or (ctx and ctx.ck.failures))
        problems = ctx.cleanup(show_logs=failed) if ctx else []
    for p in problems:
        print(f"FAIL cleanup: {p}")
    print(f"case {args.case}: {time.monotonic() - t0:.1f} s")
    if skipped is not None:
        if not ci:
            print(f"SKIP: {skipped}")
            return SKIP if not problems else 1
        print(f"FAIL: missing prerequisite (CI=true): {skipped}")
        return 1
    failures = (ctx.ck.failures if ctx else []) + problems + ([error] if error else [])
    xpass = ctx.ck.xpass if ctx else []
    if failures or xpass:
        print(f"{len(failures)} failure(s), {len(xpass)} known bug(s) now pass")
        if error:
            print(f"error: {error}")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
