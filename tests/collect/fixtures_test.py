#!/usr/bin/env python3
"""ntop's 2014 flow message (../shared/fixtures/ntop-2014-flow.json, as
nProbe sent it to ntopng with sysdig's process fields) sent to `vedetta
server` with each header layout (40-byte v0, 24-byte v1, 28-byte v2, 36-byte
v3), plain and zlib-compressed, and the same flow serialized by nDPI's own
TLV serializer (ntop-2014-flow.tlv): every variant must come out of the
collector as the same flow with the same process fields.

    fixtures_test.py --vedetta PATH --sender PATH --fixtures DIR"""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "live"))
from live_support import Checks, stop_probe  # noqa: E402

# The 2014 message by element name (ids from ../shared/docs/ntop-zmq.md).
EXPECTED = {
    "IPV4_SRC_ADDR": "127.0.0.1", "L4_SRC_PORT": 5556, "IPV4_DST_ADDR": "127.0.0.1",
    "L4_DST_PORT": 57282, "PROTOCOL": 6, "TCP_FLAGS": 24,
    "SRC_PROC_PID": 1634, "SRC_PROC_NAME": "consumer", "SRC_PROC_USER_NAME": "deri",
    "SRC_FATHER_PROC_PID": 1632, "SRC_FATHER_PROC_NAME": "dash",
    "SRC_PROC_ACTUAL_MEMORY": 655064, "SRC_PROC_PEAK_MEMORY": 655072,
    "SRC_PROC_AVERAGE_CPU_LOAD": 23, "SRC_PROC_NUM_PAGE_FAULTS": 0,
    "DST_PROC_PID": 5357, "DST_PROC_NAME": "ntopng", "DST_PROC_USER_NAME": "nobody",
    "DST_FATHER_PROC_PID": 4708, "DST_FATHER_PROC_NAME": "bash",
    "DST_PROC_ACTUAL_MEMORY": 2208288, "DST_PROC_PEAK_MEMORY": 2283140,
    "DST_PROC_AVERAGE_CPU_LOAD": 257, "DST_PROC_NUM_PAGE_FAULTS": 0,
    # IN_/OUT_ deltas become the flow's totals in the collector.
    "IN_PKTS": 172, "IN_BYTES": 56279, "INITIATOR_PKTS": 172, "INITIATOR_OCTETS": 56279,
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vedetta", required=True)
    ap.add_argument("--sender", required=True)
    ap.add_argument("--fixtures", required=True)
    args = ap.parse_args()
    js, tlv = (os.path.join(args.fixtures, f) for f in ("ntop-2014-flow.json", "ntop-2014-flow.tlv"))
    if not (os.path.exists(js) and os.path.exists(tlv)):
        print(f"SKIP: fixtures missing in {args.fixtures}")
        return 1 if os.environ.get("CI") == "true" else 77
    variants = [(l, "json", js, c) for l in ("v0", "v1", "v2", "v3") for c in ("", "compress")]
    variants += [(l, "tlv", tlv, c) for l in ("v1", "v2", "v3") for c in ("", "compress")]
    ck = Checks()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "flows.json")
        port = free_port()
        server = subprocess.Popen(
            [args.vedetta, "server", "-i", f"tcp://127.0.0.1:{port}c", "--json", out,
             "--merge-wait", "0", "-q", "--keep-root", "--http-port", "0", "--data-dir", ""], stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)
        # One message each, with msg_id 0, 1, 2... of one source: no loss.
        for i, (layout, fmt, path, comp) in enumerate(variants):
            cmd = [args.sender, f"tcp://127.0.0.1:{port}", layout, fmt, path, comp or "plain",
                   str(i), "7"]
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
            ck(r.returncode == 0, f"sent {layout} {fmt} {comp or 'plain'} ({r.stderr.strip()})")
            time.sleep(0.3)  # each its own flow: finished and output before the next
        time.sleep(0.5)
        err = stop_probe(server)
        print(err.strip()[-1500:])
        with open(out) as f:
            flows = [json.loads(l) for l in f if l.strip()]
    ck(len(flows) == len(variants), f"one flow per message ({len(flows)} of {len(variants)})")
    for (layout, fmt, _, comp), flow in zip(variants, flows):
        wrong = {k: (v, flow.get(k)) for k, v in EXPECTED.items() if flow.get(k) != v}
        ck(not wrong, f"{layout} {fmt} {comp or 'plain'}: the 2014 flow and its processes "
           f"(differences: {wrong})")
    ck("0 lost messages" in err and "0 bad messages" in err,
       "no message counted lost or bad")
    return 1 if ck.failures else 0


if __name__ == "__main__":
    sys.exit(main())
