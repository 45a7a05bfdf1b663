#!/usr/bin/env bash
# Faults against the release build (a database that goes away, a killed
# ingest, concurrent ingests, a full disk), loopback only, bounded:
#   1. PostgreSQL restarted, then stopped for 3 s, under load from 8
#      clients (a second cluster on port 55433, made here and removed);
#   2. kill -9 during an ingest, then the same ingest again, against a
#      clean run (SQLite: one writer, so the two stores compare exactly);
#   3. two ingests of one corpus at once on PostgreSQL, against a clean run;
#   4. a full disk (a 4 MiB tmpfs; skipped where mounting is not allowed).
# Prints what clients saw, how long recovery took and whether the stores
# match.
#   benches/faults.sh [ARTICLES=1500]
set -euo pipefail
cd "$(dirname "$0")/.."
ARTICLES=${1:-1500}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/tarikh-target}
if [ -z "${TARIKH_BIN:-}" ]; then cargo build --release --quiet --bin tarikh; fi
BIN=${TARIKH_BIN:-$CARGO_TARGET_DIR/release/tarikh}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
WORK=$(mktemp -d)
chmod 755 "$WORK"
PGPORT=55433
PORT=18082
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; fi
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
  umount "$WORK/full" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
python3 benches/articles.py "$ARTICLES" > "$WORK/articles.jsonl"
# What a store holds, without ids or times: one line per event (title,
# dates, kind, actors, sources' sentences), sorted.
fingerprint() {
  "$BIN" export --database-url "$1" --format ndjson 2>/dev/null | python3 -c '
import json, sys, hashlib
rows = []
for line in sys.stdin:
    e = json.loads(line)
    actors = sorted(a.get("name", "") for a in e.get("actors", []))
    sources = sorted(m.get("sentence", "") for m in e.get("sources", e.get("mentions", [])))
    rows.append(json.dumps([e.get("title"), e.get("date", {}).get("edtf"), e.get("kind"), actors, sources], ensure_ascii=False))
rows.sort()
print(len(rows), "events, sha256", hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16])'
}

echo "== 1. PostgreSQL restarted and stopped under load"
mkdir "$WORK/pg" "$WORK/pglog" && chown postgres "$WORK/pg" "$WORK/pglog"
runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg" -U postgres --auth=trust >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -o "-p $PGPORT -k $WORK/pg -c listen_addresses=127.0.0.1" -l "$WORK/pglog/pg.log" -w start >/dev/null
URL="postgres://postgres@127.0.0.1:$PGPORT/postgres?sslmode=disable"
"$BIN" ingest --database-url "$URL" "$WORK/articles.jsonl" 2>&1 | tail -n 1
TARIKH_RATE_LIMIT=0 RUST_LOG=warn "$BIN" serve --database-url "$URL" --bind "127.0.0.1:$PORT" > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done
python3 - "http://127.0.0.1:$PORT" "$WORK/load.txt" 16 <<'EOF' &
# 8 clients for N seconds: one line per answer (time since start, outcome).
import json, sys, threading, time, urllib.request, urllib.error
url, out, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
body = json.dumps({"query": "{ events(first: 20) { nodes { id title } } }"}).encode()
t0 = time.monotonic(); lines = []; lock = threading.Lock()
def client():
    while time.monotonic() - t0 < seconds:
        req = urllib.request.Request(url + "/graphql", data=body, headers={"Content-Type": "application/json"})
        started = time.monotonic()
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                a = json.loads(r.read()); s = r.status
        except urllib.error.HTTPError as e:
            a = json.loads(e.read() or b"{}"); s = e.code
        except Exception as e:
            a = {}; s = type(e).__name__
        code = (a.get("errors") or [{}])[0].get("extensions", {}).get("code", "ok") if isinstance(a, dict) else "?"
        with lock:
            lines.append(f"{time.monotonic() - t0:.3f} {time.monotonic() - started:.3f} {s} {code}")
