#!/usr/bin/env bash
# A short, deterministic libFuzzer run of one ZeroMQ codec fuzzer (ctest
# "fuzz.wire_*"). Seeds: ntop's 2014 flow (JSON and nDPI TLV) from the
# shared fixtures, read only, and for the message fuzzer those payloads
# behind every header layout, plain and zlib-compressed, built here. The
# fuzzer writes new inputs into a temporary directory, listed first; crash
# inputs go to ARTIFACTS.
#
#   run_wire_fuzz.sh FUZZER json|tlv|message FIXTURES_DIR ARTIFACTS RUNS SEED
set -euo pipefail
fuzzer=$1 kind=$2 fixtures=$3 artifacts=$4 runs=$5 seed=$6

work=$(mktemp -d "${TMPDIR:-/tmp}/vedetta-wire-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/seeds" "$artifacts"

python3 - "$kind" "$fixtures" "$work/seeds" <<'PY'
import os, struct, sys, zlib
kind, fixtures, seeds = sys.argv[1:]
def fixture(name):
    path = os.path.join(fixtures, name)
    return open(path, "rb").read() if os.path.exists(path) else None
json_flow, tlv_flow = fixture("ntop-2014-flow.json"), fixture("ntop-2014-flow.tlv")
def write(name, data):
    open(os.path.join(seeds, name), "wb").write(data)
if kind == "json":
    if json_flow: write("ntop-2014.json", json_flow); write("array.json", b"[" + json_flow + b"," + json_flow + b"]")
    write("names.json", b'{"IPV4_SRC_ADDR":"10.0.0.1","35632.118":"7.91","X":[1,{"a":null}],"r":-1.5e3,"b":true}')
elif kind == "tlv":
    if tlv_flow: write("ntop-2014.tlv", tlv_flow); write("two.tlv", tlv_flow + tlv_flow[2:])
    write("blocks.tlv", bytes([1, 1, 0x0c, 0, 1, 98, 0xb2, 0, 1, 97, 2, 0x0d, 0x2a, 1, 0, 0, 0xc0, 0x3f, 0x29, 1]) + bytes(8) + bytes([1]))
else:
    def header(size, topic, tlv, compressed, length):
        t = topic.encode()
        if size == 40: return t.ljust(32, b"\0") + struct.pack("<II", 3 if tlv else 2, length)
        if size == 24: return t.ljust(16, b"\0") + struct.pack("<BBH", 3 if tlv else 2, 7, length & 0xffff) + struct.pack(">I", 1)
        if size == 28: return t.ljust(16, b"\0") + struct.pack("<BxH", 3 if tlv else 2, length & 0xffff) + struct.pack(">I", 1) + struct.pack("<I", 7)
        flags = (2 if tlv else 0) | (4 if compressed else 0)
        return t.ljust(16, b"\0") + struct.pack("<BBxxII", 4, flags, length, length) + struct.pack(">II", 1, 7)
    for size in (40, 24, 28, 36):
        for tlv, body in ((False, json_flow), (True, tlv_flow)):
            if body is None: continue
            for compressed in (False, True):
                payload = body
                if compressed:
                    payload = zlib.compress(body) if size == 36 else b"\0" + zlib.compress(body)
                frame1 = header(size, "flow", tlv, compressed, len(payload))
                write(f"flow-{size}-{'tlv' if tlv else 'json'}-{int(compressed)}", bytes([len(frame1)]) + frame1 + payload)
    event = b'{"bytes":1,"probe":{"uuid":"x"}}'
    frame1 = header(36, "event", False, False, len(event))
    write("event-36", bytes([len(frame1)]) + frame1 + event)
PY
echo "run_wire_fuzz: $(ls "$work/seeds" | wc -l) seeds"

start=$(date +%s)
"$fuzzer" -seed="$seed" -runs="$runs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$artifacts/" "$work/corpus" "$work/seeds"
echo "run_wire_fuzz: $runs runs in $(( $(date +%s) - start )) s"
