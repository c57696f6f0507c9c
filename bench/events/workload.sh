#!/usr/bin/env bash
# What `vedetta events` costs a real workload, against strace and bpftrace,
# and how many events per second it captures without drops. One command,
# as root; prints markdown tables (docs/benchmarks.md, "System events").
#
#   1. redis-benchmark against redis-server (both pinned to WORK_CPU, the
#      tracer to TRACER_CPU), a fixed load (-c/-n/-P fixed, one client
#      thread), under each condition: capture off; vedetta, network events to
#      a file; vedetta, all events to a file; bpftrace counting every system
#      call in the kernel; bpftrace printing a line per enter/exit of
#      vedetta's calls; strace -f -c on server and client. Rounds are
#      interleaved (every condition once, then again); medians of REPS.
#   2. events/s without drops: a paced write(2) load (vedetta_bench_paced_load,
#      2 events per call) at rising rates, every event captured to a file.
#   3. the attach point: per-syscall tracepoints (syscalls:sys_enter_write)
#      against the sys_enter/sys_exit tracepoints that fire for every call,
#      and vedetta's raw tracepoints, on the same load at full speed.
#   4. with PROFILE=1: where the time goes in the heaviest vedetta condition
#      (all events to a file): perf on the workload's core and on vedetta,
#      and the BPF programs' own run time (kernel.bpf_stats_enabled).
#
# Installs nothing: scripts/install-deps.sh has redis-server, redis-tools,
# bpftrace, strace and linux-perf. bpftrace's syscall tracepoints need
# tracefs: mounted on /sys/kernel/tracing if it is not (and unmounted after).
#
# Environment: BUILD=0 to skip the build, BUILD_DIR (default build/), VEDETTA,
# REPS (3), REQUESTS per test (200000; strace gets a tenth: it is that slow),
# CLIENTS (50), PIPELINE (1), PORT (6390), RATES (offered events/s for 2),
# LOAD_SECONDS (5), FAST_CALLS (5000000, for 3), PARTS (default "1 2 3"), PROFILE (0),
# QUIET_WAIT (300: seconds to wait for other tracers to go), OUT (scratch dir).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BUILD="${BUILD:-1}"
BUILD_DIR="${BUILD_DIR:-$REPO/build}"
VEDETTA="${VEDETTA:-$BUILD_DIR/vedetta}"
PACED_LOAD="${PACED_LOAD:-$BUILD_DIR/bench/events/vedetta_bench_paced_load}"
REPS="${REPS:-3}"
REQUESTS="${REQUESTS:-200000}"
CLIENTS="${CLIENTS:-50}"
PIPELINE="${PIPELINE:-1}"
PORT="${PORT:-6390}"
RATES="${RATES:-250000 500000 1000000 1500000 2000000}"
LOAD_SECONDS="${LOAD_SECONDS:-5}"
FAST_CALLS="${FAST_CALLS:-5000000}"
PARTS="${PARTS:-1 2 3}"
QUIET_WAIT="${QUIET_WAIT:-300}"
PROFILE="${PROFILE:-0}"
OUT="${OUT:-/tmp/vedetta-bench/events}"
WORK_CPU=1
TRACER_CPU=0
NETWORK_FILTER="fd.type=ipv4 or fd.type=ipv6"
# The calls vedetta captures (docs/events.md), for bpftrace's per-event case.
TRACED_CALLS="read write sendto recvfrom sendmsg recvmsg connect accept accept4 close bind listen shutdown"

