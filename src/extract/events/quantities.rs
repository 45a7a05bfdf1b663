//! Quantities of a clause: every count with its typed unit and qualifier
//! ("at least 12 killed and more than 40 wounded"). A number counts when a
//! counted noun follows it (or a casualty word frames it: "killed 5 people",
//! "مقتل 5 أشخاص"); years, clock times and decimals of percentages are the
//! temporal tagger's or nobody's.

use serde::Serialize;

use super::super::lexicon::Lex;
use super::super::text::{TokKind, Tokenized};

/// One count of an event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountedQuantity {
    pub value: f64,
    pub unit: &'static str,
    pub qualifier: Option<&'static str>,
}

/// Counted nouns and their unit. `people` is refined by a casualty word nearby.
const COUNTED: &[(&str, &str)] = &[
    ("هجوم", "attacks"),
    ("هجوما", "attacks"),
    ("هجمات", "attacks"),
    ("غاره", "attacks"),
    ("غارات", "attacks"),
    ("صاروخ", "attacks"),
    ("صواريخ", "attacks"),
    ("ضربه", "attacks"),
    ("ضربات", "attacks"),
    ("جندي", "troops"),
    ("جنود", "troops"),
    ("جنديا", "troops"),
    ("عسكري", "troops"),
    ("عسكريا", "troops"),
    ("عسكريين", "troops"),
    ("مقاتل", "troops"),
    ("مقاتلا", "troops"),
    ("مقاتلين", "troops"),
    ("عنصر", "troops"),
    ("عنصرا", "troops"),
    ("عناصر", "troops"),
    ("قتيل", "killed"),
    ("قتيلا", "killed"),
    ("قتلي", "killed"),
    ("شهيد", "killed"),
    ("شهيدا", "killed"),
    ("شهداء", "killed"),
    ("جريح", "wounded"),
    ("جريحا", "wounded"),
    ("جرحي", "wounded"),
    ("مصاب", "wounded"),
    ("مصابا", "wounded"),
    ("مصابين", "wounded"),
    ("اصابه", "wounded"),
    ("اصابات", "wounded"),
    ("شخص", "people"),
    ("اشخاص", "people"),
    // "وأصيب 40 آخرون": others, in a casualty count
    ("اخرين", "people"),
    ("اخرون", "people"),
    ("شخصا", "people"),
    ("مدني", "people"),
    ("مدنيا", "people"),
    ("مدنيين", "people"),
    ("طفل", "people"),
    ("طفلا", "people"),
    ("اطفال", "people"),
    ("امراه", "people"),
    ("نساء", "people"),
    ("فلسطينيا", "people"),
    ("فلسطينيين", "people"),
    ("صوت", "votes"),
    ("صوتا", "votes"),
    ("اصوات", "votes"),
    ("عمليه", "operations"),
    ("عمليات", "operations"),
    ("عضو", "members"),
    ("عضوا", "members"),
    ("اعضاء", "members"),
    ("نائب", "members"),
    ("نائبا", "members"),
    ("نواب", "members"),
    ("دوله", "members"),
    ("نازح", "displaced"),
    ("نازحا", "displaced"),
    ("نازحين", "displaced"),
    ("لاجئ", "displaced"),
    ("لاجئا", "displaced"),
    ("لاجئين", "displaced"),
    ("معتقل", "detained"),
    ("معتقلا", "detained"),
    ("معتقلين", "detained"),
    ("اسير", "detained"),
    ("اسيرا", "detained"),
    ("اسري", "detained"),
    ("سجين", "detained"),
    ("سجينا", "detained"),
    ("سجناء", "detained"),
    ("رهينه", "detained"),
    ("رهائن", "detained"),
    ("محتجز", "detained"),
    ("محتجزين", "detained"),
    ("موقوف", "detained"),
    ("بالمئه", "percent"),
    ("بالمائه", "percent"),
    ("%", "percent"),
    ("percent", "percent"),
    ("per", "percent"),
    ("attacks", "attacks"),
    ("attack", "attacks"),
    ("strikes", "attacks"),
    ("airstrikes", "attacks"),
    ("rockets", "attacks"),
    ("missiles", "attacks"),
    ("drones", "attacks"),
    ("troops", "troops"),
    ("soldiers", "troops"),
    ("fighters", "troops"),
    ("service", "troops"),
    ("personnel", "troops"),
    ("marines", "troops"),
    ("police", "people"),
    ("officers", "people"),
    ("people", "people"),
    ("civilians", "people"),
    ("children", "people"),
    ("women", "people"),
    ("persons", "people"),
    ("palestinians", "people"),
    ("others", "people"),
    ("dead", "killed"),
    ("killed", "killed"),
    ("deaths", "killed"),
    ("fatalities", "killed"),
    ("bodies", "killed"),
    ("wounded", "wounded"),
    ("injured", "wounded"),
    ("injuries", "wounded"),
    ("votes", "votes"),
    ("ballots", "votes"),
    ("operations", "operations"),
    ("raids", "operations"),
    ("members", "members"),
    ("lawmakers", "members"),
    ("deputies", "members"),
    ("seats", "members"),
    ("states", "members"),
    ("countries", "members"),
    ("displaced", "displaced"),
    ("refugees", "displaced"),
    ("detainees", "detained"),
    ("prisoners", "detained"),
    ("hostages", "detained"),
    ("captives", "detained"),
    ("arrested", "detained"),
    ("detained", "detained"),
    ("suspects", "detained"),
];

