#!/usr/bin/env bash
# Throughput and memory of vedetta against its peers, on the same inputs
# (made by bench/make_inputs.sh in $BENCH_DIR, default /tmp/vedetta-bench):
#   - with DPI:  vedetta           vs  ndpiReader -q (Debian's, same nDPI 4.2)
#   - no DPI:    vedetta --no-dpi  vs  softflowd, nfpcapd
#   - memory:    the 1 M-flow capture with every flow kept to the end, bytes
#                per flow, and --max-flows 100000 to show the cap holds.
# Prints markdown tables (wall time best/median of $REPS runs, packets/s,
# flows/s, CPU time and max RSS from /usr/bin/time, ratios vedetta/peer;
# runs of the cases are interleaved). Not a test:
# it never fails on a missed target, it reports it.
#
# Environment: BENCH_DIR, REPS (runs per case on big.pcap, default 5),
#   REPS_1M (runs per case on flows1m.pcap, default 1), BUILD=0 to skip the
#   build, VEDETTA=path to use another binary, PORT (softflowd's NetFlow
#   destination on 127.0.0.1; nothing listens there, datagrams are dropped).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
export BENCH_DIR="${BENCH_DIR:-/tmp/vedetta-bench}"
REPS="${REPS:-5}"
REPS_1M="${REPS_1M:-1}"
BUILD="${BUILD:-1}"
BUILD_DIR="${BUILD_DIR:-$REPO/build-bench}"
VEDETTA="${VEDETTA:-$BUILD_DIR/vedetta}"
PORT="${PORT:-39555}"
OUT="$BENCH_DIR/out"

for tool in ndpiReader softflowd nfpcapd nfdump /usr/bin/time python3 g++ pkg-config; do
  command -v "$tool" >/dev/null || { echo "flow_probe: $tool missing: run scripts/install-deps.sh" >&2; exit 2; }
done

if [ "$BUILD" = 1 ]; then
  # Tests off: only the binary is needed, and a test tree being edited must
  # not stop a benchmark.
  cmake -S "$REPO" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVEDETTA_TESTS=OFF >/dev/null
  ninja -C "$BUILD_DIR" -j2 vedetta >/dev/null
fi
[ -x "$VEDETTA" ] || { echo "flow_probe: no binary at $VEDETTA" >&2; exit 2; }

[ -s "$BENCH_DIR/big.pcap" ] && [ -s "$BENCH_DIR/flows1m.pcap" ] || bash "$HERE/make_inputs.sh"
BIG="$BENCH_DIR/big.pcap"
GEN="$BENCH_DIR/flows1m.pcap"
mkdir -p "$OUT"
# Page cache warm for everyone: the first tool must not pay the disk.
cat "$BIG" "$GEN" >/dev/null

npackets() { capinfos -T -r -c -M "$1" | cut -f2; }
declare -A PKTS
PKTS[$BIG]=$(npackets "$BIG")
PKTS[$GEN]=$(npackets "$GEN")

# Cases: a label, an input, where stdout goes, how to count the tool's flows,
# the command. Runs are interleaved (round 1 of every case, then round 2...)
# so that load from other work on the machine hits every tool alike.
declare -A C_LABEL C_INPUT C_STDOUT C_COUNT C_CMD C_WALLS C_CPUS C_RSS C_FLOWS
declare -A C_BEST C_MED C_CPU
CASES=()

add_case() {  # add_case ID LABEL INPUT STDOUT COUNTFN -- COMMAND...
  local id="$1"
  C_LABEL[$id]="$2"; C_INPUT[$id]="$3"; C_STDOUT[$id]="$4"; C_COUNT[$id]="$5"
  shift 6
  C_CMD[$id]="$(printf '%q ' "$@")"
  C_WALLS[$id]=""; C_CPUS[$id]=""; C_RSS[$id]=0
  CASES+=("$id")
}

