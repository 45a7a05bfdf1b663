//! Stage 5: event assembly. One event per dated clause; a reported statement
//! with no date of its own takes the publication date (once per chain of
//! reporting sentences); a present-tense troop count is a deployment dated
//! by the publication. Kind from keywords (the timex's clause first, then
//! the clauses after a fronted timex or before a trailing one), quantity
//! from a number followed by a counted noun, actors from the gazetteer.

use chrono::NaiveDate;

use super::gazetteer::{gazetteer, Mention};
use super::text::{Doc, TokKind};
use super::{Diagnostic, ExtractedActor, ExtractedEvent, Timex, TimexType};
use crate::domain::{ActorKind, ActorRole, EventDate, EventKind, Precision, Quantity};

const KINDS: &[(EventKind, &[&str])] = &[
    (
        EventKind::Founding,
        &[
            "تاسس",
            "تاسست",
            "اسس",
            "اسست",
            "تاسيس",
            "founded",
            "established",
            "formed",
            "created",
        ],
    ),
    (
        EventKind::Attack,
        &[
            "هجوم",
            "هجوما",
            "هجمات",
            "استهدف",
            "استهدفت",
            "قصف",
            "قصفت",
            "غاره",
            "غارات",
            "تفجير",
            "انفجار",
            "اشتباكات",
            "attack",
            "attacks",
            "attacked",
            "strike",
            "strikes",
            "bombing",
            "shelling",
            "airstrike",
            "airstrikes",
            "explosion",
        ],
    ),
    (
        EventKind::Death,
        &[
            "مقتل",
            "قتل",
            "قتلت",
            "وفاه",
            "توفي",
            "اغتيال",
            "killed",
            "died",
            "death",
            "assassinated",
        ],
    ),
    (
        EventKind::Arrest,
        &[
            "اعتقال",
            "اعتقل",
            "اعتقلت",
            "القبض",
            "arrested",
            "arrest",
            "detained",
        ],
    ),
    (
        EventKind::Election,
        &["انتخابات", "الانتخابات", "election", "elections", "elected"],
    ),
    (
        EventKind::Agreement,
        &[
            "اتفاق",
            "اتفاقيه",
            "الاتفاق",
            "agreement",
            "signed",
            "deal",
            "accord",
            "treaty",
        ],
    ),
    (
        EventKind::Withdrawal,
        &[
            "انسحاب",
            "الانسحاب",
            "انسحب",
            "انسحبت",
            "withdrawal",
            "withdrew",
            "withdraw",
        ],
    ),
    (
        EventKind::Deployment,
        &[
            "نشر",
            "انتشار",
            "يوجد",
            "يتواجد",
            "تمركز",
            "deployed",
            "deployment",
            "stationed",
        ],
    ),
    (
        EventKind::Negotiation,
        &[
            "مفاوضات",
            "التفاوض",
            "محادثات",
            "negotiations",
            "talks",
            "negotiation",
        ],
    ),
    (
        EventKind::Meeting,
        &[
            "اجتماع",
            "التقي",
            "اجتمع",
            "قمه",
            "لقاء",
            "meeting",
            "met",
            "summit",
        ],
    ),
    (
        EventKind::Report,
        &[
            "نقلت",
            "نقل",
            "ذكرت",
            "افادت",
            "افاد",
            "اوردت",
            "تقرير",
            "reported",
            "report",
            "according",
        ],
    ),
    (
        EventKind::Statement,
        &[
            "قال",
            "قالت",
            "اكد",
            "اكدت",
            "اعلن",
            "اعلنت",
            "صرح",
            "صرحت",
            "اوضح",
            "اوضحت",
            "اشار",
            "اشارت",
            "كشف",
            "كشفت",
            "اعرب",
            "اعربت",
            "شدد",
            "شددت",
            "اعتبر",
            "اعتبرت",
            "نفي",
            "نفت",
            "طالب",
            "طالبت",
            "دعا",
            "دعت",
            "حذر",
            "حذرت",
            "بيان",
            "تصريح",
            "تصريحات",
            "اضاف",
            "اضافت",
            "تابع",
            "said",
            "says",
            "announced",
            "stated",
            "told",
            "declared",
            "warned",
            "denied",
            "statement",
            "confirmed",
        ],
    ),
];

