#!/usr/bin/env python3
"""Compares `vedetta events -r FILE -c CHISEL` with Debian's `sysdig -r FILE -c CHISEL`
for every .scap file of the corpus (and, as sysdig_compare.py does, the
synthetic captures: UDP, IPv6 and thread cases the corpus lacks; every event
type with random values) and every chisel vedetta has. Fails on any
difference not listed (with its count) in chisel_known_differences.txt.

Where sysdig's order is not an order (it comes from a Lua hash table), lines
are compared without it: rows of the top tables with equal bytes
(their order changes from one sysdig run to the next), and the rows of
netstat (LuaJIT's table order over thread ids). spy_port runs with the server
port of the busiest connection sysdig's topconns shows, else port 80.
Exit 77 (skip) when sysdig or the corpus is missing, unless CI=true."""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sysdig_compare import (capture_paths, common_arguments, find_sysdig_and_corpus,  # noqa: E402
                            judge, line_differences, load_known, run, summary)

CHISELS = ["topprocs_net", "topconns", "topports_server", "netstat", "iobytes_net", "spy_port"]


def sort_equal_value_runs(lines):
    """Table rows (after the header and the dashes) sorted within runs of equal bytes."""
    head, rows = lines[:2], lines[2:]
    out, run_rows = [], []
    for row in rows + [None]:
        if run_rows and (row is None or row[:20] != run_rows[0][:20]):
            out += sorted(run_rows)
            run_rows = []
        if row is not None:
            run_rows.append(row)
    return head + out


def without_order(chisel, lines):
    if chisel in ("topprocs_net", "topconns", "topports_server"):
        return sort_equal_value_runs(lines)
    if chisel == "netstat":
        return lines[:1] + sorted(lines[1:])
    return lines


def spy_port_for(sysdig, path):
    _, lines, _ = run([sysdig, "-r", path, "-c", "topconns"])
    for row in lines[2:]:
        conn = row[40:]
        if "->" in conn:
            return conn.rsplit(":", 1)[1]
    return "80"


def main():
    ap = argparse.ArgumentParser()
    common_arguments(ap)
    a = ap.parse_args()

    sysdig, missing = find_sysdig_and_corpus(a.sysdig, a.corpus)
    if not sysdig:
        return missing
    known, categories = load_known(a.known, key_words=2)
    tmp = tempfile.TemporaryDirectory()
    paths, _ = capture_paths(a, tmp.name)
    files = list(paths)
    failed, seen = [], set()
    print(f"{'file':32} {'chisel':22} {'sysdig':>7} {'vedetta':>7} {'differ':>7} {'allowed':>7}")
    for name in files:
        path = paths[name]
        for chisel in CHISELS:
            args = [chisel] + ([spy_port_for(sysdig, path)] if chisel == "spy_port" else [])
            key = f"{name} {chisel}"
            seen.add(key)
            src, sout, serr = run([sysdig, "-r", path, "-c"] + args)
            vrc, vout, verr = run([a.vedetta, "events", "-r", path, "-c"] + args)
            if src != 0:
                print(f"{key}: sysdig failed ({src}): {serr.strip()[:200]}")
            if vrc != 0:
                failed.append(f"{key}: vedetta exited {vrc}: {verr.strip()[:200]}")
            sout, vout = without_order(chisel, sout), without_order(chisel, vout)
            # repr(): spy_port lines hold color codes
            diffs = [(i, repr(s), repr(v)) for i, s, v in line_differences(sout, vout)]
            allowed, cat = known.get(key, (0, ""))
            print(f"{name:32} {' '.join(args):22} {len(sout):>7} {len(vout):>7} {len(diffs):>7} "
                  f"{allowed:>7}" + (f"  [{cat}]" if cat else ""))
            judge(key, diffs, allowed, failed, a.show, a.known)
    for key in known:
        if key not in seen:
            print(f"note: '{key}' is listed in the known differences but was not run")
    return summary(failed, f"{len(files)} files x {len(CHISELS)} chisels match sysdig", known,
                   categories)


if __name__ == "__main__":
    sys.exit(main())
