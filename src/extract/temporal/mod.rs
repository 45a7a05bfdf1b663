//! Stage 3: temporal tagging and normalization against the publication date.
//!
//! A small hand-written grammar over the tokens of [`super::text::Tokenized`]. At
//! every token the longest of the candidate patterns wins. Arabic and English
//! share the structure (day, month, year, relative, parts of periods, ranges,
//! since/ago); the word classes come from [`super::lexicon`].
//!
//! Conventions (see docs/extraction.md): parts of a month are days 1–10,
//! 11–20, 21–end; parts of a year are Jan 1–15 / Jun 16–Jul 15 / Dec 17–31
//! for the narrow words (مطلع، بداية، منتصف، نهاية, beginning, middle, end)
//! and Jan–Apr / May–Aug / Sep–Dec for the broad ones (أوائل، أواسط، أواخر,
//! early, mid, late); "قبل أيام" is the seven days before publication.
//!
//! The tagger, one file per stage, each with its case table in
//! `tests/cases/timex/` (`<stage>_ar.toml`, `<stage>_en.toml`):
//!
//! - `mod.rs` (this file): [`tag`], the context `Ctx` of a sentence (token
//!   accessors, the tense of the sentence), shared date arithmetic, and
//!   `best` / `atom`, which try every pattern at a token and keep the
//!   longest, then join a date with a clock time or a part of the day and
//!   count from a dated day ("the third Tuesday after Christmas 2014", "two
//!   weeks before Christmas 2015": cases in `misc_ar.toml`, `misc_en.toml`);
//! - `values.rs`: the resolved value [`TimeValue`] and the partial date `PartialDate`, the
//!   values of a day, month, year, week, quarter, season, decade and
//!   century, and numbers (days of the month in digits or words);
//! - `absolute.rs`: absolute dates, months and years in both calendars,
//!   numeric dates, era years, the nth weekday of a month, and the
//!   resolution of a partial date against the publication date;
//! - `relative.rs`: today, yesterday, this / last / next, weekdays, ago;
//! - `periods.rs`: parts of periods (early / mid / late, beginning / end),
//!   seasons, quarters, decades, centuries;
//! - `ranges.rs`: from X to Y, between, ISO intervals, since;
//! - `durations.rs`: amounts of time, durations, "within", sets;
//! - `clock.rs`: clock times, and other English forms reached through the
//!   English clock (`p_misc_en`: cases in `misc_en.toml`);
//! - `holidays.rs`: holidays, with the Hindu calendar in `holidays/hindu.rs`.
//!
//! The Hijri calendar is [`super::hijri`].

mod absolute;
mod clock;
mod durations;
mod holidays;
mod misc_en;
mod nth;
mod periods;
mod ranges;
mod relative;
mod values;

use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};

use super::lexicon::{Lex, Unit};
use super::text::{TokKind, Tokenized};
use super::{Diagnostic, Lang, Timex, TimexType};
use crate::domain::{format_date, EventDate, Precision};
use clock::clock_on;
use values::daypart_code;

pub use values::{day_val, month_val, year_val, TimeValue};

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn last_day(y: i32, m: u32) -> Option<NaiveDate> {
    crate::domain::date::last_of_month(y, m)
}

fn add_days(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    d.checked_add_signed(Duration::days(n))
}

fn add_months(d: NaiveDate, n: i32) -> Option<NaiveDate> {
    if n >= 0 {
        d.checked_add_months(Months::new(n as u32))
    } else {
        d.checked_sub_months(Months::new((-n) as u32))
    }
}

/// A match: the token after it, and its value.
type Match = Option<(usize, TimeValue)>;

struct Ctx<'x, 'a> {
    doc: &'x Tokenized<'a>,
    published: NaiveDate,
    en: bool,
    /// -1 past, +1 future, 0 unknown (for the current sentence).
    tense: i8,
    /// End of the current sentence (token index).
    sentence_end: usize,
    /// A whole article (not a short query): bare weekdays look back.
    long: bool,
    diags: Vec<Diagnostic>,
}