/// Casualty words that type a count of people: "killed 5 people" → killed.
const KILL_WORDS: &[&str] = &[
    "killed",
    "killing",
    "kills",
    "dead",
    "died",
    "death",
    "toll",
    "مقتل",
    "قتل",
    "مصرع",
    "استشهاد",
    "استشهد",
    "وفاه",
    "حصيله",
];
const WOUND_WORDS: &[&str] = &[
    "wounded",
    "wounding",
    "injured",
    "injuring",
    "injuries",
    "اصابه",
    "اصيب",
    "جرح",
    "جرحي",
];
const DETAIN_WORDS: &[&str] = &[
    "arrested",
    "detained",
    "released",
    "freed",
    "اعتقال",
    "اعتقل",
    "الافراج",
    "افرج",
    "سراح",
];
const DISPLACE_WORDS: &[&str] = &["displaced", "fled", "نزوح", "نزح", "نزحوا", "تهجير"];

/// Scale words after a number ("15 ألف", "1.5 million"), normalized, and
/// their factor.
const SCALES: &[(&str, f64)] = &[
    ("الف", 1e3),
    ("الفا", 1e3),
    ("الاف", 1e3),
    ("thousand", 1e3),
    ("مليون", 1e6),
    ("مليونا", 1e6),
    ("ملايين", 1e6),
    ("million", 1e6),
    ("مليار", 1e9),
    ("مليارا", 1e9),
    ("billion", 1e9),
];

/// (words, qualifier): read before the number; "على الاقل"/"at least" also after the noun.
const QUALIFIERS: &[(&[&str], &str)] = &[
    (&["at", "least"], "at_least"),
    (&["ما", "لا", "يقل", "عن"], "at_least"),
    (&["لا", "يقل", "عن"], "at_least"),
    (&["more", "than"], "more_than"),
    (&["over"], "more_than"),
    (&["اكثر", "من"], "more_than"),
    (&["ما", "يزيد", "علي"], "more_than"),
    (&["ما", "يزيد", "عن"], "more_than"),
    (&["يزيد", "علي"], "more_than"),
    (&["about"], "about"),
    (&["around"], "about"),
    (&["nearly"], "about"),
    (&["almost"], "about"),
    (&["approximately"], "about"),
    (&["roughly"], "about"),
    (&["some"], "about"),
    (&["an", "estimated"], "about"),
    (&["نحو"], "about"),
    (&["قرابه"], "about"),
    (&["حوالي"], "about"),
    (&["زهاء"], "about"),
    (&["ما", "يقارب"], "about"),
    (&["up", "to"], "at_most"),
    (&["as", "many", "as"], "at_most"),
];

fn word<'d>(doc: &'d Tokenized, i: usize) -> &'d str {
    match doc.toks.get(i) {
        Some(t) if t.kind == TokKind::Word => doc.tok_text(i),
        Some(t) if t.kind == TokKind::Punct('%') => "%",
        _ => "",
    }
}

fn stem<'d>(doc: &'d Tokenized, i: usize) -> &'d str {
    match doc.toks.get(i) {
        Some(t) if t.kind == TokKind::Word => doc.tok_stem(i),
        _ => "",
    }
}

fn strip_waw(w: &str) -> &str {
    if w.chars().count() > 3 {
        w.strip_prefix('و').unwrap_or(w)
    } else {
        w
    }
}

/// The value of token `i` as a count: a number (not a decimal's part, not
/// a year-like number followed by nothing counted) or a number word.
fn count_at(doc: &Tokenized, i: usize) -> Option<f64> {
    let t = doc.toks.get(i)?;
    match t.kind {
        TokKind::Num => {
            // "3.24": the fraction belongs to the number before the point
            if i >= 2
                && doc.toks[i - 1].kind == TokKind::Punct('.')
                && doc.toks[i - 2].kind == TokKind::Num
                && doc.toks[i - 1].s == doc.toks[i - 2].e
            {
                return None;
            }
            let mut v = t.num as f64;
            if let (Some(p), Some(f)) = (doc.toks.get(i + 1), doc.toks.get(i + 2)) {
                if p.kind == TokKind::Punct('.')
                    && f.kind == TokKind::Num
                    && p.s == t.e
                    && f.s == p.e
                {
                    let digits = f.nd.min(9) as i32;
                    v += f.num as f64 / 10f64.powi(digits);
                }
            }
            Some(v)
        }
        TokKind::Word => match t.lex {
            Lex::NumWord(n) if n > 1 => Some(n as f64),
            // "مليون شخص", "a million people": a singular scale word alone,
            // when no number before it multiplies it ("آلاف", thousands, is
            // no count)
            _ if !number_before(doc, i) => SCALES
                .iter()
                .filter(|(w, _)| !matches!(*w, "الاف" | "ملايين"))
                .find(|(w, _)| *w == word(doc, i))
                .map(|(_, f)| *f),
            _ => None,
        },
        TokKind::Punct(_) => None,
    }
}

