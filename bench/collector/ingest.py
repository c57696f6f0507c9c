#!/usr/bin/env python3
"""Collector ingest rate: flows/s received, decoded and merged by `vedetta
server`, for JSON and TLV payloads, from 1 and 4 senders, with the console off
(--http-port 0: no live model) and on (the live model reads every flow).
The senders (vedetta_bench_zmq_replay) replay pre-serialized messages of 64
flows with blocking sends, so the collector sets the pace and nothing is
lost; the rate is counted from the server's own stats line (flows handed to
the model), from the first message sent to the last flow counted. Also
checks the loss accounting: lost messages must be 0. Then runs
export_cost.py (the probe's CPU per exported flow), so one run gives both.

    bench/collector/ingest.py [--build DIR] [--messages N] [--console off|on|both]

Not a test: it prints a markdown table and never fails on a missed target
(≥ 1,000,000 flows/s TLV, ≥ 300,000 JSON on the 2-core machine)."""
import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_case(build, fmt, senders, messages, console):
    port = free_port()
    data_dir = tempfile.TemporaryDirectory(prefix="vedetta-ingest-")
    # The console needs a data directory for its users; history stays off so
    # that only the live model differs between the two cases.
    web = (["--http-port", str(free_port()), "--data-dir", data_dir.name, "--no-history"]
           if console else ["--http-port", "0", "--data-dir", ""])
    server = subprocess.Popen(
        [os.path.join(build, "vedetta"), "server", "-i", f"tcp://127.0.0.1:{port}c",
         "--stats-interval", "0.2", "--merge-wait", "0", "--keep-root"] + web,
        stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, VEDETTA_ADMIN_PASSWORD="ingest-bench-password"))
    counted = {"flows": 0, "lost": 0, "bad": 0}
    done = threading.Event()

    def watch():
        for line in server.stderr:
            m = re.search(r"(\d+) flows in, .*?(\d+) lost msgs, (\d+) bad", line)
            if m:
                counted["flows"], counted["lost"], counted["bad"] = map(int, m.groups())
                counted["at"] = time.monotonic()
        done.set()

    threading.Thread(target=watch, daemon=True).start()
    time.sleep(0.5)
    replay = os.path.join(build, "bench", "collector", "vedetta_bench_zmq_replay")
    start = time.monotonic()
    procs = [subprocess.Popen([replay, f"tcp://127.0.0.1:{port}", fmt, str(messages), str(i + 1)],
                              stdout=subprocess.PIPE, text=True) for i in range(senders)]
    for p in procs:
        p.wait()
    total = senders * messages * 64
    deadline = time.monotonic() + 60
    while counted["flows"] < total and time.monotonic() < deadline:
        time.sleep(0.05)
    elapsed = counted.get("at", time.monotonic()) - start
    server.send_signal(2)
    server.wait(timeout=30)
    data_dir.cleanup()
    # The stats line comes every 0.2 s: the last count can be up to 0.2 s late.
    rate = counted["flows"] / elapsed if elapsed > 0 else 0
    return rate, counted, total, elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--messages", type=int, default=10000, help="messages per sender")
    ap.add_argument("--console", choices=("off", "on", "both"), default="both")
    args = ap.parse_args()
    consoles = {"off": (False,), "on": (True,), "both": (False, True)}[args.console]
    print("| console | payload | senders | flows | seconds | flows/s | lost msgs | bad msgs |")
    print("|---|---|---|---|---|---|---|---|")
    for console in consoles:
        for fmt in ("tlv", "json"):
            for senders in (1, 4):
                rate, c, total, elapsed = run_case(args.build, fmt, senders, args.messages,
                                                   console)
                print(f"| {'on' if console else 'off'} | {fmt} | {senders} | "
                      f"{c['flows']:,} of {total:,} | {elapsed:.2f} | "
                      f"{rate:,.0f} | {c['lost']} | {c['bad']} |", flush=True)
    # The other half of the figures: what exporting costs the probe.
    print()
    return subprocess.call([sys.executable, os.path.join(os.path.dirname(__file__),
                                                         "export_cost.py"), "--build", args.build])


if __name__ == "__main__":
    sys.exit(main())