run_once() {  # wall time from bash's clock; CPU (user+sys) and max RSS from /usr/bin/time
  local id="$1" t0 t1 rss u s
  [ "${C_STDOUT[$id]}" = /dev/null ] || rm -f "${C_STDOUT[$id]}"
  case "$id" in nfp_*) rm -rf "$OUT/$id.dir"; mkdir -p "$OUT/$id.dir";; esac
  t0=$EPOCHREALTIME
  eval "/usr/bin/time -f '%M %U %S' -o '$OUT/$id.time' ${C_CMD[$id]}" >"${C_STDOUT[$id]}" 2>"$OUT/$id.err" || {
    echo "flow_probe: ${C_LABEL[$id]} failed (exit $?), see $OUT/$id.err" >&2; tail -3 "$OUT/$id.err" >&2; }
  t1=$EPOCHREALTIME
  read -r rss u s < <(tail -1 "$OUT/$id.time")
  C_WALLS[$id]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') "
  C_CPUS[$id]+="$(awk -v a="$u" -v b="$s" 'BEGIN { printf "%.2f", a + b }') "
  [ "$rss" -gt "${C_RSS[$id]}" ] && C_RSS[$id]=$rss
  return 0
}

best() { printf '%s\n' $1 | sort -g | head -1; }
median() { printf '%s\n' $1 | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

run_rounds() {  # run_rounds REPS ID...
  local reps="$1" r id
  shift
  for ((r = 1; r <= reps; r++)); do
    echo "flow_probe: round $r/$reps" >&2
    for id in "$@"; do run_once "$id"; done
  done
  for id in "$@"; do
    C_BEST[$id]=$(best "${C_WALLS[$id]}")
    C_MED[$id]=$(median "${C_WALLS[$id]}")
    C_CPU[$id]=$(best "${C_CPUS[$id]}")
    C_FLOWS[$id]=$(${C_COUNT[$id]} "$id")
    printf '  %-38s %-13s wall %s s; CPU %s s; max RSS %d MB; %s flows\n' "${C_LABEL[$id]}" \
      "$(basename "${C_INPUT[$id]}")" "${C_WALLS[$id]% }" "${C_CPUS[$id]% }" "$((C_RSS[$id] / 1024))" "${C_FLOWS[$id]}" >&2
  done
}

# Flow counts, each tool its own way (they differ by definition: see docs/benchmarks.md).
count_vedetta() { sed -n 's/.* \([0-9]*\) flows created.*/\1/p' "$OUT/$1.err"; }
count_softflowd() { sed -n 's/^Flows exported: \([0-9]*\) .*/\1/p' "${C_STDOUT[$1]}"; }
count_nfpcapd() { nfdump -R "$OUT/$1.dir" -I | sed -n 's/^Flows: //p'; }
count_ndpireader() {  # -q hides every figure: one more, untimed run without it
  ndpiReader -i "${C_INPUT[$1]}" 2>/dev/null | sed -n 's/^[[:space:]]*Unique flows:[[:space:]]*\([0-9]*\).*/\1/p'
}

V_ARGS=(probe -q --keep-root -d 0 -t 0 --tcp-close-timeout 0)
LEAN=(--json - -T %FLOW_ID)  # one field per flow: the export costs ~nothing (ndpiReader -q exports nothing)

bench_input() {  # bench_input TAG INPUT REPS
  local tag="$1" input="$2" reps="$3"
  echo "flow_probe: $(basename "$input"), ${PKTS[$input]} packets, $reps round(s)" >&2
  add_case "v_dpi_json_$tag" "vedetta, JSON (all fields) to a file" "$input" "$OUT/v_dpi_json_$tag.json" count_vedetta -- \
    "$VEDETTA" "${V_ARGS[@]}" -i "$input" --json -
  add_case "v_dpi_lean_$tag" "vedetta, lean export (-T %FLOW_ID)" "$input" /dev/null count_vedetta -- \
    "$VEDETTA" "${V_ARGS[@]}" -i "$input" "${LEAN[@]}"
  add_case "ndpi_$tag" "ndpiReader -q" "$input" /dev/null count_ndpireader -- \
    ndpiReader -i "$input" -q
  add_case "v_nodpi_json_$tag" "vedetta --no-dpi, JSON to a file" "$input" "$OUT/v_nodpi_json_$tag.json" count_vedetta -- \
    "$VEDETTA" "${V_ARGS[@]}" --no-dpi -i "$input" --json -
  add_case "v_nodpi_lean_$tag" "vedetta --no-dpi, lean export" "$input" /dev/null count_vedetta -- \
    "$VEDETTA" "${V_ARGS[@]}" --no-dpi -i "$input" "${LEAN[@]}"
  add_case "sfd_$tag" "softflowd (default -m 8192)" "$input" "$OUT/sfd_$tag.out" count_softflowd -- \
    softflowd -d -a -r "$input" -n "127.0.0.1:$PORT" -v 9
  add_case "sfdm_$tag" "softflowd -m 2000000" "$input" "$OUT/sfdm_$tag.out" count_softflowd -- \
    softflowd -d -a -r "$input" -n "127.0.0.1:$PORT" -v 9 -m 2000000
  add_case "nfp_$tag" "nfpcapd" "$input" /dev/null count_nfpcapd -- \
    nfpcapd -r "$input" -w "$OUT/nfp_$tag.dir" -t 86400
  run_rounds "$reps" v_dpi_json_$tag v_dpi_lean_$tag ndpi_$tag v_nodpi_json_$tag v_nodpi_lean_$tag \
    sfd_$tag sfdm_$tag nfp_$tag
}

table() {  # the cases of one input
  local tag="$1"
  echo
  echo "| tool | wall best (s) | wall median (s) | CPU best (s) | packets/s (best) | flows | flows/s (best) | max RSS (MB) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  local id
  for id in "${CASES[@]}"; do
    [[ "$id" == *_"$tag" ]] || continue
    awk -v l="${C_LABEL[$id]}" -v b="${C_BEST[$id]}" -v m="${C_MED[$id]}" -v c="${C_CPU[$id]}" \
        -v p="${PKTS[${C_INPUT[$id]}]}" -v f="${C_FLOWS[$id]}" -v r="${C_RSS[$id]}" 'BEGIN {
      fs = (f ~ /^[0-9]+$/) ? sprintf("%.0f k", f / b / 1000) : "-";
      printf "| %s | %.2f | %.2f | %.2f | %.2f M | %s | %s | %.0f |\n", l, b, m, c, p / b / 1e6, f, fs, r / 1024 }'
  done
}