const FUTURE_AR: &[&str] = &[
    "سوف",
    "سيتم",
    "ستتم",
    "سيكون",
    "ستكون",
    "سيعقد",
    "ستعقد",
    "المقرر",
    "المرتقب",
    "يعتزم",
    "تعتزم",
    "ينوي",
    "تنوي",
    "سيبدا",
    "ستبدا",
    "سيلتقي",
    "سيجتمع",
    "سيزور",
    "ستجري",
    "سيجري",
];

const PAST_AR: &[&str] = &[
    "قال",
    "قالت",
    "اعلن",
    "اعلنت",
    "اكد",
    "اكدت",
    "ذكر",
    "ذكرت",
    "افاد",
    "افادت",
    "كشف",
    "كشفت",
    "اضاف",
    "اضافت",
    "اوضح",
    "اوضحت",
    "اشار",
    "اشارت",
    "نقل",
    "نقلت",
    "وقع",
    "وقعت",
    "قتل",
    "قتلت",
    "اصيب",
    "اصيبت",
    "شن",
    "شنت",
    "استهدف",
    "استهدفت",
    "التقي",
    "اجتمع",
    "زار",
    "وصل",
    "غادر",
    "كان",
    "كانت",
    "تاسس",
    "تعرض",
    "تعرضت",
    "شهد",
    "شهدت",
    "بدا",
    "بدات",
    "جري",
    "جرت",
    "عقد",
    "عقدت",
    "اجري",
    "اجرت",
    "نفذ",
    "نفذت",
    "اطلق",
    "اطلقت",
    "سقط",
    "سقطت",
    "اعرب",
    "اعربت",
    "صرح",
    "صرحت",
    "توفي",
    "اعتقل",
    "اعتقلت",
    "انسحب",
    "انسحبت",
    "دخل",
    "دخلت",
    "وافق",
    "وافقت",
];

const PAST_EN: &[&str] = &[
    "said", "told", "was", "were", "had", "did", "came", "went", "met", "took", "made", "gave",
    "left", "saw", "found", "began", "won", "lost", "held", "fell", "rose", "became", "paid",
    "sold", "bought", "brought", "fought", "led", "ran", "sent", "spent", "struck", "wrote",
];

const FUTURE_EN: &[&str] = &[
    "will",
    "shall",
    "ll",
    "going",
    "plans",
    "scheduled",
    "expected",
    "upcoming",
];

const ED_STOP: &[&str] = &[
    "need", "speed", "red", "bed", "feed", "hundred", "indeed", "seed", "breed", "united", "based",
    "proceed", "exceed", "succeed", "shed", "bred", "embed", "greed",
];

impl<'x, 'a> Ctx<'x, 'a> {
    fn lex(&self, i: usize) -> Lex {
        if i >= self.sentence_end {
            return Lex::None;
        }
        self.doc.toks.get(i).map_or(Lex::None, |t| t.lex)
    }

    fn punct(&self, i: usize, cs: &[char]) -> bool {
        i < self.sentence_end
            && self
                .doc
                .toks
                .get(i)
                .is_some_and(|t| matches!(t.kind, TokKind::Punct(c) if cs.contains(&c)))
    }

    fn w(&self, i: usize) -> &str {
        if i >= self.sentence_end {
            return "";
        }
        self.doc.tok_stem(i)
    }

    fn full(&self, i: usize) -> &str {
        if i >= self.sentence_end {
            return "";
        }
        self.doc.tok_text(i)
    }

    fn has_pre(&self, i: usize) -> bool {
        i < self.sentence_end && self.doc.toks.get(i).is_some_and(|t| t.pre > 0)
    }

    fn upper(&self, i: usize) -> bool {
        self.doc.toks.get(i).is_some_and(|t| t.upper)
    }

    fn is(&self, i: usize, l: Lex) -> bool {
        self.lex(i) == l
    }

    fn ar_word(&self, i: usize) -> bool {
        i < self.sentence_end && !self.doc.tok_text(i).is_ascii()
    }

