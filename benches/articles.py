#!/usr/bin/env python3
"""Synthetic news articles for the benchmarks, written here (no third-party
text): N articles of three dated events each, one JSON object a line.

    benches/articles.py N [SEED] > articles.jsonl
"""
import json
import random
import sys

n = int(sys.argv[1])
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
months = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
actors = ["Iraq", "Syria", "Turkey", "Iran", "the United States", "Russia", "Egypt", "Jordan"]
for i in range(n):
    y = random.randint(1950, 2023)
    a, b = random.sample(actors, 2)
    body = (
        f"Officials said on {random.randint(1, 28)} {random.choice(months)} {y} that forces of {a} "
        f"attacked positions near the border, killing {random.randint(2, 60)} fighters. "
        f"Talks between {a} and {b} were held in {random.choice(months)} {y - 1}. "
        f"{b} signed an agreement with {a} in {y - random.randint(2, 20)}, the ministry recalled."
    )
    print(json.dumps({"url": f"https://bench.example/{i}", "title": f"Report {i}",
                      "outlet": "Bench Wire", "language": "en",
                      "published": f"{y}-12-31", "body": body}))