die() { echo "workload: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (eBPF, strace -p, bpftrace)"
[ "$(nproc)" -ge 2 ] || die "needs 2 cores: one for the workload, one for the tracer"
for c in redis-server redis-benchmark strace bpftrace bpftool taskset; do
  command -v "$c" >/dev/null || die "$c missing: run scripts/install-deps.sh"
done
if [ "$BUILD" = 1 ]; then
  [ -f "$BUILD_DIR/build.ninja" ] ||
    cmake -S "$REPO" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD_DIR" -j2 --target vedetta vedetta_bench_paced_load >/dev/null
fi
[ -x "$VEDETTA" ] || die "$VEDETTA missing (BUILD=1 builds it)"
[ -x "$PACED_LOAD" ] || die "$PACED_LOAD missing (BUILD=1 builds it)"
mkdir -p "$OUT"

# "All events to a file": a .scap file with -w once `vedetta events` has it,
# sysdig's text lines until then.
if "$VEDETTA" events --help | grep -q -- '-w,--write'; then
  ALL_TO_FILE=(-w "$OUT/all.scap"); ALL_OUTPUT="$OUT/all.scap"; ALL_KIND=".scap file (-w)"
else
  ALL_TO_FILE=(); ALL_OUTPUT="$OUT/all.txt"; ALL_KIND="text lines (stdout to a file)"
fi

[ "$PROFILE" != 1 ] || command -v perf >/dev/null || die "perf missing: run scripts/install-deps.sh"

MOUNTED_TRACEFS=0
REDIS_PID=""
TRACER_PIDS=()
cleanup() {
  local pid
  for pid in "${TRACER_PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null || true
  [ "$MOUNTED_TRACEFS" = 1 ] && umount /sys/kernel/tracing 2>/dev/null || true
}
trap cleanup EXIT
if [ ! -d /sys/kernel/tracing/events/syscalls ]; then
  mount -t tracefs nodev /sys/kernel/tracing || die "cannot mount tracefs (bpftrace needs it)"
  MOUNTED_TRACEFS=1
fi

# ---- helpers ---------------------------------------------------------------

TICKS_PER_S=$(getconf CLK_TCK)
# User+system CPU ticks of the given processes (fields 14 and 15 of stat,
# counted after the command name, which may hold blanks).
cpu_ticks() {
  local total=0 pid rest
  for pid in "$@"; do
    rest=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
    set -- $rest
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}
now_s() { date +%s.%N; }
# Waits (up to 60 s) until FILE contains TEXT: the tracer is attached.
wait_for() {
  local file=$1 text=$2 i
  for i in $(seq 600); do
    grep -q -- "$text" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  die "timed out waiting for '$text' in $file"
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Tracing BPF programs loaded now. Other sessions' live tests and tracers
# on a shared machine would be measured with ours (each one's sys_enter
# program runs on every call), so each condition waits until there are none
# and, once it is over, notes any that came meanwhile.
tracing_programs() {
  bpftool prog show 2>/dev/null | awk '$2 ~ /tracepoint|kprobe|tracing|perf_event/ { n++ } END { print n + 0 }'
}
wait_until_no_tracers() {  # wait_until_no_tracers LABEL
  local waited=0
  while [ "$(tracing_programs)" -gt 0 ]; do
    if [ "$waited" -ge "$QUIET_WAIT" ]; then
      echo "$1: started with $(tracing_programs) tracing programs of others loaded" >>"$OUT/others.log"
      return
    fi
    sleep 1; waited=$((waited + 1))
  done
}
note_other_tracers() {  # note_other_tracers LABEL (after our tracer stopped)
  local n i
  for i in $(seq 50); do  # our programs are freed shortly after our tracer exits
    n=$(tracing_programs)
    [ "$n" -eq 0 ] && return
    sleep 0.1
  done
  echo "$1: $n tracing programs of others loaded at the end" >>"$OUT/others.log"
}
report_other_tracers() {  # the notes of this part, if any
  [ -s "$OUT/others.log" ] || return 0
  echo "Other tracing BPF programs were loaded during these runs (figures affected):"
  sed 's/^/- /' "$OUT/others.log"
  echo
  rm -f "$OUT/others.log"
}

start_redis() {
  rm -f "$OUT/redis.pid"
  taskset -c "$WORK_CPU" redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --pidfile "$OUT/redis.pid" --logfile "$OUT/redis.log"
  for _ in $(seq 50); do [ -s "$OUT/redis.pid" ] && break; sleep 0.1; done
  REDIS_PID=$(cat "$OUT/redis.pid")
  redis-cli -p "$PORT" ping >/dev/null || die "redis-server did not answer on port $PORT"
}

# Runs the fixed load; prints its ops/s: SET and GET, N requests each, over
# the time both took (requests / sum of requests/rps).
redis_load() {  # redis_load REQUESTS [command prefix...]
  local n=$1; shift
  "$@" taskset -c "$WORK_CPU" redis-benchmark -p "$PORT" -c "$CLIENTS" -n "$n" -P "$PIPELINE" \
    --threads 1 -t set,get --csv >"$OUT/bench.csv" 2>/dev/null
  awk -F'"' -v n="$n" '$2 == "SET" || $2 == "GET" { t += n / $4; ops += n }
    END { if (t > 0) printf "%.0f\n", ops / t; else print 0 }' "$OUT/bench.csv"
}

# vedetta's exit line: "N kernel events, D drops (...)".
vedetta_counts() {  # → "EVENTS DROPS" ("? ?" when vedetta did not say)
  local c
  c=$(sed -n 's/^vedetta: events: \([0-9]*\) kernel events, \([0-9]*\) drops.*/\1 \2/p' "$1" | tail -1)
  echo "${c:-? ?}"
}

# ---- part 1: redis under each condition -----------------------------------

CONDITIONS=(off vedetta_net vedetta_all bpftrace_count bpftrace_print strace)
declare -A LABEL=(
  [off]="capture off"
  [vedetta_net]="vedetta events, network events to a file"
  [vedetta_all]="vedetta events, all events to a file"
  [bpftrace_count]="bpftrace, every syscall counted in the kernel"
  [bpftrace_print]="bpftrace, a line per enter/exit of the same calls"
  [strace]="strace -f -c (server and client)"
)

bpftrace_print_program() {
  local enter="" exit="" c
  for c in $TRACED_CALLS; do
    enter+="${enter:+,}tracepoint:syscalls:sys_enter_$c"
    exit+="${exit:+,}tracepoint:syscalls:sys_exit_$c"
  done
  enter+=" { printf(\"%llu %d %d %s > %s fd=%d\\n\", nsecs, cpu, tid, comm, probe, args->fd); }"
  exit+=" { printf(\"%llu %d %d %s < %s res=%d\\n\", nsecs, cpu, tid, comm, probe, args->ret); }"
  echo "tracepoint:syscalls:sys_enter_socket { printf(\"%llu %d %d %s > socket\\n\", nsecs, cpu, tid, comm); }"
  echo "tracepoint:syscalls:sys_exit_socket { printf(\"%llu %d %d %s < socket res=%d\\n\", nsecs, cpu, tid, comm, args->ret); }"
  echo "$enter"
  echo "$exit"
}

# Starts the tracer of a condition in the background on TRACER_CPU; sets
# TRACER_PIDS. Returns once it is attached.
start_tracer() {
  local cond=$1 err="$OUT/$1.err"
  TRACER_PIDS=()
  rm -f "$err" "$OUT/$cond.out"
  case $cond in
    off) ;;
    vedetta_net)
      taskset -c "$TRACER_CPU" "$VEDETTA" events -v "$NETWORK_FILTER" >"$OUT/net.txt" 2>"$err" &
      TRACER_PIDS=($!); wait_for "$err" "capturing live" ;;
    vedetta_all)
      rm -f "$ALL_OUTPUT"
      if [ ${#ALL_TO_FILE[@]} -gt 0 ]; then
        taskset -c "$TRACER_CPU" "$VEDETTA" events -v "${ALL_TO_FILE[@]}" \
          >/dev/null 2>"$err" &
      else
        taskset -c "$TRACER_CPU" "$VEDETTA" events -v >"$ALL_OUTPUT" 2>"$err" &
      fi
      TRACER_PIDS=($!); wait_for "$err" "capturing live" ;;
    bpftrace_count)
      taskset -c "$TRACER_CPU" bpftrace -o "$OUT/$cond.out" \
        -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }' >/dev/null 2>"$err" &
      TRACER_PIDS=($!); wait_for "$OUT/$cond.out" "Attaching" ;;
    bpftrace_print)
      taskset -c "$TRACER_CPU" bpftrace -o "$OUT/$cond.out" -e "$(bpftrace_print_program)" \
        >/dev/null 2>"$err" &
      TRACER_PIDS=($!); wait_for "$OUT/$cond.out" "Attaching" ;;
    strace)  # the server here; the client runs under its own strace
      taskset -c "$TRACER_CPU" strace -f -c -o "$OUT/strace.server" -p "$REDIS_PID" \
        >/dev/null 2>"$err" &
      TRACER_PIDS=($!); wait_for "$err" "attached" ;;
  esac
}

