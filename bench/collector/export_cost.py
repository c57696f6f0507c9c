#!/usr/bin/env python3
"""The probe's export cost: CPU seconds of `vedetta probe --no-dpi` replaying
the same capture with each output, against the cheapest one (the flow
table to /dev/null). ZeroMQ exports go to a running `vedetta server`
(collector mode), which takes every flow (capture files wait for the
collector instead of dropping); the probe's CPU is read with wait4, so the
collector's own CPU is not counted.

    bench/collector/export_cost.py [--build DIR] [--pcap FILE]

FILE defaults to $BENCH_DIR/flows1m.pcap (bench/make_inputs.sh: one million
distinct flows). Not a test: prints a markdown table."""
import argparse
import os
import re
import socket
import subprocess
import sys
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BENCH_DIR = os.environ.get("BENCH_DIR", "/tmp/vedetta-bench")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_probe(vedetta, pcap, extra):
    """CPU seconds (user + sys) and wall seconds of one probe run, and its flows."""
    cmd = [vedetta, "probe", "-i", pcap, "--no-dpi", "-q"] + extra
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.monotonic() - start
    if status != 0:
        sys.exit(f"export_cost: {' '.join(cmd)} failed:\n{err}")
    m = re.search(r"(\d+) records exported", err)
    flows = int(m.group(1)) if m else 0
    d = re.search(r"(\d+) flows dropped \(drops.export_queue_full", err)
    return usage.ru_utime + usage.ru_stime, wall, flows, int(d.group(1)) if d else 0


def with_collector(vedetta, fn):
    port = free_port()
    server = subprocess.Popen(
        [vedetta, "server", "-i", f"tcp://127.0.0.1:{port}c", "-q", "--merge-wait", "0",
         "--keep-root", "--http-port", "0", "--data-dir", ""], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    try:
        return fn(port)
    finally:
        time.sleep(3)  # what is still in the sockets reaches the collector
        server.send_signal(2)
        report = server.communicate(timeout=60)[1]
        m = re.search(r"(\d+) flows received, (\d+) lost messages", report)
        if m:
            print(f"<!-- collector: {m.group(1)} flows received, {m.group(2)} lost -->")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--pcap", default=os.path.join(BENCH_DIR, "flows1m.pcap"))
    args = ap.parse_args()
    vedetta = os.path.join(args.build, "vedetta")
    if not os.path.exists(args.pcap):
        sys.exit(f"export_cost: {args.pcap} missing: run bench/make_inputs.sh")
    cases = [("flow table to /dev/null (baseline)", lambda: run_probe(vedetta, args.pcap, [])),
             ("JSON lines to /dev/null", lambda: run_probe(vedetta, args.pcap,
                                                           ["--json", "/dev/null"]))]
    for fmt in ("tlv", "json"):
        cases.append((f"ZeroMQ {fmt.upper()} to a collector", lambda fmt=fmt: with_collector(
            vedetta, lambda port: run_probe(vedetta, args.pcap, [
                "--zmq", f"tcp://127.0.0.1:{port}", "--zmq-probe-mode", "--zmq-format", fmt]))))
    print("| probe output | flows | dropped (queue full) | probe CPU s | wall s | CPU vs baseline "
          "| export cost µs/flow |")
    print("|---|---|---|---|---|---|---|")
    base = None
    for name, run in cases:
        cpu, wall, flows, dropped = run()
        if base is None:
            base = cpu
        per_flow = (cpu - base) / flows * 1e6 if flows else 0
        print(f"| {name} | {flows:,} | {dropped:,} | {cpu:.2f} | {wall:.2f} | {cpu / base:.2f}x | "
              f"{per_flow:.2f} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
