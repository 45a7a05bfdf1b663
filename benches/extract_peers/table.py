#!/usr/bin/env python3
"""Prints the comparison table from the JSON results in DIR ({tool}.{lang}.json).

Usage: table.py DIR
"""
import json
import os
import sys

d = sys.argv[1]
TOOLS = [("tarikh", "tarikh extract"), ("dateparser", "dateparser search_dates"), ("duckling", "duckling crate")]


def load(tool, lang):
    p = os.path.join(d, f"{tool}.{lang}.json")
    return json.load(open(p)) if os.path.exists(p) and os.path.getsize(p) else None


print(f"{'lang':<4} {'tool':<24} {'articles':>9} {'MB':>6} {'seconds':>8} {'MB/s':>8} {'art/s':>9} "
      f"{'found':>6} {'tarikh/peer':>11}")
for lang in ("ar", "en"):
    base = load("tarikh", lang)
    for tool, label in TOOLS:
        r = load(tool, lang)
        if r is None:
            print(f"{lang:<4} {label:<24} {'not run (see above)':>40}")
            continue
        mbs = r["bytes"] / 1e6 / r["seconds"] if r["seconds"] else float("inf")
        aps = r["articles"] / r["seconds"] if r["seconds"] else float("inf")
        arts = f"{r['articles']}" + ("*" if r.get("capped") else "")
        if tool == "tarikh":
            ratio = "1.00"
        elif base:
            ratio = f"{base['bytes'] / base['seconds'] / (r['bytes'] / r['seconds']):.1f}x"
        else:
            ratio = "-"
        print(f"{lang:<4} {label:<24} {arts:>9} {r['bytes'] / 1e6:>6.3f} {r['seconds']:>8.3f} {mbs:>8.3f} "
              f"{aps:>9.0f} {r['found']:>6} {ratio:>11}")
        if tool == "tarikh" and r["seconds"] > r["startup_s"]:
            s = r["seconds"] - r["startup_s"]
            print(f"{lang:<4} {'  less start-up':<24} {r['articles']:>9} {r['bytes'] / 1e6:>6.3f} {s:>8.3f} "
                  f"{r['bytes'] / 1e6 / s:>8.3f} {r['articles'] / s:>9.0f} {'':>6} {'':>11}")
notes = []
for lang in ("ar", "en"):
    t, p, k = load("tarikh", lang), load("dateparser", lang), load("duckling", lang)
    if t:
        notes.append(f"tarikh {lang}: process start-up (a one-article run) {t['startup_s']:.3f} s, in its seconds; "
                     "ratios use the whole process")
    if p:
        notes.append(f"dateparser {lang}: import {p['import_s']:.2f} s, first-call language load "
                     f"{p['warmup_s']:.2f} s, excluded")
    if k:
        notes.append(f"duckling {lang}: first-call rule setup {k['warmup_s']:.3f} s, excluded")
    for name, r in (("dateparser", p), ("duckling", k)):
        if r and r.get("capped"):
            notes.append(f"* {name} {lang}: stopped at the time cap after {r['articles']} of {r['total']} articles; "
                         "rate over those")
for n in notes:
    print("  " + n)
