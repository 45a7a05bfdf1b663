#!/usr/bin/env python3
"""The attack requests (hostile and unlucky clients) against a running Tarikh server, each
alone and from 8 clients at once, each client sending it again and again
for ABUSE_SECONDS (3), printing for each run: the requests sent, the
answers (HTTP status and first error code), the slowest answer's time, the
server's CPU seconds and peak RSS, and /health's latency meanwhile (polled
every 10 ms). Loopback only; every request has a 30 s client timeout.

    benches/abuse.py URL PID   # URL like http://127.0.0.1:18081, PID the server's

Exits non-zero when a target is missed: the server died, a request took
longer than its deadline plus 1 s (6 s), /health's p99 was 50 ms or more,
or peak RSS reached 200 MiB. Run through benches/abuse.sh.
"""
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request

URL, PID = sys.argv[1], int(sys.argv[2])
DEADLINE = 6.0
SECONDS = float(os.environ.get("ABUSE_SECONDS", "3"))
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds():
    with open(f"/proc/{PID}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def peak_rss_mib():
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def alive():
    return os.path.exists(f"/proc/{PID}")


def post(body):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(URL + "/graphql", data=data, headers={"Content-Type": "application/json"})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, text = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read()
    except Exception as e:  # connection reset, timeout: the server failed
        return "fail:" + type(e).__name__, time.monotonic() - started
    took = time.monotonic() - started
    try:
        answer = json.loads(text)
        first = answer[0] if isinstance(answer, list) else answer
        code = (first.get("errors") or [{}])[0].get("extensions", {}).get("code", "ok")
    except Exception:
        code = "?"
    return f"{status} {code}", took


def fan_out(n):
    q = "{ events { nodes { ...F%d } } }\nfragment F0 on Event { id title }\n" % n
    for i in range(1, n + 1):
        q += "fragment F%d on Event { ...F%d ...F%d }\n" % (i, i - 1, i - 1)
    return {"query": q}


EVENTS = "query($f: EventFilter) { events(filter: $f, first: 50) { totalCount nodes { id title } } }"
ATTACKS = [
    ("text search, 15,000 words", {"query": EVENTS, "variables": {"f": {"text": " ".join(["word"] * 15000)}}}),
    ("fragment fan-out (29 levels)", fan_out(29)),
    ("200 actor names, ALL", {"query": EVENTS, "variables": {"f": {"actors": [f"Actor {i}" for i in range(200)], "actorMatch": "ALL"}}}),
    ("1,150 aliases of totalCount", {"query": "{ " + " ".join(f"a{i}: events {{ totalCount }}" for i in range(1150)) + " }"}),
    ("batch of 1,000", [{"query": "{ events { totalCount } }"}] * 1000),
    ("WEEK timeline at -262143", {"query": '{ timeline(bucket: WEEK, filter: {from: "-262143-01-01", to: "-262143-01-20"}) { count } }'}),
    ("DAY timeline over every year", {"query": '{ timeline(bucket: DAY, filter: {from: "-9999-01-01", to: "9999-12-31"}) { count } }'}),
    ("wildcard search %", {"query": EVENTS, "variables": {"f": {"text": "%"}}}),
    ("nesting 5,000 deep", {"query": "{ events " * 5000 + "}" * 5000}),
    ("largest allowed: 20 counts with text", {"query": "query($f: EventFilter) { " + " ".join(f"a{i}: events(filter: $f) {{ totalCount }}" for i in range(20)) + " }", "variables": {"f": {"text": " ".join(f"w{i}" for i in range(16))}}}),
    ("largest allowed batch: 10 x 20 counts", [{"query": "{ " + " ".join(f"a{i}: events {{ totalCount }}" for i in range(20)) + " }"}] * 10),
    ("deep pages (complexity)", {"query": "{ events(first: 500) { nodes { actors { actor { events(first: 500) { nodes { id title summary } } } } } } }"}),
    ("20 actors ALL with text, DAY timeline", {"query": '{ timeline(bucket: DAY, filter: {from: "1900-01-01", to: "1920-12-31", actorMatch: ALL, actors: [' + ",".join(f'"Actor {i}"' for i in range(20)) + '], text: "a b c d e f g h"}) { count } }'}),
]


def health_probe(stop, samples):
    while not stop.is_set():
        started = time.monotonic()
        try:
            with urllib.request.urlopen(URL + "/health", timeout=10) as r:
                r.read()
            samples.append(time.monotonic() - started)
        except Exception:
            samples.append(float("inf"))
        time.sleep(0.01)


def pct(xs, p):
    return xs[min(len(xs) - 1, int(len(xs) * p))] if xs else float("nan")


def run(name, body, n):
    """`n` clients each send the attack again and again for SECONDS (at
    least once), while /health is polled every 10 ms."""
    results = []
    lock = threading.Lock()
    samples = []
    stop = threading.Event()
    probe = threading.Thread(target=health_probe, args=(stop, samples))
    cpu0 = cpu_seconds()
    probe.start()
    until = time.monotonic() + SECONDS

    def client():
        while True:
            r = post(body)
            with lock:
                results.append(r)
            if time.monotonic() >= until or not alive():
                return

    threads = [threading.Thread(target=client) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    probe.join()
    cpu = cpu_seconds() - cpu0 if alive() else float("nan")
    answers = sorted({r[0] for r in results})
    slowest = max(r[1] for r in results)
    samples.sort()
    p50, p99 = pct(samples, 0.5), pct(samples, 0.99)
    rss = peak_rss_mib() if alive() else float("nan")
    ok = alive() and slowest <= DEADLINE and p99 < 0.050 and rss < 200 and not any(a.startswith("fail") for a in answers)
    print(f"| {name} | {n} | {len(results)} | {', '.join(answers)} | {slowest:.3f} | {cpu:.2f} | {rss:.0f} | {p50 * 1000:.1f} / {p99 * 1000:.1f} ({len(samples)}) | {'ok' if ok else 'MISSED'} |", flush=True)
    return ok


def main():
    print(f"each run: the clients send the attack for {SECONDS} s (a slow one at least once)")
    print("| attack | clients | requests | answers | slowest s | server CPU s | peak RSS MiB | /health p50 / p99 ms (probes) | targets |")
    print("|---|---|---|---|---|---|---|---|---|")
    good = True
    samples = []
    stop = threading.Event()
    probe = threading.Thread(target=health_probe, args=(stop, samples))
    probe.start()
    time.sleep(SECONDS)
    stop.set()
    probe.join()
    samples.sort()
    print(f"| none (health alone) | 0 | 0 | | | | {peak_rss_mib():.0f} | {pct(samples, 0.5) * 1000:.1f} / {pct(samples, 0.99) * 1000:.1f} ({len(samples)}) | |", flush=True)
    for name, body in ATTACKS:
        for n in (1, 8):
            good &= run(name, body, n)
            if not alive():
                print(f"the server died during: {name}")
                return 1
    return 0 if good else 1


sys.exit(main())