    fn sentence_tense(&self, a: usize, b: usize) -> i8 {
        let mut past = false;
        for i in a..b {
            let t = &self.doc.toks[i];
            if t.kind != TokKind::Word {
                continue;
            }
            let w = self.doc.tok_stem(i);
            let full = self.doc.tok_text(i);
            if self.en {
                if FUTURE_EN.contains(&w) {
                    return 1;
                }
                // a counted noun ending in -ed is a participle ("killed")
                if PAST_EN.contains(&w)
                    || (w.len() > 4
                        && w.ends_with("ed")
                        && !ED_STOP.contains(&w)
                        && matches!(t.lex, Lex::None | Lex::CountNoun))
                {
                    past = true;
                }
            } else {
                if FUTURE_AR.contains(&w) || FUTURE_AR.contains(&full) {
                    return 1;
                }
                let bare = full
                    .strip_prefix('و')
                    .or_else(|| full.strip_prefix('ف'))
                    .unwrap_or(full);
                if PAST_AR.contains(&bare) || PAST_AR.contains(&full) {
                    past = true;
                }
            }
        }
        if past {
            -1
        } else {
            0
        }
    }

    /// Whether an expression that could point either way ("Friday", "at
    /// midnight", "Thu 15th") points forward: in a future sentence, or in a
    /// short text with no tense (a query, as Duckling reads it); an article
    /// with no tense looks back.
    fn looks_forward(&self) -> bool {
        self.tense > 0 || (self.tense == 0 && !self.long)
    }

    /// Whether a past-tense verb stands right before the token at code point `cp` (skipping
    /// "on", "late", "early", "last"): "said Friday", "met on Tuesday".
    fn past_verb_before(&self, cp: usize) -> bool {
        if !self.en {
            return false;
        }
        // the token that starts at code point `cp`
        let doc = self.doc;
        let mut j = doc.toks.partition_point(|t| {
            doc.map
                .get(t.s as usize)
                .is_some_and(|&m| (m as usize) < cp)
        });
        while j > 0 && matches!(self.doc.tok_text(j - 1), "on" | "late" | "early" | "this") {
            j -= 1;
        }
        if j == 0 || doc.toks.get(j - 1).is_none_or(|t| t.kind != TokKind::Word) {
            return false;
        }
        let w = self.doc.tok_text(j - 1);
        PAST_EN.contains(&w) || (w.len() > 4 && w.ends_with("ed") && !ED_STOP.contains(&w))
    }

    fn has_space_before(&self, i: usize) -> bool {
        match (self.doc.toks.get(i.wrapping_sub(1)), self.doc.toks.get(i)) {
            (Some(a), Some(b)) => a.e != b.s,
            _ => true,
        }
    }

    /// The best date-like atom at `i`.
    fn atom(&mut self, i: usize) -> Match {
        let mut best: Match = None;
        let cands = [
            self.p_nth(i),
            self.p_day_of_rel_month(i),
            self.p_abs(i),
            self.p_year(i),
            self.p_rel(i),
            self.p_deictic(i),
            self.p_part(i),
            self.p_decade(i),
            self.p_century(i),
            self.p_season_quarter(i),
            self.p_holiday_en(i),
            self.p_holiday(i),
        ];
        for c in cands.into_iter().flatten() {
            if best.as_ref().is_none_or(|b| c.0 > b.0) {
                best = Some(c);
            }
        }
        best
    }

    fn p_approx(&mut self, i: usize) -> Match {
        if !self.is(i, Lex::Approx) {
            return None;
        }
        let (k, mut v) = self.best(i + 1, false)?;
        v.approx = true;
        Some((k, v))
    }

