#!/usr/bin/env bash
# A short, deterministic libFuzzer run of the filter-language fuzzer (ctest
# "fuzz.filter_parser"). Seeds are the lines of SEEDS, one file each, in a
# temporary directory; the fuzzer writes new inputs into another temporary
# directory, listed first; crash inputs go to ARTIFACTS.
#
#   run_filter_fuzz.sh FUZZER SEEDS DICT ARTIFACTS RUNS SEED
set -euo pipefail
fuzzer=$1 seeds=$2 dict=$3 artifacts=$4 runs=$5 seed=$6

work=$(mktemp -d "${TMPDIR:-/tmp}/vedetta-filter-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/seeds" "$artifacts"

n=0
while IFS= read -r line || [ -n "$line" ]; do
  n=$((n + 1))
  printf '%s' "$line" > "$work/seeds/seed-$n"
done < "$seeds"

start=$(date +%s)
"$fuzzer" \
  -seed="$seed" -runs="$runs" -max_len=512 -timeout=10 -rss_limit_mb=2048 \
  -dict="$dict" -print_final_stats=1 -artifact_prefix="$artifacts/" \
  "$work/corpus" "$work/seeds"
echo "run_filter_fuzz: $runs runs in $(( $(date +%s) - start )) s"
