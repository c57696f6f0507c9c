#!/usr/bin/env bash
# History benchmark: insert rate into SQLite and into a private ClickHouse
# (Debian's clickhouse-server, own config, data directory and ports, stopped
# by pid), then the history queries over what was stored.
#   bench/history/run.sh [FLOWS] [PCAP]      (from the repo, after a build)
#   SKIP_SQLITE=1: ClickHouse only; SKIP_CLICKHOUSE=1: SQLite only
#   EXTRA: more options for every run of the bench (insert_rate.cpp), e.g.
#   --no-queries, --record-as-json (the record as JSON text, as stored before
#   the compact form), --no-record (without it), --batch N (SQLite's batch)
# Figures and profile: docs/benchmarks.md, "History".
set -euo pipefail
FLOWS=${1:-1000000}
PCAP=${2:-../shared/corpus/ndpi-4.2/pcap/1kxun.pcap}
BENCH=${BENCH:-build/bench/history/vedetta_bench_history}
WORK=$(mktemp -d /tmp/vedetta-history-bench.XXXXXX)
trap 'if [ -n "${CH_PID:-}" ]; then kill "$CH_PID"; wait "$CH_PID" || true; fi; rm -rf "$WORK"' EXIT

./build/vedetta probe -q -i "$PCAP" --json "$WORK/flows.json" >/dev/null 2>&1
if [ -z "${SKIP_SQLITE:-}" ]; then
  echo "== SQLite, $FLOWS flows"
  /usr/bin/time -f "bench process: %U s user, %S s system, %M KB max RSS" \
    "$BENCH" --json "$WORK/flows.json" --store "sqlite:$WORK/history.db" --flows "$FLOWS" ${EXTRA:-}
  ls -l "$WORK/history.db"
  rm -f "$WORK"/history.db*
fi
[ -n "${SKIP_CLICKHOUSE:-}" ] && exit 0

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
TCP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$WORK/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$WORK/ch.log</log><errorlog>$WORK/ch.err</errorlog></logger>
  <http_port>$PORT</http_port><tcp_port>$TCP_PORT</tcp_port><listen_host>127.0.0.1</listen_host>
  <path>$WORK/ch/</path><tmp_path>$WORK/ch-tmp/</tmp_path>
  <user_files_path>$WORK/ch-files/</user_files_path><format_schema_path>$WORK/ch-schemas/</format_schema_path>
  <mark_cache_size>268435456</mark_cache_size><uncompressed_cache_size>268435456</uncompressed_cache_size>
  <timezone>UTC</timezone><default_profile>default</default_profile><default_database>default</default_database>
  <users><bench><password>bench</password><networks><ip>127.0.0.1</ip></networks>
    <profile>default</profile><quota>default</quota></bench></users>
  <profiles><default></default></profiles><quotas><default></default></quotas>
</yandex>
XML
/usr/sbin/clickhouse-server --config-file="$WORK/config.xml" >/dev/null 2>&1 &
CH_PID=$!
for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/ping" && break; sleep 0.1; done
for BATCH in 10000; do
  echo "== ClickHouse, $FLOWS flows, batches of $BATCH"
  ${WRAP:-/usr/bin/time -f "bench process: %U s user, %S s system, %M KB max RSS"} "$BENCH" --json "$WORK/flows.json" --store "clickhouse://bench:bench@127.0.0.1:$PORT/bench" \
    --flows "$FLOWS" --batch "$BATCH" ${EXTRA:-}
done
du -sh "$WORK/ch/data/bench"
echo "clickhouse-server CPU: $(ps -o times= -p "$CH_PID") s"
