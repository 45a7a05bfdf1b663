#!/usr/bin/env python3
"""Scores the places of extracted events against the annotated corpus.

Usage: score_places.py BINARY DIR [DIR...] [--verbose]
  e.g. score_places.py target/release/tarikh tests/fixtures/annotated/dev

Runs `BINARY extract --jsonl` on the articles of DIR (docs/annotation.md,
"Places"). A gold event and a system event correspond when their evidence
spans overlap (each system event matched once, the largest overlap first).
On matched events, a system place equals a gold place when its English name
or its text as written is the gold name or one of its accepted names in
`place_synonyms.json` (beside the split folders), compared case-, accent-
and article-insensitively. Reported: micro P/R/F1 of places with their
roles and without, over all events: places of unmatched gold events count
as missed, places of unmatched system events as wrong.
"""
import json
import os
import re
import subprocess
import sys
import unicodedata
from glob import glob


def fold(s):
    s = unicodedata.normalize("NFKD", s or "")
    s = "".join(c for c in s if not unicodedata.combining(c) and c != "\u0640").lower()
    s = re.sub("[أإآٱ]", "ا", s).replace("ى", "ي").replace("ة", "ه")
    s = re.sub(r"[^\w]+", " ", s).strip()
    return re.sub(r"^(al|el|the|ال) ?", "", s)


def f1(p, r):
    return 2 * p * r / (p + r) if p + r else 0.0


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    verbose = "--verbose" in sys.argv
    if len(args) < 2:
        sys.exit(__doc__)
    binary, dirs = args[0], args[1:]
    arts = []
    syn = {}
    for d in dirs:
        path = os.path.join(os.path.dirname(os.path.abspath(d)), "place_synonyms.json")
        if os.path.exists(path):
            for k, v in json.load(open(path, encoding="utf-8")).items():
                syn[k] = {fold(k)} | {fold(x) for x in v}
        for p in sorted(glob(os.path.join(d, "*.json"))):
            a = json.load(open(p, encoding="utf-8"))
            if isinstance(a, dict) and "events" in a:
                arts.append(a)
    payload = "".join(
        json.dumps({"id": a["id"], "text": a["text"], "published": a["published"],
                    "lang": a["language"]}, ensure_ascii=False) + "\n"
        for a in arts)
    proc = subprocess.run([binary, "extract", "--jsonl"], input=payload.encode(),
                          capture_output=True, check=True)
    out = {}
    for line in proc.stdout.decode().splitlines():
        if line.strip():
            o = json.loads(line)
            out[str(o["id"])] = o

    def names(g):
        return syn.get(g, {fold(g)})

    def same(s, g):
        return bool({fold(s["name"]), fold(s["text"])} & names(g["name"]))

    tp = tp_role = n_gold = n_sys = 0
    for a in arts:
        text = a["text"]
        events = out[a["id"]].get("events") or []
        pairs, used = [], set()
        spans = []
        for g in a["events"]:
            s = text.find(g["evidence"])
            spans.append((s, s + len(g["evidence"])))
        cands = []
        for gi, (gs, ge) in enumerate(spans):
            for si, e in enumerate(events):
                es, ee = e.get("evidence_span") or (0, 0)
                ov = min(ge, ee) - max(gs, es)
                if ov > 0:
                    cands.append((-ov, gi, si))
        gold_used = set()
        for _, gi, si in sorted(cands):
            if gi in gold_used or si in used:
                continue
            gold_used.add(gi)
            used.add(si)
            pairs.append((gi, si))
        n_gold += sum(len(g.get("places") or []) for g in a["events"])
        n_sys += sum(len(e.get("places") or []) for e in events)
        for gi, si in pairs:
            gp = list(a["events"][gi].get("places") or [])
            sp = events[si].get("places") or []
            for s in sp:
                hit = next((g for g in gp if same(s, g)), None)
                if hit is None:
                    if verbose:
                        print(f"{a['id']}: wrong {s['name']} ({s['role']}) in: {events[si]['evidence'][:80]}")
                    continue
                gp.remove(hit)
                tp += 1
                tp_role += hit["role"] == s["role"]
            if verbose:
                for g in gp:
                    print(f"{a['id']}: missed {g['name']} ({g['role']}) in: {a['events'][gi]['evidence'][:80]}")
    p, r = tp / max(n_sys, 1), tp / max(n_gold, 1)
    pr, rr = tp_role / max(n_sys, 1), tp_role / max(n_gold, 1)
    print(f"places gold {n_gold}, system {n_sys}")
    print(f"place       P {100*p:5.1f}  R {100*r:5.1f}  F1 {100*f1(p, r):5.1f}")
    print(f"place+role  P {100*pr:5.1f}  R {100*rr:5.1f}  F1 {100*f1(pr, rr):5.1f}")


if __name__ == "__main__":
    main()
