#!/usr/bin/env bash
# A quick wrk pass over the bodies against servers that are already running (verify.sh first,
# or start them by hand). Only a smoke test: short, on a shared machine.
#   benches/postgraphile/smoke.sh            # PostGraphile q1 q2 q3, then Tarikh's if it answers
# Environment: PGL_URL, TARIKH_URL, DURATION (10s), THREADS (2), CONNECTIONS (8).
set -euo pipefail
cd "$(dirname "$0")"
PGL_URL=${PGL_URL:-http://127.0.0.1:${PGL_PORT:-5000}/graphql}
TARIKH_URL=${TARIKH_URL-http://127.0.0.1:18080/graphql}
D=${DURATION:-10s} T=${THREADS:-2} C=${CONNECTIONS:-8}
run() { # LABEL URL BODY
  [[ -f $3 ]] || { echo "smoke.sh: $3 missing (run cursor.sh)" >&2; return 0; }
  echo "== $1 ($3)"
  wrk -t"$T" -c"$C" -d"$D" --latency -s post.lua "$2" -- "$3" |
    grep -E 'Latency  |Requests/sec|Non-2xx|Socket errors|post.lua:'
}
for q in q1 q2 q3; do run "PostGraphile $q" "$PGL_URL" "$q.json"; done
if [[ -n $TARIKH_URL ]] && curl -fsS -o /dev/null "${TARIKH_URL%/graphql}/health" 2>/dev/null; then
  for q in q1 q2 q3; do run "Tarikh $q" "$TARIKH_URL" "tarikh/$q.json"; done
fi
