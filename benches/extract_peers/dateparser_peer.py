#!/usr/bin/env python3
"""dateparser's search_dates over JSON lines {"id","text","published","lang"}.

Times only the search_dates calls, one per article, with languages=[lang] and
RELATIVE_BASE = the published date. Import time and the first call per language
(dateparser loads its language data lazily) are measured apart and excluded.
Stops once CAP seconds have been spent in search_dates and reports the rate over
the articles done. Prints one JSON object.

Usage: dateparser_peer.py FILE [CAP_SECONDS]
"""
import json
import sys
import time

t0 = time.perf_counter()
from dateparser.search import search_dates  # noqa: E402
import_s = time.perf_counter() - t0

from datetime import datetime  # noqa: E402
from importlib.metadata import version  # noqa: E402


def main():
    path = sys.argv[1]
    cap = float(sys.argv[2]) if len(sys.argv) > 2 else float("inf")
    lines = [json.loads(l) for l in open(path, encoding="utf-8")]
    t = time.perf_counter()
    for lang in sorted({a["lang"] for a in lines}):
        search_dates("1 2020", languages=[lang], settings={"RELATIVE_BASE": datetime(2020, 1, 1)})
    warmup_s = time.perf_counter() - t
    n = nbytes = found = 0
    spent = 0.0
    for a in lines:
        if spent >= cap:
            break
        base = datetime.strptime(a["published"], "%Y-%m-%d")
        t = time.perf_counter()
        r = search_dates(a["text"], languages=[a["lang"]], settings={"RELATIVE_BASE": base})
        spent += time.perf_counter() - t
        found += len(r) if r else 0
        n += 1
        nbytes += len(a["text"].encode("utf-8"))
    print(json.dumps({"articles": n, "total": len(lines), "bytes": nbytes, "found": found,
                      "seconds": spent, "import_s": import_s, "warmup_s": warmup_s,
                      "capped": n < len(lines), "version": version("dateparser")}))


if __name__ == "__main__":
    main()
