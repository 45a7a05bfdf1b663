//! Discourse time: what dates a clause beyond its own expression. The
//! headline, anaphora ("the same day", "في اليوم التالي"), the present,
//! since-phrases, named anchors ("two days after the earthquake") and
//! durations that stretch a date (`docs/extraction.md`, Stages, 5).

use chrono::{Days, Months};

use super::super::text::{TokKind, Tokenized};
use super::super::{ExtractedEvent, Timex, TimexType};
use super::clauses::Clause;
use super::{strip_conj, word};
use crate::domain::{EventDate, EventKind, Precision};

/// Anaphoric expressions: (words, days after the referenced date).
const ANAPHORA: &[(&[&str], i64)] = &[
    (&["the", "same", "day"], 0),
    (&["that", "same", "day"], 0),
    (&["later", "that", "day"], 0),
    (&["that", "day"], 0),
    (&["that", "night"], 0),
    (&["later", "that", "night"], 0),
    (&["hours", "later"], 0),
    (&["the", "next", "day"], 1),
    (&["the", "next", "morning"], 1),
    (&["the", "following", "day"], 1),
    (&["the", "following", "morning"], 1),
    (&["a", "day", "later"], 1),
    (&["back", "then"], 0),
    (&["at", "the", "time"], 0),
    (&["في", "اليوم", "نفسه"], 0),
    (&["في", "اليوم", "ذاته"], 0),
    (&["اليوم", "نفسه"], 0),
    (&["اليوم", "ذاته"], 0),
    (&["مساء", "اليوم", "نفسه"], 0),
    (&["بعد", "ساعات"], 0),
    (&["حينها"], 0),
    (&["انذاك"], 0),
    (&["وقتها"], 0),
    (&["في", "ذلك", "الوقت"], 0),
    (&["صباح", "اليوم", "التالي"], 1),
    (&["في", "اليوم", "التالي"], 1),
    (&["اليوم", "التالي"], 1),
    (&["مساء", "اليوم", "التالي"], 1),
    (&["بعد", "يوم"], 1),
];

/// The most tokens a headline has.
const HEADLINE_TOKENS: usize = 30;

/// True when the first sentence is a headline: a line of its own, short,
/// without closing punctuation, with the story after it. A headline restates
/// the story told below it (`docs/annotation.md`): its events are the body's.
pub(super) fn is_headline(doc: &Tokenized) -> bool {
    let Some(&(a, b)) = doc.sentences.first() else {
        return false;
    };
    if doc.sentences.len() < 2 || b <= a || b - a > HEADLINE_TOKENS {
        return false;
    }
    let last = &doc.toks[b - 1];
    let closed = matches!(last.kind, TokKind::Punct('.' | '!' | '?' | '؟' | '…' | ':'));
    let next = doc.toks.get(b).map_or(doc.norm.len(), |t| t.s as usize);
    let own_line = doc
        .norm
        .get(last.e as usize..next)
        .is_some_and(|g| g.contains('\n'));
    own_line && !closed
}

/// Words of a clause in the present or future: such a clause is not told of
/// the news day ("the company is expected to", "سوف", "حاليا").
const NOT_PAST: &[&str] = &[
    "will",
    "would",
    "is",
    "are",
    "says",
    "say",
    "expects",
    "plans",
    "now",
    "currently",
    "can",
    "may",
    "might",
    "should",
    "must",
    "shall",
    "سوف",
    "حاليا",
    "الان",
    "يوجد",
    "يتواجد",
    "ستكون",
    "سيتم",
    "يتوقع",
    "يعتزم",
];

pub(super) fn present_or_future(doc: &Tokenized, c: Clause) -> bool {
    (c.a..c.b).any(|i| NOT_PAST.contains(&strip_conj(word(doc, i))))
}

/// An Arabic trigger verb in the imperfective ("ينتشر", "ويتمركز"): the
/// event holds now, at publication, not on the news day.
pub(super) fn imperfective(doc: &Tokenized, trigger: Option<(EventKind, usize)>) -> bool {
    let Some((_, i)) = trigger else { return false };
    let w = strip_conj(word(doc, i));
    w.starts_with('ي') && w.chars().count() >= 4
}

