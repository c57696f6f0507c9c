#!/usr/bin/env python3
"""The console's flows-list API under load: `vedetta server` holding N flows
(a capture file's flows are kept until the server stops: here ~100,000 of
bench/make_inputs.sh's flows1m.pcap), then C clients (default 10) each
polling once a second, as the Active Flows page does:
GET /api/v1/flows?sort=bytes&order=desc&limit=50&offset=RANDOM_PAGE.
Prints p50/p90/p99/max latency and the server's CPU while they poll.

    bench/console/api_latency.py [--build DIR] [--flows 100000] [--clients 10] [--seconds 30]

Not a test: prints a markdown table; target p99 <= 50 ms."""
import argparse
import base64
import http.client
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import json

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BENCH_DIR = os.environ.get("BENCH_DIR", "/tmp/vedetta-bench")
PASSWORD = "bench-" + base64.b16encode(os.urandom(8)).decode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_capture(flows):
    """The first packets of flows1m.pcap holding about `flows` flows (~2.7 packets each)."""
    src = os.path.join(BENCH_DIR, "flows1m.pcap")
    if not os.path.exists(src):
        sys.exit(f"api_latency: {src} missing: run bench/make_inputs.sh")
    out = os.path.join(BENCH_DIR, f"flows{flows // 1000}k.pcap")
    if not os.path.exists(out):
        subprocess.run(["editcap", "-r", src, out, f"1-{int(flows * 2.67)}"], check=True)
    return out


def get(conn, path, auth):
    start = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": auth})
    r = conn.getresponse()
    body = r.read()
    elapsed = time.perf_counter() - start
    if r.status != 200:
        raise RuntimeError(f"{path}: HTTP {r.status}: {body[:200]!r}")
    return elapsed, body


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--flows", type=int, default=100000)
    ap.add_argument("--clients", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=30)
    args = ap.parse_args()
    pcap = make_capture(args.flows)
    port = free_port()
    data = tempfile.mkdtemp(prefix="vedetta-api-bench-")
    env = dict(os.environ, VEDETTA_ADMIN_PASSWORD=PASSWORD)
    server = subprocess.Popen(
        [os.path.join(args.build, "vedetta"), "server", "-i", pcap, "--http-port", str(port),
         "--data-dir", data, "--keep-root", "-q"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    auth = "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
    try:
        conn = None
        deadline = time.monotonic() + 300
        seen, total = [], 0
        while time.monotonic() < deadline:  # until the replay is in and the model settled
            time.sleep(1)
            try:
                conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                _, flows = get(conn, "/api/v1/flows?limit=1", auth)
                _, interfaces = get(conn, "/api/v1/interfaces", auth)
            except (OSError, RuntimeError):
                conn = None
                continue
            total = json.loads(flows)["total"]
            packets = json.loads(interfaces)["interfaces"][0]["packets"]
            seen.append((total, packets))
            if total > 0 and len(seen) >= 4 and len(set(seen[-4:])) == 1:
                break
        print(f"<!-- {total:,} flows in the server -->")
        latencies, errors = [], []
        lock = threading.Lock()
        stop_at = time.monotonic() + args.seconds
        pages = max(1, total // 50)

        def client(seed):
            rnd = random.Random(seed)
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            time.sleep(rnd.random())  # spread the clients over the second
            while time.monotonic() < stop_at:
                t0 = time.monotonic()
                path = (f"/api/v1/flows?sort=bytes&order=desc&limit=50"
                        f"&offset={50 * rnd.randrange(pages)}")
                try:
                    elapsed, _ = get(c, path, auth)
                    with lock:
                        latencies.append(elapsed)
                except Exception as e:  # noqa: BLE001 — counted, the run goes on
                    with lock:
                        errors.append(str(e))
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                time.sleep(max(0, 1 - (time.monotonic() - t0)))

        cpu0, wall0 = cpu_seconds(server.pid), time.monotonic()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        cpu = (cpu_seconds(server.pid) - cpu0) / (time.monotonic() - wall0)
        ms = [x * 1000 for x in latencies]
        print("| flows held | clients | requests | errors | p50 ms | p90 ms | p99 ms | max ms "
              "| server CPU (cores) |")
        print("|---|---|---|---|---|---|---|---|---|")
        print(f"| {total:,} | {args.clients} | {len(ms)} | {len(errors)} | "
              f"{percentile(ms, 50):.1f} | {percentile(ms, 90):.1f} | {percentile(ms, 99):.1f} | "
              f"{max(ms):.1f} | {cpu:.2f} |")
        if errors:
            print(f"<!-- first error: {errors[0]} -->")
    finally:
        server.send_signal(2)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