stop_tracer() {
  local pid
  for pid in "${TRACER_PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${TRACER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  TRACER_PIDS=()
}

# After stop_tracer: "EVENTS DROPS WRITTEN UNIT", what the tracer captured,
# what it lost, what it wrote (lines or MB); "-" where it does not apply.
tracer_counts() {
  local cond=$1
  case $cond in
    off) echo "- - - -" ;;
    vedetta_net) echo "$(vedetta_counts "$OUT/$cond.err") $(wc -l <"$OUT/net.txt") lines" ;;
    vedetta_all)
      if [ ${#ALL_TO_FILE[@]} -gt 0 ]; then
        echo "$(vedetta_counts "$OUT/$cond.err") $(($(stat -c %s "$ALL_OUTPUT") / 1000000)) MB"
      else
        echo "$(vedetta_counts "$OUT/$cond.err") $(wc -l <"$ALL_OUTPUT") lines"
      fi ;;
    bpftrace_count)
      awk '/^@\[/ { n += $NF } /Lost [0-9]+ events/ { lost += $2 }
        END { printf "%d %d - -\n", n, lost }' "$OUT/$cond.out" ;;
    bpftrace_print)
      awk '/^[0-9]+ [0-9]+ / { n++ } /Lost [0-9]+ events/ { lost += $2 }
        END { printf "%d %d %d lines\n", n, lost, n }' "$OUT/$cond.out" ;;
    strace)  # the "total" rows of both summaries
      awk '$NF == "total" { n += ($4 ~ /^[0-9]+$/) ? $4 : $3 } END { printf "%d - - -\n", n }' \
        "$OUT/strace.server" "$OUT/strace.client" ;;
  esac
}