/// Words that make "since X" the measure of a record, not the event's span:
/// "its lowest level since 1997", "the first annual loss since 1992",
/// "أدنى مستوى منذ", "لأول مرة منذ".
const RECORD: &[&str] = &[
    "lowest",
    "highest",
    "best",
    "worst",
    "biggest",
    "largest",
    "smallest",
    "first",
    "weakest",
    "strongest",
    "seen",
    "deadliest",
    "longest",
    "اعلي",
    "ادني",
    "اول",
    "اكبر",
    "اسوا",
    "افضل",
    "اطول",
    "الاعلي",
    "الادني",
    "الاكبر",
    "الاسوا",
];

/// How many events back a named anchor is looked for (the work per clause
/// stays bounded however long the article).
const ANCHOR_REACH: usize = 64;

/// The date of the event a duration counts from when the clause names it
/// ("two days after the earthquake", "a week after the vote"): the latest
/// event told before whose evidence has that noun (English).
pub(super) fn named_anchor(
    doc: &Tokenized,
    c: Clause,
    here: &[&Timex],
    told: &[ExtractedEvent],
) -> Option<EventDate> {
    if doc.lang != super::super::Lang::En {
        return None;
    }
    let t = here
        .iter()
        .find(|t| t.toks[0] >= c.a && t.toks[0] < c.b && t.kind == TimexType::Duration)?;
    let mut i = t.toks[1];
    if !matches!(word(doc, i), "after" | "before") {
        return None;
    }
    i += 1;
    while matches!(
        word(doc, i),
        "the" | "a" | "an" | "its" | "his" | "her" | "their"
    ) {
        i += 1;
    }
    let noun = word(doc, i);
    if noun.len() < 4 || i >= c.b {
        return None;
    }
    told.iter()
        .rev()
        .take(ANCHOR_REACH)
        .find(|e| e.evidence.to_lowercase().contains(noun) && e.when_text.is_some())
        .map(|e| e.date.clone())
}

/// True when "since" / "منذ" opens the phrase in the `reach` tokens before
/// token `upto` in the clause ("since the fall of Assad in", "منذ بدء"), not "since then".
pub(super) fn since_before(doc: &Tokenized, c: Clause, upto: usize, reach: usize) -> bool {
    (upto.saturating_sub(reach).max(c.a)..upto).any(|i| {
        matches!(strip_conj(word(doc, i)), "since" | "منذ")
            && !matches!(word(doc, i + 1), "then" | "ذلك" | "when")
            && !(word(doc, i) == "since"
                && i + 1 < upto
                && doc.toks[i + 1].kind == TokKind::Word
                && super::clauses::looks_verb(word(doc, i + 1)))
    })
}

pub(super) fn record_since(doc: &Tokenized, c: Clause, t: &Timex) -> bool {
    (t.toks[0].saturating_sub(6).max(c.a)..t.toks[0])
        .any(|i| RECORD.contains(&strip_conj(word(doc, i))))
}

/// The date an anaphor in the clause points to ("the same day", "اليوم التالي").
pub(super) fn anaphor(doc: &Tokenized, c: Clause, last: Option<&EventDate>) -> Option<EventDate> {
    let last = last?;
    for i in c.a..c.b {
        for (words, plus) in ANAPHORA {
            if words
                .iter()
                .enumerate()
                .all(|(k, w)| i + k < c.b && strip_conj(doc.tok_text(i + k)) == *w)
            {
                if last.precision != Precision::Day {
                    return Some(last.clone());
                }
                let d = last.end.checked_add_days(Days::new(*plus as u64))?;
                return Some(EventDate::day(d));
            }
        }
    }
    None
}

/// A date stretched by a duration: [start, start + length − 1 day].
pub(super) fn stretch(d: &EventDate, du: &Timex) -> Option<EventDate> {
    let v = du.timex3.strip_prefix('P')?;
    if v.starts_with('T') {
        return None;
    }
    let unit = v.chars().last()?;
    let n: u32 = v[..v.len() - 1].parse().ok()?;
    if n == 0 || n > 1200 {
        return None;
    }
    let s = d.start;
    let end = match unit {
        'D' => s.checked_add_days(Days::new(n as u64)),
        'W' => s.checked_add_days(Days::new(7 * n as u64)),
        'M' => s.checked_add_months(Months::new(n)),
        'Y' => s.checked_add_months(Months::new(12 * n)),
        _ => None,
    }?
    .pred_opt()?;
    if !crate::domain::in_range(end) {
        return None;
    }
    EventDate::new(s, Some(end), Precision::Day, d.approximate, None).ok()
}
