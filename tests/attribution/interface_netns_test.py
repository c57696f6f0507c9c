#!/usr/bin/env python3
"""Each capture interface mapped to its network namespaces (issue 4): a
probe in the root namespace capturing on the root end of a veth pair into
namespace `vgt` (the ground truth's veth, tests/attribution) must name the
process at each end of a flow in the namespace that owns that end's
address, even when another namespace (`vgt-clash`, reached through no
interface of the probe) has the same addresses and sockets with the very
same tuples, made before vgt's, so that a lookup in every namespace would
find the clash namespace's processes first.

Cases: UDP from a client in the root namespace to a server in vgt; TCP from
a client in vgt to a server in the root namespace, IPv4 and IPv6; TCP
between namespaces A and B joined by a bridge in the root namespace
(tests/live's Topology: a container host's docker0), whose addresses the
clash namespace has too. Probes: `-i vgt0` (which drops its privileges
after start), `-i BRIDGE`, and `-i any` (Linux cooked v2 headers give each
packet's interface: vgt0, or a bridge port; started before the namespaces
exist, with --keep-root, so it reads the interfaces again when they appear).

  interface_netns_test.py VEDETTA      (root, BPF, ip netns)
Exit 0 = pass, 1 = fail, 77 = skipped (prerequisite missing; a failure
with CI=true).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "live"))
import ground_truth_test as gt  # noqa: E402  (the veth into vgt, its agents)
import live_test  # noqa: E402  (Topology: two namespaces behind a bridge)
from live_support import Checks, running, stop_probe  # noqa: E402

CLASH = "vgt-clash"


def add_clash_addresses(*addresses):
    for a in addresses:
        v6 = ":" in a
        gt.sh("ip", "netns", "exec", CLASH, "ip", *(("-6",) if v6 else ()), "addr", "add",
              f"{a}/{128 if v6 else 32}", "dev", "lo", *(("nodad",) if v6 else ()))


def setup_clash():
    """A namespace with the addresses of both ends of vgt0's link on its lo:
    its processes can make sockets with the same tuples as the test's."""
    gt.sh("ip", "netns", "del", CLASH, check=False)
    gt.sh("ip", "netns", "add", CLASH)
    gt.sh("ip", "netns", "exec", CLASH, "ip", "link", "set", "lo", "up")
    add_clash_addresses(gt.ROOT4, gt.NS4, gt.ROOT6, gt.NS6)


def start_probe(vedetta, iface, out, *extra):
    return subprocess.Popen([vedetta, "probe", "-i", iface, "--events", "ebpf", "--json", out,
                             "-q", "-d", "2", "--tcp-close-timeout", "1", "--duration", "90",
                             *extra], stderr=subprocess.PIPE, text=True)


def udp_root_to_vgt():
    """Client in the root namespace, server in vgt; the clash namespace's
    server (bound first) and client use the same tuple."""
    clash_srv = gt.Agent("udp_server", gt.NS4, 1, ns=CLASH)
    port = clash_srv.read()["port"]
    srv = gt.Agent("udp_server", gt.NS4, 1, 0, port, ns=gt.NS)
    srv.read()
    cli = gt.Agent("udp_client", gt.NS4, port)
    cport = cli.read()["local_port"]
    cli.wait()
    srv.wait()
    twin = gt.Agent("udp_client", gt.NS4, port, 0, cport, gt.ROOT4, ns=CLASH)
    twin.read()
    twin.wait()
    clash_srv.wait()
    return gt.expect(17, cport, port, cli.pid, gt.PYTHON, srv.pid, gt.PYTHON,
                     "UDP root client -> vgt server") | {"clash": (twin.pid, clash_srv.pid)}


def tcp_twins(server, client, label, server_ns=None, client_ns=gt.NS):
    """A client in `client_ns` and a server in `server_ns` (None: the root
    namespace); the clash namespace's server and client (whose namespace
    the probes saw first) use the same tuple."""
    srv = gt.Agent("tcp_server", server, 1, ns=server_ns)
    port = srv.read()["port"]
    clash_srv = gt.Agent("tcp_server", server, 1, port, ns=CLASH)
    clash_srv.read()
    # The twin needs the client's port: it connects right after the client
    # did, while the client holds its connection open.
    cli = gt.Agent("tcp_client", server, port, 1.5, ns=client_ns)
    cport = cli.read()["local_port"]
    twin = gt.Agent("tcp_client", server, port, 0, cport, 0, client, ns=CLASH)
    twin.read()
    twin.wait()
    cli.wait()
    srv.wait()
    clash_srv.wait()
    return gt.expect(6, cport, port, cli.pid, gt.PYTHON, srv.pid, gt.PYTHON,
                     f"TCP {label}") | {"clash": (twin.pid, clash_srv.pid)}


