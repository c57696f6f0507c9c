#!/usr/bin/env python3
"""Compares `vedetta events -r FILE` with Debian's `sysdig -r FILE`, line by line,
for every .scap file of the corpus. Prints a table per file; fails on any
difference not listed (with its count) in sysdig_known_differences.txt.
--variant NAME=JSON_ARGS also compares each corpus capture with extra
arguments given to both (a filter, -p, -j); its differences are listed as
FILE@NAME. With --rewrite it checks the writer instead: each capture copied
by `vedetta events -r FILE -w COPY` (gzip with -z for every other file) must
print, in `sysdig -r COPY`, exactly what `sysdig -r FILE` prints.
Exit 77 (skip) when sysdig is missing, unless CI=true."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile


def load_known(path, key_words=1):
    """Known differences: 'KEY COUNT CATEGORY' lines, KEY being `key_words` words
    (the file name here); categories explained in '# category:' lines."""
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
            if len(parts) != key_words + 2 or not parts[-2].isdigit():
                sys.exit(f"{path}:{n}: expected {key_words} word(s), COUNT, CATEGORY; got: {line}")
            known[" ".join(parts[:-2])] = (int(parts[-2]), parts[-1])
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


def line_differences(sout, vout):
    """(index, sysdig line, vedetta line) where they differ, None past a list's end."""
    n = max(len(sout), len(vout))
    sout = sout + [None] * (n - len(sout))
    vout = vout + [None] * (n - len(vout))
    return [(i, s, v) for i, (s, v) in enumerate(zip(sout, vout)) if s != v]


def judge(key, diffs, allowed, failed, show, known_path):
    """A failure (with the first `show` differences) when more lines differ
    than allowed; a note when fewer do."""
    if len(diffs) > allowed:
        failed.append(f"{key}: {len(diffs)} differing lines, {allowed} allowed")
        for i, s, v in diffs[:show]:
            print(f"  line {i + 1}:\n    sysdig : {s}\n    vedetta: {v}")
    elif len(diffs) < allowed:
        print(f"  note: fewer differences than listed ({len(diffs)} < {allowed}): "
              f"lower the count in {os.path.basename(known_path)}")


def summary(failed, ok_text, known, categories):
    """Prints the failures or the OK line; the exit code."""
    if failed:
        print("\nFAILED:\n  " + "\n  ".join(failed))
        return 1
    print(f"\nOK: {ok_text}" +
          (f" (known differences: {', '.join(f'{k}: {v}' for k, v in categories.items())})"
           if any(known.values()) else ""))
    return 0


def find_sysdig_and_corpus(name, corpus):
    """(sysdig's path, None), or (None, exit code) when sysdig or the corpus is
    missing: 77 (skip), 1 with CI=true."""
    sysdig = shutil.which(name)
    if not sysdig:
        msg = f"sysdig not found ({name}); install Debian's sysdig package"
        if os.environ.get("CI") == "true":
            print("FAIL: " + msg + " (CI=true: the comparison must run)")
            return None, 1
        print("SKIP: " + msg)
        return None, 77
    if not os.path.isdir(corpus):
        print(f"SKIP: no corpus at {corpus}")
        return None, 1 if os.environ.get("CI") == "true" else 77
    return sysdig, None


