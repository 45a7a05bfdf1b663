#!/usr/bin/env bash
# The GraphQL read path side by side with its SQL ceiling (pgbench
# running the very statements the server ran, captured from PostgreSQL's log)
# and with PostGraphile serving the same tables, in one run so ratios are fair.
# Loopback only, bounded in time (about 3 x 3 x (connections) x (DURATION + 2) s).
#   benches/api.sh [EVENTS=100000] [DURATION=10] [CONNECTIONS="8 64"]
# TARIKH_BENCH_SET=places runs the place queries of benches/places/ instead
# (p1: a country and everything in it over a decade; p2: a yearly histogram
# of a box; p3: the latest events within 100 km of a point), on the same
# events given places by benches/fill_places.sql, without a peer.
# Needs wrk (apt-get install wrk), pgbench, psql, jq and Node 20; PostGraphile is
# installed with npm under benches/postgraphile (skip it with TARIKH_BENCH_PEER=none).
# Tarikh is measured with its response cache off (every request runs), then
# on (a repeated query answered from memory), in separate tables.
# All clients connect to PostgreSQL without TLS (the README's advice for a
# database on the same host; TARIKH_BENCH_SSLMODE=prefer measures with it).
# TARIKH_BENCH_PIN=1 pins PostgreSQL (and wrk) to core 0, and Tarikh (and
# pgbench, the ceiling's client) to core 1: the database as if on a machine
# of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${1:-100000}
DURATION=${2:-10}
CONNECTIONS=${3:-"8 64"}
SET=${TARIKH_BENCH_SET:-api}
PEER=${TARIKH_BENCH_PEER:-postgraphile}
QUERIES="q1 q2 q3"
if [ "$SET" = places ]; then QUERIES="p1 p2 p3"; PEER=none; fi
ADMIN=${TARIKH_BENCH_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
DB=tarikh_bench_api
URL="${ADMIN%/*}/$DB?sslmode=${TARIKH_BENCH_SSLMODE:-disable}"
PIN=${TARIKH_BENCH_PIN:-0}
PORT=18080
PGL_PORT=15000
PGLOG=${TARIKH_BENCH_PGLOG:-$(ls /var/log/postgresql/postgresql-*-main.log | head -n 1)}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/tarikh-target}
if [ -z "${TARIKH_BIN:-}" ]; then cargo build --release --quiet --bin tarikh; fi
BIN=${TARIKH_BIN:-$CARGO_TARGET_DIR/release/tarikh}
WORK=$(mktemp -d)
PIDS=()
pin_postgres() { # cpu-list: every PostgreSQL process (new backends inherit the postmaster's)
  for p in $(pgrep -x postgres); do taskset -a -p -c "$1" "$p" >/dev/null 2>&1 || true; done
}
on_core() { # core command...: runs it on that core when pinning
  if [ "$PIN" = 1 ]; then taskset -c "$1" "${@:2}"; else "${@:2}"; fi
}
cleanup() {
  [ "$PIN" != 1 ] || pin_postgres "0-$(($(nproc) - 1))"
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  psql "$ADMIN" -q -c "ALTER DATABASE $DB RESET log_statement" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB, $(psql "$ADMIN" -Atc 'SHOW server_version' | cut -d' ' -f1) PostgreSQL; load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${TARIKH_BENCH_REUSE:-}" != 1 ] || ! psql "$URL" -Atc 'SELECT 1 FROM event LIMIT 1' >/dev/null 2>&1; then
  psql "$ADMIN" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
  "$BIN" migrate --database-url "$URL" 2>/dev/null
  echo "== fill: $EVENTS events"
  /usr/bin/time -f "   %e s wall" psql "$URL" -q -v n="$EVENTS" -f benches/fill_events.sql
fi
if [ "$SET" = places ] && [ "$(psql "$URL" -Atc 'SELECT count(*) FROM (SELECT 1 FROM event_place LIMIT 1) x')" = 0 ]; then
  echo "== fill: places"
  /usr/bin/time -f "   %e s wall" psql "$URL" -q -f benches/fill_places.sql
fi
[ "$SET" != places ] || psql "$URL" -Atc "SELECT '   ' || count(*) || ' place links over ' || count(DISTINCT place_id) || ' places' FROM event_place"
psql "$URL" -Atc "SELECT '   ' || count(*) || ' events, ' || (SELECT count(*) FROM event_actor) || ' actor links, ' || (SELECT count(*) FROM mention) || ' mentions; actor 3 in ' || (SELECT count(*) FROM event_actor WHERE actor_id = 3) || ' events' FROM event"

SERVER=""
CACHE_MB=0
restart_server() { # (re)starts Tarikh on $PORT and waits until it answers
  if [ -n "$SERVER" ]; then kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; fi
  # One client (wrk) on many connections: the per-client rate and
  # concurrency limits would answer most requests with 429, so they are off
  # here (benches/abuse.sh measures them).
  local run=("$BIN")
  [ "$PIN" != 1 ] || run=(taskset -c 1 "$BIN")
  TARIKH_RATE_LIMIT=0 TARIKH_REQUESTS_PER_CLIENT=1024 RUST_LOG=warn TARIKH_RESPONSE_CACHE_MB=$CACHE_MB \
    "${run[@]}" serve --database-url "$URL" --bind "127.0.0.1:$PORT" > "$WORK/server.log" 2>&1 &
  SERVER=$!
  PIDS+=("$SERVER")
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done
}
post() { curl -s "http://127.0.0.1:$PORT/graphql" -H 'Content-Type: application/json' --data-binary @"$1" >/dev/null; }
logged() { tail -c +$(($1 + 1)) "$PGLOG" | python3 benches/pglog_to_pgbench.py "$DB"; } # statements since byte $1
restart_server

# The three queries (bodies in benches/postgraphile/tarikh/, the same questions
# as PostGraphile's in benches/postgraphile/): an actor's events in a decade, the
# same as a month histogram, and an actor's page 41 (rows 2001-2050) by keyset.
PGDIR=benches/postgraphile
if [ "$SET" = places ]; then
  cp benches/places/p1.json benches/places/p2.json benches/places/p3.json "$WORK/"
else
  cp "$PGDIR/tarikh/q1.json" "$PGDIR/tarikh/q2.json" "$WORK/"
  node "$PGDIR/cursor.js" "http://127.0.0.1:$PORT/graphql" "$PGDIR/tarikh/q3.template.json" "$WORK/q3.json" 2000 >/dev/null
fi
check() { # url body -> fails on a GraphQL error, prints the answer's size
  curl -s "$1" -H 'Content-Type: application/json' --data-binary @"$2" |
    jq -e -r 'if .errors then error(.errors|tostring) else (.data|tostring|length|tostring) + " bytes" end'
}
for q in $QUERIES; do echo "   tarikh $q: $(check "http://127.0.0.1:$PORT/graphql" "$WORK/$q.json")"; done

# Capture the statements the server runs for each query (with their parameters
# inlined) from PostgreSQL's statement log: that is the pgbench script.
psql "$ADMIN" -q -c "ALTER DATABASE $DB SET log_statement = 'all'"
restart_server
post "$WORK/${QUERIES%% *}.json" # warm the pool
for q in $QUERIES; do
  sleep 0.3
  start=$(stat -c %s "$PGLOG")
  post "$WORK/$q.json"
  sleep 0.3
  logged "$start" > "$WORK/$q.sql"
  echo "   $q: $(grep -c . "$WORK/$q.sql") SQL statements per request"
done
# Statements per request must not grow with the page size.
for first in 5 500; do
  [ "$SET" = api ] || break
  start=$(stat -c %s "$PGLOG")
  sed "s/first: 50)/first: $first)/" "$WORK/q1.json" > "$WORK/q1_$first.json"
  post "$WORK/q1_$first.json"
  sleep 0.3
  echo "   q1 with first: $first -> $(logged "$start" | grep -c .) statements"
done
psql "$ADMIN" -q -c "ALTER DATABASE $DB RESET log_statement"
restart_server

# wrk with benches/postgraphile/post.lua: requests/s, p50, p99 (ms).
quiet() { # waits until no statement runs on the database (a peer whose
  # client gave up may still be working through queued requests; that work
  # must not land in the next system's measurement)
  for _ in $(seq 1 120); do
    [ "$(psql "$URL" -Atc "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()")" = 0 ] && return
    sleep 0.5
  done
}
load() { # url body connections -> "rps p50 p99 errors"
  local out
  quiet
  # 2 s unmeasured first: the runs before this one (other systems, other
  # queries) have evicted this query's rows from PostgreSQL's buffers.
  on_core 0 wrk -t2 -c"$3" -d2s --timeout 30s -s "$PGDIR/post.lua" "$1" -- "$2" >/dev/null || true
  out=$(on_core 0 wrk -t2 -c"$3" -d"${DURATION}s" --timeout 30s -s "$PGDIR/post.lua" "$1" -- "$2") || { echo "0 - - wrk-failed"; return; }
  awk '/Requests\/sec/{rps=$2} /^post.lua:/{p50=$9; p99=$15; err=$4}
       END{printf "%.0f %s %s %s\n", rps, p50, p99, (err == 0 ? "ok" : err " errors")}' <<<"$out"
}
ceiling() { # sql-file connections -> "tps p50 p99"
  rm -f "$WORK"/pgb.*
  local out
  # At most as many clients as Tarikh's pool has connections (32): the server
  # never runs more statements at once, and PostgreSQL allows 100 connections.
  local clients=$(( $2 < 32 ? $2 : 32 ))
  quiet
  out=$(cd "$WORK" && on_core 1 pgbench -n -M prepared -c "$clients" -j 2 -T "$DURATION" -l --log-prefix=pgb -f "$1" "$URL" 2>&1) ||
    { echo "0 - -"; echo "pgbench failed: $out" >&2; return; }
  local tps
  tps=$(awk '/^tps/{printf "%.0f", $3}' <<<"$out")
  cat "$WORK"/pgb.* | awk '{print $3}' | sort -n > "$WORK/lat"
  local n
  n=$(wc -l < "$WORK/lat")
  echo "$tps $(awk -v n="$n" 'NR==int(n*0.5)+1{printf "%.2f ", $1/1000} NR==int(n*0.99)+1{printf "%.2f", $1/1000}' "$WORK/lat")"
}

if [ "$PEER" = postgraphile ]; then
  [ -d "$PGDIR/node_modules" ] || (cd "$PGDIR" && npm ci --silent --no-audit --no-fund)
  # Two Node processes, one per core, as Tarikh runs two actix workers.
  DATABASE_URL="$URL" PGL_PORT=$PGL_PORT PGL_WORKERS=2 NODE_ENV=production node "$PGDIR/server.js" > "$WORK/pgl.log" 2>&1 &
  PGL=$!
  PIDS+=("$PGL")
  for _ in $(seq 1 600); do [ "$(grep -c listening "$WORK/pgl.log")" -ge 2 ] && break; sleep 0.2; done
  cp "$PGDIR/q1.json" "$WORK/pgl_q1.json"
  cp "$PGDIR/q2.json" "$WORK/pgl_q2.json"
  node "$PGDIR/cursor.js" "http://127.0.0.1:$PGL_PORT/graphql" "$PGDIR/q3.template.json" "$WORK/pgl_q3.json" 2000 >/dev/null
  for q in q1 q2 q3; do echo "   postgraphile $q: $(check "http://127.0.0.1:$PGL_PORT/graphql" "$WORK/pgl_$q.json")"; done
fi

[ "$PIN" != 1 ] || { pin_postgres 0; echo "== pinned: PostgreSQL and wrk on core 0, Tarikh and pgbench on core 1"; }
# Steady state first: every pooled connection of the server opened and
# every statement prepared on it, at the highest connection count. Without
# this, the first requests on each new PostgreSQL backend (fork, catalog
# caches, statement preparation) land in the measured p99.
MAXC=$(tr ' ' '\n' <<<"$CONNECTIONS" | sort -n | tail -n 1)
for q in $QUERIES; do
  wrk -t2 -c"$MAXC" -d3s --timeout 30s -s "$PGDIR/post.lua" "http://127.0.0.1:$PORT/graphql" -- "$WORK/$q.json" >/dev/null
  [ "$PEER" != postgraphile ] ||
    wrk -t2 -c"$MAXC" -d3s --timeout 30s -s "$PGDIR/post.lua" "http://127.0.0.1:$PGL_PORT/graphql" -- "$WORK/pgl_$q.json" >/dev/null
done

declare -A UNCACHED
printf '\n%-4s %5s | %8s %7s %7s | %8s %7s %7s | %6s | %8s %7s %7s | %6s\n' \
  query conns "tarikh/s" p50ms p99ms "sql/s" p50ms p99ms "t/sql" "pgl/s" p50ms p99ms "t/pgl"
for q in $QUERIES; do
  for c in $CONNECTIONS; do
    read -r trps tp50 tp99 terr < <(load "http://127.0.0.1:$PORT/graphql" "$WORK/$q.json" "$c")
    UNCACHED[$q$c]=$trps
    read -r srps sp50 sp99 < <(ceiling "$WORK/$q.sql" "$c")
    if [ "$PEER" = postgraphile ]; then
      read -r prps pp50 pp99 perr < <(load "http://127.0.0.1:$PGL_PORT/graphql" "$WORK/pgl_$q.json" "$c")
    else
      prps=0 pp50=- pp99=- perr=ok
    fi
    printf '%-4s %5s | %8s %7s %7s | %8s %7s %7s | %6s | %8s %7s %7s | %6s\n' "$q" "$c" \
      "$trps" "$tp50" "$tp99" "$srps" "$sp50" "$sp99" \
      "$(awk -v a="$trps" -v b="$srps" 'BEGIN{printf "%.2f", a/b}')" \
      "$prps" "$pp50" "$pp99" "$(awk -v a="$trps" -v b="$prps" 'BEGIN{if (b>0) printf "%.2f", a/b; else print "-"}')"
    [ "$terr" = ok ] || echo "     tarikh: $terr"
    [ "$perr" = ok ] || echo "     postgraphile: $perr"
  done
done
echo "   tarikh server peak RSS under load: $(awk '/VmHWM/{print $2, $3}' "/proc/$SERVER/status")"

# The same queries with the response cache on: after the first, each
# request is answered from memory (nothing is written meanwhile).
CACHE_MB=32
restart_server
printf '\n%-4s %5s | %9s %7s %7s | %s\n' query conns "cached/s" p50ms p99ms "cached/uncached"
for q in $QUERIES; do
  for c in $CONNECTIONS; do
    read -r crps cp50 cp99 cerr < <(load "http://127.0.0.1:$PORT/graphql" "$WORK/$q.json" "$c")
    printf '%-4s %5s | %9s %7s %7s | %s\n' "$q" "$c" "$crps" "$cp50" "$cp99" \
      "$(awk -v a="$crps" -v b="${UNCACHED[$q$c]:-0}" 'BEGIN{if (b>0) printf "%.0fx", a/b; else print "-"}')"
    [ "$cerr" = ok ] || echo "     tarikh cached: $cerr"
  done
done
echo "   hits: $(curl -s "http://127.0.0.1:$PORT/metrics" | awk '/^tarikh_response_cache_hits_total/{print $2}'), misses: $(curl -s "http://127.0.0.1:$PORT/metrics" | awk '/^tarikh_response_cache_misses_total/{print $2}')"
echo "   tarikh server peak RSS, cached: $(awk '/VmHWM/{print $2, $3}' "/proc/$SERVER/status")"
if [ "$PEER" = postgraphile ]; then
  echo "   postgraphile peak RSS under load: $(for p in $(pgrep -P "$PGL") "$PGL"; do awk '/VmHWM/{printf "%s kB ", $2}' "/proc/$p/status"; done)(primary and workers)"
fi
echo "== export of all $EVENTS events (NDJSON): memory"
/usr/bin/time -f "   %e s wall, %M KiB peak RSS" "$BIN" export --database-url "$URL" --format ndjson --output "$WORK/all.ndjson"
echo "   $(wc -l < "$WORK/all.ndjson") lines"
