#!/usr/bin/env bash
# A short, deterministic libFuzzer run of the .scap reader fuzzer (ctest
# "fuzz.scap_reader"). Seeds: the shared corpus captures and the captures the
# tests generate, copied into a temporary directory; the fuzzer writes new
# inputs into another temporary directory, listed first. Crash inputs go to
# ARTIFACTS. Never writes into the shared corpus.
#
#   run_scap_fuzz.sh FUZZER SCAP_DIR SCRIPT_DIR ARTIFACTS RUNS SEED
set -euo pipefail
fuzzer=$1 scap_dir=$2 script_dir=$3 artifacts=$4 runs=$5 seed=$6

work=$(mktemp -d "${TMPDIR:-/tmp}/vedetta-scap-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/seeds" "$artifacts"
if [ -d "$scap_dir" ]; then
  cp "$scap_dir"/*.scap "$work/seeds/" 2>/dev/null || true
  chmod u+w "$work/seeds"/* 2>/dev/null || true
fi
python3 "$script_dir/make_synthetic_scap.py" "$work/seeds/synthetic.scap" >/dev/null 2>&1 || true
python3 "$script_dir/make_synthetic_scap.py" --v1 "$work/seeds/synthetic_v1.scap" >/dev/null 2>&1 || true
n=$(ls "$work/seeds" | wc -l)
echo "run_scap_fuzz: $n seed captures"

start=$(date +%s)
"$fuzzer" -seed="$seed" -runs="$runs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$artifacts/" "$work/corpus" "$work/seeds"
echo "run_scap_fuzz: $runs runs in $(( $(date +%s) - start )) s"
