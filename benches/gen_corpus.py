#!/usr/bin/env python3
"""Writes a synthetic news corpus (JSON lines) for ingestion benchmarks.

Our own templated sentences in Arabic and English (no third-party text):
each article reports a dated meeting between two states, a casualty figure
with a relative date, and a plan for the following week.

Usage: gen_corpus.py N OUT.jsonl [SEED]
"""
import json
import random
import sys

MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July",
             "August", "September", "October", "November", "December"]
MONTHS_AR = ["كانون الثاني/يناير", "شباط/فبراير", "آذار/مارس", "نيسان/أبريل", "أيار/مايو",
             "حزيران/يونيو", "تموز/يوليو", "آب/أغسطس", "أيلول/سبتمبر",
             "تشرين الأول/أكتوبر", "تشرين الثاني/نوفمبر", "كانون الأول/ديسمبر"]
STATES_EN = ["Iraq", "Syria", "the United States", "Turkey", "Iran", "the United Nations",
             "Russia", "Jordan", "Lebanon", "Egypt", "Saudi Arabia", "Qatar"]
STATES_AR = ["العراق", "سوريا", "الولايات المتحدة", "تركيا", "إيران", "الأمم المتحدة",
             "روسيا", "الأردن", "لبنان", "مصر", "السعودية", "قطر"]


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    with open(out, "w", encoding="utf-8") as f:
        for i in range(n):
            y, m, d = 2000 + rnd.randrange(25), rnd.randrange(12), 1 + rnd.randrange(28)
            a, b = rnd.sample(range(len(STATES_EN)), 2)
            killed = rnd.randrange(2, 90)
            if i % 2:
                lang = "en"
                body = (f"Officials from {STATES_EN[a]} and {STATES_EN[b]} met on {MONTHS_EN[m]} {d}, {y} "
                        f"to discuss border security, the ministry said in statement number {i}. "
                        f"Earlier this month, {killed} people were killed in clashes near the border. "
                        f"The talks will resume next week, according to a spokesman.")
            else:
                lang = "ar"
                body = (f"التقى مسؤولون من {STATES_AR[a]} و{STATES_AR[b]} يوم {d} {MONTHS_AR[m]} {y} "
                        f"لبحث أمن الحدود، بحسب بيان رقم {i}. وقبل أيام، قتل {killed} شخصا في اشتباكات "
                        f"قرب الحدود. ومن المقرر أن تستأنف المباحثات الأسبوع المقبل.")
            f.write(json.dumps({"url": f"https://bench.example/{i}", "published": f"{y}-{m + 1:02d}-28",
                                "language": lang, "outlet": "Bench Wire", "body": body},
                               ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
