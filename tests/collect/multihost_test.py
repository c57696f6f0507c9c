#!/usr/bin/env python3
"""Two "hosts" (network namespaces joined through veths and a bridge) each
run `vedetta probe` with eBPF attribution, exporting over ZeroMQ to one
`vedetta server` in collector mode. A client process in host A talks to a
server process in host B. BPF sees the whole machine, yet probe A must
report only the client process and probe B only the server process (each
is scoped to its own namespace), and the collector must hold one flow with
both processes and the bytes of one observation (not summed).

    multihost_test.py --vedetta PATH [--format json|tlv]

Exit 0 = pass, 1 = fail, 77 = skipped (not root, no BPF, no namespaces);
with CI=true a missing prerequisite fails instead of skipping."""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "live"))
import live_test  # noqa: E402  (Topology, Agent: namespaces and their traffic)
from live_support import Checks, skip, stop_probe  # noqa: E402


class Ctx:
    def __init__(self):
        self.topologies = []


def read_json_lines(path):
    out = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line:
                    out.append(json.loads(line))
    return out


def the_flow(records, cport, sport):
    return [r for r in records if r.get("PROTOCOL") == 6 and r.get("L4_SRC_PORT") == cport
            and r.get("L4_DST_PORT") == sport]


def wait_for(path, seconds):
    deadline = time.monotonic() + seconds
    while not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.05)
    return os.path.exists(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vedetta", required=True)
    ap.add_argument("--format", default="tlv", choices=["json", "tlv"])
    args = ap.parse_args()
    if os.geteuid() != 0:
        skip("needs root (network namespaces, eBPF)")
    if not shutil.which("ip"):
        skip("'ip' (iproute2) not installed")
    live_test.remove_leftovers()
    ck = Checks()
    tmp = tempfile.mkdtemp(prefix="vedetta-multihost-")
    os.chmod(tmp, 0o755)
    ctx = Ctx()
    procs = []
    try:
        try:
            topo = live_test.Topology(ctx, "m").setup()
        except live_test.Skip as e:
            skip(str(e))
        sock = os.path.join(tmp, "collector.sock")
        out = os.path.join(tmp, "collected.json")
        server = subprocess.Popen(
            [args.vedetta, "server", "-i", f"ipc://{sock}c", "--json", out, "--merge-wait", "1",
             "-q", "--http-port", "0", "--data-dir", ""], stderr=subprocess.PIPE, text=True)
        procs.append(server)
        if not ck(wait_for(sock, 10), "the collector binds its ipc socket"):
            print(stop_probe(server))
            return 1
        os.chmod(sock, 0o666)  # the probes connect as nobody once they dropped root

        probes = {}
        for name, ns in (("A", topo.ns_a), ("B", topo.ns_b)):
            own = os.path.join(tmp, f"probe{name}.json")
            p = subprocess.Popen(
                ["ip", "netns", "exec", ns, args.vedetta, "probe", "-i", "eth0", "--events", "ebpf",
                 "--zmq", f"ipc://{sock}", "--zmq-probe-mode", "--zmq-format", args.format,
                 "--json", own, "-d", "2", "--tcp-close-timeout", "0.5", "-t", "0", "-q"],
                stderr=subprocess.PIPE, text=True, start_new_session=True)
            procs.append(p)
            probes[name] = (p, own)
        time.sleep(2.0)  # BPF loaded, sockets seeded, captures open
        for name, (p, _) in probes.items():
            if p.poll() is not None:
                err = p.stderr.read()
                if "BPF" in err or "root" in err:
                    skip(err.strip())
                ck(False, f"probe {name} running ({err.strip()[-500:]})")
                return 1

        sport = topo.b.call("tcp_server", topo.addr_b, 20000)
        cport = topo.a.call("tcp_client", topo.addr_b, sport, 5000)["port"]
        client_pid, server_pid = topo.a.p.pid, topo.b.p.pid
        time.sleep(3.5)  # FIN both ways + close timeout, then the probes' export
        errs = {name: stop_probe(p) for name, (p, _) in probes.items()}
        time.sleep(2.0)  # merge wait of the collector
        server_err = stop_probe(server)
        for name, e in errs.items():
            print(f"--- probe {name} stderr:\n{e.strip()[-1500:]}")
        print(f"--- server stderr:\n{server_err.strip()[-1500:]}")

        own_a = the_flow(read_json_lines(probes["A"][1]), cport, sport)
        own_b = the_flow(read_json_lines(probes["B"][1]), cport, sport)
        ck(len(own_a) == 1 and len(own_b) == 1,
           f"each probe exported the flow once (A: {len(own_a)}, B: {len(own_b)})")
        if own_a:
            a = own_a[0]
            ck(a.get("SRC_PROC_PID") == client_pid,
               f"probe A names the client process (pid {a.get('SRC_PROC_PID')}, want {client_pid})")
            ck("DST_PROC_PID" not in a,
               f"probe A does not name host B's server process (got {a.get('DST_PROC_PID')})")
        if own_b:
            b = own_b[0]
            ck(b.get("DST_PROC_PID") == server_pid,
               f"probe B names the server process (pid {b.get('DST_PROC_PID')}, want {server_pid})")
            ck("SRC_PROC_PID" not in b,
               f"probe B does not name host A's client process (got {b.get('SRC_PROC_PID')})")

        merged = the_flow(read_json_lines(out), cport, sport)
        if not ck(len(merged) == 1, f"the collector holds one flow ({len(merged)} records)"):
            for r in read_json_lines(out):
                print("   collected:", json.dumps(r)[:400])
            return 1
        m = merged[0]
        ck(m.get("FLOW_OBSERVATIONS") == 2, f"merged from both probes ({m.get('FLOW_OBSERVATIONS')})")
        ck(m.get("SRC_PROC_PID") == client_pid and m.get("DST_PROC_PID") == server_pid,
           f"with both processes (client {m.get('SRC_PROC_PID')}, server {m.get('DST_PROC_PID')})")
        ck(m.get("SRC_PROC_NAME") == m.get("DST_PROC_NAME") == "python3",
           f"process names ({m.get('SRC_PROC_NAME')}, {m.get('DST_PROC_NAME')})")
        ck(m.get("FLOW_LOCAL_ENDS") == "both", f"both ends local ({m.get('FLOW_LOCAL_ENDS')})")
        if own_a and own_b:
            totals = {(r["INITIATOR_OCTETS"], r["RESPONDER_OCTETS"]) for r in own_a + own_b}
            got = (m.get("INITIATOR_OCTETS"), m.get("RESPONDER_OCTETS"))
            ck(got in totals, f"bytes of one observation, not summed (collector {got}, probes {totals})")
            ck(m.get("RESPONDER_OCTETS", 0) > 20000 and m.get("INITIATOR_OCTETS", 0) > 5000,
               f"bytes cover the payloads ({got})")
        return 1 if ck.failures else 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        for t in ctx.topologies:
            t.teardown()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
