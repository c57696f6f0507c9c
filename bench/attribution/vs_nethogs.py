#!/usr/bin/env python3
"""Process attribution, vedetta against nethogs (issue 4 benchmarks).

Runs the attribution ground truth's workload (tests/attribution: servers and
clients on loopback and across a veth pair into namespace `vgt`, short-lived
bash clients, port reuse, SO_REUSEPORT, threads, a forked child, a remote
flow) while `vedetta probe --events ebpf` and `nethogs -t` watch lo and the
veth at the same time, then says for each tool which share of the
connections and of the bytes went to the right process, and the same for
the processes that lived less than 10 ms.

  vs_nethogs.py VEDETTA [--short-lived N] [--runs R] [--keep DIR]
                                            (root, BPF, ip netns, nethogs)

How each tool is judged (the ground truth says which pid owns each end):
- vedetta: an end is right when the flow's SRC_PROC_PID/EXE (client) or
  DST_PROC_PID/EXE (server) names its process (a row also counts the pid
  alone); a flow's bytes are right when all its local ends are.
- nethogs prints one line per process ("program/pid/uid sent received",
  cumulative bytes with -v 2) and lists the TCP connections it could not
  place ("Unknown connection: LOCAL:PORT-REMOTE:PORT"; a connection whose
  socket it found but no process is a line named by that tuple). An end is
  right when its pid has a line with bytes and its tuple, seen from its
  socket, is in neither list. A pid with several connections thus counts
  them all right as soon as one is placed: generous to nethogs. A byte is
  right when a process of its flow has it: per pid, what nethogs gave it up
  to what its flows carried (frame bytes, as nethogs counts).
"""
import argparse
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "attribution"))
import ground_truth_test as gt  # noqa: E402

SHORT_MS = 10  # "short-lived": the bound


def start_tools(vedetta, flows_path, nethogs_path):
    probe = subprocess.Popen([vedetta, "probe", "-i", "lo", "-i", gt.VETH, "--events", "ebpf",
                              "--json", flows_path, "-q", "-d", "2", "--tcp-close-timeout", "1",
                              "--duration", "600"], stderr=subprocess.PIPE, text=True)
    # -a: lo is left out otherwise; -C: UDP too (TCP only by default);
    # -v 2: cumulative bytes; -d 1: a report every second.
    nethogs = subprocess.Popen(["nethogs", "-a", "-t", "-C", "-v", "2", "-d", "1", "lo", gt.VETH],
                               stdout=open(nethogs_path, "w"), stderr=subprocess.STDOUT)
    time.sleep(2.5)  # BPF loaded, captures open
    for name, p in (("vedetta probe", probe), ("nethogs", nethogs)):
        if p.poll() is not None:
            sys.exit(f"{name} ended at start (exit {p.returncode}); see {nethogs_path} for nethogs")
    return probe, nethogs


def stop_tools(probe, nethogs):
    time.sleep(3)  # vedetta: idle timeout 2 s; nethogs: two more reports
    nethogs.send_signal(signal.SIGTERM)
    probe.send_signal(signal.SIGINT)
    _, err = probe.communicate(timeout=60)
    nethogs.wait(timeout=30)
    return err


def last_nethogs_report(path):
    """{pid: (sent, received)}, tuples it could not place: from the last
    complete report (one followed by another 'Refreshing:')."""
    blocks, cur = [], None
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if line == "Refreshing:":
            if cur is not None:
                blocks.append(cur)
            cur = []
        elif cur is not None and line:
            cur.append(line)
    if not blocks:
        sys.exit(f"{path}: no complete nethogs report")
    by_pid, unplaced = {}, set()
    for line in blocks[-1]:
        if line.startswith("Unknown connection: "):
            unplaced.add(line.split(": ", 1)[1])
            continue
        head, sent, received = line.rsplit("\t", 2)
        name, pid, _uid = head.rsplit("/", 2)
        if int(pid) == 0:
            if "-" in name and ":" in name:  # socket found, no process: named by its tuple
                unplaced.add(name)
            continue
        s, r = by_pid.get(int(pid), (0.0, 0.0))
        by_pid[int(pid)] = (s + float(sent), r + float(received))
    return by_pid, unplaced


def addresses(f):
    v6 = f.get("IP_PROTOCOL_VERSION") == 6
    return (f.get("IPV6_SRC_ADDR" if v6 else "IPV4_SRC_ADDR"),
            f.get("IPV6_DST_ADDR" if v6 else "IPV4_DST_ADDR"))


