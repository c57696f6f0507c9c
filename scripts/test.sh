#!/usr/bin/env bash
# Builds vedetta and runs every test: unit, conformance with nDPI's suite,
# live capture, command-line errors and a short fuzz run. Live tests need
# root; with CI=true a missing prerequisite fails instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
# Unit and conformance tests may run in parallel; tests labelled "serial"
# (live capture, fuzzing) are marked RUN_SERIAL in CMake.
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "$(nproc)"

# Fuzzing: a second build with clang, libFuzzer and AddressSanitizer, the
# libraries instrumented for coverage. Only the fuzz target and what it links
# are built; the run is short and deterministic (fixed -seed and -runs).
FUZZ_BUILD_DIR="${FUZZ_BUILD_DIR:-build-fuzz}"
CC=clang CXX=clang++ cmake -S . -B "$FUZZ_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DVEDETTA_FUZZ=ON -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address" \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address" >/dev/null
cmake --build "$FUZZ_BUILD_DIR" --target vedetta_fuzz vedetta_filter_fuzzer vedetta_scap_fuzzer \
  vedetta_json_flows_fuzzer vedetta_tlv_flows_fuzzer vedetta_zmq_message_fuzzer \
  vedetta_netflow_fuzzer vedetta_netflow_fuzz_seeds -j "$(nproc)"
ctest --test-dir "$FUZZ_BUILD_DIR" -L fuzz --output-on-failure