/// Reporting verbs that open a statement.
const REPORTING: &[&str] = &[
    "قال",
    "قالت",
    "اكد",
    "اكدت",
    "اعلن",
    "اعلنت",
    "صرح",
    "صرحت",
    "اوضح",
    "اوضحت",
    "اشار",
    "اشارت",
    "كشف",
    "كشفت",
    "اعرب",
    "اعربت",
    "شدد",
    "شددت",
    "نفي",
    "نفت",
    "حذر",
    "حذرت",
    "اضاف",
    "اضافت",
    "تابع",
    "اجاب",
    "ذكر",
    "ذكرت",
    "نقلت",
    "افاد",
    "افادت",
    "said",
    "says",
    "announced",
    "stated",
    "told",
    "declared",
    "warned",
    "denied",
    "added",
];

const COUNTED: &[(&str, &str)] = &[
    ("هجوم", "attacks"),
    ("هجوما", "attacks"),
    ("هجمات", "attacks"),
    ("جندي", "soldiers"),
    ("جنود", "soldiers"),
    ("جنديا", "soldiers"),
    ("عسكري", "soldiers"),
    ("عسكريا", "soldiers"),
    ("قتيل", "killed"),
    ("قتيلا", "killed"),
    ("قتلي", "killed"),
    ("شخص", "people"),
    ("اشخاص", "people"),
    ("شخصا", "people"),
    ("مدني", "civilians"),
    ("مدنيا", "civilians"),
    ("مدنيين", "civilians"),
    ("غاره", "airstrikes"),
    ("غارات", "airstrikes"),
    ("صاروخ", "missiles"),
    ("صواريخ", "missiles"),
    ("دوله", "states"),
    ("مقاتل", "fighters"),
    ("مقاتلا", "fighters"),
    ("troops", "soldiers"),
    ("soldiers", "soldiers"),
    ("people", "people"),
    ("attacks", "attacks"),
    ("civilians", "civilians"),
    ("fighters", "fighters"),
    ("members", "members"),
    ("killed", "killed"),
];

const SOLDIERS: &[&str] = &["جندي", "جنود", "جنديا", "عسكري", "troops", "soldiers"];
const PRESENCE: &[&str] = &[
    "يوجد",
    "يتواجد",
    "ينتشر",
    "يتمركز",
    "deployed",
    "stationed",
    "there",
];
const RANKS: &[&str] = &[
    "اللواء",
    "العميد",
    "العقيد",
    "الفريق",
    "الرائد",
    "المقدم",
    "النقيب",
    "الجنرال",
    "الدكتور",
    "الشيخ",
];

/// Participles that open a second, subordinate statement ("…، مشيرا إلى أن…"):
/// the event's evidence stops before them.
const CONTINUATION: &[&str] = &[
    "مشيرا",
    "مشيره",
    "مؤكدا",
    "مؤكده",
    "موكدا",
    "موكده",
    "مضيفا",
    "مضيفه",
    "لافتا",
    "لافته",
    "موضحا",
    "موضحه",
    "معتبرا",
    "معتبره",
    "منوها",
    "منوهه",
    "محذرا",
    "محذره",
];
/// Title nouns: an organization between one of them and a named person is
/// that person's affiliation ("رئيس خلية الإعلام الأمني، اللواء…").
const TITLES: &[&str] = &[
    "رئيس",
    "رئيسه",
    "مدير",
    "وزير",
    "وزيره",
    "قائد",
    "المتحدث",
    "الناطق",
    "سفير",
    "نائب",
    "امين",
    "مستشار",
    "عضو",
    "head",
    "chief",
    "director",
    "minister",
    "commander",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "ambassador",
];
/// Words that put a place name in a locative phrase ("في شمال شرق سوريا").
const LOCATIVE: &[&str] = &["في", "داخل", "in", "inside"];
const DIRECTIONS: &[&str] = &[
    "شمال",
    "جنوب",
    "شرق",
    "غرب",
    "وسط",
    "شمالي",
    "جنوبي",
    "شرقي",
    "غربي",
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
];
/// Complementizers after a reporting verb: what follows is the reported content.
const COMPLEMENTIZERS: &[&str] = &["ان", "that"];

fn is_boundary(k: TokKind) -> bool {
    matches!(
        k,
        TokKind::Punct('،' | ',' | '؛' | ';' | ':' | '“' | '”' | '"' | '«' | '»' | '(' | ')')
    )
}

