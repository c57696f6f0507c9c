#!/usr/bin/env bash
# Live `vedetta events` drops root once BPF is loaded: it runs as nobody
# with CAP_SYS_PTRACE only and no_new_privs, and still prints events.
# Without root: SKIP (exit 77), or failure under CI=true.
#   privdrop_test.sh VEDETTA
set -u
vedetta=$1
if [ "$(id -u)" -ne 0 ]; then
  [ "${CI:-}" = true ] && { echo "FAIL: needs root (CI=true)"; exit 1; }
  echo "SKIP: needs root to load BPF programs"; exit 77
fi
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"; [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null' EXIT
"$vedetta" events -M 4 >"$out" 2>"$err" &
pid=$!
for _ in $(seq 1 30); do  # wait for the switch (BPF load and /proc snapshot first)
  grep -q "^Uid:.65534" "/proc/$pid/status" 2>/dev/null && break
  sleep 0.1
done
status=$(cat "/proc/$pid/status" 2>/dev/null)
ls / >/dev/null  # some events to print
wait "$pid"; rc=$?; pid=
fail=0
check() { if eval "$1"; then echo "ok   $2"; else echo "FAIL $2"; fail=1; fi; }
check '[ "$rc" -eq 0 ]' "exit code 0 (got $rc: $(head -c 300 "$err"))"
check 'grep -q "^Uid:.65534.65534.65534.65534" <<<"$status"' "runs as nobody (all four uids)"
check 'grep -q "^CapEff:.0000000000080000" <<<"$status"' "effective capabilities: CAP_SYS_PTRACE only"
check 'grep -q "^CapPrm:.0000000000080000" <<<"$status"' "permitted capabilities: CAP_SYS_PTRACE only"
check 'grep -q "^NoNewPrivs:.1" <<<"$status"' "no_new_privs set"
check '[ -s "$out" ]' "events still printed after the switch ($(wc -l <"$out") lines)"
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
