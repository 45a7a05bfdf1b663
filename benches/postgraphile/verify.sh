#!/usr/bin/env bash
# Starts PostGraphile on $PGL_PORT and, when its binary exists, Tarikh on $TARIKH_BIND, both over
# $DATABASE_URL; writes the Q3 bodies (cursor.sh); checks every body against plain SQL on the
# same database (verify.js); stops what it started.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/tarikh_pgl benches/postgraphile/verify.sh
#
# Environment: DATABASE_URL, PGL_PORT (5000), TARIKH_BIN (/var/tmp/tarikh-target/release/tarikh,
# else target/release/tarikh), TARIKH_BIND (127.0.0.1:18080), TARIKH=0 to leave Tarikh out.
# A server already answering on either address is an error (it could serve another database)
# unless PGL_REUSE=1 / TARIKH_REUSE=1 says it serves $DATABASE_URL.
# The database must be migrated and filled (see README.md); nothing is written to it, except
# that `tarikh serve` runs its migrations (a no-op on a migrated database).
set -euo pipefail
cd "$(dirname "$0")"
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tarikh_pgl}
export PGL_PORT=${PGL_PORT:-5000}
export PGL_URL=http://127.0.0.1:$PGL_PORT/graphql
TARIKH_BIND=${TARIKH_BIND:-127.0.0.1:18080}
export TARIKH_URL=http://$TARIKH_BIND/graphql
if [[ -z ${TARIKH_BIN:-} ]]; then
  TARIKH_BIN=/var/tmp/tarikh-target/release/tarikh
  [[ -x $TARIKH_BIN ]] || TARIKH_BIN=../../target/release/tarikh
fi

[[ -d node_modules ]] || npm ci --no-audit --no-fund

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

pgl_up() {
  curl -fsS -o /dev/null -H 'content-type: application/json' \
    --data '{"query":"{ __typename }"}' "$PGL_URL" 2>/dev/null
}
tarikh_up() { curl -fsS -o /dev/null "http://$TARIKH_BIND/health" 2>/dev/null; }
wait_for() { # NAME CHECK PID
  for _ in $(seq 1 120); do
    if $2; then return 0; fi
    if [[ -n ${3:-} ]] && ! kill -0 "$3" 2>/dev/null; then
      echo "verify.sh: $1 exited; log: $log_dir/$1.log" >&2
      cat "$log_dir/$1.log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "verify.sh: $1 did not answer in 60 s" >&2
  return 1
}

busy() { # NAME ADDRESS REUSE-VARIABLE
  echo "verify.sh: something already answers at $2; it may serve another database." >&2
  echo "  Set $3=1 if it serves $DATABASE_URL, or pick a free address." >&2
  exit 1
}

log_dir=$(mktemp -d)
if pgl_up; then
  [[ ${PGL_REUSE:-0} == 1 ]] || busy PostGraphile "$PGL_URL" PGL_REUSE
  echo "PostGraphile already answering at $PGL_URL (PGL_REUSE=1)"
else
  NODE_ENV=production node server.js >"$log_dir/postgraphile.log" 2>&1 &
  pids+=($!)
  wait_for postgraphile pgl_up "$!"
fi

if [[ ${TARIKH:-1} != 0 ]]; then
  if tarikh_up; then
    [[ ${TARIKH_REUSE:-0} == 1 ]] || busy Tarikh "$TARIKH_BIND" TARIKH_REUSE
    echo "Tarikh already answering at $TARIKH_URL (TARIKH_REUSE=1)"
  elif [[ -x $TARIKH_BIN ]]; then
    "$TARIKH_BIN" serve --database-url "$DATABASE_URL" --bind "$TARIKH_BIND" \
      >"$log_dir/tarikh.log" 2>&1 &
    pids+=($!)
    wait_for tarikh tarikh_up "$!"
  else
    echo "verify.sh: no Tarikh binary at $TARIKH_BIN; PostGraphile only" >&2
    TARIKH_URL=
  fi
else
  TARIKH_URL=
fi

./cursor.sh
node verify.js