run_condition() {  # → "OPS EVENTS DROPS WRITTEN UNIT CPU% SECONDS"
  local cond=$1 n=$REQUESTS t0 t1 c0 c1 ops counts prefix=()
  wait_until_no_tracers "redis, $cond"
  start_tracer "$cond"
  if [ "$cond" = strace ]; then
    n=$((REQUESTS / 10))
    prefix=(taskset -c "$TRACER_CPU" strace -f -c -o "$OUT/strace.client" --)
  fi
  c0=$(cpu_ticks "${TRACER_PIDS[@]}"); t0=$(now_s)
  if [ "$cond" = strace ]; then
    ops=$(redis_load "$n" "${prefix[@]}")
    # the client's strace ran in the foreground: its CPU time is its own
    c1=$(cpu_ticks "${TRACER_PIDS[@]}")
  else
    ops=$(redis_load "$n")
    c1=$(cpu_ticks "${TRACER_PIDS[@]}")
  fi
  t1=$(now_s)
  stop_tracer
  note_other_tracers "redis, $cond"
  counts=$(tracer_counts "$cond")
  local cpu="-"
  [ "$cond" != off ] && [ "$cond" != strace ] &&
    cpu=$(awk -v a="$c0" -v b="$c1" -v t0="$t0" -v t1="$t1" -v hz="$TICKS_PER_S" \
      'BEGIN { printf "%.0f", 100 * (b - a) / hz / (t1 - t0) }')
  echo "$ops $counts $cpu $(awk -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.2f", t1 - t0 }')"
}

