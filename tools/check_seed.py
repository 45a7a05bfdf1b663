#!/usr/bin/env python3
"""Checks the extractor on the founding (seed) article, which is third-party
text and so not in this repository: every hand-annotated gold event must be
found with its exact start and end day, and no expression may resolve to the
year 2254 (a UN resolution number in that article).

    python3 tools/check_seed.py SEED_GOLD_JSON [TARIKH_BINARY]

SEED_GOLD_JSON is the gold file (fields `text`, `published` and `events`, each
with `start` and `end`); TARIKH_BINARY defaults to target/release/tarikh.
Exits 0 when every check holds, 1 otherwise, 2 when the gold file is missing.
"""

import json
import subprocess
import sys


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(sys.argv[1], encoding="utf-8") as f:
            gold = json.load(f)
    except OSError as e:
        print(f"cannot read the seed gold file: {e}", file=sys.stderr)
        return 2
    binary = sys.argv[2] if len(sys.argv) > 2 else "target/release/tarikh"
    out = subprocess.run(
        [binary, "extract", "--published", gold["published"], "--lang", "ar"],
        input=gold["text"].encode("utf-8"),
        capture_output=True,
        check=True,
    )
    x = json.loads(out.stdout)
    dates = {(e["date"]["start"], e["date"]["end"]) for e in x["events"]}
    failed = 0
    for g in gold["events"]:
        ok = (g["start"], g["end"]) in dates
        failed += not ok
        print(f"{'ok  ' if ok else 'MISS'} {g['start']}..{g['end']}")
    years_2254 = [t["text"] for t in x["timexes"] if "2254" in (t.get("timex3") or "")]
    if years_2254:
        failed += 1
        print(f"FAIL 2254 read as a year: {years_2254}")
    print(f"{len(gold['events']) - failed}/{len(gold['events'])} gold events exact")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