def frame_bytes(f):
    return f.get("INITIATOR_FRAME_OCTETS", 0) + f.get("RESPONDER_FRAME_OCTETS", 0)


def ends_of(expected, remote_cport, flows):
    """One row per local end: which flow, which pids own it, its tuple as
    its socket sees it, and whether its process lived < SHORT_MS."""
    remote = {"proto": 17, "cport": remote_cport, "sport": gt.REMOTE_PORT, "cpid": os.getpid(),
              "cexe": gt.PYTHON, "spid": None, "what": "UDP to a non-local address"}
    ends, used, missing = [], set(), []
    for e in expected + [remote]:
        i = gt.find_flow(flows, e, used)
        if i is None:
            missing.append(e["what"])
            continue
        f = flows[i]
        caddr, saddr = addresses(f)
        lived = e.get("client_lived_ms", math.inf)
        ends.append({"flow": i, "e": e, "side": "client", "pids": [e["cpid"]],
                     "tuple": f"{caddr}:{e['cport']}-{saddr}:{e['sport']}",
                     "short": lived < SHORT_MS, "vedetta": gt.client_right(f, e),
                     "vedetta_pid": f.get("SRC_PROC_PID") == e["cpid"]})
        if e["spid"] is not None:
            ends.append({"flow": i, "e": e, "side": "server",
                         "pids": e.get("spid_any", [e["spid"]]),
                         "tuple": f"{saddr}:{e['sport']}-{caddr}:{e['cport']}",
                         "short": False, "vedetta": gt.server_right(f, e),
                         "vedetta_pid": f.get("DST_PROC_PID") in e.get("spid_any", [e["spid"]])})
    return ends, missing


def judge_nethogs(ends, by_pid, unplaced):
    for end in ends:
        has_bytes = any(sum(by_pid.get(p, (0, 0))) > 0 for p in end["pids"])
        end["nethogs"] = has_bytes and end["tuple"] not in unplaced


def byte_shares(ends, flows, by_pid):
    """(vedetta, nethogs, total) bytes: all flows, then the flows of
    short-lived processes (their bytes credited to that process)."""
    flow_ids = sorted({e["flow"] for e in ends})
    total = sum(frame_bytes(flows[i]) for i in flow_ids)
    ved = sum(frame_bytes(flows[i]) for i in flow_ids
              if all(e["vedetta"] for e in ends if e["flow"] == i))
    carried = {}  # pid -> frame bytes of the flows it has an end of
    for i in flow_ids:
        for p in {p for e in ends if e["flow"] == i for p in e["pids"]}:
            carried[p] = carried.get(p, 0) + frame_bytes(flows[i])
    neth = sum(min(sum(by_pid.get(p, (0, 0))), c) for p, c in carried.items())
    short = [e for e in ends if e["short"]]
    s_total = sum(frame_bytes(flows[e["flow"]]) for e in short)
    s_ved = sum(frame_bytes(flows[e["flow"]]) for e in short if e["vedetta"])
    s_neth = sum(min(sum(by_pid.get(e["pids"][0], (0, 0))), frame_bytes(flows[e["flow"]]))
                 for e in short)
    return (ved, neth, total), (s_ved, s_neth, s_total)


def pct(n, d):
    return f"{100.0 * n / d:.1f} %" if d else "-"


def one_run(vedetta, short_lived, keep):
    tmp = keep or tempfile.mkdtemp()
    os.makedirs(tmp, exist_ok=True)
    flows_path, nethogs_path = os.path.join(tmp, "flows.json"), os.path.join(tmp, "nethogs.txt")
    gt.setup_namespace()
    try:
        probe, nethogs = start_tools(vedetta, flows_path, nethogs_path)
        try:
            expected, remote_cport = gt.run_workload(short_lived)
        finally:
            err = stop_tools(probe, nethogs)
            gt.sh("ip", "route", "del", f"{gt.REMOTE}/32", check=False)
    finally:
        gt.teardown_namespace()
    flows = [json.loads(l) for l in open(flows_path)]
    by_pid, unplaced = last_nethogs_report(nethogs_path)
    ends, missing = ends_of(expected, remote_cport, flows)
    judge_nethogs(ends, by_pid, unplaced)
    bytes_all, bytes_short = byte_shares(ends, flows, by_pid)
    lived = [e["client_lived_ms"] for e in expected if "client_lived_ms" in e]
    if keep:  # every end and both verdicts, to check a figure by hand
        with open(os.path.join(tmp, "ends.json"), "w") as out:
            for e in ends:
                json.dump({"what": e["e"]["what"], "side": e["side"], "pids": e["pids"],
                           "tuple": e["tuple"], "short": e["short"], "vedetta": e["vedetta"],
                           "vedetta_pid": e["vedetta_pid"], "nethogs": e["nethogs"]}, out)
                out.write("\n")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    report = err.strip().splitlines()
    return {"ends": ends, "missing": missing, "bytes": bytes_all, "bytes_short": bytes_short,
            "lived": lived, "flows": len({e["flow"] for e in ends}),
            "vedetta_report": [l for l in report if l.startswith("attribution:")]}


