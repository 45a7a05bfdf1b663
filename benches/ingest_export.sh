#!/usr/bin/env bash
# Ingestion throughput end to end (extraction + storage) and
# streaming export against PostgreSQL's own COPY of the same rows, in one run.
# Loopback only; bounded by the sizes given. Usage:
#   benches/ingest_export.sh [ARTICLES=2000] [EVENTS=100000]
# TARIKH_BIN: the binary to measure (default: a release build of this tree),
# to compare two builds on the same machine.
# TARIKH_BENCH_ADMIN: a server URL ending in a database name, without a query
# string (databases are created beside it and `?sslmode=disable` appended).
set -euo pipefail
cd "$(dirname "$0")/.."
ARTICLES=${1:-2000}
EVENTS=${2:-100000}
ADMIN=${TARIKH_BENCH_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/tarikh-target}
if [ -z "${TARIKH_BIN:-}" ]; then cargo build --release --quiet; fi
BIN=${TARIKH_BIN:-$CARGO_TARGET_DIR/release/tarikh}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
db() { psql "$ADMIN" -q -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"; echo "${ADMIN%/*}/$1"; }

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB; load $(cut -d' ' -f1-3 /proc/loadavg); server ssl: $(psql "$ADMIN" -Atc 'SHOW ssl')"
python3 benches/gen_corpus.py "$ARTICLES" "$WORK/corpus.jsonl"
echo "== extraction only: $ARTICLES articles ($(du -k "$WORK/corpus.jsonl" | cut -f1) KiB)"
python3 - "$WORK/corpus.jsonl" > "$WORK/extract.jsonl" <<'PY'
import json, sys
for i, l in enumerate(open(sys.argv[1], encoding="utf-8")):
    a = json.loads(l)
    print(json.dumps({"id": str(i), "text": a["body"], "published": a["published"], "lang": a["language"]}, ensure_ascii=False))
PY
/usr/bin/time -f "   %e s wall, %M KiB peak RSS" "$BIN" extract --jsonl "$WORK/extract.jsonl" > /dev/null

URL=$(db tarikh_bench_ingest)
"$BIN" migrate --database-url "$URL" 2>/dev/null
echo "== ingest (PostgreSQL, default sslmode: TLS when the server's ssl is on): $ARTICLES articles"
/usr/bin/time -f "   %e s wall, %M KiB peak RSS" "$BIN" ingest --database-url "$URL" "$WORK/corpus.jsonl"
echo "== re-ingest (all skipped)"
"$BIN" ingest --database-url "$URL" "$WORK/corpus.jsonl"
# The URLs above leave sslmode at its default (prefer: TLS when the server
# offers it, as Debian's does). Loopback without TLS, for comparison:
URL=$(db tarikh_bench_ingest)
"$BIN" migrate --database-url "$URL" 2>/dev/null
echo "== ingest, loopback without TLS (sslmode=disable): $ARTICLES articles"
/usr/bin/time -f "   %e s wall, %M KiB peak RSS" "$BIN" ingest --database-url "$URL?sslmode=disable" "$WORK/corpus.jsonl"

URL=$(db tarikh_bench_export)
"$BIN" migrate --database-url "$URL" 2>/dev/null
echo "== fill: $EVENTS events"
/usr/bin/time -f "   %e s wall" psql "$URL" -q -v n="$EVENTS" -f benches/fill_events.sql
echo "== tarikh export --format ndjson: $EVENTS events, first run (no stored documents: each made from the rows and stored)"
/usr/bin/time -f "   %e s wall, %M KiB peak RSS" "$BIN" export --database-url "$URL" --format ndjson --output "$WORK/cold.ndjson"
echo "== tarikh refresh-docs: the documents the first export left to make"
/usr/bin/time -f "   %e s wall, %M KiB peak RSS" "$BIN" refresh-docs --database-url "$URL"
for fmt in ndjson csv; do
  echo "== tarikh export --format $fmt: $EVENTS events, documents stored"
  /usr/bin/time -f "   %e s wall, %M KiB peak RSS" "$BIN" export --database-url "$URL" --format "$fmt" --output "$WORK/out.$fmt"
  echo "   $(wc -l < "$WORK/out.$fmt") lines, $(du -k "$WORK/out.$fmt" | cut -f1) KiB"
done
cmp -s "$WORK/cold.ndjson" "$WORK/out.ndjson" && echo "   NDJSON from stored documents is byte-identical to the first run's"
echo "== tarikh export --format ndjson, loopback without TLS (sslmode=disable)"
/usr/bin/time -f "   %e s wall, %M KiB peak RSS" "$BIN" export --database-url "$URL?sslmode=disable" --format ndjson --output "$WORK/notls.ndjson"
echo "== tarikh export of no rows (connection set-up and planning only), with TLS and without"
/usr/bin/time -f "   %e s wall" "$BIN" export --database-url "$URL" --to 1000-01-01 --output "$WORK/none.ndjson"
/usr/bin/time -f "   %e s wall" "$BIN" export --database-url "$URL?sslmode=disable" --to 1000-01-01 --output "$WORK/none.ndjson"
echo "== tarikh export, a tenth of the rows (memory must not grow with size)"
/usr/bin/time -f "   %e s wall, %M KiB peak RSS" "$BIN" export --database-url "$URL" --to 1912-12-31 --output "$WORK/small.ndjson"
echo "   $(wc -l < "$WORK/small.ndjson") lines"
echo "== ceiling: COPY (SELECT events with actors and sources) TO STDOUT"
/usr/bin/time -f "   %e s wall" psql "$URL" -q -c "\copy (SELECT e.*, (SELECT string_agg(a.name || ':' || coalesce(a.wikidata,''), ';') FROM event_actor ea JOIN actor a ON a.id = ea.actor_id WHERE ea.event_id = e.id) AS actors, (SELECT string_agg(ar.url || ' ' || m.sentence, ';') FROM mention m JOIN article ar ON ar.id = m.article_id WHERE m.event_id = e.id) AS sources FROM event e ORDER BY start_day, end_day, id) TO '$WORK/copy.txt'"
echo "   $(wc -l < "$WORK/copy.txt") lines, $(du -k "$WORK/copy.txt" | cut -f1) KiB"
echo "== ceiling: COPY (SELECT the stored documents in export order) TO STDOUT, binary (they are stored compressed)"
/usr/bin/time -f "   %e s wall" psql "$URL" -q -c "\copy (SELECT d.doc FROM event e JOIN event_doc d ON d.event_id = e.id WHERE e.status <> 'rejected' ORDER BY e.start_day, e.end_day, e.id) TO '$WORK/copy3.bin' (FORMAT binary)"
echo "   $(du -k "$WORK/copy3.bin" | cut -f1) KiB"
echo "== ceiling: COPY (SELECT * FROM event ORDER BY start_day, end_day, id) TO STDOUT"
/usr/bin/time -f "   %e s wall" psql "$URL" -q -c "\copy (SELECT * FROM event ORDER BY start_day, end_day, id) TO '$WORK/copy2.txt'"
psql "$ADMIN" -q -c "DROP DATABASE IF EXISTS tarikh_bench_ingest WITH (FORCE)" -c "DROP DATABASE IF EXISTS tarikh_bench_export WITH (FORCE)"