def common_arguments(ap):
    """The options both comparisons take."""
    ap.add_argument("--vedetta", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--known", required=True)
    ap.add_argument("--sysdig", default="sysdig")
    ap.add_argument("--generator", help="make_synthetic_scap.py: also compare its captures")
    ap.add_argument("--all-events", help="make_all_events_scap.py: also compare its captures")
    ap.add_argument("--spec", help="the event table spec make_all_events_scap.py reads")
    ap.add_argument("--seeds", default="1,2,3", help="seeds of the all-events captures")
    ap.add_argument("--show", type=int, default=5, help="differing lines shown per comparison")


def capture_paths(a, tmpdir):
    """name -> path: the corpus's .scap files, then the synthetic and the
    all-events captures the arguments ask for (written to tmpdir; their names
    are also in paths.generated)."""
    paths = {f: os.path.join(a.corpus, f) for f in sorted(os.listdir(a.corpus)) if f.endswith(".scap")}
    corpus = set(paths)
    if a.generator:
        for name, extra in [("synthetic.scap", []), ("synthetic_v1.scap", ["--v1"])]:
            paths[name] = os.path.join(tmpdir, name)
            subprocess.run([sys.executable, a.generator] + extra + [paths[name]], check=True)
    if a.all_events:
        for seed in a.seeds.split(","):
            name = f"all_events_{seed}.scap"
            paths[name] = os.path.join(tmpdir, name)
            subprocess.run([sys.executable, a.all_events, a.spec, paths[name], seed], check=True)
    return paths, corpus


def main():
    ap = argparse.ArgumentParser()
    common_arguments(ap)
    ap.add_argument("--variant", action="append", default=[], metavar="NAME=JSON_ARGS",
                    help="also compare with these extra arguments (a JSON list) given to both; "
                         "known differences of a variant are listed as FILE@NAME")
    ap.add_argument("--rewrite", action="store_true",
                    help="compare sysdig on each capture with sysdig on vedetta's -w copy of it")
    a = ap.parse_args()

    sysdig, missing = find_sysdig_and_corpus(a.sysdig, a.corpus)
    if not sysdig:
        return missing

    known, categories = load_known(a.known)
    if a.rewrite:
        known = {}
    tmp = tempfile.TemporaryDirectory()
    paths, corpus = capture_paths(a, tmp.name)
    variants = [("", [])]
    for v in a.variant:
        name, _, args = v.partition("=")
        variants.append((name, json.loads(args)))
    # Variants run on the corpus (real captures); the generated captures
    # hold random values that only the default line is meant for.
    runs = [(f"{name}@{v}" if v else name, name, extra) for name in paths for v, extra in variants
            if not v or name in corpus]
    failed = []
    print(f"{'file':36} {'sysdig':>7} {'copy' if a.rewrite else 'vedetta':>7} {'equal':>7} "
          f"{'differ':>7} {'allowed':>7}")
    for k, (key, name, extra) in enumerate(runs):
        path = paths[name]
        src, sout, serr = run([sysdig, "-r", path] + extra)
        if a.rewrite:
            copy = os.path.join(tmp.name, f"copy_{k}.scap" + (".gz" if k % 2 else ""))
            vrc, _, verr = run([a.vedetta, "events", "-r", path, "-w", copy] + (["-z"] if k % 2 else []))
            vout = []
            if vrc == 0:
                vrc, vout, verr = run([sysdig, "-r", copy] + extra)
                verr = "sysdig on the copy: " + verr
        else:
            vrc, vout, verr = run([a.vedetta, "events", "-r", path] + extra)
        if src != 0:
            print(f"{key}: sysdig failed ({src}): {serr.strip()[:200]}")
        if vrc != 0:
            failed.append(f"{key}: vedetta exited {vrc}: {verr.strip()[:200]}")
        diffs = line_differences(sout, vout)
        equal = max(len(sout), len(vout)) - len(diffs)
        allowed, cat = known.get(key, (0, ""))
        print(f"{key:36} {len(sout):>7} {len(vout):>7} {equal:>7} {len(diffs):>7} {allowed:>7}"
              + (f"  [{cat}]" if cat else ""))
        judge(key, diffs, allowed, failed, a.show, a.known)
    for key in known:
        if key not in [r[0] for r in runs]:
            print(f"note: {key} is listed in the known differences but not compared")
    if a.rewrite:
        return summary(failed, f"sysdig reads the same from vedetta's copies of all {len(runs)} files",
                       known, categories)
    return summary(failed, f"{len(runs)} comparisons (files x variants) match sysdig", known,
                   categories)


if __name__ == "__main__":
    sys.exit(main())