    fn best(&mut self, i: usize, top: bool) -> Match {
        let t = self.doc.toks.get(i)?;
        if t.lex == Lex::None
            && t.kind != TokKind::Num
            && !(self.en
                && t.kind == TokKind::Word
                && matches!(
                    self.full(i),
                    "a" | "an"
                        | "at"
                        | "noon"
                        | "midnight"
                        | "annually"
                        | "daily"
                        | "weekly"
                        | "monthly"
                        | "yearly"
                        | "earlier"
                        | "later"
                        | "christmas"
                        | "easter"
                        | "fiscal"
                        | "xmas"
                        | "halloween"
                        | "valentine"
                        | "thanksgiving"
                        | "new"
                        | "eid"
                        | "ramadan"
                        | "qtr"
                        | "yr"
                ))
            && !(self.en && (self.holiday_starts(i) || self.era_en(i).is_some()))
            && !matches!(
                self.w(i),
                "احد"
                    | "اثنين"
                    | "عيد"
                    | "كريسماس"
                    | "الكريسماس"
                    | "راس"
                    | "عند"
                    | "بحدود"
            )
        {
            return self.time_only(i);
        }
        // function words start an expression only before a temporal word
        if matches!(
            t.lex,
            Lex::The
                | Lex::Of
                | Lex::And
                | Lex::In
                | Lex::To
                | Lex::From
                | Lex::This
                | Lex::Between
                | Lex::Approx
                | Lex::Since
                | Lex::After
                | Lex::Within
                | Lex::Every
        ) {
            let next_temporal = (i + 1..(i + 3).min(self.sentence_end)).any(|k| {
                let n = &self.doc.toks[k];
                n.kind == TokKind::Num
                    || !matches!(
                        n.lex,
                        Lex::None
                            | Lex::The
                            | Lex::Of
                            | Lex::And
                            | Lex::In
                            | Lex::CountNoun
                            | Lex::TrapPre
                    )
            }) || (self.en
                && matches!(
                    self.full(i + 1),
                    "a" | "an"
                        | "christmas"
                        | "easter"
                        | "thanksgiving"
                        | "earlier"
                        | "later"
                        | "fiscal"
                        | "time"
                        | "past"
                        | "future"
                        | "moment"
                ))
                || self.w(i + 1) == "اللحظه"
                || (self.en && (self.holiday_starts(i + 1) || self.holiday_starts(i + 2)));
            if !next_temporal {
                return self.time_only(i);
            }
        }
        let mut best: Match = None;
        let cands = [
            if self.en { self.p_time(i) } else { None },
            self.atom(i),
            self.p_range(i),
            self.p_iso_interval(i),
            self.p_since(i),
            self.p_ago(i),
            if top { self.p_approx(i) } else { None },
            self.p_last_n(i),
            self.p_within(i),
            self.p_duration(i),
            self.p_set(i),
            self.p_ref(i),
            if self.en { None } else { self.p_time(i) },
        ];
        for c in cands.into_iter().flatten() {
            if c.0 > i && best.as_ref().is_none_or(|b| c.0 > b.0) {
                best = Some(c);
            }
        }
        // "the third Tuesday after Christmas 2014", "ثالث ثلاثاء بعد كريسماس
        // 2014": counted from that day
        {
            let j = if self.en && self.is(i, Lex::The) {
                i + 1
            } else {
                i
            };
            if let (Lex::Ord(n @ 1..=5), Lex::Weekday(w)) = (self.lex(j), self.lex(j + 1)) {
                let dir = match (self.en, self.full(j + 2), self.lex(j + 2)) {
                    (true, "after", _) | (false, _, Lex::After) => 1,
                    (true, "before", _) | (false, _, Lex::Ago) => -1,
                    _ => 0,
                };
                if dir != 0 && best.as_ref().is_none_or(|b| b.0 <= j + 2) {
                    if let Some((k, v)) = self.atom(j + 3).filter(|x| x.1.prec == Precision::Day) {
                        let mut d = v.start?;
                        let mut left = n;
                        while left > 0 {
                            d = add_days(d, dir)?;
                            if d.weekday().number_from_monday() == w as u32 {
                                left -= 1;
                            }
                        }
                        let mut out = day_val(d);
                        out.relative = v.relative;
                        return Some((k, out));
                    }
                }
            }
        }
        // "three days after Easter", "two weeks before the 2015 elections"
        if self.en {
            if let Some((k, Some(n), u)) = self.amount(i) {
                let dir = match self.full(k) {
                    "after" => 1,
                    "before" => -1,
                    _ => 0,
                };
                if dir != 0 && best.as_ref().is_none_or(|b| b.0 <= k) {
                    if let Some((k2, v)) = self.atom(k + 1) {
                        if v.prec == Precision::Day {
                            let n = dir * n as i64;
                            let d = match u {
                                Unit::Day => add_days(v.start?, n),
                                Unit::Week => add_days(v.start?, 7 * n),
                                _ => None,
                            };
                            if let Some(d) = d {
                                return Some((k2, day_val(d)));
                            }
                        }
                    }
                }
            }
        }
        // date + time / time + date / date + part of day
        if let Some((k, v)) = best.clone() {
            // "18th Dec for 10 days"
            if self.en && v.is_date() && v.prec == Precision::Day && self.full(k) == "for" {
                if let Some((k2, Some(n), Unit::Day)) = self.amount(k + 1) {
                    let s = v.start?;
                    let e = add_days(s, n as i64 - 1)?;
                    let out = TimeValue::date(
                        s,
                        e,
                        Precision::Day,
                        format!("{}/{}", format_date(s), format_date(e)),
                    );
                    return Some((k2, out));
                }
            }
            if v.is_date() && v.prec == Precision::Day {
                let mut k2 = k;
                if self.punct(k2, &[',', '،']) {
                    k2 += 1;
                }
                if self.is(k2, Lex::In) && !self.en {
                    k2 += 1;
                }
                if self.is(k2, Lex::From) && self.p_time(k2 + 1).is_some() {
                    k2 += 1;
                }
                if let Some((k3, tv)) = self.p_time(k2) {
                    let mut k3 = k3;
                    if self.is(k3, Lex::To) {
                        if let Some((k4, _)) = self.p_time(k3 + 1) {
                            k3 = k4;
                        }
                    }
                    return Some((k3, clock_on(tv, v.start?)));
                }
                if let Lex::DayPart(dp) = self.lex(k) {
                    let mut tv = v.clone();
                    tv.kind = TimexType::Time;
                    tv.timex3 = format!("{}T{}", tv.timex3, daypart_code(dp));
                    return Some((k + 1, tv));
                }
            }
            if let r @ Some(_) = self.date_after_time(k, &v) {
                return r;
            }
        }
        // part of day + date: صباح اليوم, مساء الخميس, Friday afternoon handled above
        if let Lex::DayPart(dp) = self.lex(i) {
            if let Some((k, v)) = self
                .p_deictic(i + 1)
                .or_else(|| self.p_abs(i + 1))
                .or_else(|| self.p_rel(i + 1))
            {
                if v.prec == Precision::Day && best.as_ref().is_none_or(|b| k > b.0) {
                    let mut tv = v;
                    tv.kind = TimexType::Time;
                    tv.timex3 = format!("{}T{}", tv.timex3, daypart_code(dp));
                    best = Some((k, tv));
                }
            }
        }
        best
    }
}

