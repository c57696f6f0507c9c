#!/usr/bin/env bash
# Makes the benchmark inputs, outside the repo, in $BENCH_DIR (default /tmp/vedetta-bench):
#   big.pcap      nDPI 4.2's Ethernet regression captures, concatenated and looped
#                 to >= $BIG_PACKETS packets (default 2,000,000); each loop gets new
#                 addresses, hence new flows (see pcaptool.py loop).
#   flows1m.pcap  $GEN_FLOWS distinct generated flows (default 1,000,000): TCP
#                 handshakes and UDP query/answer pairs, ~2.7 M packets.
#   slice.pcap    the first $SLICE_PACKETS packets of big.pcap (default 300,000),
#                 for callgrind.
# Files already there are kept unless FORCE=1 (or --force).
# Needs: python3, editcap/capinfos (wireshark-common, pulled in by tshark).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/vedetta-bench}"
CORPUS="${CORPUS:-$REPO/../shared/corpus/ndpi-4.2/pcap}"
BIG_PACKETS="${BIG_PACKETS:-2000000}"
GEN_FLOWS="${GEN_FLOWS:-1000000}"
SLICE_PACKETS="${SLICE_PACKETS:-300000}"
FORCE="${FORCE:-0}"
[ "${1:-}" = "--force" ] && FORCE=1

case "$BENCH_DIR" in "$REPO"|"$REPO"/*) echo "make_inputs: BENCH_DIR must be outside the repo" >&2; exit 2;; esac
for tool in python3 editcap capinfos; do
  command -v "$tool" >/dev/null || { echo "make_inputs: $tool missing: run scripts/install-deps.sh" >&2; exit 2; }
done
[ -d "$CORPUS" ] || { echo "make_inputs: no corpus at $CORPUS (set CORPUS=)" >&2; exit 2; }
mkdir -p "$BENCH_DIR"

fresh() { [ "$FORCE" != 1 ] && [ -s "$1" ]; }
count() { capinfos -T -r -c -M "$1" | cut -f2; }

# (a) Looped regression captures.
if fresh "$BENCH_DIR/big.pcap"; then
  echo "make_inputs: keeping $BENCH_DIR/big.pcap"
else
  eth="$BENCH_DIR/eth"
  rm -rf "$eth"; mkdir -p "$eth"
  # Ethernet captures only (pcap or pcapng), each rewritten as classic
  # microsecond pcap so pcaptool.py can read it.
  n=0
  while IFS=$'\t' read -r file encap; do
    [ "$encap" = ether ] || continue
    base="$(basename "$file")"
    editcap -F pcap "$file" "$eth/${base%.*}.pcap" 2>/dev/null || { echo "make_inputs: skipping $base (editcap failed)" >&2; continue; }
    n=$((n + 1))
  done < <(capinfos -T -r -E -M "$CORPUS"/* 2>/dev/null)
  echo "make_inputs: $n Ethernet captures from $CORPUS"
  python3 "$HERE/pcaptool.py" loop --min-packets "$BIG_PACKETS" -o "$BENCH_DIR/big.pcap.tmp" "$eth"/*.pcap
  mv "$BENCH_DIR/big.pcap.tmp" "$BENCH_DIR/big.pcap"
  rm -f "$BENCH_DIR/slice.pcap"
fi

# Slice for callgrind (the first packets: loop 0, then part of loop 1).
if fresh "$BENCH_DIR/slice.pcap"; then
  echo "make_inputs: keeping $BENCH_DIR/slice.pcap"
else
  editcap -F pcap -r "$BENCH_DIR/big.pcap" "$BENCH_DIR/slice.pcap" "1-$SLICE_PACKETS"
fi

# (b) One million generated flows.
if fresh "$BENCH_DIR/flows1m.pcap"; then
  echo "make_inputs: keeping $BENCH_DIR/flows1m.pcap"
else
  python3 "$HERE/pcaptool.py" flows --flows "$GEN_FLOWS" -o "$BENCH_DIR/flows1m.pcap.tmp"
  mv "$BENCH_DIR/flows1m.pcap.tmp" "$BENCH_DIR/flows1m.pcap"
fi

for f in big.pcap flows1m.pcap slice.pcap; do
  printf 'make_inputs: %-13s %10s packets %6s MB\n' "$f" "$(count "$BENCH_DIR/$f")" \
    "$(( $(stat -c %s "$BENCH_DIR/$f") / 1000000 ))"
done
