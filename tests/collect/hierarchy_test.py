#!/usr/bin/env python3
"""A three-level hierarchy of collectors: a probe replays a capture file and
exports over ZeroMQ to collector 1, which re-exports to collector 2, which
re-exports to collector 3. The top collector must see every flow the probe
exported, once, with the same counters and process-free fields.

    hierarchy_test.py --vedetta PATH --pcap FILE [--format json|tlv]

Runs on 127.0.0.1 only; no root needed."""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "live"))
from live_support import Checks, stop_probe  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_json_lines(path):
    out = []
    if os.path.exists(path):
        with open(path) as f:
            out = [json.loads(l) for l in f if l.strip()]
    return out


def key(r):
    return (r.get("PROTOCOL"), r.get("IPV4_SRC_ADDR") or r.get("IPV6_SRC_ADDR"),
            r.get("L4_SRC_PORT"), r.get("IPV4_DST_ADDR") or r.get("IPV6_DST_ADDR"),
            r.get("L4_DST_PORT"), r.get("FLOW_START_MILLISECONDS"))


COMPARED = ["INITIATOR_PKTS", "INITIATOR_OCTETS", "RESPONDER_PKTS", "RESPONDER_OCTETS",
            "FLOW_END_MILLISECONDS", "L7_PROTO_NAME", "SRC_VLAN"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vedetta", required=True)
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--format", default="tlv", choices=["json", "tlv"])
    args = ap.parse_args()
    if not os.path.exists(args.pcap):
        print(f"SKIP: no capture {args.pcap} (../shared corpus missing)")
        return 1 if os.environ.get("CI") == "true" else 77
    ck = Checks()
    tmp = tempfile.mkdtemp(prefix="vedetta-hierarchy-")
    procs = []
    try:
        p1, p2, p3 = free_port(), free_port(), free_port()
        top = os.path.join(tmp, "top.json")
        common = ["--merge-wait", "0.3", "-q", "--keep-root", "--http-port", "0", "--data-dir", ""]
        levels = [
            [args.vedetta, "server", "-i", f"tcp://127.0.0.1:{p3}c", "--json", top] + common,
            [args.vedetta, "server", "-i", f"tcp://127.0.0.1:{p2}c", "--zmq-export",
             f"tcp://127.0.0.1:{p3}c", "--zmq-export-format", args.format] + common,
            [args.vedetta, "server", "-i", f"tcp://127.0.0.1:{p1}c", "--zmq-export",
             f"tcp://127.0.0.1:{p2}c", "--zmq-export-format", args.format] + common,
        ]
        for cmd in levels:
            procs.append(subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True))
        time.sleep(1.0)
        for i, p in enumerate(procs):
            if not ck(p.poll() is None, f"collector level {3 - i} running"):
                print(p.stderr.read())
                return 1
        probe_json = os.path.join(tmp, "probe.json")
        probe = subprocess.run(
            [args.vedetta, "probe", "-i", args.pcap, "--zmq", f"tcp://127.0.0.1:{p1}",
             "--zmq-probe-mode", "--zmq-format", args.format, "--json", probe_json,
             "-d", "0", "-t", "0", "--tcp-close-timeout", "0", "-q"],
            capture_output=True, text=True, timeout=60)
        ck(probe.returncode == 0, f"probe replays the capture (rc {probe.returncode}: "
           f"{probe.stderr.strip()[-300:]})")
        exported = read_json_lines(probe_json)
        ck(len(exported) > 10, f"the capture has flows ({len(exported)})")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(read_json_lines(top)) < len(exported):
            time.sleep(0.2)
        time.sleep(0.5)  # nothing more should come
        errs = [stop_probe(p) for p in procs]
        for i, e in enumerate(errs):
            print(f"--- collector level {3 - i}:\n{e.strip()[-1200:]}")
        seen = read_json_lines(top)
        ck(len(seen) == len(exported),
           f"the top collector has every flow once ({len(seen)} of {len(exported)})")
        want = {key(r): r for r in exported}
        got = {key(r): r for r in seen}
        ck(len(got) == len(seen), "no flow twice at the top")
        missing = [k for k in want if k not in got]
        ck(not missing, f"every flow reaches the top ({len(missing)} missing: {missing[:3]})")
        diffs = []
        for k, r in want.items():
            g = got.get(k)
            if g is None:
                continue
            for f in COMPARED:
                if r.get(f) != g.get(f):
                    diffs.append((k, f, r.get(f), g.get(f)))
        ck(not diffs, f"counters and fields unchanged through three levels ({diffs[:3]})")
        ck(all(g.get("COLLECTOR_INPUT") == f"tcp://127.0.0.1:{p3}c" for g in seen),
           "the top collector names its own input")
        return 1 if ck.failures else 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