threads = [threading.Thread(target=client) for _ in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
open(out, "w").write("\n".join(lines) + "\n")
EOF
LOAD=$!
T0=$(date +%s.%N)
sleep 3
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -m fast -w restart -o "-p $PGPORT -k $WORK/pg -c listen_addresses=127.0.0.1" -l "$WORK/pglog/pg.log" >/dev/null
UP1=$(echo "$(date +%s.%N) - $T0" | bc)
sleep 3
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null
DOWN2=$(echo "$(date +%s.%N) - $T0" | bc)
sleep 3
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -o "-p $PGPORT -k $WORK/pg -c listen_addresses=127.0.0.1" -l "$WORK/pglog/pg.log" -w start >/dev/null
UP2=$(echo "$(date +%s.%N) - $T0" | bc)
wait "$LOAD"
python3 - "$WORK/load.txt" "$UP1" "$DOWN2" "$UP2" <<'EOF'
import sys, collections
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
up1, down2, up2 = map(float, sys.argv[2:5])
outcomes = collections.Counter(f"{r[2]} {r[3]}" for r in rows)
print(f"   {len(rows)} answers: " + ", ".join(f"{k}: {v}" for k, v in outcomes.most_common()))
def recovery(after):
    ok = [float(r[0]) - float(r[1]) for r in rows if r[3] == "ok" and float(r[0]) - float(r[1]) >= after]
    return (min(ok) - after) if ok else float("nan")
print(f"   restart done at {up1:.1f} s: first answer sent after it succeeded {recovery(up1):.2f} s later")
print(f"   stop at {down2:.1f} s, start done at {up2:.1f} s: first answer sent after it succeeded {recovery(up2):.2f} s later")
slow = max(float(r[1]) for r in rows)
print(f"   slowest answer {slow:.2f} s; answers during the 3 s down: "
      + ", ".join(f"{k}: {v}" for k, v in collections.Counter(f"{r[2]} {r[3]}" for r in rows if down2 <= float(r[0]) - float(r[1]) < up2 - 0.5).most_common()))
EOF
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""

echo "== 2. kill -9 during an ingest, then the same ingest again (SQLite)"
CLEAN="sqlite://$WORK/clean.db?mode=rwc"
KILLED="sqlite://$WORK/killed.db?mode=rwc"
"$BIN" ingest --database-url "$CLEAN" "$WORK/articles.jsonl" 2>&1 | tail -n 1
"$BIN" ingest --database-url "$KILLED" "$WORK/articles.jsonl" > /dev/null 2>&1 &
ING=$!
sleep 2
kill -9 "$ING"; wait "$ING" 2>/dev/null || true
echo "   killed after 2 s; rerun:"
"$BIN" ingest --database-url "$KILLED" "$WORK/articles.jsonl" 2>&1 | tail -n 1 | sed 's/^/   /'
echo "   clean:  $(fingerprint "$CLEAN")"
echo "   killed: $(fingerprint "$KILLED")"

echo "== 3. two ingests of one corpus at once (PostgreSQL)"
for db in twice once; do runuser -u postgres -- "$PGBIN/createdb" -h "$WORK/pg" -p $PGPORT -U postgres "$db"; done
TWICE="postgres://postgres@127.0.0.1:$PGPORT/twice?sslmode=disable"
ONCE="postgres://postgres@127.0.0.1:$PGPORT/once?sslmode=disable"
"$BIN" migrate --database-url "$TWICE" 2>/dev/null
"$BIN" ingest --database-url "$ONCE" "$WORK/articles.jsonl" 2>&1 | tail -n 1 | sed 's/^/   once: /'
"$BIN" ingest --database-url "$TWICE" "$WORK/articles.jsonl" > "$WORK/a.txt" 2>&1 &
A=$!
"$BIN" ingest --database-url "$TWICE" "$WORK/articles.jsonl" > "$WORK/b.txt" 2>&1 &
B=$!
wait "$A" "$B" || true
tail -n 1 "$WORK/a.txt" | sed 's/^/   first:  /'
tail -n 1 "$WORK/b.txt" | sed 's/^/   second: /'
echo "   articles stored: $(psql "$TWICE" -Atc 'SELECT count(*) FROM article') (corpus $ARTICLES)"
echo "   once:  $(fingerprint "$ONCE")"
echo "   twice: $(fingerprint "$TWICE")"

echo "== 4. a full disk (SQLite on a 4 MiB tmpfs)"
mkdir "$WORK/full"
if mount -t tmpfs -o size=4m tmpfs "$WORK/full" 2>/dev/null; then
  FULL="sqlite://$WORK/full/t.db?mode=rwc"
  set +e
  "$BIN" ingest --database-url "$FULL" "$WORK/articles.jsonl" > "$WORK/full.txt" 2>&1
  echo "   exit status $? ; $(tail -n 1 "$WORK/full.txt")"
  echo "   first error: $(grep -m1 -i 'full\|error' "$WORK/full.txt" | cut -c1-160)"
  python3 -c "import sqlite3,sys; print('   integrity:', sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])" "$WORK/full/t.db"
  set -e
else
  echo "   skipped: this machine does not allow mounting a tmpfs"
fi
