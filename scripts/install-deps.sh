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
  # peers for tests and benchmarks
  tshark softflowd nfdump
  # benchmarks (bench/): GNU time for max RSS, editcap/capinfos, profilers
  time wireshark-common valgrind linux-perf
  # bench/events/workload.sh: the workload and the tracers compared
  redis-server redis-tools bpftrace strace
  # attribution benchmark (bench/attribution/vs_nethogs.py)
  nethogs
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture: answer no, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