ratio() {  # ratio LABEL ID_VEDETTA ID_PEER [TARGET]: packets/s (best, median wall; CPU) and RSS ratios
  awk -v l="$1" -v a="${C_BEST[$2]}" -v b="${C_BEST[$3]}" -v am="${C_MED[$2]}" -v bm="${C_MED[$3]}" \
      -v ac="${C_CPU[$2]}" -v bc="${C_CPU[$3]}" -v ra="${C_RSS[$2]}" -v rb="${C_RSS[$3]}" -v t="${4:-}" 'BEGIN {
    x = b / a; xm = bm / am; xc = (ac > 0) ? bc / ac : 0;
    s = (t == "") ? "" : (x >= t ? sprintf(" (target >= %.1fx: met)", t) : sprintf(" (target >= %.1fx: MISSED)", t));
    printf "| %s | %.2fx%s | %.2fx | %.2fx | %.2fx |\n", l, x, s, xm, xc, ra / rb }'
}

ratios() {
  local tag="$1"
  echo
  echo "| vedetta / peer | packets/s (best wall) | packets/s (median wall) | per CPU second | max RSS |"
  echo "|---|---:|---:|---:|---:|"
  ratio "vedetta JSON / ndpiReader" "v_dpi_json_$tag" "ndpi_$tag" 1.5
  ratio "vedetta lean / ndpiReader" "v_dpi_lean_$tag" "ndpi_$tag" 1.5
  ratio "vedetta --no-dpi JSON / softflowd" "v_nodpi_json_$tag" "sfd_$tag"
  ratio "vedetta --no-dpi lean / softflowd" "v_nodpi_lean_$tag" "sfd_$tag"
  ratio "vedetta --no-dpi lean / softflowd -m 2000000" "v_nodpi_lean_$tag" "sfdm_$tag"
  ratio "vedetta --no-dpi JSON / nfpcapd" "v_nodpi_json_$tag" "nfp_$tag"
  ratio "vedetta --no-dpi lean / nfpcapd" "v_nodpi_lean_$tag" "nfp_$tag"
}

