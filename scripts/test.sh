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