part1() {
  start_redis
  echo "## redis-benchmark under each condition"
  echo
  echo "redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') and redis-benchmark on cpu $WORK_CPU,"
  echo "tracer on cpu $TRACER_CPU; \`redis-benchmark -p $PORT -c $CLIENTS -n $REQUESTS -P $PIPELINE --threads 1 -t set,get\`"
  echo "(strace: -n $((REQUESTS / 10))); $REPS interleaved rounds, medians; all events to: $ALL_KIND."
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  local rep cond
  for rep in $(seq "$REPS"); do
    for cond in "${CONDITIONS[@]}"; do
      run_condition "$cond" >>"$OUT/part1.$cond"
      echo "round $rep: $cond: $(tail -1 "$OUT/part1.$cond")" >&2
    done
  done
  local base
  base=$(awk '{ print $1 }' "$OUT/part1.off" | median)
  echo "| condition | ops/s (median) | loss vs capture off | events captured | events/s | drops | written | tracer CPU % |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for cond in "${CONDITIONS[@]}"; do
    local ops row
    ops=$(awk '{ print $1 }' "$OUT/part1.$cond" | median)
    # the other columns from the round whose ops/s is nearest the median
    row=$(awk -v m="$ops" '{ d = $1 - m; d = d < 0 ? -d : d; if (NR == 1 || d < best) { best = d; r = $0 } }
      END { print r }' "$OUT/part1.$cond")
    awk -v r="$row" -v ops="$ops" -v base="$base" -v label="${LABEL[$cond]}" 'BEGIN {
      split(r, f, " ")
      loss = (label == "capture off") ? "-" : sprintf("%.1f %%", 100 * (1 - ops / base))
      written = (f[4] == "-") ? "-" : f[4] " " f[5]
      rate = (f[2] ~ /^[0-9]+$/) ? sprintf("%.0f", f[2] / f[7]) : "-"
      printf "| %s | %.0f | %s | %s | %s | %s | %s | %s |\n", label, ops, loss, f[2], rate, f[3], written, f[6]
    }'
  done
  echo
  echo "ops/s of every round:"
  for cond in "${CONDITIONS[@]}"; do
    echo "  $cond: $(awk '{ printf "%s ", $1 }' "$OUT/part1.$cond")"
  done
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  report_other_tracers
  kill "$REDIS_PID"; REDIS_PID=""
}

# ---- part 2: events/s without drops -----------------------------------------