fn strip_conj(w: &str) -> &str {
    if w.chars().count() > 3 {
        w.strip_prefix('و')
            .or_else(|| w.strip_prefix('ف'))
            .unwrap_or(w)
    } else {
        w
    }
}

struct Asm<'x, 'a> {
    doc: &'x Doc<'a>,
}

impl Asm<'_, '_> {
    fn word(&self, i: usize) -> &str {
        if self
            .doc
            .toks
            .get(i)
            .is_some_and(|t| t.kind == TokKind::Word)
        {
            strip_conj(self.doc.tok_text(i))
        } else {
            ""
        }
    }

    fn kind_in(&self, a: usize, b: usize) -> Option<(EventKind, usize)> {
        let mut best: Option<(usize, EventKind, usize)> = None;
        for i in a..b {
            let w = self.word(i);
            if w.is_empty() {
                continue;
            }
            let stem = self.doc.tok_stem(i);
            for (rank, (k, words)) in KINDS.iter().enumerate() {
                if (words.contains(&w) || words.contains(&stem)) && best.is_none_or(|b| rank < b.0)
                {
                    best = Some((rank, *k, i));
                }
            }
        }
        best.map(|b| (b.1, b.2))
    }

    fn has_reporting(&self, a: usize, b: usize) -> bool {
        (a..b).any(|i| REPORTING.contains(&self.word(i)))
    }

    fn quantity(&self, a: usize, b: usize, skip: &[[usize; 2]]) -> Option<Quantity> {
        for i in a..b {
            let t = &self.doc.toks[i];
            if t.kind != TokKind::Num || skip.iter().any(|r| i >= r[0] && i < r[1]) {
                continue;
            }
            for j in i + 1..(i + 3).min(b) {
                let w = self.word(j);
                let w = if w.is_empty() { continue } else { w };
                let stem = self.doc.tok_stem(j);
                if let Some((_, unit)) = COUNTED.iter().find(|(n, _)| *n == w || *n == stem) {
                    return Some(Quantity {
                        value: t.num as f64,
                        unit: (*unit).to_string(),
                    });
                }
                break;
            }
        }
        None
    }

    fn span(&self, a: usize, b: usize) -> [usize; 2] {
        // drop trailing sentence punctuation
        let mut b = b;
        while b > a + 1
            && matches!(
                self.doc.toks[b - 1].kind,
                TokKind::Punct('.' | '!' | '?' | '؟' | '،' | ',' | '؛' | ';' | '”' | '»')
            )
        {
            b -= 1;
        }
        self.doc.span_toks(a, b, false)
    }
}

