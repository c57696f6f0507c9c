#!/usr/bin/env bash
# The main job: install dependencies, build, and run the server monitoring
# this machine: a probe on all its interfaces ("any") with each flow's
# processes, the web console on http://127.0.0.1:3000 (login "admin"; the
# password is printed at the first start and kept in
# /var/lib/vedetta/admin-password), history in /var/lib/vedetta. Ctrl-C
# stops it and prints the report. Extra arguments go to `vedetta server`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec ./build/vedetta server -i any "$@"
