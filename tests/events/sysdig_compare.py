#!/usr/bin/env python3
"""Compares `vedetta events -r FILE` with Debian's `sysdig -r FILE`, line by line,
for every .scap file of the corpus. Prints a table per file; fails on any
difference not listed (with its count) in sysdig_known_differences.txt.
With --rewrite it checks the writer instead: each capture copied by
`vedetta events -r FILE -w COPY` (gzip with -z for every other file) must
print, in `sysdig -r COPY`, exactly what `sysdig -r FILE` prints.
Exit 77 (skip) when sysdig is missing, unless CI=true."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile


def load_known(path):
    """Known differences: 'FILE COUNT CATEGORY' lines; categories explained in '# category:' lines."""
    known, categories = {}, {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if line.startswith("# category:"):
                name, _, reason = line[len("# category:"):].strip().partition(" ")
                categories[name] = reason.strip()
                continue
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) != 3 or not parts[1].isdigit():
                sys.exit(f"{path}:{n}: expected 'FILE COUNT CATEGORY', got: {line}")
            known[parts[0]] = (int(parts[1]), parts[2])
    for name, (_, cat) in known.items():
        if cat not in categories:
            sys.exit(f"{path}: {name}: category '{cat}' has no '# category: {cat} REASON' line")
    return known, categories


def run(cmd):
    env = dict(os.environ, TZ="UTC", LC_ALL="C")
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=600)
    lines = p.stdout.decode("utf-8", "surrogateescape").split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line, it does not start one
    return p.returncode, lines, p.stderr.decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vedetta", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--known", required=True)
    ap.add_argument("--sysdig", default="sysdig")
    ap.add_argument("--generator", help="make_synthetic_scap.py: also compare its captures")
    ap.add_argument("--all-events", help="make_all_events_scap.py: also compare its captures")
    ap.add_argument("--spec", help="the event table spec make_all_events_scap.py reads")
    ap.add_argument("--seeds", default="1,2,3", help="seeds of the all-events captures")
    ap.add_argument("--show", type=int, default=5, help="differing lines shown per file")
    ap.add_argument("--variant", action="append", default=[], metavar="NAME=JSON_ARGS",
                    help="also compare with these extra arguments (a JSON list) given to both; "
                         "known differences of a variant are listed as FILE@NAME")
    ap.add_argument("--rewrite", action="store_true",
                    help="compare sysdig on each capture with sysdig on vedetta's -w copy of it")
    a = ap.parse_args()

    sysdig = shutil.which(a.sysdig)
    if not sysdig:
        msg = f"sysdig not found ({a.sysdig}); install Debian's sysdig package"
        if os.environ.get("CI") == "true":
            print("FAIL: " + msg + " (CI=true: the comparison must run)")
            return 1
        print("SKIP: " + msg)
        return 77
    if not os.path.isdir(a.corpus):
        print(f"SKIP: no corpus at {a.corpus}")
        return 1 if os.environ.get("CI") == "true" else 77

    known, categories = load_known(a.known)
    paths = {f: os.path.join(a.corpus, f) for f in sorted(os.listdir(a.corpus)) if f.endswith(".scap")}
    tmp = tempfile.TemporaryDirectory()
    generated = []
    if a.generator:
        for name, extra in [("synthetic.scap", []), ("synthetic_v1.scap", ["--v1"])]:
            out = os.path.join(tmp.name, name)
            subprocess.run([sys.executable, a.generator] + extra + [out], check=True)
            paths[name] = out
            generated.append(name)
    if a.all_events:
        for seed in a.seeds.split(","):
            name = f"all_events_{seed}.scap"
            out = os.path.join(tmp.name, name)
            subprocess.run([sys.executable, a.all_events, a.spec, out, seed], check=True)
            paths[name] = out
            generated.append(name)
    variants = [("", [])]
    for v in a.variant:
        name, _, args = v.partition("=")
        variants.append((name, json.loads(args)))
    # Variants run on the corpus (real captures); the generated captures
    # hold random values that only the default line is meant for.
    corpus = set(paths) - set(generated)
    files = [(f"{name}@{v}" if v else name, name, extra) for name in paths for v, extra in variants
             if not v or name in corpus]
    failed = []
    print(f"{'file':36} {'sysdig':>7} {'copy' if a.rewrite else 'vedetta':>7} {'equal':>7} "
          f"{'differ':>7} {'allowed':>7}")
    for k, (name, file, extra) in enumerate(files):
        path = paths[file]
        src, sout, serr = run([sysdig, "-r", path] + extra)
        if a.rewrite:
            copy = os.path.join(tmp.name, f"copy_{k}.scap" + (".gz" if k % 2 else ""))
            vrc, _, verr = run([a.vedetta, "events", "-r", path, "-w", copy] + (["-z"] if k % 2 else []))
            if vrc == 0:
                vrc, vout, verr = run([sysdig, "-r", copy] + extra)
                verr = "sysdig on the copy: " + verr
            else:
                vout = []
        else:
            vrc, vout, verr = run([a.vedetta, "events", "-r", path] + extra)
        if src != 0:
            print(f"{name}: sysdig failed ({src}): {serr.strip()[:200]}")
        if vrc != 0:
            failed.append(f"{name}: vedetta exited {vrc}: {verr.strip()[:200]}")
        n = max(len(sout), len(vout))
        sout += [None] * (n - len(sout))
        vout += [None] * (n - len(vout))
        diffs = [(i, s, v) for i, (s, v) in enumerate(zip(sout, vout)) if s != v]
        equal = n - len(diffs)
        allowed, cat = (0, "") if a.rewrite else known.get(name, (0, ""))
        slines = sum(1 for s in sout if s is not None)
        vlines = sum(1 for v in vout if v is not None)
        print(f"{name:36} {slines:>7} {vlines:>7} {equal:>7} {len(diffs):>7} {allowed:>7}"
              + (f"  [{cat}]" if cat else ""))
        if len(diffs) > allowed:
            failed.append(f"{name}: {len(diffs)} differing lines, {allowed} allowed")
            for i, s, v in diffs[:a.show]:
                print(f"  line {i + 1}:\n    sysdig : {s}\n    vedetta: {v}")
        elif len(diffs) < allowed:
            print(f"  note: fewer differences than listed ({len(diffs)} < {allowed}): "
                  f"lower the count in {os.path.basename(a.known)}")
    for name in ([] if a.rewrite else known):
        if name not in [f[0] for f in files]:
            print(f"note: {name} is listed in the known differences but not in the corpus")
    if failed:
        print("\nFAILED:\n  " + "\n  ".join(failed))
        return 1
    if a.rewrite:
        print(f"\nOK: sysdig reads the same from vedetta's copies of all {len(files)} files")
        return 0
    print(f"\nOK: {len(files)} comparisons (files x variants) match sysdig" +
          (f" (known differences: {', '.join(f'{k}: {v}' for k, v in categories.items())})"
           if any(known.values()) else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