/// Tags every temporal expression of the document.
pub fn tag(doc: &Tokenized, published: NaiveDate, diags: &mut Vec<Diagnostic>) -> Vec<Timex> {
    let mut ctx = Ctx {
        doc,
        published,
        en: doc.lang == Lang::En,
        tense: 0,
        sentence_end: doc.toks.len(),
        long: doc.toks.len() > 40,
        diags: Vec::new(),
    };
    let mut out = Vec::new();
    for &(a, b) in &doc.sentences {
        ctx.sentence_end = b;
        ctx.tense = ctx.sentence_tense(a, b);
        let mut i = a;
        while i < b {
            match ctx.best(i, true) {
                Some((k, v)) if k > i => {
                    let k = k.min(b);
                    let span = doc.span_toks(i, k, true);
                    if span[1] > span[0] {
                        out.push(make_timex(doc, span, v, [i, k]));
                    }
                    i = k;
                }
                _ => i += 1,
            }
        }
    }
    diags.append(&mut ctx.diags);
    out
}

fn make_timex(doc: &Tokenized, span: [usize; 2], v: TimeValue, toks: [usize; 2]) -> Timex {
    let date = match (v.start, v.end) {
        (Some(s), Some(e)) => EventDate::new(s, Some(e), v.prec, v.approx, v.modifier)
            .ok()
            .map(|d| d.in_calendar(v.calendar)),
        _ => None,
    };
    let edtf = date.as_ref().map(|d| {
        if v.open {
            format!("{}/..", d.edtf().split('/').next().unwrap_or_default())
        } else {
            d.edtf()
        }
    });
    Timex {
        text: doc.slice_cp(span[0], span[1]).to_string(),
        span,
        kind: v.kind,
        timex3: v.timex3,
        start: date.as_ref().map(|d| d.start),
        end: date.as_ref().map(|d| d.end),
        precision: date.as_ref().map(|d| d.precision),
        approximate: v.approx,
        edtf,
        date,
        open_end: v.open,
        relative: v.relative,
        toks,
    }
}

#[allow(dead_code)]
fn weekday_of(n: u8) -> Option<Weekday> {
    Weekday::try_from(n.checked_sub(1)?).ok()
}
