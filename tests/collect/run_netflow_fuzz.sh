#!/usr/bin/env bash
# A short, deterministic libFuzzer run of the NetFlow/IPFIX decoder fuzzer
# (ctest "fuzz.netflow_decoder"). Seeds come from vedetta's own encoder
# (vedetta_netflow_fuzz_seeds) in a temporary directory; the fuzzer writes
# new inputs into another temporary directory, listed first; crash inputs go
# to ARTIFACTS.
#
#   run_netflow_fuzz.sh FUZZER SEED_TOOL ARTIFACTS RUNS SEED
set -euo pipefail
fuzzer=$1 seed_tool=$2 artifacts=$3 runs=$4 seed=$5

work=$(mktemp -d "${TMPDIR:-/tmp}/vedetta-netflow-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/seeds" "$artifacts"
"$seed_tool" "$work/seeds"

start=$(date +%s)
"$fuzzer" \
  -seed="$seed" -runs="$runs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$artifacts/" \
  "$work/corpus" "$work/seeds"
echo "run_netflow_fuzz: $runs runs in $(( $(date +%s) - start )) s"