# ---------------------------------------------------------------- throughput
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
bench_input big "$BIG" "$REPS"
bench_input 1m "$GEN" "$REPS_1M"

# ---------------------------------------------------------------- memory
# Baseline: the same binary on the first 1000 packets of the 1 M-flow capture
# (~390 flows): what the process costs with (almost) no flows.
editcap -r "$GEN" "$OUT/tiny.pcap" 1-1000 2>/dev/null
PKTS[$OUT/tiny.pcap]=1000
echo "flow_probe: memory runs" >&2
add_case base_nodpi_mem "vedetta --no-dpi, 1000 packets" "$OUT/tiny.pcap" /dev/null count_vedetta -- \
  "$VEDETTA" "${V_ARGS[@]}" --no-dpi -i "$OUT/tiny.pcap" "${LEAN[@]}"
add_case base_dpi_mem "vedetta, 1000 packets" "$OUT/tiny.pcap" /dev/null count_vedetta -- \
  "$VEDETTA" "${V_ARGS[@]}" -i "$OUT/tiny.pcap" "${LEAN[@]}"
add_case cap_nodpi_mem "vedetta --no-dpi --max-flows 100000" "$GEN" /dev/null count_vedetta -- \
  "$VEDETTA" "${V_ARGS[@]}" --no-dpi --max-flows 100000 -i "$GEN" "${LEAN[@]}"
add_case cap_dpi_mem "vedetta --max-flows 100000" "$GEN" /dev/null count_vedetta -- \
  "$VEDETTA" "${V_ARGS[@]}" --max-flows 100000 -i "$GEN" "${LEAN[@]}"
run_rounds 1 base_nodpi_mem base_dpi_mem cap_nodpi_mem cap_dpi_mem

# sizeof(Flow) and nDPI's per-flow state, from the sources.
cat >"$OUT/sizes.cpp" <<'EOF'
#include <cstdio>
#include "flow/flow.h"
extern "C" {
#include <ndpi/ndpi_api.h>
}
int main() {
  using namespace vedetta;
  std::printf("%zu %zu %zu %zu %zu %u\n", sizeof(Flow), sizeof(FlowKey), sizeof(DirectionCounters),
              sizeof(TcpHealth), sizeof(DpiResult), ndpi_detection_get_sizeof_ndpi_flow_struct());
}
EOF
# shellcheck disable=SC2046
g++ -std=c++20 -O1 -I"$REPO/src" $(pkg-config --cflags libndpi) "$OUT/sizes.cpp" -o "$OUT/sizes" $(pkg-config --libs libndpi)
read -r SZ_FLOW SZ_KEY SZ_DIR SZ_TCP SZ_DPI SZ_NDPI < <("$OUT/sizes")

evicted() { sed -n 's/.* \([0-9]*\) evicted at the cap.*/\1/p' "$OUT/$1.err"; }
detected() { sed -n 's/.* \([0-9]*\) flows detected.*/\1/p' "$OUT/$1.err"; }