# The write events of process PID in the all-events output.
events_of_pid() {
  if [ ${#ALL_TO_FILE[@]} -gt 0 ]; then
    "$VEDETTA" events -r "$ALL_OUTPUT" | grep -c " ($1) [<>] write " || true
  else
    grep -c " ($1) [<>] write " "$ALL_OUTPUT" || true
  fi
}

part2() {
  echo "## Events/s captured without drops"
  echo
  echo "vedetta_bench_paced_load on cpu $WORK_CPU: write(2) of 1 byte to /dev/null at a fixed rate for"
  echo "${LOAD_SECONDS} s (2 events per call); vedetta events on cpu $TRACER_CPU, all events to: $ALL_KIND."
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| offered events/s | load achieved events/s | load's write events captured | of its calls | kernel events (whole machine) | drops | vedetta CPU % |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  local rate calls line pid c0 c1 t0 t1 got counts best=0
  for rate in $RATES; do
    calls=$((rate / 2))
    wait_until_no_tracers "paced load, $rate events/s"
    start_tracer vedetta_all
    c0=$(cpu_ticks "${TRACER_PIDS[@]}"); t0=$(now_s)
    taskset -c "$WORK_CPU" "$PACED_LOAD" "$calls" "$LOAD_SECONDS" >"$OUT/paced.out" &
    pid=$!
    wait "$pid"
    c1=$(cpu_ticks "${TRACER_PIDS[@]}"); t1=$(now_s)
    sleep 0.5  # vedetta holds events 50 ms before printing them
    stop_tracer
    note_other_tracers "paced load, $rate events/s"
    counts=$(vedetta_counts "$OUT/vedetta_all.err")
    got=$(events_of_pid "$pid")
    line=$(cat "$OUT/paced.out")
    awk -v l="$line" -v got="$got" -v c="$counts" -v a="$c0" -v b="$c1" -v t0="$t0" -v t1="$t1" \
      -v hz="$TICKS_PER_S" -v offered="$rate" 'BEGIN {
      split(l, f, /[= ]/); calls = f[2]; secs = f[4]
      split(c, k, " ")
      printf "| %d | %.0f | %d | %.1f %% | %s | %s | %.0f |\n", offered, 2 * calls / secs, got,
        100 * got / (2 * calls + 2), k[1], k[2], 100 * (b - a) / hz / (t1 - t0)
    }'
    # Complete: the load kept its pace (a tracer that slows it down would
    # otherwise pass) and every write is there, its result line's included.
    if [ "${counts#* }" = 0 ] && [ "$got" -ge $((2 * calls + 2)) ] &&
      awk -v l="$line" -v r="$rate" 'BEGIN { split(l, f, /[= ]/); exit !(2 * f[6] >= 0.98 * r) }'; then
      best=$rate
    fi
  done
  echo
  echo "highest offered rate kept by the load and captured completely, without drops: $best events/s"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  report_other_tracers
}

# ---- part 3: per-syscall tracepoints or sys_enter/sys_exit -----------------

ATTACH_CASES=(none tp_other raw_other vedetta_other tp_write raw_write vedetta_write)
declare -A ATTACH_LABEL=(
  [none]="nothing attached"
  [tp_other]="bpftrace syscalls:sys_{enter,exit}_connect (count; not the load's call)"
  [raw_other]="bpftrace raw_syscalls:sys_{enter,exit} /args->id == 42/ (count; not the load's call)"
  [vedetta_other]="vedetta events evt.type=connect (raw_tracepoint; not the load's call)"
  [tp_write]="bpftrace syscalls:sys_{enter,exit}_write (count every call)"
  [raw_write]="bpftrace raw_syscalls:sys_{enter,exit} /args->id == 1/ (count every call)"
  [vedetta_write]="vedetta events evt.type=write (raw_tracepoint; every call to user space)"
)
declare -A ATTACH_PROGRAM=(
  [tp_other]='tracepoint:syscalls:sys_enter_connect,tracepoint:syscalls:sys_exit_connect { @ = count(); }'
  [raw_other]='tracepoint:raw_syscalls:sys_enter,tracepoint:raw_syscalls:sys_exit /args->id == 42/ { @ = count(); }'
  [tp_write]='tracepoint:syscalls:sys_enter_write,tracepoint:syscalls:sys_exit_write { @ = count(); }'
  [raw_write]='tracepoint:raw_syscalls:sys_enter,tracepoint:raw_syscalls:sys_exit /args->id == 1/ { @ = count(); }'
)

# The load at full speed under one case; prints its calls/s.
attach_case() {
  local case=$1 err="$OUT/attach.err"
  wait_until_no_tracers "attach point, $case"
  TRACER_PIDS=()
  rm -f "$err" "$OUT/attach.out"
  case $case in
    none) ;;
    vedetta_*)
      taskset -c "$TRACER_CPU" "$VEDETTA" events -v "evt.type=${case#vedetta_}" >/dev/null 2>"$err" &
      TRACER_PIDS=($!); wait_for "$err" "capturing live" ;;
    *)
      taskset -c "$TRACER_CPU" bpftrace -o "$OUT/attach.out" -e "${ATTACH_PROGRAM[$case]}" \
        >/dev/null 2>"$err" &
      TRACER_PIDS=($!); wait_for "$OUT/attach.out" "Attaching" ;;
  esac
  # An unreachable rate: the load runs as fast as it can for FAST_CALLS calls.
  taskset -c "$WORK_CPU" "$PACED_LOAD" 1000000000 "$(awk -v n="$FAST_CALLS" 'BEGIN { print n / 1e9 }')" \
    | sed 's/.*rate=//'
  stop_tracer
  note_other_tracers "attach point, $case"
}

