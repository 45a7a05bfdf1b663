//! Dates that the temporal tagger cannot give alone, because they lean on the
//! publication date as the end of a window or on the story's last dated
//! event (`docs/annotation.md`, Dates):
//! - past windows: "over the past ten days", "in recent weeks", "خلال الأيام
//!   العشرة الماضية", "the past 24 hours" end at publication;
//! - "earlier this month/year", "في وقت سابق من هذا الشهر": from the start
//!   of the period to the day before publication;
//! - "since then", "منذ ذلك الحين": from the last dated event to publication;
//! - "three months later", "two days after the earthquake", "بعد يومين":
//!   the last dated event moved by that length;
//! - "that October", "the following April", "June of the same year",
//!   "حزيران من العام ذاته": the month in the year of the last dated event
//!   (or the next one); "later that year", "في العام ذاته": that year.

use chrono::{Datelike, Days, Months, NaiveDate};

use super::super::text::Tokenized;
use super::super::{Timex, TimexType};
use super::clauses::Clause;
use super::{strip_conj, word};
use crate::domain::{EventDate, Precision};

/// A date built here, and the expression it came from (if any).
pub type Found<'t> = (EventDate, Option<&'t Timex>);

const PAST: &[&str] = &[
    "past",
    "last",
    "recent",
    "previous",
    "الماضيه",
    "الماضي",
    "الاخيره",
    "الاخير",
    "المنصرمه",
    "المنصرم",
    "الفائته",
];
const LATER: &[&str] = &["later", "after", "afterwards", "on"];
const SINCE_THEN: &[&[&str]] = &[
    &["since", "then"],
    &["ever", "since"],
    &["since", "that", "time"],
    &["منذ", "ذلك", "الحين"],
    &["منذ", "ذلك", "الوقت"],
    &["منذ", "ذلك", "التاريخ"],
    &["منذ", "ذلك"],
];

/// After a month: the year is the story's ("حزيران من العام ذاته").
const SAME_YEAR_AFTER: &[&[&str]] = &[
    &["من", "العام", "ذاته"],
    &["من", "العام", "نفسه"],
    &["من", "نفس", "العام"],
    &["من", "ذات", "العام"],
    &["من", "السنه", "ذاتها"],
    &["من", "السنه", "نفسها"],
    &["من", "ذلك", "العام"],
    &["of", "the", "same", "year"],
    &["of", "that", "year"],
    &["that", "year"],
    &["the", "same", "year"],
];
/// The story's year as a date of its own ("later that year", "في العام ذاته").
const SAME_YEAR: &[&[&str]] = &[
    &["في", "العام", "ذاته"],
    &["في", "العام", "نفسه"],
    &["في", "نفس", "العام"],
    &["في", "ذات", "العام"],
    &["في", "السنه", "ذاتها"],
    &["في", "السنه", "نفسها"],
    &["في", "ذلك", "العام"],
    &["خلال", "ذلك", "العام"],
    &["later", "that", "year"],
    &["earlier", "that", "year"],
    &["in", "the", "same", "year"],
    &["that", "same", "year"],
    &["in", "that", "year"],
];

/// (count, unit) of a duration value: "P10D" → (10, 'D'); "PXW" → the
/// usual reach of "recent weeks"; "PT24H" → (1, 'D').
fn length(timex3: &str) -> Option<(u32, char)> {
    let v = timex3.strip_prefix('P')?;
    if let Some(t) = v.strip_prefix('T') {
        let unit = t.chars().last()?;
        let n: u32 = t[..t.len() - 1].parse().ok()?;
        return match unit {
            'H' => Some((n.div_ceil(24).max(1), 'D')),
            _ => None,
        };
    }
    let unit = v.chars().last()?;
    let count = &v[..v.len() - 1];
    let n = if count == "X" {
        match unit {
            'D' => 7,
            'W' => 4,
            'M' => 3,
            'Y' => 3,
            _ => return None,
        }
    } else {
        count.parse().ok()?
    };
    (n > 0 && n <= 1200).then_some((n, unit))
}

fn back(d: NaiveDate, (n, unit): (u32, char)) -> Option<NaiveDate> {
    match unit {
        'D' => d.checked_sub_days(Days::new(n as u64)),
        'W' => d.checked_sub_days(Days::new(7 * n as u64)),
        'M' => d.checked_sub_months(Months::new(n)),
        'Y' => d.checked_sub_months(Months::new(12 * n)),
        _ => None,
    }
}

fn forth(d: NaiveDate, (n, unit): (u32, char)) -> Option<NaiveDate> {
    match unit {
        'D' => d.checked_add_days(Days::new(n as u64)),
        'W' => d.checked_add_days(Days::new(7 * n as u64)),
        'M' => d.checked_add_months(Months::new(n)),
        'Y' => d.checked_add_months(Months::new(12 * n)),
        _ => None,
    }
}

fn range(s: NaiveDate, e: NaiveDate, approximate: bool) -> Option<EventDate> {
    EventDate::new(s, Some(e), Precision::Day, approximate, None).ok()
}

