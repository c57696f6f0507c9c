#!/usr/bin/env bash
# A short, deterministic libFuzzer run of the packet-path fuzzer (ctest
# "fuzz"). Seeds are extracted from the shared nDPI capture corpus (read
# only) into a temporary directory; the fuzzer writes new inputs into
# another temporary directory, listed first; crash inputs go to ARTIFACTS.
#
#   run_fuzz.sh FUZZER SEED_TOOL PCAP_DIR ARTIFACTS RUNS SEED
set -euo pipefail
fuzzer=$1 seed_tool=$2 pcaps=$3 artifacts=$4 runs=$5 seed=$6

work=$(mktemp -d "${TMPDIR:-/tmp}/vedetta-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/seeds" "$artifacts"

if [ -d "$pcaps" ]; then
  "$seed_tool" "$pcaps" "$work/seeds"
else
  echo "run_fuzz: no capture corpus at $pcaps: starting from an empty corpus"
fi

start=$(date +%s)
"$fuzzer" \
  -seed="$seed" -runs="$runs" -max_len=8192 -timeout=20 -rss_limit_mb=4096 \
  -print_final_stats=1 -artifact_prefix="$artifacts/" \
  "$work/corpus" "$work/seeds"
echo "run_fuzz: $runs runs in $(( $(date +%s) - start )) s"
