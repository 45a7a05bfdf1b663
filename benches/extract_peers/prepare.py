#!/usr/bin/env python3
"""Splits a gen_corpus.py corpus into OUTDIR/ar.jsonl and OUTDIR/en.jsonl in the
shape `tarikh extract --jsonl` reads: {"id","text","published","lang"}.

Usage: prepare.py CORPUS.jsonl OUTDIR
"""
import json
import os
import sys

corpus, outdir = sys.argv[1], sys.argv[2]
outs = {lang: open(os.path.join(outdir, f"{lang}.jsonl"), "w", encoding="utf-8") for lang in ("ar", "en")}
for i, line in enumerate(open(corpus, encoding="utf-8")):
    a = json.loads(line)
    outs[a["language"]].write(json.dumps({"id": str(i), "text": a["body"], "published": a["published"],
                                          "lang": a["language"]}, ensure_ascii=False) + "\n")
for f in outs.values():
    f.close()