def table(r):
    ends = r["ends"]
    rows = [("all local ends (pid and exe)", ends),
            ("client ends", [e for e in ends if e["side"] == "client"]),
            ("server ends", [e for e in ends if e["side"] == "server"]),
            (f"ends of processes that lived < {SHORT_MS} ms", [e for e in ends if e["short"]])]
    flows = sorted({e["flow"] for e in ends})
    both = {tool: sum(all(e[tool] for e in ends if e["flow"] == i) for i in flows)
            for tool in ("vedetta", "nethogs")}
    out = ["| what | count | vedetta right | nethogs right |", "|---|---:|---:|---:|"]
    for label, sel in rows:
        v = sum(e["vedetta"] for e in sel)
        n = sum(e["nethogs"] for e in sel)
        out.append(f"| {label} | {len(sel)} | {v} ({pct(v, len(sel))}) | {n} ({pct(n, len(sel))}) |")
        if sel is ends:  # a wrong exe with the right pid: the process seen before its exec
            p = sum(e["vedetta_pid"] for e in sel)
            out.append(f"| all local ends, pid only | {len(sel)} | {p} ({pct(p, len(sel))}) | "
                       f"{n} ({pct(n, len(sel))}) |")
    out.append(f"| flows with every local end right | {len(flows)} | {both['vedetta']} "
               f"({pct(both['vedetta'], len(flows))}) | {both['nethogs']} "
               f"({pct(both['nethogs'], len(flows))}) |")
    for label, (v, n, t) in (("bytes (frame bytes of all flows)", r["bytes"]),
                             (f"bytes of processes that lived < {SHORT_MS} ms", r["bytes_short"])):
        out.append(f"| {label} | {t} | {pct(v, t)} | {pct(n, t)} |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("vedetta")
    ap.add_argument("--short-lived", type=int, default=50,
                    help="bash TCP clients and as many bash UDP clients (default 50)")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--keep", metavar="DIR",
                    help="keep flows.json, nethogs.txt and ends.json (every verdict) in DIR/runN")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("needs root (packet capture, BPF, network namespaces)")
    if not shutil.which("nethogs"):
        sys.exit("nethogs not found: apt-get install nethogs (scripts/install-deps.sh)")
    version = subprocess.run(["nethogs", "-V"], capture_output=True, text=True).stdout.strip()
    print(f"nethogs{version.split('version', 1)[-1]}; load average before: "
          f"{open('/proc/loadavg').read().split()[0]}", flush=True)
    for run in range(1, a.runs + 1):
        r = one_run(a.vedetta, a.short_lived, a.keep and os.path.join(a.keep, f"run{run}"))
        lived = r["lived"]
        print(f"\n### Run {run}: {r['flows']} flows, {len(r['ends'])} local ends; "
              f"short-lived bash clients lived {min(lived):.1f} to {max(lived):.1f} ms "
              f"(median {sorted(lived)[len(lived) // 2]:.1f}; spawn to reaped), "
              f"load average after {open('/proc/loadavg').read().split()[0]}\n", flush=True)
        if r["missing"]:
            print(f"flows vedetta did not export (left out of the counts): {r['missing']}\n")
        print(table(r))
        for l in r["vedetta_report"]:
            print(f"\nvedetta's exit report: {l}")
        wrong = [f"{e['e']['what']} ({e['side']})" for e in r["ends"] if not e["vedetta"]]
        if wrong:
            print(f"\nvedetta wrong: {', '.join(wrong)}")
        kinds = {}
        for e in r["ends"]:
            if not e["nethogs"]:
                k = e["e"]["what"].split(" #")[0] + f" ({e['side']})"
                kinds[k] = kinds.get(k, 0) + 1
        print("\nnethogs missed: " + ", ".join(f"{k} x{n}" if n > 1 else k
                                               for k, n in sorted(kinds.items())), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
