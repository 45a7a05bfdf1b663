#!/usr/bin/env bash
# Ingestion speed of two builds on the same machine, rounds alternating
# which goes first, so drift in the machine's load falls on both: each
# round ingests one generated corpus into a fresh PostgreSQL database
# (loopback, no TLS) with each binary and prints articles per second.
#   benches/ab_ingest.sh BASE_BINARY HEAD_BINARY [ROUNDS=6] [ARTICLES=2000]
# TARIKH_BENCH_ADMIN: a server URL ending in a database name (default
# postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=$1
HEAD=$2
ROUNDS=${3:-6}
ARTICLES=${4:-2000}
ADMIN=${TARIKH_BENCH_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
DB=tarikh_bench_ab
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 benches/gen_corpus.py "$ARTICLES" "$WORK/corpus.jsonl" >/dev/null
echo "== machine: $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  order="base head"
  [ $((round % 2)) = 1 ] && order="head base"
  for b in $order; do
    bin=$BASE
    [ "$b" = head ] && bin=$HEAD
    psql "$ADMIN" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" 2>/dev/null
    url="${ADMIN%/*}/$DB?sslmode=disable"
    "$bin" migrate --database-url "$url" 2>/dev/null
    psql "$ADMIN" -q -c "CHECKPOINT"
    echo "$round $b $("$bin" ingest --database-url "$url" "$WORK/corpus.jsonl" 2>&1 | grep -o '[0-9]* articles/s')"
  done
done
psql "$ADMIN" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