/// Builds events from the timexes and actor mentions of a document.
pub fn assemble(
    doc: &Doc,
    published: NaiveDate,
    timexes: &[Timex],
    mentions: &[Mention],
    _diags: &mut Vec<Diagnostic>,
) -> Vec<ExtractedEvent> {
    let asm = Asm { doc };
    let mut events = Vec::new();
    let mut chain = false; // previous sentence was part of a reporting chain
    let mut last_abs: Option<(usize, NaiveDate)> = None; // (sentence, end) of the last absolute dated event
                                                         // Timexes and mentions in text order, so that each sentence takes its
                                                         // own by binary search: work per sentence does not grow with the
                                                         // document.
    let mut by_tok: Vec<&Timex> = timexes.iter().collect();
    by_tok.sort_by_key(|t| t.toks[0]);
    let mut by_span: Vec<Mention> = mentions.to_vec();
    by_span.sort_by_key(|m| m.span[0]);
    for (si, &(a, b)) in doc.sentences.iter().enumerate() {
        let here = {
            let lo = by_tok.partition_point(|t| t.toks[0] < a);
            let hi = by_tok.partition_point(|t| t.toks[0] < b);
            &by_tok[lo..hi]
        };
        let mentions = {
            let [cs, ce] = doc.span_toks(a, b, false);
            let lo = by_span.partition_point(|m| m.span[0] < cs);
            let hi = by_span.partition_point(|m| m.span[0] < ce);
            &by_span[lo..hi]
        };
        let dated: Vec<&Timex> = here
            .iter()
            .copied()
            .filter(|t| {
                t.toks[0] >= a
                    && t.toks[0] < b
                    && t.date.is_some()
                    && matches!(t.kind, TimexType::Date | TimexType::Time)
                    && t.timex3 != "PRESENT_REF"
            })
            .collect();
        let timex_ranges: Vec<[usize; 2]> = here.iter().map(|t| t.toks).collect();
        // clause boundaries (token indices of boundary punctuation not inside a timex)
        let bounds: Vec<usize> = (a..b)
            .filter(|&i| {
                is_boundary(doc.toks[i].kind) && !timex_ranges.iter().any(|r| i >= r[0] && i < r[1])
            })
            .collect();
        let clause_of = |i: usize| bounds.iter().filter(|&&x| x < i).count();
        let clause_range = |c: usize| -> (usize, usize) {
            let s = if c == 0 { a } else { bounds[c - 1] + 1 };
            let e = if c < bounds.len() { bounds[c] } else { b };
            (s, e)
        };
        // secondary deployment clauses: "ويوجد في العراق نحو 2500 جندي"
        let mut deploy_clauses = Vec::new();
        for c in 0..=bounds.len() {
            let (s, e) = clause_range(c);
            let presence = (s..e).any(|i| PRESENCE.contains(&asm.word(i)));
            let soldiers = (s..e).any(|i| {
                SOLDIERS.contains(&asm.word(i)) && i > s && doc.toks[i - 1].kind == TokKind::Num
            });
            if presence && soldiers && !dated.iter().any(|t| t.toks[0] >= s && t.toks[0] < e) {
                deploy_clauses.push((s, e));
            }
        }
        let main_end = deploy_clauses
            .first()
            .map_or(b, |d| d.0.saturating_sub(1).max(a));
        if dated.is_empty() {
            let reporting = asm.has_reporting(a, b);
            if reporting && !chain {
                let q = asm.quantity(a, main_end, &timex_ranges);
                events.push(build(
                    doc,
                    &asm,
                    a,
                    main_end,
                    EventKind::Statement,
                    EventDate::day(published),
                    None,
                    None,
                    q,
                    mentions,
                    0.5,
                ));
            }
            chain = reporting;
        } else {
            chain = true;
            let mut used_clauses: Vec<usize> = Vec::new();
            for (k, t) in dated.iter().enumerate() {
                let c = clause_of(t.toks[0]);
                if used_clauses.contains(&c) {
                    continue;
                }
                used_clauses.push(c);
                let (cs, ce) = clause_range(c);
                let seg_start = if k == 0 { a } else { cs };
                let seg_end = match dated.get(k + 1) {
                    Some(n) => clause_range(clause_of(n.toks[0]))
                        .0
                        .saturating_sub(1)
                        .max(ce),
                    None => main_end.max(ce.min(b)),
                };
                // kind: own clause, then forward (fronted) or backward (trailing)
                let fronted = c == 0
                    || (cs..t.toks[0]).all(|i| {
                        doc.toks[i].kind != TokKind::Word || asm.word(i).chars().count() <= 3
                    });
                let mut kind = asm.kind_in(cs, ce);
                if kind.is_none() {
                    let n = bounds.len();
                    let order: Vec<usize> = if fronted {
                        (c + 1..=n).chain((0..c).rev()).collect()
                    } else {
                        (0..c).rev().chain(c + 1..=n).collect()
                    };
                    for cc in order {
                        let (s2, e2) = clause_range(cc);
                        if s2 >= main_end && cc > c {
                            break;
                        }
                        if let Some(kk) = asm.kind_in(s2, e2.min(main_end.max(ce))) {
                            kind = Some(kk);
                            break;
                        }
                    }
                }
                let (ev_a, mut ev_b) = (seg_start, seg_end.max(ce));
                // a participle clause after the event's clause is another statement
                if let Some(p) = (c + 1..=bounds.len())
                    .map(clause_range)
                    .find(|&(s2, _)| s2 < ev_b && CONTINUATION.contains(&asm.word(s2)))
                {
                    ev_b = p.0.saturating_sub(1).max(ce);
                }
                let mut date = match &t.date {
                    Some(d) => d.clone(),
                    None => continue,
                };
                // "since X": the count runs to the narrative's reference date
                if t.open_end {
                    if let Some((ps, pend)) = last_abs {
                        if si <= ps + 2 && pend >= date.start && pend <= published {
                            date.end = pend;
                            date.precision = Precision::Day;
                        }
                    }
                }
                if !t.relative && !t.open_end {
                    last_abs = Some((si, date.end));
                }
                let q = asm.quantity(ev_a, ev_b, &timex_ranges);
                let conf = 0.6
                    + if kind.is_some() { 0.15 } else { 0.0 }
                    + if date.precision.at_least(Precision::Month) && !date.approximate {
                        0.1
                    } else {
                        0.0
                    };
                let kind = kind.map_or(EventKind::Other, |k| k.0);
                events.push(build(
                    doc,
                    &asm,
                    ev_a,
                    ev_b,
                    kind,
                    date,
                    Some(t.text.clone()),
                    Some(t.span),
                    q,
                    mentions,
                    conf,
                ));
            }
        }
        for (s, e) in deploy_clauses {
            let q = asm.quantity(s, e, &timex_ranges);
            events.push(build(
                doc,
                &asm,
                s,
                e,
                EventKind::Deployment,
                EventDate::day(published),
                None,
                None,
                q,
                mentions,
                0.6,
            ));
        }
    }
    events
}