part3() {
  echo "## Attach point: per-syscall tracepoints or sys_enter/sys_exit"
  echo
  echo "vedetta_bench_paced_load on cpu $WORK_CPU at full speed ($FAST_CALLS write(2) calls of 1 byte to"
  echo "/dev/null), the tracer on cpu $TRACER_CPU; $REPS interleaved rounds, medians."
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  local rep case
  rm -f "$OUT"/attach.rate.*
  for rep in $(seq "$REPS"); do
    for case in "${ATTACH_CASES[@]}"; do
      attach_case "$case" >>"$OUT/attach.rate.$case"
      echo "round $rep: $case: $(tail -1 "$OUT/attach.rate.$case") calls/s" >&2
    done
  done
  local base
  base=$(median <"$OUT/attach.rate.none")
  echo "| attached | calls/s (median) | loss | added per call (ns) |"
  echo "|---|---:|---:|---:|"
  for case in "${ATTACH_CASES[@]}"; do
    median <"$OUT/attach.rate.$case" | awk -v base="$base" -v label="${ATTACH_LABEL[$case]}" '{
      if (label == "nothing attached") { printf "| %s | %.0f | - | - |\n", label, $1; next }
      printf "| %s | %.0f | %.1f %% | %.0f |\n", label, $1, 100 * (1 - $1 / base), 1e9 / $1 - 1e9 / base
    }'
  done
  echo
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  report_other_tracers
}

# ---- part 4: profile of the heaviest vedetta condition ----------------------

# The newest loaded program of this name (ours: loaded last): "RUN_NS RUNS".
bpf_prog_stats() {
  bpftool prog show | awk -v name="$1" '$0 ~ " name " name " " {
      for (i = 1; i < NF; i++) { if ($i == "run_time_ns") ns = $(i + 1); if ($i == "run_cnt") n = $(i + 1) } }
    END { print ns + 0, n + 0 }'
}

PERF_HZ=4000

# One row: the CPU time per redis operation on the workload's core (samples
# of redis-server and redis-benchmark / PERF_HZ / operations), split into
# redis' own code, the kernel without the tracers' BPF programs, the BPF
# programs (bpf_trace_run*: program, helpers, ring buffer) and, of those,
# waking the reader (irq_work_queue). Writes the innermost functions of the
# BPF samples to $OUT/bpf_leaves.txt.
cpu_per_op_row() {  # cpu_per_op_row LABEL PERF_DATA OPERATIONS OPS_PER_S
  perf script -i "$2" -F comm,ip,sym 2>/dev/null | awk -v label="$1" -v ops="$3" -v rate="$4" \
    -v hz="$PERF_HZ" -v leaves="$OUT/bpf_leaves.txt" '
    function tally() {
      if (comm !~ /^redis/) return
      all++
      if (bpf) { b++; if (wake) w++; leaf_in_bpf[leaf]++ } else if (kernel) k++; else u++
    }
    /^[^\t]/ && NF { if (started) tally(); started = 1; comm = $1; bpf = wake = 0; leaf = ""; next }
    /^\t/ {
      if (leaf == "") { leaf = $2; kernel = ($1 ~ /^ffffffff/) }
      if ($2 ~ /^bpf_trace_run/) bpf = 1
      if ($2 == "irq_work_queue") wake = 1
    }
    END {
      tally()
      us = 1e6 / hz / ops
      printf "| %s | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f |\n", label, rate, all * us, u * us, k * us, b * us, w * us
      printf "" >leaves
      for (f in leaf_in_bpf) if (leaf_in_bpf[f] / b >= 0.02) {
        name = f; sub(/^bpf_prog_[0-9a-f]+_/, "BPF program ", name)
        printf "%.0f %s\n", 100 * leaf_in_bpf[f] / b, name >>leaves
      }
    }'
}

