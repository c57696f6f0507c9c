#!/usr/bin/env bash
# Installs what vedetta needs to build, test and benchmark on Debian 12.
# Non-interactive and idempotent: packages already present are skipped.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  libpcap-dev libndpi-dev libndpi-bin nlohmann-json3-dev libcli11-dev libgtest-dev
  python3 iproute2 tcpdump procps util-linux
  # system events: eBPF build chain and the sysdig reference reader
  libbpf-dev bpftool zlib1g-dev sysdig
  # flow export and collection: ZeroMQ (ntop wire format), fast JSON parsing
  libzmq3-dev libsimdjson-dev
  # history: SQLite (default store), ClickHouse over HTTP (libcurl) and a server for its tests
  libsqlite3-dev libcurl4-openssl-dev clickhouse-server clickhouse-client
  # web console: cpp-httplib (Debian: a shared library built with OpenSSL),
  # OpenSSL for PBKDF2 and TLS, the openssl tool for the TLS test's certificate
  libcpp-httplib-dev libssl-dev openssl
  # peers for tests and benchmarks
  tshark softflowd nfdump
  # benchmarks (bench/): GNU time for max RSS, editcap/capinfos, profilers
  time wireshark-common valgrind linux-perf
  # bench/events/workload.sh: the workload and the tracers compared
  redis-server redis-tools bpftrace strace
  # attribution benchmark (bench/attribution/vs_nethogs.py)
  nethogs
  # the web console's browser tests (tests/web): headless Chromium
  chromium
)
# The console's npm packages (web/package.json) need node and npm; Debian's
# only when no node is installed already (a newer one from elsewhere is fine).
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture: answer no, non-interactively.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The console's vendor files (web/public/vendor) and playwright-core for the
# browser tests, exactly as web/package-lock.json pins them. Skipped when
# node_modules already matches the lock file.
web="$(cd "$(dirname "$0")/.." && pwd)/web"
if ! cmp -s "$web/package-lock.json" "$web/node_modules/.package-lock.json.installed" ||
   [ ! -f "$web/public/vendor/uPlot.esm.js" ]; then
  npm ci --prefix "$web" --no-audit --no-fund
  cp "$web/package-lock.json" "$web/node_modules/.package-lock.json.installed"
else
  echo "install-deps: web/node_modules up to date"
fi