class Ctx:  # what live_test.Topology wants of its caller
    def __init__(self):
        self.topologies = []


def check_probe(ck, name, flows, expected):
    for e in expected:
        used = set()
        i = gt.find_flow(flows, e, used)
        if not ck(i is not None, f"{name}: {e['what']}: flow {e['cport']}->{e['sport']} exported"):
            continue
        f = flows[i]
        got = (f.get("SRC_PROC_PID"), f.get("DST_PROC_PID"))
        ck(gt.client_right(f, e) and gt.server_right(f, e),
           f"{name}: {e['what']}: client pid {e['cpid']}, server pid {e['spid']} (flow says "
           f"{got[0]}, {got[1]}; the clash namespace's are {e['clash'][0]}, {e['clash'][1]})")
        ck(f.get("FLOW_LOCAL_ENDS") == "both",
           f"{name}: {e['what']}: both ends local ({f.get('FLOW_LOCAL_ENDS')})")


def read_flows(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    vedetta = sys.argv[1]
    if os.geteuid() != 0:
        gt.skip("needs root (packet capture, BPF, network namespaces)")
    if not shutil.which("ip"):
        gt.skip("needs iproute2's ip")
    gt.teardown_namespace()
    gt.sh("ip", "netns", "del", CLASH, check=False)
    ck = Checks()
    tmp = tempfile.mkdtemp(prefix="vedetta-ifns-")
    os.chmod(tmp, 0o755)  # the -i vgt0 probe writes as nobody
    outs = {"-i vgt0": os.path.join(tmp, "veth.json"), "-i any": os.path.join(tmp, "any.json"),
            "-i BRIDGE": os.path.join(tmp, "bridge.json")}
    probes = {}
    errs = {}
    ctx = Ctx()
    try:
        # Before the namespaces: it must notice vgt0 when its packets come.
        probes["-i any"] = start_probe(vedetta, "any", outs["-i any"], "--keep-root")
        try:
            setup_clash()
            gt.setup_namespace()
        except subprocess.CalledProcessError as e:
            gt.skip(f"cannot create network namespaces with a veth pair: {e.stderr.strip()}")
        probes["-i vgt0"] = start_probe(vedetta, gt.VETH, outs["-i vgt0"])
        time.sleep(2)  # BPF loaded, sockets seeded, captures open
        for name, p in probes.items():
            if not running(p, ck):
                return 1
        veth = [udp_root_to_vgt(),
                tcp_twins(gt.ROOT4, gt.NS4, "IPv4 vgt client -> root server"),
                tcp_twins(gt.ROOT6, gt.NS6, "IPv6 vgt client -> root server")]
        # After the clash namespace's first sockets: the -i any probe saw it first.
        live_test.remove_leftovers()
        try:
            topo = live_test.Topology(ctx, "i").setup()
        except live_test.Skip as e:
            gt.skip(str(e))
        add_clash_addresses(topo.addr_a, topo.addr_b)
        probes["-i BRIDGE"] = start_probe(vedetta, topo.bridge, outs["-i BRIDGE"])
        time.sleep(2)
        if not running(probes["-i BRIDGE"], ck):
            return 1
        bridged = [tcp_twins(topo.addr_b, topo.addr_a, "A client -> B server across the bridge",
                             server_ns=topo.ns_b, client_ns=topo.ns_a)]
        time.sleep(1)
    finally:
        gt.Agent.kill_all()
        for name, p in probes.items():
            errs[name] = stop_probe(p)
        gt.teardown_namespace()
        gt.sh("ip", "netns", "del", CLASH, check=False)
        left = [x for t in ctx.topologies for x in t.teardown()]
    for name, err in errs.items():
        print(f"--- {name} stderr:\n{err.strip()[-1500:]}", flush=True)
        m = re.search(r"(\d+) flow ends looked up in the namespace their capture interface", err)
        ck(m and int(m.group(1)) >= 2, f"{name}: the exit report counts the ends the interface "
           f"placed ({m.group(1) if m else 'no such line'})")
    check_probe(ck, "-i vgt0", read_flows(outs["-i vgt0"]), veth)
    check_probe(ck, "-i any", read_flows(outs["-i any"]), veth + bridged)
    check_probe(ck, "-i BRIDGE", read_flows(outs["-i BRIDGE"]), bridged)
    left += [n for n in (gt.NS, CLASH) if os.path.exists(f"/run/netns/{n}")]
    ck(not left, f"namespaces and links removed ({left})")
    shutil.rmtree(tmp, ignore_errors=True)
    total = len(ck.failures)
    print(f"{'PASS' if not total else 'FAIL'}: {total} failed checks", flush=True)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
