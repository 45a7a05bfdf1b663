#!/usr/bin/env bash
# Extraction throughput of `tarikh extract` next to two peers on the
# same generated texts, per language, in one run:
#   - dateparser's search_dates (PyPI, pinned in extract_peers/requirements.txt,
#     installed into a venv under /var/tmp), one call per article with the
#     article's language and RELATIVE_BASE = its published date;
#   - the `duckling` crate (crates.io, Rust port of Facebook's Duckling), Time
#     dimension, through the bench-only binary in extract_peers/duckling/ (its
#     own crate, outside the workspace, own target dir).
# tarikh is timed as a whole process (start-up, JSON in/out, timexes AND
# events); the peers are timed over their parse calls only (imports and
# first-call loading excluded and printed). Counts of expressions found are not
# a quality comparison: the tools find different things (quality is scored by
# the scorers in ../shared/tools). Local only; bounded by the article count and
# a per-peer, per-language time cap.
# Usage: benches/extract_peers.sh [ARTICLES=1000]
#   env: EXTRACT_PEERS_CAP  seconds per peer and language (default 45)
#        TARIKH_BIN         use this tarikh binary instead of building it
set -euo pipefail
cd "$(dirname "$0")/.."
ARTICLES=${1:-1000}
CAP=${EXTRACT_PEERS_CAP:-45}
HERE=benches/extract_peers
VENV=${EXTRACT_PEERS_VENV:-/var/tmp/extract-peers-venv}
PEER_TARGET=${EXTRACT_PEERS_TARGET:-/var/tmp/extract-peers-target}

if [ -z "${TARIKH_BIN:-}" ]; then
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/tarikh-target}
  cargo build --release --quiet --bin tarikh
  TARIKH_BIN=$CARGO_TARGET_DIR/release/tarikh
fi

[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"

DUCK=""
if CARGO_TARGET_DIR=$PEER_TARGET cargo build --release --quiet \
     --manifest-path "$HERE/duckling/Cargo.toml" 2> "$PEER_TARGET.build.log"; then
  DUCK=$PEER_TARGET/release/tarikh-duckling-peer
  DUCK_VER=$(awk '/^name = "duckling"/{getline; print $3}' "$HERE/duckling/Cargo.lock" | tr -d '"')
else
  echo "!! duckling peer did not build (log: $PEER_TARGET.build.log); its rows are skipped"
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 benches/gen_corpus.py "$ARTICLES" "$WORK/corpus.jsonl"
python3 "$HERE/prepare.py" "$WORK/corpus.jsonl" "$WORK"

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $ARTICLES generated articles (benches/gen_corpus.py): ar $(wc -l < "$WORK/ar.jsonl"), en $(wc -l < "$WORK/en.jsonl"); peer time cap ${CAP} s per language"
DP_VER=$("$VENV/bin/python" -c 'from importlib.metadata import version; print(version("dateparser"))')
echo "== tarikh $("$TARIKH_BIN" --version 2>/dev/null | awk '{print $2}'), dateparser $DP_VER (Python $("$VENV/bin/python" -c 'import platform; print(platform.python_version())')), duckling ${DUCK_VER:-unavailable}"
for lang in ar en; do
  python3 "$HERE/tarikh_peer.py" "$TARIKH_BIN" "$WORK/$lang.jsonl" > "$WORK/tarikh.$lang.json"
  "$VENV/bin/python" "$HERE/dateparser_peer.py" "$WORK/$lang.jsonl" "$CAP" > "$WORK/dateparser.$lang.json"
  if [ -n "$DUCK" ]; then
    timeout $((CAP * 2 + 30)) "$DUCK" "$WORK/$lang.jsonl" "$CAP" > "$WORK/duckling.$lang.json" \
      || echo "!! duckling $lang failed or timed out"
  fi
done
echo "== MB = 10^6 bytes of article text (UTF-8); found = time expressions reported (not a quality measure); tarikh/peer = MB/s ratio"
python3 "$HERE/table.py" "$WORK"
