#!/usr/bin/env python3
"""What process attribution costs the probe (issue 4 benchmarks).

`vedetta probe -i lo` watches a paced loopback load (loopback_load.py: short
TCP connections, UDP exchanges, a bulk TCP stream) with `--events none`,
`ebpf` and `poll`, the runs interleaved. The probe is pinned to one CPU and
the load to the other (taskset). Measured over the load's window only (the
probe's start, which loads BPF and reads /proc, is left out):

- the probe's CPU time: /proc/PID/task/*/schedstat (ns; user + system), and
  utime/stime from /proc/PID/stat for the split;
- with ebpf, the time the BPF programs ran in the kernel (charged to the
  processes making the system calls, not to the probe): run_time_ns and
  run_cnt of the probe's programs, from /proc/PID/fdinfo, with
  kernel.bpf_stats_enabled=1 during the runs;
- events received and flows, from the probe's exit report (whole run: the
  few seconds around the window add the machine's background events).

  cpu_cost.py VEDETTA [--seconds 20] [--runs 3] [--modes none,ebpf,poll]
              [--tcp-rate 500] [--udp-rate 500] [--bulk-mbit 200]
              [--probe-cpu 0] [--load-cpu 1]                      (root, BPF)
"""
import argparse
import glob
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LOAD = os.path.join(HERE, "loopback_load.py")
TICK = os.sysconf("SC_CLK_TCK")


