#!/usr/bin/env bash
# Where vedetta's time goes on the benchmark capture.
#   1. callgrind (instruction counts, exact and repeatable) on slice.pcap, the
#      first $SLICE_PACKETS packets of big.pcap: with DPI and full JSON export,
#      then --no-dpi. Hardware counters are not available in this VM
#      (`perf stat -e instructions` says <not supported>), hence callgrind.
#   2. perf record -e cpu-clock (sampling on the kernel's timer, which works
#      without hardware counters) on the whole big.pcap, JSON written to a
#      file: also shows the kernel's share (write(2), page faults).
# Prints the top functions of each. Inputs from make_inputs.sh.
# Environment: BENCH_DIR, BUILD=0 to skip the build, VEDETTA, TOP (rows, default 25).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
export BENCH_DIR="${BENCH_DIR:-/tmp/vedetta-bench}"
BUILD="${BUILD:-1}"
BUILD_DIR="${BUILD_DIR:-$REPO/build-bench}"
VEDETTA="${VEDETTA:-$BUILD_DIR/vedetta}"
TOP="${TOP:-25}"
OUT="$BENCH_DIR/profile"

if [ "$BUILD" = 1 ]; then
  cmake -S "$REPO" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVEDETTA_TESTS=OFF >/dev/null
  ninja -C "$BUILD_DIR" -j2 vedetta >/dev/null
fi
[ -s "$BENCH_DIR/big.pcap" ] && [ -s "$BENCH_DIR/slice.pcap" ] || bash "$HERE/make_inputs.sh"
mkdir -p "$OUT"
V_ARGS=(probe -q --keep-root -d 0 -t 0 --tcp-close-timeout 0)

# callgrind_annotate prints "Ir (pct) file:function(args) [object]"; keep the
# top rows, without argument lists and paths.
shorten() { sed -E 's/([A-Za-z0-9_>~])\(.*\)( const)?( \[|$)/\1\3/; s/ \[[^]]*$//'; }
top_functions() {  # self cost summed per function (inlined code shows up under other files)
  callgrind_annotate --auto=no "$@" 2>/dev/null | shorten | awk -v top="$TOP" '
    /^-+$/ { sep++; next }
    sep >= 4 && $1 ~ /^[0-9,]+$/ && !/PROGRAM TOTALS/ {
      v = $1; gsub(",", "", v)
      name = $0; sub(/^ *[0-9,]+ +\( *[0-9.]+%\) +/, "", name); sub(/^[^:]*:/, "", name); sub(/ \[.*$/, "", name)
      sum[name] += v; total += v
    }
    /PROGRAM TOTALS/ { t = $1; gsub(",", "", t) }
    END { for (k in sum) printf "%12.0f M  %5.1f%%  %s\n", sum[k] / 1e6, 100 * sum[k] / t, k }' |
    sort -k1,1 -g -r | head -n "$TOP"
}

# Inclusive instructions of the pipeline's stages, per packet or per flow.
stages() {  # stages CALLGRIND_FILE PACKETS FLOWS
  callgrind_annotate --inclusive=yes "$1" 2>/dev/null | shorten | awk -v pk="$2" -v fl="$3" '
    BEGIN {
      n = split("Probe::run|whole run (after start-up)|p;CaptureGroup::next|read the pcap (libpcap)|p;" \
                "Probe::process|per-packet work|p;Decoder::decode|decode|p;FlowTable::update|flow table lookup/update|p;" \
                "NdpiEngine::on_packet|nDPI (ndpi_detection_process_packet)|p;FlowTable::flush|export at the end (all flows)|f;" \
                "JsonLinesSink::render|JSON rendering|f;append_json_string|append_json_string (keys and text values)|f;" \
                "mac_text|MAC text (snprintf)|f;IpAddress::to_string|address text|f;NdpiEngine::finish|nDPI give-up and free at export|f", S, ";")
      for (i = 1; i <= n; i++) { split(S[i], x, "|"); pat[i] = x[1]; lab[i] = x[2]; unit[i] = x[3] }
    }
    $1 ~ /^[0-9,]+$/ {
      v = $1; gsub(",", "", v); pct = ""
      if (match($0, /\( *[0-9.]+%\)/)) { pct = substr($0, RSTART + 1, RLENGTH - 2); gsub(/ /, "", pct) }
      for (i = 1; i <= n; i++) if (index($0, "::" pat[i]) && !(i in ir)) { ir[i] = v; pc[i] = pct }
    }
    END {
      print "| stage | instructions | share | per packet / per flow |"
      print "|---|---:|---:|---:|"
      for (i = 1; i <= n; i++) {
        if (!(i in ir)) continue
        per = (unit[i] == "p") ? sprintf("%.0f per packet", ir[i] / pk) : sprintf("%.0f per flow", ir[i] / fl)
        printf "| %s | %.0f M | %s | %s |\n", lab[i], ir[i] / 1e6, pc[i], per
      }
    }'
}

if command -v valgrind >/dev/null; then
  for mode in dpi nodpi; do
    extra=(); [ "$mode" = nodpi ] && extra=(--no-dpi)
    echo "## callgrind, slice.pcap, ${mode}, JSON export (all fields)"
    valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.$mode" --dump-instr=no \
      "$VEDETTA" "${V_ARGS[@]}" "${extra[@]}" -i "$BENCH_DIR/slice.pcap" --json - >/dev/null 2>"$OUT/callgrind.$mode.err"
    echo '```'
    grep -E '^(capture|flows|dpi):' "$OUT/callgrind.$mode.err" || true
    echo '```'
    pkts=$(sed -n 's/^capture: \([0-9]*\) packets.*/\1/p' "$OUT/callgrind.$mode.err")
    flows=$(sed -n 's/.* \([0-9]*\) flows created.*/\1/p' "$OUT/callgrind.$mode.err")
    echo
    echo "### stages (inclusive)"
    echo
    stages "$OUT/callgrind.$mode" "$pkts" "$flows"
    echo
    echo "### self (exclusive) instructions, top $TOP"
    echo '```'
    top_functions "$OUT/callgrind.$mode"
    echo '```'
    echo
  done
else
  echo "profile: valgrind missing, callgrind skipped" >&2
fi

if perf record -e cpu-clock -o "$OUT/probe.perf" true >/dev/null 2>&1; then
  echo "## perf record -e cpu-clock, big.pcap, DPI, JSON written to a file"
  perf record -e cpu-clock -F 999 -g -o "$OUT/perf.data" \
    "$VEDETTA" "${V_ARGS[@]}" -i "$BENCH_DIR/big.pcap" --json - >"$OUT/perf.json" 2>"$OUT/perf.err"
  rm -f "$OUT/perf.json" "$OUT/probe.perf"
  echo '```'
  perf report -i "$OUT/perf.data" --no-children --sort dso,sym --stdio -g none --percent-limit 0.8 2>/dev/null |
    grep '%' | head -n "$TOP"
  echo '```'
  echo "### by shared object"
  echo '```'
  perf report -i "$OUT/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep '%' | head -8
  echo '```'
else
  echo "profile: perf record does not work here, sampling skipped" >&2
fi
