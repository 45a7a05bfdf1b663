#!/usr/bin/env bash
# The attack suite (benches/abuse.py) against the release build, on SQLite and on
# PostgreSQL: each attack alone and 8 at once (benches/abuse.py prints one
# table row per run). Loopback only, bounded: every request has a 30 s
# client timeout and the server its own 5 s deadline.
#   benches/abuse.sh [ARTICLES=3000] [BACKENDS="sqlite postgres"]
# The data: ARTICLES synthetic articles (written here, three dated events
# each) ingested with `tarikh ingest`. The rate limit is off so that the
# attacks themselves are measured.
set -euo pipefail
cd "$(dirname "$0")/.."
ARTICLES=${1:-3000}
BACKENDS=${2:-"sqlite postgres"}
ADMIN=${TARIKH_BENCH_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
DB=tarikh_bench_abuse
PORT=18081
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/tarikh-target}
if [ -z "${TARIKH_BIN:-}" ]; then cargo build --release --quiet --bin tarikh; fi
BIN=${TARIKH_BIN:-$CARGO_TARGET_DIR/release/tarikh}
WORK=$(mktemp -d)
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

python3 benches/articles.py "$ARTICLES" > "$WORK/articles.jsonl"

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $ARTICLES articles"
status=0
for backend in $BACKENDS; do
  if [ "$backend" = postgres ]; then
    psql "$ADMIN" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
    URL="${ADMIN%/*}/$DB?sslmode=disable"
  else
    URL="sqlite://$WORK/abuse.db?mode=rwc"
  fi
  "$BIN" ingest --database-url "$URL" "$WORK/articles.jsonl" 2>&1 | tail -n 1
  TARIKH_RATE_LIMIT=0 RUST_LOG=warn "$BIN" serve --database-url "$URL" --bind "127.0.0.1:$PORT" > "$WORK/server-$backend.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done
  echo
  echo "== $backend (server pid $SERVER)"
  python3 benches/abuse.py "http://127.0.0.1:$PORT" "$SERVER" || status=1
  if grep -q "panicked" "$WORK/server-$backend.log"; then
    echo "the server panicked:"; grep -A3 panicked "$WORK/server-$backend.log"; status=1
  fi
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  SERVER=""
  if [ "$backend" = postgres ]; then psql "$ADMIN" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"; fi
done
exit $status