fn words_at(doc: &Tokenized, i: usize, b: usize, words: &[&str]) -> bool {
    words
        .iter()
        .enumerate()
        .all(|(k, w)| i + k < b && strip_conj(doc.tok_text(i + k)) == *w)
}

/// The date of clause `c` from a window or the story's last dated event.
pub fn find<'t>(
    doc: &Tokenized,
    c: Clause,
    here: &[&'t Timex],
    published: NaiveDate,
    last: Option<&EventDate>,
) -> Option<Found<'t>> {
    let en = doc.lang == super::super::Lang::En;
    let inside: Vec<&'t Timex> = here
        .iter()
        .copied()
        .filter(|t| t.toks[0] >= c.a && t.toks[0] < c.b)
        .collect();
    // "since then": from the last dated event to publication
    if let Some(l) = last.filter(|l| l.start <= published) {
        for i in c.a..c.b {
            if SINCE_THEN.iter().any(|w| words_at(doc, i, c.b, w)) {
                return Some((range(l.start, published, false)?, None));
            }
        }
    }
    // "in the same year", "في العام ذاته": the year of the story, when the
    // clause names no date of its own
    if let Some(l) = last {
        let dated = inside
            .iter()
            .any(|t| matches!(t.kind, TimexType::Date | TimexType::Time));
        if !dated && (c.a..c.b).any(|i| SAME_YEAR.iter().any(|w| words_at(doc, i, c.b, w))) {
            let s = NaiveDate::from_ymd_opt(l.start.year(), 1, 1)?;
            return Some((EventDate::period(s, Precision::Year)?, None));
        }
    }
    for t in &inside {
        match t.kind {
            TimexType::Duration => {
                let Some(len) = length(&t.timex3) else {
                    continue;
                };
                let before =
                    |k: usize| (t.toks[0] >= c.a + k).then(|| strip_conj(word(doc, t.toks[0] - k)));
                let around: Vec<&str> = (t.toks[0].saturating_sub(2).max(c.a)
                    ..(t.toks[1] + 2).min(c.b))
                    .map(|i| strip_conj(word(doc, i)))
                    .collect();
                // "over the past ten days", "خلال الأيام العشرة الماضية"
                if around.iter().any(|w| PAST.contains(w)) {
                    // "the past ten days" ends on publication; "recent weeks" is four before it
                    let vague = t.timex3.contains('X');
                    let s = back(published, len)?;
                    let s = if vague { s } else { s.succ_opt()? };
                    return Some((range(s, published, t.timex3.contains('X'))?, Some(t)));
                }
                // "three months later", "two days after the earthquake", "بعد يومين من"
                let next = strip_conj(word(doc, t.toks[1]));
                let later = if en {
                    LATER.contains(&next)
                } else {
                    before(1) == Some("بعد")
                        || doc.tok_text(t.toks[0]).starts_with("بعد")
                        || doc.tok_text(t.toks[0]).starts_with("وبعد")
                };
                if later {
                    let l = last?;
                    let d = forth(l.start, len)?;
                    let date = match len.1 {
                        'D' | 'W' => EventDate::day(d),
                        'M' => EventDate::period(d.with_day(1)?, Precision::Month)?,
                        _ => EventDate::period(d.with_day(1)?.with_month(1)?, Precision::Year)?,
                    };
                    return Some((date, Some(t)));
                }
            }
            TimexType::Date | TimexType::Time => {
                let Some(d) = t.date.clone() else { continue };
                let first = doc.tok_text(t.toks[0]);
                let prev = |k: usize| {
                    if t.toks[0] >= c.a + k {
                        strip_conj(word(doc, t.toks[0] - k))
                    } else {
                        ""
                    }
                };
                // "earlier this month", "في وقت سابق من هذا الشهر"
                let earlier = first == "earlier" || (prev(1) == "من" && prev(2) == "سابق");
                if earlier && d.start < published && d.end >= published {
                    let e = published.pred_opt()?;
                    return Some((range(d.start, e.max(d.start), false)?, Some(t)));
                }
                // "حزيران/يونيو من العام ذاته", "in June of that year": the story's year
                if d.precision == Precision::Month
                    && SAME_YEAR_AFTER
                        .iter()
                        .any(|w| words_at(doc, t.toks[1], c.b, w))
                {
                    if let Some(l) = last {
                        let s = NaiveDate::from_ymd_opt(l.start.year(), d.start.month(), 1)?;
                        return Some((EventDate::period(s, Precision::Month)?, Some(t)));
                    }
                }
                // "that October", "the following April": the story's year
                if d.precision == Precision::Month && en {
                    if let Some(l) = last {
                        let m = d.start.month();
                        let year = if prev(1) == "that" {
                            Some(l.start.year())
                        } else if first == "the" && word(doc, t.toks[0] + 1) == "following" {
                            Some(if m > l.start.month() {
                                l.start.year()
                            } else {
                                l.start.year() + 1
                            })
                        } else {
                            None
                        };
                        if let Some(y) = year {
                            let s = NaiveDate::from_ymd_opt(y, m, 1)?;
                            return Some((EventDate::period(s, Precision::Month)?, Some(t)));
                        }
                    }
                }
            }
            TimexType::Set => {}
        }
    }
    None
}
