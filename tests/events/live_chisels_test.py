#!/usr/bin/env python3
"""Live test of `vedetta events -c CHISEL` (eBPF capture summarised as sysdig's
chisels do, every second).

    live_chisels_test.py --vedetta PATH CASE      CASE: iobytes_net | topconns | spy_port

A Python child, captured with --pid, talks TCP to itself on 127.0.0.1 in one
thread: 4 rounds 0.6 s apart of 50 bytes client -> server, then 100 bytes
back. Each round reads 150 bytes and writes 150 (50 + 100 on either end).

  iobytes_net  the per-second lines add up to in:600 out:600, tot = in + out
  topconns     the per-second tables add up to 1200 bytes for the connection
               (client first), and show no other connection
  spy_port     with the server port: exactly the expected headings and data,
               the data cut at the snap length (80)

Exit 0 = pass, 1 = fail, 77 = skipped (not root, no BPF); with CI=true a
missing prerequisite fails instead of skipping.
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from live_events_test import Checker, capture_child, run_case  # noqa: E402

ROUNDS, REQUEST, REPLY = 4, 50, 100

CHILD = r'''
import json, os, socket, sys, time
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
print(json.dumps({"pid": os.getpid(), "sport": srv.getsockname()[1]}), flush=True)
sys.stdin.readline()                      # wait until vedetta captures
c = socket.socket(); c.connect(srv.getsockname()); a, _ = srv.accept()
for i in range(%d):
    c.sendall(b"a" * %d); a.recv(%d, socket.MSG_WAITALL)
    a.sendall(b"b" * %d); c.recv(%d, socket.MSG_WAITALL)
    time.sleep(0.6)
print(json.dumps({"cport": c.getsockname()[1]}), flush=True)
c.close(); a.close(); srv.close()
''' % (ROUNDS, REQUEST, REQUEST, REPLY, REPLY)


def capture(vedetta, chisel_args):
    """Runs the child under `vedetta events -c ...`; (stdout lines, stderr, child info)."""
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    info = json.loads(child.stdout.readline())  # its pid and server port, before "go"
    extra = ["-c", *[a.format(**info) for a in chisel_args]]
    # 1.5 s: a tick in the next second reports the last bytes.
    lines, err, more = capture_child(vedetta, child, extra, settle=1.5)
    info.update(more)
    return lines, err, info


def case_iobytes_net(vedetta):
    lines, _, _ = capture(vedetta, ["iobytes_net"])
    c = Checker(lines)
    rows = [re.fullmatch(r"\d\d:\d\d:\d\d in:(\d+) out:(\d+) tot:(\d+)", l) for l in lines]
    c.check(bool(rows) and all(rows), "every line reads 'HH:MM:SS in:N out:N tot:N'")
    rows = [tuple(map(int, m.groups())) for m in rows if m]
    c.check(all(i + o == t for i, o, t in rows), "tot = in + out on every line")
    total = ROUNDS * (REQUEST + REPLY)
    c.check(sum(r[0] for r in rows) == total, f"in adds up to {total}: {[r[0] for r in rows]}")
    c.check(sum(r[1] for r in rows) == total, f"out adds up to {total}: {[r[1] for r in rows]}")
    return c


def case_topconns(vedetta):
    lines, _, info = capture(vedetta, ["topconns"])
    c = Checker(lines)
    conn = f"127.0.0.1:{info['cport']}->127.0.0.1:{info['sport']}"
    headers = [l for l in lines if l.startswith("Bytes ")]
    c.check(len(headers) >= 2, f"a table every second ({len(headers)} tables)")
    c.check(all(l == "Bytes               Proto               Conn                "
                for l in headers), "sysdig's header")
    rows = [l for l in lines if not l.startswith("Bytes ") and not l.startswith("-----")]
    c.check(all(l.endswith(" " + conn) and l[20:40] == "tcp" + " " * 17 for l in rows),
            f"every row is the tcp connection {conn}")
    sizes = [re.match(r"(\d+)B ", l) for l in rows]
    c.check(all(sizes), "rows under 1 KB per second print in bytes")
    total = 2 * ROUNDS * (REQUEST + REPLY)
    got = sum(int(m.group(1)) for m in sizes if m)
    c.check(got == total, f"the rows add up to {total} bytes (got {got})")
    return c


def case_spy_port(vedetta):
    lines, _, _ = capture(vedetta, ["spy_port", "{sport}", "disable_colors"])
    shown = min(REPLY, 80)  # the live snap length
    one_round = ["------ Write %dB" % REQUEST, "a" * REQUEST, "------ Read %dB" % REQUEST,
                 "a" * REQUEST, "------ Write %dB" % REPLY, "b" * shown,
                 "------ Read %dB" % REPLY, "b" * shown]
    expected = one_round * ROUNDS + [""]
    c = Checker(lines)
    c.check(lines == expected, "the headings and data of every call on the port, in order, "
            "then the (colorless) reset line")
    return c


def main():
    return run_case({"iobytes_net": case_iobytes_net, "topconns": case_topconns,
                     "spy_port": case_spy_port})


if __name__ == "__main__":
    sys.exit(main())