# ---------------------------------------------------------------- report
echo
echo "## Machine"
echo
echo "- $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)"
echo "- vedetta $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?') (+ work tree), RelWithDebInfo; Debian packages: $(dpkg-query -W -f='${Package} ${Version}, ' libndpi-bin softflowd nfdump 2>/dev/null | sed 's/, $//')"
echo "- load average before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg) (other work on this machine skews timings: ratios use the best runs)"
echo
echo "## big.pcap: ${PKTS[$BIG]} packets (nDPI regression captures, looped), $REPS runs each"
table big
ratios big
echo
echo "## flows1m.pcap: ${PKTS[$GEN]} packets, 1,000,000 flows, $REPS_1M run(s) each"
table 1m
ratios 1m

ev_n=$(evicted cap_nodpi_mem); ev_d=$(evicted cap_dpi_mem)
det=$(detected v_dpi_lean_1m)
awk -v sf="$SZ_FLOW" -v sk="$SZ_KEY" -v sd="$SZ_DIR" -v st="$SZ_TCP" -v sp="$SZ_DPI" -v sn="$SZ_NDPI" \
    -v b0="${C_RSS[base_nodpi_mem]}" -v b1="${C_RSS[base_dpi_mem]}" \
    -v r0="${C_RSS[v_nodpi_lean_1m]}" -v r1="${C_RSS[v_dpi_lean_1m]}" \
    -v c0="${C_RSS[cap_nodpi_mem]}" -v c1="${C_RSS[cap_dpi_mem]}" \
    -v nr="${C_RSS[ndpi_1m]}" -v nf="${C_FLOWS[ndpi_1m]}" \
    -v f="${C_FLOWS[v_nodpi_lean_1m]}" -v det="$det" -v bf="${C_FLOWS[base_nodpi_mem]}" -v e0="$ev_n" -v e1="$ev_d" 'BEGIN {
  kb = 1024; held = f - det;  # flows that keep nDPI state to the end (detection never completed)
  nalloc = int((sn + 8 + 15) / 16) * 16;  # glibc malloc chunk of one nDPI flow state
  print "";
  print "## Memory per flow (flows1m.pcap, -d 0 -t 0 --tcp-close-timeout 0: every flow kept to the end)";
  print "";
  printf "sizeof(Flow) = %d B (FlowKey %d, 2 x DirectionCounters %d, TcpHealth %d, DpiResult %d); nDPI flow state %d B (malloc chunk %d B).\n", sf, sk, sd, st, sp, sn, nalloc;
  print "";
  print "| run | max RSS (MB) | flows in memory | bytes per flow |";
  print "|---|---:|---:|---:|";
  printf "| vedetta --no-dpi, 1000-packet baseline | %.0f | %d | - |\n", b0 / kb, bf;
  printf "| vedetta --no-dpi, 1 M flows | %.0f | %d | %.0f (target <= 256: %s) |\n", r0 / kb, f, (r0 - b0) * kb / f, ((r0 - b0) * kb / f <= 256) ? "met" : "MISSED";
  printf "| vedetta with DPI, 1000-packet baseline | %.0f | %d | - |\n", b1 / kb, bf;
  printf "| vedetta with DPI, 1 M flows (%d hold nDPI state to the end) | %.0f | %d | %.0f all in; %.0f beyond nDPI state |\n", held, r1 / kb, f, (r1 - b1) * kb / f, ((r1 - b1) * kb - held * nalloc) / f;
  printf "| ndpiReader -q, 1 M flows | %.0f | %s | %.0f all in |\n", nr / kb, nf, nr * kb / 1e6;
  printf "| vedetta --no-dpi --max-flows 100000 | %.0f | <= 100000 (%s evicted) | %.0f per kept flow |\n", c0 / kb, e0, (c0 - b0) * kb / 100000;
  printf "| vedetta --max-flows 100000 | %.0f | <= 100000 (%s evicted) | %.0f per kept flow |\n", c1 / kb, e1, (c1 - b1) * kb / 100000;
}'
echo
echo "Raw outputs and stderr reports: $OUT"
