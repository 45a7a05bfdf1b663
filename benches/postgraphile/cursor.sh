#!/usr/bin/env bash
# Writes q3.json (PostGraphile) and, when Tarikh answers, tarikh/q3.json: the Q3 bodies with
# $after = the cursor of row 2000 of actor 3's timeline. Needs the servers running.
#   PGL_URL=http://127.0.0.1:5000/graphql TARIKH_URL=http://127.0.0.1:18080/graphql ./cursor.sh
set -euo pipefail
cd "$(dirname "$0")"
PGL_URL=${PGL_URL:-http://127.0.0.1:${PGL_PORT:-5000}/graphql}
TARIKH_URL=${TARIKH_URL-http://127.0.0.1:18080/graphql}  # empty: PostGraphile only
ROW=${ROW:-2000}
node cursor.js "$PGL_URL" q3.template.json q3.json "$ROW"
if [[ -n $TARIKH_URL ]] && curl -fsS -o /dev/null "${TARIKH_URL%/graphql}/health" 2>/dev/null; then
  node cursor.js "$TARIKH_URL" tarikh/q3.template.json tarikh/q3.json "$ROW"
else
  echo "cursor.sh: Tarikh not answering at $TARIKH_URL; tarikh/q3.json not written" >&2
fi