def cpu_ns(pid):
    """User + system time of every thread of pid, ns."""
    total = 0
    for f in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            total += int(open(f).read().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # a thread that just ended
    return total


def user_sys_s(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) / TICK, int(fields[12]) / TICK  # utime, stime


def bpf_runs(pid):
    """(run_time_ns, run_cnt) summed over the BPF programs pid holds."""
    ns = cnt = 0
    for f in glob.glob(f"/proc/{pid}/fdinfo/*"):
        try:
            text = open(f).read()
        except OSError:
            continue
        if "prog_id:" not in text:
            continue
        m = re.search(r"run_time_ns:\s*(\d+)", text)
        c = re.search(r"run_cnt:\s*(\d+)", text)
        if m and c:
            ns += int(m.group(1))
            cnt += int(c.group(1))
    return ns, cnt


def exit_report(err):
    r = {}
    m = re.search(r"capture: (\d+) packets received, (\d+) dropped by the kernel", err)
    if m:
        r["packets"], r["kernel_drops"] = int(m.group(1)), int(m.group(2))
    m = re.search(r"flows: \d+ packets in flows, (\d+) flows created", err)
    if m:
        r["flows"] = int(m.group(1))
    m = re.search(r"attribution: (\d+) of (\d+) flows", err)
    if m:
        r["attributed"] = int(m.group(1))
    m = re.search(r"(\d+) socket \((\d+) applied\) and (\d+) process events received, "
                  r"events lost: (\d+) socket", err)
    if m:
        r["events"], r["applied"], r["process_events"], r["lost"] = map(int, m.groups())
    m = re.search(r"left in the kernel: (\d+) repeated send/receive, (\d+) other", err)
    if m:
        r["left_io"], r["left_other"] = map(int, m.groups())
    m = re.search(r"(\d+) socket scans", err)
    if m:
        r["scans"] = int(m.group(1))
    return r


def pinned(cpu, cmd, **kw):
    return subprocess.Popen(["taskset", "-c", str(cpu)] + cmd, **kw)


def one_run(a, mode, out_dir):
    server = pinned(a.load_cpu, [sys.executable, LOAD, "serve"], stdout=subprocess.PIPE, text=True)
    ports = json.loads(server.stdout.readline())
    flows_path = os.path.join(out_dir, f"flows-{mode}.json")
    probe = pinned(a.probe_cpu, [a.vedetta, "probe", "-i", "lo", "--events", mode, "--json",
                                 flows_path, "-q", "-d", "2", "--tcp-close-timeout", "1",
                                 "--keep-root"], stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(3)  # BPF loaded, /proc read, capture open
        if probe.poll() is not None:
            sys.exit(f"vedetta probe --events {mode} ended at start: {probe.stderr.read().strip()}")
        cpu0, us0, bpf0 = cpu_ns(probe.pid), user_sys_s(probe.pid), bpf_runs(probe.pid)
        t0 = time.monotonic()
        client = pinned(a.load_cpu, [sys.executable, LOAD, "client", str(ports["tcp"]),
                                     str(ports["udp"]), str(ports["bulk"]), str(a.seconds),
                                     str(a.tcp_rate), str(a.udp_rate), str(a.bulk_mbit)],
                        stdout=subprocess.PIPE, text=True)
        achieved = json.loads(client.communicate(timeout=a.seconds + 60)[0])
        wall = time.monotonic() - t0
        cpu1, us1, bpf1 = cpu_ns(probe.pid), user_sys_s(probe.pid), bpf_runs(probe.pid)
    finally:
        probe.send_signal(signal.SIGINT)
        _, err = probe.communicate(timeout=60)
        server.kill()
        server.wait()
    r = exit_report(err)
    r.update(mode=mode, wall=wall, cpu=(cpu1 - cpu0) / 1e9, user=us1[0] - us0[0],
             sys=us1[1] - us0[1], bpf_ns=bpf1[0] - bpf0[0], bpf_runs=bpf1[1] - bpf0[1],
             load=achieved)
    return r


def median(runs, key):
    vals = [r[key] for r in runs if key in r]
    return statistics.median(vals) if vals else float("nan")


def summary(results, modes):
    base = median(results["none"], "cpu") if "none" in results else None
    lines = ["| mode | probe CPU, s (median; runs) | % of one core | user / sys, s | vs none | "
             "BPF in kernel, s (runs) | ns per BPF run | socket events received (applied) | "
             "left in the kernel (repeated I/O, other) | flows | packet drops |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for mode in modes:
        rs = results[mode]
        cpu = median(rs, "cpu")
        wall = median(rs, "wall")
        vs = f"+{100 * (cpu - base) / base:.1f} %" if base and mode != "none" else "-"
        runs_txt = ", ".join(f"{r['cpu']:.3f}" for r in rs)
        bpf = median(rs, "bpf_ns") / 1e9
        bpf_runs = median(rs, "bpf_runs")
        per_run = f"{1e9 * bpf / bpf_runs:.0f}" if bpf_runs else "-"
        lines.append(
            f"| {mode} | {cpu:.3f} ({runs_txt}) | {100 * cpu / wall:.1f} % | "
            f"{median(rs, 'user'):.2f} / {median(rs, 'sys'):.2f} | {vs} | "
            f"{bpf:.3f} ({bpf_runs:.0f}) | {per_run} | {median(rs, 'events'):.0f} "
            f"({median(rs, 'applied'):.0f}) | {median(rs, 'left_io'):.0f}, "
            f"{median(rs, 'left_other'):.0f} | "
            f"{median(rs, 'flows'):.0f} | {median(rs, 'kernel_drops'):.0f} |")
    if base and "ebpf" in results:
        e = results["ebpf"]
        extra = median(e, "cpu") - base
        kernel = median(e, "bpf_ns") / 1e9
        events, flows = median(e, "events"), median(e, "flows")
        lines += ["",
                  f"Attribution (ebpf) adds {extra:.3f} s of probe CPU "
                  f"({100 * extra / base:+.1f} % of the probe without it) and "
                  f"{kernel:.3f} s in the kernel's BPF programs: together "
                  f"{100 * (extra + kernel) / base:+.1f} %.",
                  f"Per event received: {1e9 * extra / events:.0f} ns in the probe, "
                  f"{1e9 * kernel / events:.0f} ns in the kernel (every run of the programs, "
                  f"the calls filtered out included, over the events delivered)."
                  if events else "",
                  f"Per flow: {events / flows:.1f} events, {1e6 * extra / flows:.1f} µs in the "
                  f"probe, {1e6 * kernel / flows:.1f} µs in the kernel." if flows else ""]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("vedetta")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--modes", default="none,ebpf,poll")
    ap.add_argument("--tcp-rate", type=float, default=500)
    ap.add_argument("--udp-rate", type=float, default=500)
    ap.add_argument("--bulk-mbit", type=float, default=200)
    ap.add_argument("--probe-cpu", type=int, default=0)
    ap.add_argument("--load-cpu", type=int, default=1)
    ap.add_argument("--json", metavar="FILE", help="write every run's figures to FILE")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("needs root (packet capture, BPF, bpf_stats_enabled)")
    modes = a.modes.split(",")
    stats_path = "/proc/sys/kernel/bpf_stats_enabled"
    was = open(stats_path).read().strip()
    open(stats_path, "w").write("1")
    results = {m: [] for m in modes}
    out_dir = tempfile.mkdtemp()
    print(f"load: {a.tcp_rate:g} TCP connections/s, {a.udp_rate:g} UDP exchanges/s, "
          f"{a.bulk_mbit:g} Mbit/s bulk, {a.seconds:g} s; probe on CPU {a.probe_cpu}, load on "
          f"CPU {a.load_cpu}; load average before {open('/proc/loadavg').read().split()[0]}",
          flush=True)
    try:
        for run in range(a.runs):
            for mode in modes:
                r = one_run(a, mode, out_dir)
                results[mode].append(r)
                print(f"run {run + 1} {mode}: probe {r['cpu']:.3f} s CPU, BPF {r['bpf_ns'] / 1e9:.3f} s "
                      f"({r['bpf_runs']} runs), events {r.get('events', '-')}, flows "
                      f"{r.get('flows', '-')}, drops {r.get('kernel_drops', '-')}, load {r['load']}, "
                      f"loadavg {open('/proc/loadavg').read().split()[0]}", flush=True)
    finally:
        open(stats_path, "w").write(was)
        subprocess.run(["rm", "-rf", out_dir])
    if a.json:
        json.dump(results, open(a.json, "w"), indent=1)
    print()
    print(summary(results, modes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