part4() {
  start_redis
  echo "## Profile: vedetta events, all events to a file, under redis-benchmark"
  echo
  echo "perf record -F $PERF_HZ -e cpu-clock -g on cpu $WORK_CPU (the workload's core), capture off and"
  echo "with vedetta; perf on vedetta's process; the BPF programs' run time from kernel.bpf_stats_enabled=1"
  echo "(which adds two clock reads per program run: in this part only)."
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  local stats_before perf_work perf_vedetta ops_off ops enter exit
  stats_before=$(sysctl -n kernel.bpf_stats_enabled)
  wait_until_no_tracers "profile, capture off"
  perf record -q -F "$PERF_HZ" -e cpu-clock -g -C "$WORK_CPU" -o "$OUT/off.perf" -- \
    sleep 3600 >/dev/null 2>&1 &
  perf_work=$!
  sleep 1
  ops_off=$(redis_load "$REQUESTS")
  kill -INT "$perf_work"; wait "$perf_work" 2>/dev/null || true
  note_other_tracers "profile, capture off"

  sysctl -q kernel.bpf_stats_enabled=1
  wait_until_no_tracers "profile, vedetta"
  start_tracer vedetta_all
  perf record -q -F "$PERF_HZ" -e cpu-clock -g -C "$WORK_CPU" -o "$OUT/work.perf" >/dev/null 2>&1 &
  perf_work=$!
  perf record -q -F "$PERF_HZ" -e cpu-clock -g -p "${TRACER_PIDS[0]}" -o "$OUT/vedetta.perf" \
    >/dev/null 2>&1 &
  perf_vedetta=$!
  sleep 1
  ops=$(redis_load "$REQUESTS")
  enter=$(bpf_prog_stats on_sys_enter); exit=$(bpf_prog_stats on_sys_exit)
  kill -INT "$perf_work" "$perf_vedetta"; wait "$perf_work" "$perf_vedetta" 2>/dev/null || true
  stop_tracer
  note_other_tracers "profile, vedetta"
  sysctl -q kernel.bpf_stats_enabled="$stats_before"

  echo "CPU time per operation on the workload's core (µs; $((2 * REQUESTS)) operations; perf's own share included):"
  echo
  echo "| run | ops/s | all | redis (user) | kernel, without BPF | BPF programs | of which waking the reader |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  cpu_per_op_row "capture off" "$OUT/off.perf" $((2 * REQUESTS)) "$ops_off"
  cpu_per_op_row "vedetta, all events" "$OUT/work.perf" $((2 * REQUESTS)) "$ops"
  echo
  echo "Inside the BPF share (innermost function, % of the BPF samples): $(sort -g -r "$OUT/bpf_leaves.txt" |
    awk '{ pct = $1; $1 = ""; sub(/^ +/, ""); printf "%s%s %s %%", (NR > 1) ? ", " : "", $0, pct }')."
  echo
  echo "vedetta: $(vedetta_counts "$OUT/vedetta_all.err" | sed 's/ / kernel events, /') drops. BPF programs"
  echo "(every system call of the machine runs them; most are filtered out at once):"
  for p in "on_sys_enter $enter" "on_sys_exit $exit"; do
    set -- $p
    awk -v n="$1" -v ns="$2" -v runs="$3" \
      'BEGIN { printf "- %s: %d runs, %.0f ns per run\n", n, runs, runs ? ns / runs : 0 }'
  done
  echo
  echo "### vedetta (user space and its system calls)"
  echo
  echo '```'
  perf report -i "$OUT/vedetta.perf" --no-children --sort dso,sym --stdio -g none --percent-limit 1.5 \
    2>/dev/null | grep '%' | sed 's/std::_Hashtable<\([^,]*\),.*::find/std::unordered_map<\1, ...>::find/' |
    head -n 25
  echo '```'
  echo
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  report_other_tracers
  kill "$REDIS_PID"; REDIS_PID=""
}

rm -f "$OUT"/part1.* "$OUT/others.log"
[ "$PROFILE" = 1 ] && PARTS="$PARTS 4"
for part in $PARTS; do "part$part"; done
