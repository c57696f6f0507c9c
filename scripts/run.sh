#!/usr/bin/env bash
# The main job: install dependencies, build, and run the probe on this
# machine's interfaces ("any"), printing flows as they end. Ctrl-C stops it
# and prints the capture report. Extra arguments go to `vedetta probe`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec ./build/vedetta probe -i any "$@"