/// Whether the token before `i` is a number (digits or a number word).
fn number_before(doc: &Tokenized, i: usize) -> bool {
    i > 0
        && doc
            .toks
            .get(i - 1)
            .is_some_and(|t| t.kind == TokKind::Num || matches!(t.lex, Lex::NumWord(n) if n > 1))
}

/// Tokens a number takes (its fraction: "3.24").
fn count_len(doc: &Tokenized, i: usize) -> usize {
    let t = &doc.toks[i];
    match (doc.toks.get(i + 1), doc.toks.get(i + 2)) {
        (Some(p), Some(f))
            if t.kind == TokKind::Num
                && p.kind == TokKind::Punct('.')
                && f.kind == TokKind::Num
                && p.s == t.e
                && f.s == p.e =>
        {
            3
        }
        _ => 1,
    }
}

fn qualifier_before(doc: &Tokenized, i: usize, a: usize) -> Option<&'static str> {
    for (words, q) in QUALIFIERS {
        let n = words.len();
        if i >= a + n
            && words
                .iter()
                .enumerate()
                .all(|(k, w)| strip_waw(word(doc, i - n + k)) == *w)
        {
            return Some(q);
        }
    }
    None
}

fn unit_of(doc: &Tokenized, j: usize) -> Option<&'static str> {
    let (w, s) = (word(doc, j), stem(doc, j));
    if w.is_empty() {
        return None;
    }
    COUNTED
        .iter()
        .find(|(n, _)| *n == w || *n == s)
        .map(|(_, u)| *u)
}

fn near(doc: &Tokenized, lo: usize, hi: usize, words: &[&str]) -> bool {
    (lo..hi).any(|k| {
        let w = strip_waw(word(doc, k));
        words.contains(&w) || words.contains(&stem(doc, k))
    })
}

/// Every count in tokens `[a, b)`, skipping the token ranges in `skip`
/// (temporal expressions).
pub fn find(doc: &Tokenized, a: usize, b: usize, skip: &[[usize; 2]]) -> Vec<CountedQuantity> {
    let mut out = Vec::new();
    let mut i = a;
    while i < b {
        if skip.iter().any(|r| i >= r[0] && i < r[1]) {
            i += 1;
            continue;
        }
        let Some(value) = count_at(doc, i) else {
            i += 1;
            continue;
        };
        let mut len = count_len(doc, i);
        let mut value = value;
        // "15 ألف شخص", "2.5 million people"
        if let Some((_, f)) = SCALES.iter().find(|(w, _)| *w == word(doc, i + len)) {
            value *= f;
            len += 1;
        }
        // the counted noun: right after, or after one modifier word ("5 US soldiers")
        let mut unit = None;
        let mut noun = i + len;
        for j in i + len..(i + len + 3).min(b) {
            if let Some(u) = unit_of(doc, j) {
                unit = Some(u);
                noun = j;
                break;
            }
            if doc.toks[j].kind != TokKind::Word {
                break;
            }
        }
        let Some(mut unit) = unit else {
            i += len;
            continue;
        };
        // a count of people typed by the casualty word around it
        if matches!(unit, "people" | "troops") {
            let lo = i.saturating_sub(4).max(a);
            let hi = (noun + 4).min(b);
            if near(doc, lo, hi, KILL_WORDS) && !near(doc, lo, hi, WOUND_WORDS) {
                unit = "killed";
            } else if near(doc, lo, hi, WOUND_WORDS) && !near(doc, lo, hi, KILL_WORDS) {
                unit = "wounded";
            } else if near(doc, lo, hi, KILL_WORDS) && near(doc, lo, hi, WOUND_WORDS) {
                // "killed 5 people and wounded 12": the nearer word wins
                let dist = |words: &[&str]| {
                    (lo..hi)
                        .filter(|&k| {
                            let w = strip_waw(word(doc, k));
                            words.contains(&w) || words.contains(&stem(doc, k))
                        })
                        .map(|k| k.abs_diff(i))
                        .min()
                        .unwrap_or(usize::MAX)
                };
                unit = if dist(KILL_WORDS) <= dist(WOUND_WORDS) {
                    "killed"
                } else {
                    "wounded"
                };
            } else if near(doc, lo, hi, DETAIN_WORDS) {
                unit = "detained";
            } else if near(doc, lo, hi, DISPLACE_WORDS) {
                unit = "displaced";
            }
        }
        // "more than a million": the article stands between
        let q_at = if word(doc, i.saturating_sub(1)) == "a" && i > a {
            i - 1
        } else {
            i
        };
        let mut qualifier = qualifier_before(doc, q_at, a);
        if qualifier.is_none() {
            let after = noun + 1;
            let at_least = (word(doc, after) == "على" || word(doc, after) == "علي")
                && word(doc, after + 1) == "الاقل";
            if at_least {
                qualifier = Some("at_least");
            }
        }
        out.push(CountedQuantity {
            value,
            unit,
            qualifier,
        });
        i = noun + 1;
    }
    out
}