#[allow(clippy::too_many_arguments)]
fn build(
    doc: &Doc,
    asm: &Asm,
    a: usize,
    b: usize,
    kind: EventKind,
    date: EventDate,
    when_text: Option<String>,
    when_span: Option<[usize; 2]>,
    quantity: Option<Quantity>,
    mentions: &[Mention],
    confidence: f64,
) -> ExtractedEvent {
    let mut a = a;
    // an occurrence reported by someone ("قال مسؤول إن القوات تعرضت لهجوم"):
    // the event is the reported content, the speaker is not one of its actors
    if !matches!(
        kind,
        EventKind::Statement | EventKind::Report | EventKind::Other
    ) {
        if let Some(r) = (a..b).find(|&i| REPORTING.contains(&asm.word(i))) {
            if let Some(c) = (r + 1..b).find(|&i| COMPLEMENTIZERS.contains(&doc.tok_text(i))) {
                let after = doc.span_toks(c, c + 1, false)[1];
                if when_span.is_none_or(|w| w[0] >= after) {
                    a = c + 1;
                    while a + 1 < b && matches!(doc.toks[a].kind, TokKind::Punct(_)) {
                        a += 1;
                    }
                }
            }
        }
    }
    let span = asm.span(a, b);
    let evidence = doc.slice_cp(span[0], span[1]).to_string();
    let g = gazetteer();
    let inside: Vec<&Mention> = mentions
        .iter()
        .filter(|m| m.span[0] >= span[0] && m.span[1] <= span[1])
        .collect();
    // token range of each mention
    let tok_of = |byte: usize| doc.toks.partition_point(|t| (t.e as usize) <= byte);
    let ranges: Vec<(usize, usize)> = inside
        .iter()
        .map(|m| (tok_of(m.bytes[0]), tok_of(m.bytes[1].saturating_sub(1))))
        .collect();
    let kind_of = |m: &Mention| g.entry(m.entry).map_or(ActorKind::Other, |e| e.kind);
    // people named in the evidence: known ones, and those introduced by a rank
    let mut people: Vec<usize> = inside
        .iter()
        .zip(&ranges)
        .filter(|(m, _)| kind_of(m) == ActorKind::Person)
        .map(|(_, r)| r.0)
        .collect();
    people.extend((a..b.min(doc.toks.len())).filter(|&i| RANKS.contains(&doc.tok_text(i))));
    let mut drop = vec![false; inside.len()];
    // an organization in a person's title is an attribute of the person
    for &p in &people {
        let mut t = None;
        for j in (a.max(p.saturating_sub(12))..p).rev() {
            let w = asm.word(j);
            if REPORTING.contains(&w) || COMPLEMENTIZERS.contains(&doc.tok_text(j)) {
                break;
            }
            if TITLES.contains(&w) {
                t = Some(j);
                break;
            }
        }
        if let Some(t) = t {
            for (k, (m, r)) in inside.iter().zip(&ranges).enumerate() {
                if r.0 > t && r.1 < p && kind_of(m) != ActorKind::Person {
                    drop[k] = true;
                }
            }
        }
    }
    // a state named as a place ("في شمال شرق سوريا", "في العراق وسوريا") is
    // where things happen, not who acts; except the host of a deployment
    if kind != EventKind::Deployment {
        let mut prev_loc: Option<usize> = None; // token end of the last locative mention
        for (k, (m, r)) in inside.iter().zip(&ranges).enumerate() {
            if kind_of(m) != ActorKind::State {
                continue;
            }
            let t0 = &doc.toks[r.0];
            let prefix = &doc.norm[t0.s as usize..m.bytes[0].max(t0.s as usize)];
            let mut j = r.0;
            while j > a && DIRECTIONS.contains(&asm.word(j - 1)) {
                j -= 1;
            }
            let before = if j > a { doc.tok_text(j - 1) } else { "" };
            let locative = matches!(prefix, "ب" | "وب" | "بال" | "وبال")
                || LOCATIVE.contains(&before)
                || matches!(before, "وفي" | "فوفي")
                || (prev_loc.is_some_and(|e| e + 1 == r.0 || (e + 2 == r.0 && before == "and"))
                    && (prefix.starts_with('و') || before == "and"));
            if locative {
                drop[k] = true;
                prev_loc = Some(r.1);
            }
        }
    }
    let mut actors: Vec<(usize, ExtractedActor)> = Vec::new();
    let mut kept_people: Vec<(usize, usize)> = Vec::new();
    for (k, m) in inside.iter().enumerate() {
        let Some(e) = g.entry(m.entry) else { continue };
        if e.kind == ActorKind::Person {
            kept_people.push(ranges[k]);
        }
        if drop[k] || actors.iter().any(|x| x.1.name == e.name) {
            continue;
        }
        actors.push((
            ranges[k].0,
            ExtractedActor {
                name: e.name.clone(),
                name_ar: e.name_ar.clone(),
                text: doc.slice_cp(m.span[0], m.span[1]).to_string(),
                kind: e.kind,
                wikidata: e.wikidata.clone(),
                role: ActorRole::Mentioned,
                known: true,
                // known actors: their aliases are in the gazetteer (and in storage)
                aliases_en: Vec::new(),
                aliases_ar: Vec::new(),
            },
        ));
    }
    // proposed people: "اللواء فلان الفلاني", unless the gazetteer knows them
    for i in a..b.min(doc.toks.len()) {
        if RANKS.contains(&doc.tok_text(i)) {
            let mut j = i + 1;
            while j < b
                && j < i + 4
                && doc.toks[j].kind == TokKind::Word
                && doc.toks[j].lex == super::lexicon::Lex::None
            {
                j += 1;
            }
            let known = kept_people.iter().any(|r| r.0 < j && r.1 > i);
            if j > i + 1 && !known {
                let sp = doc.span_toks(i + 1, j, false);
                let name = doc.slice_cp(sp[0], sp[1]).to_string();
                if !actors.iter().any(|x| x.1.text == name) {
                    actors.push((
                        i,
                        ExtractedActor {
                            name: name.clone(),
                            name_ar: Some(name.clone()),
                            text: name,
                            kind: ActorKind::Person,
                            wikidata: None,
                            role: ActorRole::Mentioned,
                            known: false,
                            aliases_en: Vec::new(),
                            aliases_ar: Vec::new(),
                        },
                    ));
                }
            }
        }
    }
    actors.sort_by_key(|x| x.0);
    let mut actors: Vec<ExtractedActor> = actors.into_iter().map(|x| x.1).collect();
    // the first actor of a statement or report is its source
    if let Some(first) = actors.first_mut() {
        if matches!(kind, EventKind::Statement | EventKind::Report) {
            first.role = ActorRole::Agent;
        }
    }
    let title = make_title(doc, a, b, kind);
    ExtractedEvent {
        title,
        summary: None,
        kind,
        date,
        when_text,
        when_span,
        evidence,
        evidence_span: span,
        actors,
        quantity,
        confidence: (confidence * 100.0).round() / 100.0,
    }
}

fn make_title(doc: &Doc, a: usize, b: usize, kind: EventKind) -> String {
    let words: Vec<usize> = (a..b.min(doc.toks.len()))
        .filter(|&i| doc.toks[i].kind != TokKind::Punct('“'))
        .collect();
    let n = words.len().min(14);
    if n == 0 {
        return kind.as_str().to_string();
    }
    let sp = doc.span_toks(words[0], words[n - 1] + 1, false);
    let mut t = doc.slice_cp(sp[0], sp[1]).trim().to_string();
    if words.len() > n {
        t.push('…');
    }
    t
}
