#!/usr/bin/env python3
"""Times `tarikh extract --jsonl FILE` (whole process: start, JSON in and out,
timexes and events) and counts the timexes it found. Best of RUNS runs; the
process start-up is measured apart on a one-article file (best of RUNS) and is
NOT subtracted from `seconds`. Prints one JSON object.

Usage: tarikh_peer.py BIN FILE [RUNS=3]
"""
import json
import os
import subprocess
import sys
import tempfile
import time

binary, path = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
lines = open(path, encoding="utf-8").read().splitlines()


def run(p):
    t = time.perf_counter()
    out = subprocess.run([binary, "extract", "--jsonl", p], check=True, capture_output=True).stdout
    return time.perf_counter() - t, out


best, out = min((run(path) for _ in range(runs)), key=lambda r: r[0])
found = sum(len(json.loads(l)["timexes"]) for l in out.decode("utf-8").splitlines())
with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
    f.write(lines[0] + "\n")
try:
    startup = min(run(f.name)[0] for _ in range(runs))
finally:
    os.unlink(f.name)
print(json.dumps({"articles": len(lines), "total": len(lines),
                  "bytes": sum(len(json.loads(l)["text"].encode("utf-8")) for l in lines),
                  "found": found, "seconds": best, "startup_s": startup, "capped": False}))
