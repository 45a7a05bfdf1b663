//! Stage 3: temporal tagging and normalization against the publication date.
//!
//! A small hand-written grammar over the tokens of [`super::text::Doc`]. At
//! every token the longest of the candidate patterns wins. Arabic and English
//! share the structure (day, month, year, relative, parts of periods, ranges,
//! since/ago); the word classes come from [`super::lexicon`].
//!
//! Conventions (see docs/extraction.md): parts of a month are days 1–10,
//! 11–20, 21–end; parts of a year are Jan 1–15 / Jun 16–Jul 15 / Dec 17–31
//! for the narrow words (مطلع، بداية، منتصف، نهاية, beginning, middle, end)
//! and Jan–Apr / May–Aug / Sep–Dec for the broad ones (أوائل، أواسط، أواخر,
//! early, mid, late); "قبل أيام" is the seven days before publication.

use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};

#[path = "clock_en.rs"]
mod clock_en;
#[path = "hindu.rs"]
mod hindu;
#[path = "holidays_en.rs"]
mod holidays_en;

use super::hijri;
use super::lexicon::{Cnt, Lex, Unit, Which};
use super::text::{Doc, TokKind};
use super::{Diagnostic, Lang, Timex, TimexType};
use crate::domain::{format_date, DateModifier, EventDate, Precision};

/// A resolved value.
#[derive(Debug, Clone)]
pub struct Val {
    pub kind: TimexType,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub prec: Precision,
    pub approx: bool,
    pub modifier: Option<DateModifier>,
    pub timex3: String,
    pub open: bool,
    pub relative: bool,
}

impl Val {
    fn date(start: NaiveDate, end: NaiveDate, prec: Precision, timex3: String) -> Val {
        Val {
            kind: TimexType::Date,
            start: Some(start),
            end: Some(end.max(start)),
            prec,
            approx: false,
            modifier: None,
            timex3,
            open: false,
            relative: false,
        }
    }
    fn nodate(kind: TimexType, timex3: String) -> Val {
        Val {
            kind,
            start: None,
            end: None,
            prec: Precision::Day,
            approx: false,
            modifier: None,
            timex3,
            open: false,
            relative: false,
        }
    }
    fn rel(mut self) -> Val {
        self.relative = true;
        self
    }
    fn is_date(&self) -> bool {
        self.start.is_some()
    }
}

/// The TIMEX3 code of a part of the day: 1 morning … 4 night.
fn daypart_code(part: u8) -> &'static str {
    ["MO", "AF", "EV", "NI"][(part.clamp(1, 4) - 1) as usize]
}

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
fn yfmt(y: i32) -> String {
    if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else {
        format!("{y}")
    }
}

pub fn day_val(d: NaiveDate) -> Val {
    Val::date(d, d, Precision::Day, format_date(d))
}
pub fn month_val(y: i32, m: u32) -> Option<Val> {
    let s = ymd(y, m, 1)?;
    Some(Val::date(
        s,
        last_day(y, m)?,
        Precision::Month,
        format!("{}-{:02}", yfmt(y), m),
    ))
}
pub fn year_val(y: i32) -> Option<Val> {
    Some(Val::date(
        ymd(y, 1, 1)?,
        ymd(y, 12, 31)?,
        Precision::Year,
        yfmt(y),
    ))
}
fn week_val(any: NaiveDate) -> Option<Val> {
    let mon = add_days(any, -(any.weekday().num_days_from_monday() as i64))?;
    let iso = mon.iso_week();
    Some(Val::date(
        mon,
        add_days(mon, 6)?,
        Precision::Week,
        format!("{}-W{:02}", yfmt(iso.year()), iso.week()),
    ))
}
fn quarter_val(y: i32, q: u32) -> Option<Val> {
    if !(1..=4).contains(&q) {
        return None;
    }
    let s = ymd(y, (q - 1) * 3 + 1, 1)?;
    Some(Val::date(
        s,
        last_day(y, q * 3)?,
        Precision::Quarter,
        format!("{}-Q{q}", yfmt(y)),
    ))
}
fn season_val(y: i32, s: u8) -> Option<Val> {
    let m = [3u32, 6, 9, 12][(s.clamp(1, 4) - 1) as usize];
    let start = ymd(y, m, 1)?;
    let end = Precision::Season.period_end(start)?;
    let code = ["SP", "SU", "FA", "WI"][(s.clamp(1, 4) - 1) as usize];
    Some(Val::date(
        start,
        end,
        Precision::Season,
        format!("{}-{code}", yfmt(y)),
    ))
}
fn decade_val(y0: i32) -> Option<Val> {
    let s = ymd(y0, 1, 1)?;
    Some(Val::date(
        s,
        ymd(y0 + 9, 12, 31)?,
        Precision::Decade,
        format!("{}", y0 / 10),
    ))
}
fn century_val(c: i32) -> Option<Val> {
    let y0 = (c - 1) * 100 + 1;
    Some(Val::date(
        ymd(y0, 1, 1)?,
        ymd(y0 + 99, 12, 31)?,
        Precision::Century,
        format!("{:02}", c - 1),
    ))
}

/// Partial absolute date.
#[derive(Debug, Clone, Copy, Default)]
struct Pd {
    y: Option<i32>,
    m: Option<u8>,
    d: Option<u8>,
    d2: Option<u8>,
    wd: Option<u8>,
    hijri: bool,
}

type M = Option<(usize, Val)>;

struct Ctx<'x, 'a> {
    doc: &'x Doc<'a>,
    pubd: NaiveDate,
    en: bool,
    /// -1 past, +1 future, 0 unknown (for the current sentence).
    tense: i8,
    /// End of the current sentence (token index).
    lim: usize,
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

/// Largest number a temporal expression is read with.
const MAX_NUM: u64 = 1_000_000_000_000;
/// Most digits of a number (or of its fraction) a temporal expression is
/// read with.
const MAX_DIGITS: u8 = 13;

impl<'x, 'a> Ctx<'x, 'a> {
    fn lex(&self, i: usize) -> Lex {
        if i >= self.lim {
            return Lex::None;
        }
        self.doc.toks.get(i).map_or(Lex::None, |t| t.lex)
    }
    fn num(&self, i: usize) -> Option<(u64, u8)> {
        if i >= self.lim {
            return None;
        }
        let t = self.doc.toks.get(i)?;
        // No date, time or duration needs more: within these bounds the
        // stages' arithmetic on numbers (hundredths, fractions, day
        // counts) cannot overflow.
        (t.kind == TokKind::Num && t.num <= MAX_NUM && t.nd <= MAX_DIGITS).then_some((t.num, t.nd))
    }
    fn punct(&self, i: usize, cs: &[char]) -> bool {
        i < self.lim
            && self
                .doc
                .toks
                .get(i)
                .is_some_and(|t| matches!(t.kind, TokKind::Punct(c) if cs.contains(&c)))
    }
    fn w(&self, i: usize) -> &str {
        if i >= self.lim {
            return "";
        }
        self.doc.tok_stem(i)
    }
    fn full(&self, i: usize) -> &str {
        if i >= self.lim {
            return "";
        }
        self.doc.tok_text(i)
    }
    fn has_pre(&self, i: usize) -> bool {
        i < self.lim && self.doc.toks.get(i).is_some_and(|t| t.pre > 0)
    }
    fn upper(&self, i: usize) -> bool {
        self.doc.toks.get(i).is_some_and(|t| t.upper)
    }
    fn is(&self, i: usize, l: Lex) -> bool {
        self.lex(i) == l
    }
    fn ar_word(&self, i: usize) -> bool {
        i < self.lim && !self.doc.tok_text(i).is_ascii()
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
                if PAST_EN.contains(&w)
                    || (w.len() > 4
                        && w.ends_with("ed")
                        && !ED_STOP.contains(&w)
                        && t.lex == Lex::None)
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

    // ---------- pieces ----------

    /// A month name (any system), with paired forms. Returns (end, month, hijri).
    fn month_expr(&self, i: usize, allow_weak: bool) -> Option<(usize, u8, bool)> {
        let (mut j, m, h) = self.month_single(i, allow_weak)?;
        // paired forms: M1/M2, M1 (M2), M1 - M2
        if self.punct(j, &['/', '(', '-', '\\', '|']) {
            let paren = self.punct(j, &['(']);
            if let Some((k, m2, h2)) = self.month_single(j + 1, true) {
                let mut k = k;
                if paren && self.punct(k, &[')']) {
                    k += 1;
                }
                let _ = (m2, h2);
                j = k;
            }
        }
        Some((j, m, h))
    }

    fn month_single(&self, i: usize, allow_weak: bool) -> Option<(usize, u8, bool)> {
        // the dot of an abbreviation ("Aug."), not a full stop after "June"
        let dot = |j: usize| {
            let abbrev = j > 0 && self.full(j - 1).len() <= 4 && self.full(j - 1) != "june";
            let glued = !self.has_space_before(j);
            if self.en && self.punct(j, &['.']) && abbrev && glued {
                j + 1
            } else {
                j
            }
        };
        match self.lex(i) {
            Lex::Month(m) => {
                // English abbreviations must be capitalized.
                // (or next to a day number: "19th aug", "aug 8")
                if self.en
                    && self.full(i).len() <= 4
                    && !self.upper(i)
                    && self.full(i) != "june"
                    && self.full(i) != "july"
                    && !(i > 0
                        && (self.doc.toks[i - 1].kind == TokKind::Num
                            || matches!(self.doc.tok_text(i - 1), "st" | "nd" | "rd" | "th")))
                    && self.num(i + 1).is_none_or(|(_, nd)| nd > 2)
                {
                    return None;
                }
                Some((dot(i + 1), m, false))
            }
            Lex::MonthWeak(m)
                if allow_weak
                    && (!self.en
                        || self.upper(i)
                        || self.num(i + 1).is_some()
                        // "march first" (not "may first", the verb)
                        || (m == 3 && matches!(self.lex(i + 1), Lex::Ord(_)))
                        || matches!(
                            self.lex(i.wrapping_sub(1)),
                            Lex::Of | Lex::Rel(_) | Lex::This | Lex::Part(..)
                        )
                        || (i > 0 && self.doc.toks[i - 1].kind == TokKind::Num)) =>
            {
                Some((i + 1, m, false))
            }
            Lex::MonthPre(k) => {
                let n = match (self.lex(i + 1), self.num(i + 1)) {
                    (Lex::Ord(n), _) => n as u64,
                    (_, Some((n, 1))) => n,
                    _ => return None,
                };
                let m = match (k, n) {
                    (1, 1) => 12,
                    (1, 2) => 1,
                    (2, 1) => 10,
                    (2, 2) => 11,
                    _ => return None,
                };
                Some((i + 2, m, false))
            }
            Lex::HMonth(m) => Some((i + 1, m, true)),
            Lex::HMonthWeak(m) if allow_weak => Some((i + 1, m, true)),
            Lex::HMonthPre(k) => {
                let nx = self.lex(i + 1);
                let w = self.w(i + 1);
                let m = match (k, nx) {
                    (3, Lex::Ord(1)) => 3,
                    (3, Lex::Ord(2)) | (3, Lex::Last) => 4,
                    (5, Lex::Ord(1)) => 5,
                    (5, Lex::Ord(2)) | (5, Lex::Last) => 6,
                    (11, _) if w == "القعده" => 11,
                    (11, _) if w == "الحجه" => 12,
                    (3, _) if w == "الاخر" || w == "الثاني" => 4,
                    (5, _) if w == "الاخره" || w == "الاخر" => 6,
                    _ => return None,
                };
                Some((i + 2, m, true))
            }
            Lex::Unit(Unit::Month, Cnt::One) if !self.en => {
                // شهر 3 / شهر ثلاثة / الشهر الثامن / شهر + month name
                if let Some((n, nd)) = self.num(i + 1) {
                    if nd <= 2 && (1..=12).contains(&n) && !self.is_unit_after(i + 2) {
                        return Some((i + 2, n as u8, false));
                    }
                }
                match self.lex(i + 1) {
                    Lex::NumWord(n) if (1..=12).contains(&n) => {
                        if let Lex::NumWord(10) = self.lex(i + 2) {
                            if n <= 2 {
                                return Some((i + 3, 10 + n as u8, false));
                            }
                        }
                        Some((i + 2, n as u8, false))
                    }
                    Lex::Ord(n) if (1..=12).contains(&n) && self.full(i).starts_with("ال") => {
                        Some((i + 2, n as u8, false))
                    }
                    Lex::Month(_)
                    | Lex::MonthWeak(_)
                    | Lex::MonthPre(_)
                    | Lex::HMonth(_)
                    | Lex::HMonthWeak(_)
                    | Lex::HMonthPre(_) => self.month_expr(i + 1, true),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn is_unit_after(&self, i: usize) -> bool {
        matches!(self.lex(i), Lex::Unit(..) | Lex::CountNoun)
    }

    /// A day of the month: 17, 17th, الثالث عشر, الثالث والعشرون.
    fn day_num(&self, i: usize) -> Option<(usize, u8)> {
        let i = if self.en && self.is(i, Lex::The) && self.num(i + 1).is_some() {
            i + 1
        } else {
            i
        };
        if let Some((n, nd)) = self.num(i) {
            if nd <= 2 && (1..=31).contains(&n) {
                let mut j = i + 1;
                if self.en && matches!(self.full(j), "st" | "nd" | "rd" | "th") {
                    j += 1;
                }
                return Some((j, n as u8));
            }
            return None;
        }
        let mut j = i;
        if self.en && self.is(j, Lex::The) {
            j += 1;
        }
        let (base, k) = match self.lex(j) {
            Lex::Ord(n) => (n, j + 1),
            Lex::NumWord(n) if n < 10 && !self.en => (n, j + 1),
            _ => return None,
        };
        let mut v = base;
        let mut k = k;
        if let Lex::NumWord(10) = self.lex(k) {
            if base < 10 && !self.full(k).starts_with('و') {
                v += 10;
                k += 1;
            }
        }
        if let Lex::Ord(t) | Lex::NumWord(t) = self.lex(k) {
            if (t == 20 || t == 30) && self.full(k).starts_with('و') && base < 10 {
                v = base + t;
                k += 1;
            }
        }
        if self.en {
            // twenty-first
            if (base == 20 || base == 30) && self.punct(k, &['-']) {
                if let Lex::Ord(u) = self.lex(k + 1) {
                    if u < 10 {
                        v = base + u;
                        k += 2;
                    }
                }
            }
        }
        (1..=31).contains(&v).then_some((k, v as u8))
    }

    /// A year after a month or on its own with a year word. Returns (end, year, hijri_mark).
    fn year_part(&self, i: usize, need_word: bool) -> Option<(usize, i32, Option<bool>)> {
        let mut j = i;
        if self.punct(j, &[',', '،']) {
            j += 1;
        }
        if matches!(self.lex(j), Lex::From | Lex::In | Lex::Of) {
            j += 1;
        }
        let mut word = false;
        if let Lex::Unit(Unit::Year, Cnt::One) = self.lex(j) {
            if !self.en || self.num(j + 1).is_some() {
                word = true;
                j += 1;
            }
        }
        if self.en && self.punct(j, &['\'', '’']) {
            if let Some((n, 2)) = self.num(j + 1) {
                let y = if n as i32 > self.pubd.year() % 100 + 10 {
                    1900 + n as i32
                } else {
                    2000 + n as i32
                };
                return Some((j + 2, y, None));
            }
        }
        let (n, nd) = self.num(j)?;
        if nd == 9 || n > 2200 || n == 0 {
            return None;
        }
        if !(nd == 4 || (word && nd <= 4)) {
            return None;
        }
        if need_word && !word {
            return None;
        }
        // "2020.90 points": a decimal is an amount, not a year
        if self.punct(j + 1, &['.', ','])
            && self.num(j + 2).is_some()
            && !self.has_space_before(j + 1)
            && !self.has_space_before(j + 2)
        {
            return None;
        }
        j += 1;
        let mut mark = None;
        match self.lex(j) {
            Lex::HijriMark => {
                mark = Some(true);
                j += 1;
            }
            Lex::GregMark => {
                mark = Some(false);
                j += 1;
            }
            _ => {}
        }
        Some((j, n as i32, mark))
    }

    /// Absolute date: [weekday] [day] month [year] | month day [, year] | numeric.
    fn abs_date(&self, i: usize) -> Option<(usize, Pd)> {
        let mut pd = Pd::default();
        let mut j = i;
        // weekday prefix
        if self.is(j, Lex::Unit(Unit::Day, Cnt::One)) && matches!(self.lex(j + 1), Lex::Weekday(_))
        {
            j += 1;
        }
        let wd = match self.lex(j) {
            Lex::Weekday(w) => Some(w),
            _ => self.weekday_abbrev(j),
        };
        if let Some(w) = wd {
            pd.wd = Some(w);
            j += 1;
            // "Sat. Sep 21"
            if self.en && self.punct(j, &['.']) && !self.has_space_before(j) {
                j += 1;
            }
            // "Thursday 8:00 GMT", "Thu at 8": a clock, not the 8th
            if self.en
                && (matches!(self.full(j), "at")
                    || self.punct(j, &['@'])
                    || self.clock_core(j).is_some_and(|c| c.strong))
            {
                return Some((j, pd));
            }
            if self.punct(j, &[',', '،'])
                && (self.day_num(j + 1).is_some() || self.month_expr(j + 1, true).is_some())
            {
                j += 1;
            }
            if self.is(j, Lex::Muwafiq) {
                j += 1;
            }
            if self.is(j, Lex::In) && self.day_num(j + 1).is_some() {
                j += 1;
            }
            if self.en && self.is(j, Lex::The) {
                j += 1;
            }
        }
        // "اليوم الثالث من ..." / "يوم 15 ..."
        if matches!(self.lex(j), Lex::Today | Lex::Unit(Unit::Day, Cnt::One))
            && self.day_num(j + 1).is_some()
            && !self.en
        {
            j += 1;
        }
        // numeric dates
        if let Some((k, p)) = self.numeric_date(j) {
            let mut p = p;
            p.wd = pd.wd;
            return Some((k, p));
        }
        let day_first = self.day_num(j);
        if let Some((k, d)) = day_first {
            let mut k = k;
            // day range: 13-15 / 13 الى 15
            let mut d2 = None;
            if self.punct(k, &['-', '–'])
                || (self.is(k, Lex::To) && !self.en)
                || (self.en && self.full(k) == "to")
            {
                if let Some((k2, dd)) = self.day_num(k + 1) {
                    if dd > d {
                        d2 = Some(dd);
                        k = k2;
                    }
                }
            }
            let mut k2 = k;
            if matches!(self.lex(k2), Lex::From | Lex::Of) {
                k2 += 1;
            }
            if let Some((k3, m, h)) = self.month_expr(k2, true) {
                pd.d = Some(d);
                pd.d2 = d2;
                pd.m = Some(m);
                pd.hijri = h;
                j = k3;
                if let Some((k4, y, mark)) = self.year_part(j, false) {
                    pd.y = Some(y);
                    if mark == Some(true) {
                        pd.hijri = true;
                    }
                    j = k4;
                } else if let Some((k4, y)) = self.rel_year(j) {
                    pd.y = Some(y);
                    j = k4;
                } else if let Some(k4) = self.this_year(j) {
                    pd.y = Some(self.pubd.year());
                    j = k4;
                } else if pd.hijri && self.is(j, Lex::HijriMark) {
                    j += 1;
                } else if let Some((k4, y)) = self.short_year_last(j) {
                    pd.y = Some(y);
                    j = k4;
                }
                if self.lex(i) == Lex::HMonthWeak(0) {
                    return None;
                }
                if let Some((k5, w)) = self.trailing_weekday(j, &pd) {
                    pd.wd = Some(w);
                    j = k5;
                }
                return Some((j, pd));
            }
            // weekday + ordinal day of this month: "السبت السادس عشر", "الثلاثاء التاسع عشر من هذا الشهر"
            if pd.wd.is_some() && day_first.is_some() {
                let mut k = k;
                if self.is(k, Lex::From)
                    && self.is(k + 1, Lex::This)
                    && self.is(k + 2, Lex::Unit(Unit::Month, Cnt::One))
                {
                    k += 3;
                }
                pd.d = Some(d);
                return Some((k, pd));
            }
            if !self.en {
                return None;
            }
        }
        // month first
        if let Some((k, m, h)) = self.month_expr(j, true) {
            let weak = matches!(self.lex(j), Lex::MonthWeak(_) | Lex::HMonthWeak(_));
            pd.m = Some(m);
            pd.hijri = h;
            let mut k = k;
            if let Some((k2, d)) = self.day_num(k) {
                // "October 17" / "تموز 13 الى 15" but not "May 2500 troops"
                if self.num(k).is_some_and(|(_, nd)| nd <= 2)
                    || !self.en
                    || matches!(self.lex(k), Lex::Ord(_))
                    || self.is(k, Lex::The)
                {
                    pd.d = Some(d);
                    k = k2;
                    if self.punct(k, &['-', '–']) || self.is(k, Lex::To) {
                        if let Some((k3, dd)) = self.day_num(k + 1) {
                            if dd > d {
                                pd.d2 = Some(dd);
                                k = k3;
                            }
                        }
                    }
                }
            }
            if let Some((k2, y, mark)) = self.year_part(k, false) {
                pd.y = Some(y);
                if mark == Some(true) {
                    pd.hijri = true;
                }
                k = k2;
            } else if let Some((k2, y)) = self.rel_year(k) {
                pd.y = Some(y);
                k = k2;
            } else if let Some(k2) = self.this_year(k) {
                pd.y = Some(self.pubd.year());
                k = k2;
            }
            if weak && pd.d.is_none() && pd.y.is_none() && pd.wd.is_none() {
                // a weak name alone must be introduced: "في مايو", "in May", "شهر رمضان"
                let prev = if i > 0 { self.lex(i - 1) } else { Lex::None };
                let ok = matches!(
                    prev,
                    Lex::In
                        | Lex::Within
                        | Lex::Since
                        | Lex::To
                        | Lex::From
                        | Lex::Part(..)
                        | Lex::Unit(Unit::Month, Cnt::One)
                        | Lex::Rel(_)
                        | Lex::This
                        | Lex::Of
                        | Lex::Between
                ) || self.has_pre(j)
                    || matches!(self.lex(k), Lex::Rel(_))
                    || self.after_next(k);
                if !ok {
                    return None;
                }
            }
            if !self.en && !weak && pd.d.is_none() && pd.y.is_none() && pd.wd.is_none() && pd.hijri
            {
                // bare Hijri month: only "شهر رمضان" style (handled above) or with a year
                let prev = if i > 0 { self.lex(i - 1) } else { Lex::None };
                if !matches!(
                    prev,
                    Lex::Unit(Unit::Month, Cnt::One) | Lex::In | Lex::Part(..)
                ) && !matches!(self.lex(j), Lex::Unit(..))
                {
                    return None;
                }
            }
            if let Some((k2, w)) = self.trailing_weekday(k, &pd) {
                pd.wd = Some(w);
                k = k2;
            }
            return Some((k, pd));
        }
        if pd.wd.is_some() {
            return Some((j, pd));
        }
        None
    }

    /// A two-digit year closing a day and month in English: "14th April 15"
    /// (only before punctuation or the end, not "on 14 April 15 people").
    fn short_year_last(&self, j: usize) -> Option<(usize, i32)> {
        let (n, nd) = self.num(j)?;
        // punctuation, but not the point of "15.5"
        let decimal = self.num(j + 2).is_some() && !self.has_space_before(j + 2);
        let last =
            j + 1 >= self.lim || self.punct(j + 1, &['.', ',', ';', ')', '!', '?']) && !decimal;
        (self.en && nd == 2 && last).then(|| (j + 1, two_digit_year(n as i32, self.pubd.year())))
    }

    /// A weekday after a day and month, checked like one before them:
    /// "Jul 18, Fri", "18 July, Friday." (then only punctuation or the end).
    fn trailing_weekday(&self, k: usize, pd: &Pd) -> Option<(usize, u8)> {
        if !self.en || pd.d.is_none() || pd.wd.is_some() || !self.punct(k, &[',']) {
            return None;
        }
        let Lex::Weekday(w) = self.lex(k + 1) else {
            return None;
        };
        let end = k + 2 >= self.lim
            || self.doc.toks[k + 2].kind != TokKind::Word && self.num(k + 2).is_none();
        end.then_some((k + 2, w))
    }

    /// "Sat", "Sun", "Wed" (also English words) as weekdays: capitalized
    /// and before a date with its month ("Sat, Sep 21", "Sun 15 March").
    fn weekday_abbrev(&self, j: usize) -> Option<u8> {
        let Lex::WeekdayWeak(w) = self.lex(j) else {
            return None;
        };
        if !self.en || !self.upper(j) {
            return None;
        }
        let mut k = j + 1;
        if self.punct(k, &[',', '.']) {
            k += 1;
        }
        // a month, or a day then its month (no recursion: "Sat Sat Sat …"
        // must stay linear)
        let month_at = |k: usize| self.month_expr(k, true).is_some();
        let day_month = self.day_num(k).is_some_and(|(k2, _)| {
            month_at(k2) || (matches!(self.lex(k2), Lex::Of) && month_at(k2 + 1))
        });
        (month_at(k) || day_month).then_some(w)
    }

    /// "week-end" or "week end" (English) with "week" at `j`: its end.
    fn week_end(&self, j: usize) -> Option<usize> {
        if !self.en {
            return None;
        }
        if self.full(j + 1) == "end" && !self.is(j + 2, Lex::Of) {
            return Some(j + 2);
        }
        (self.punct(j + 1, &['-']) && !self.has_space_before(j + 1) && self.full(j + 2) == "end")
            .then_some(j + 3)
    }

    /// "after next" (English) at `j`.
    fn after_next(&self, j: usize) -> bool {
        self.en && self.full(j) == "after" && self.full(j + 1) == "next"
    }

    /// "من هذا العام", "this year" after a month.
    fn this_year(&self, i: usize) -> Option<usize> {
        let mut j = i;
        if matches!(self.lex(j), Lex::From | Lex::Of) {
            j += 1;
        }
        if self.is(j, Lex::This) && self.is(j + 1, Lex::Unit(Unit::Year, Cnt::One)) {
            return Some(j + 2);
        }
        if self.is(j, Lex::Unit(Unit::Year, Cnt::One)) && self.is(j + 1, Lex::Rel(0)) {
            return Some(j + 2);
        }
        None
    }

    /// "السنة القادمة" after a month: the year offset.
    fn rel_year(&self, i: usize) -> Option<(usize, i32)> {
        let mut j = i;
        if matches!(self.lex(j), Lex::From | Lex::Of | Lex::In) {
            j += 1;
        }
        if self.is(j, Lex::Unit(Unit::Year, Cnt::One)) {
            if let Lex::Rel(r) = self.lex(j + 1) {
                return Some((j + 2, self.pubd.year() + r as i32));
            }
        }
        if self.en
            && matches!(self.lex(j), Lex::Rel(_) | Lex::This)
            && self.is(j + 1, Lex::Unit(Unit::Year, Cnt::One))
        {
            let r = match self.lex(j) {
                Lex::Rel(r) => r as i32,
                _ => 0,
            };
            return Some((j + 2, self.pubd.year() + r));
        }
        None
    }

    fn numeric_date(&self, i: usize) -> Option<(usize, Pd)> {
        let (a, na) = self.num(i)?;
        let sep = |j: usize| self.punct(j, &['/', '-', '.']);
        if !sep(i + 1) {
            return None;
        }
        let sepc = self.doc.tok_text(i + 1).chars().next();
        let (b, nb) = self.num(i + 2)?;
        let mut pd = Pd::default();
        if na == 4 && sep(i + 3) {
            let (c, nc) = self.num(i + 4)?;
            if nb <= 2 && nc <= 2 && (1..=12).contains(&b) && (1..=31).contains(&c) {
                pd.y = Some(a as i32);
                pd.m = Some(b as u8);
                pd.d = Some(c as u8);
                return Some((i + 5, pd));
            }
            return None;
        }
        if na > 2 || nb > 4 {
            return None;
        }
        let three = sep(i + 3)
            && self.doc.tok_text(i + 3).chars().next() == sepc
            && self.num(i + 4).is_some();
        let (d, m) = if self.en && a <= 12 { (b, a) } else { (a, b) };
        if three {
            let (c, nc) = self.num(i + 4)?;
            if !(nc == 4 || nc == 2) {
                return None;
            }
            let y = if nc == 2 {
                two_digit_year(c as i32, self.pubd.year())
            } else {
                c as i32
            };
            if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
                return None;
            }
            pd.y = Some(y);
            pd.m = Some(m as u8);
            pd.d = Some(d as u8);
            return Some((i + 5, pd));
        }
        if sepc == Some('.') || sepc == Some('-') {
            return None;
        }
        if nb == 4 && (1..=12).contains(&a) {
            pd.y = Some(b as i32);
            pd.m = Some(a as u8);
            return Some((i + 3, pd));
        }
        if self.en
            && self.long
            && !matches!(
                self.lex(i.wrapping_sub(1)),
                Lex::In | Lex::Weekday(_) | Lex::Since | Lex::To | Lex::From
            )
        {
            return None;
        }
        if nb <= 2 && (1..=12).contains(&m) && (1..=31).contains(&d) {
            pd.m = Some(m as u8);
            pd.d = Some(d as u8);
            return Some((i + 3, pd));
        }
        None
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

    fn weekday_near(&self, wd: u8, dir: i8) -> Option<NaiveDate> {
        let p = self.pubd;
        let pw = p.weekday().number_from_monday() as i64;
        let w = wd as i64;
        if dir < 0 {
            let back = (pw - w).rem_euclid(7);
            add_days(p, -back)
        } else {
            let fwd = (w - pw).rem_euclid(7);
            add_days(p, if fwd == 0 { 7 } else { fwd })
        }
    }

    fn resolve(&mut self, pd: Pd, span: [usize; 2]) -> Option<Val> {
        let p = self.pubd;
        if pd.hijri {
            let m = pd.m?;
            let y = match pd.y {
                Some(y) if y < 1700 => y,
                Some(gy) => hijri::hijri_year_for(gy, m)?,
                None => hijri::from_gregorian(p)?.0,
            };
            return match pd.d {
                Some(d) => {
                    let g = hijri::to_gregorian(y, m, d)?;
                    let e = pd
                        .d2
                        .and_then(|d2| hijri::to_gregorian(y, m, d2))
                        .unwrap_or(g);
                    let mut v = Val::date(g, e, Precision::Day, format_date(g));
                    if pd.d2.is_none() {
                        v = day_val(g);
                    }
                    Some(v)
                }
                None => {
                    let (s, e) = hijri::month_bounds(y, m)?;
                    let e = add_days(e, 1)?;
                    let mut v = Val::date(
                        s,
                        e,
                        Precision::Month,
                        format!("{}/{}", format_date(s), format_date(e)),
                    );
                    v.approx = true;
                    Some(v)
                }
            };
        }
        match (pd.y, pd.m, pd.d) {
            (Some(y), Some(m), Some(d)) => {
                let s = ymd(y, m as u32, d as u32)?;
                if let Some(d2) = pd.d2 {
                    let e = ymd(y, m as u32, d2 as u32)?;
                    return Some(Val::date(
                        s,
                        e,
                        Precision::Day,
                        format!("{}/{}", format_date(s), format_date(e)),
                    ));
                }
                if let Some(wd) = pd.wd {
                    if s.weekday().number_from_monday() != wd as u32 {
                        self.diags.push(Diagnostic {
                            code: "weekday_mismatch",
                            message: format!(
                                "{} is a {}, not the weekday named",
                                format_date(s),
                                s.weekday()
                            ),
                            span,
                        });
                    }
                }
                Some(day_val(s))
            }
            (Some(y), Some(m), None) => month_val(y, m as u32),
            (None, Some(m), d) => {
                let mut y = self.year_for_month(m as u32, d);
                // "Friday, July 18": the nearest year in which the day is that weekday
                if let (Some(wd), Some(dd)) = (pd.wd, d) {
                    let fits = |yy: i32| {
                        ymd(yy, m as u32, dd as u32)
                            .is_some_and(|x| x.weekday().number_from_monday() == wd as u32)
                    };
                    if !fits(y) {
                        if let Some(yy) = [y + 1, y - 1, y + 2, y - 2]
                            .into_iter()
                            .find(|&yy| fits(yy))
                        {
                            y = yy;
                        }
                    }
                }
                self.resolve(Pd { y: Some(y), ..pd }, span).map(Val::rel)
            }
            (None, None, Some(d)) => {
                // weekday + day of the month: the current month, or the nearest
                // month (ahead or back, as the sentence looks) where they agree
                let m1 = ymd(p.year(), p.month(), 1)?;
                let step = if self.looks_forward() { 1 } else { -1 };
                let agrees = |s: &NaiveDate| {
                    pd.wd
                        .is_none_or(|wd| s.weekday().number_from_monday() == wd as u32)
                };
                let s = (0..=14)
                    .filter_map(|k| {
                        let m = add_months(m1, step * k)?;
                        ymd(m.year(), m.month(), d as u32)
                    })
                    .find(agrees)
                    .or_else(|| ymd(p.year(), p.month(), d as u32))?;
                Some(day_val(s).rel())
            }
            (None, None, None) => {
                let wd = pd.wd?;
                // "said Friday", "met on Tuesday": a past verb right before the
                // weekday looks back, whatever the rest of the sentence says
                let dir = if self.past_verb_before(span[0]) {
                    -1
                } else if self.looks_forward() {
                    1
                } else {
                    -1
                };
                Some(day_val(self.weekday_near(wd, dir)?).rel())
            }
            _ => None,
        }
    }

    fn year_for_month(&self, m: u32, d: Option<u8>) -> i32 {
        let p = self.pubd;
        let y = p.year();
        let key = (m, d.unwrap_or(1) as u32);
        let pk = (p.month(), if d.is_some() { p.day() } else { 1 });
        // a short text (a query, not an article) looks forward to a month
        // not yet begun, as for weekdays
        let query = self.tense == 0 && !self.long;
        match self.tense {
            -1 if key > pk => y - 1,
            1 if key < pk => y + 1,
            _ if query && m < p.month() => y + 1,
            _ => y,
        }
    }

    // ---------- patterns ----------

    /// nth/last weekday, day or week of a month: "ثالث ثلاثاء في أيلول 2014",
    /// "آخر يوم بشهر عشرة", "الأسبوع الأول من شهر عشرة", "the last Monday of March".
    fn p_nth(&mut self, i: usize) -> M {
        #[derive(Clone, Copy, PartialEq)]
        enum K {
            Wd(u8),
            Day,
            Week,
        }
        let ordn = |l: Lex, full: &str| -> Option<i32> {
            match l {
                Lex::Ord(n) if (1..=5).contains(&n) => Some(n as i32),
                Lex::Last => Some(-1),
                _ if full == "last" || full == "final" => Some(-1),
                _ => None,
            }
        };
        let mut j = i;
        if self.en && self.is(j, Lex::The) {
            j += 1;
        }
        // "the third last week of 2018", "fifth last day of May"
        let mut back = 0i64;
        if self.en {
            let o = match (self.lex(j), self.num(j)) {
                (Lex::Ord(o), _) => (o as usize, j + 1),
                (_, Some((o, 1))) if matches!(self.full(j + 1), "st" | "nd" | "rd" | "th") => {
                    (o as usize, j + 2)
                }
                _ => (0, j),
            };
            if (2..=5).contains(&o.0) && self.full(o.1) == "last" {
                back = o.0 as i64 - 1;
                j = o.1;
            }
        }
        let day_u = Lex::Unit(Unit::Day, Cnt::One);
        let week_u = Lex::Unit(Unit::Week, Cnt::One);
        let (n, kind, k, wd_first) = if let Some(n) = ordn(self.lex(j), self.full(j)) {
            let mut k = j + 1;
            if self.is(k, day_u) && matches!(self.lex(k + 1), Lex::Weekday(_)) {
                k += 1;
            }
            match self.lex(k) {
                Lex::Weekday(w) => (n, K::Wd(w), k + 1, false),
                _ if self.w(k) == "اثنين" => (n, K::Wd(1), k + 1, false),
                _ if self.w(k) == "احد" => (n, K::Wd(7), k + 1, false),
                l if l == day_u => (n, K::Day, k + 1, false),
                l if l == week_u => (n, K::Week, k + 1, false),
                _ => return None,
            }
        } else {
            let kind = match self.lex(j) {
                Lex::Weekday(w) => K::Wd(w),
                Lex::Today => K::Day,
                l if l == day_u => K::Day,
                l if l == week_u => K::Week,
                _ => return None,
            };
            let n = ordn(self.lex(j + 1), self.full(j + 1))?;
            (n, kind, j + 2, true)
        };
        let mut k = k;
        if matches!(self.lex(k), Lex::From | Lex::In | Lex::Of) {
            k += 1;
        }
        // the month
        let (e, mv) = {
            let a = self.p_abs(k).or_else(|| {
                if self.en && matches!(kind, K::Week | K::Day) {
                    self.p_year(k)
                } else {
                    None
                }
            });
            let b = self.p_rel(k);
            match (a, b) {
                (Some(a), Some(b)) => {
                    if b.0 > a.0 {
                        b
                    } else {
                        a
                    }
                }
                (Some(a), None) => a,
                (None, Some(b)) => b,
                // "the first Monday of the month": the current one
                _ if self.en
                    && self.is(k, Lex::The)
                    && self.is(k + 1, Lex::Unit(Unit::Month, Cnt::One)) =>
                {
                    (k + 2, month_val(self.pubd.year(), self.pubd.month())?)
                }
                _ => return None,
            }
        };
        // a month, or a year for "the last week of 2018"
        if mv.prec != Precision::Month && !(self.en && mv.prec == Precision::Year) {
            return None;
        }
        let ms = mv.start?;
        let me = mv.end?;
        let d = match kind {
            K::Wd(w) => {
                let first = add_days(
                    ms,
                    (w as i64 - ms.weekday().number_from_monday() as i64).rem_euclid(7),
                )?;
                let last = add_days(
                    me,
                    -((me.weekday().number_from_monday() as i64 - w as i64).rem_euclid(7)),
                )?;
                if n < 0 {
                    add_days(last, -7 * back)?
                } else {
                    add_days(first, 7 * (n as i64 - 1))?
                }
            }
            K::Day => {
                if n < 0 {
                    add_days(me, -back)?
                } else {
                    add_days(ms, n as i64 - 1)?
                }
            }
            K::Week => {
                let first = add_days(
                    ms,
                    (1 - ms.weekday().number_from_monday() as i64).rem_euclid(7),
                )?;
                let lastmon = add_days(
                    me,
                    -((me.weekday().number_from_monday() as i64 - 1).rem_euclid(7)),
                )?;
                let lastmon = if add_days(lastmon, 6)? > me {
                    add_days(lastmon, -7)?
                } else {
                    lastmon
                };
                let mon = if n < 0 {
                    add_days(lastmon, -7 * back)?
                } else {
                    add_days(first, 7 * (n as i64 - 1))?
                };
                return Some((e, week_val(mon)?));
            }
        };
        if d > me || d < ms {
            return None;
        }
        // "الثلاثاء الثالث من أيلول": prefer the date reading when the weekday fits it
        if wd_first {
            if let (K::Wd(w), Some(dd)) = (kind, ymd(ms.year(), ms.month(), n.max(1) as u32)) {
                if n > 0 && dd.weekday().number_from_monday() == w as u32 {
                    return None;
                }
            }
        }
        Some((e, day_val(d)))
    }

    fn p_abs(&mut self, i: usize) -> M {
        let (mut j, pd) = self.abs_date(i)?;
        let span = self.doc.span_toks(i, j, true);
        let mut v = self.resolve(pd, span)?;
        // month + relative: "مارس الماضي", "last March" handled in p_rel
        if pd.y.is_none() && pd.m.is_some() && pd.d.is_none() && !pd.hijri {
            if let Lex::Rel(r) = self.lex(j) {
                let m = pd.m? as u32;
                v = month_val(year_of_month(self.pubd, m, r as i32), m)?.rel();
                j += 1;
            } else if self.after_next(j) {
                // "March after next": the one after the coming March
                let m = pd.m? as u32;
                v = month_val(year_of_month(self.pubd, m, 1) + 1, m)?.rel();
                j += 2;
            }
        }
        // dual dating: ... الموافق <date>
        let mut k = j;
        if self.punct(k, &[',', '،', '(']) {
            k += 1;
        }
        if self.is(k, Lex::Muwafiq) {
            let mut k2 = k + 1;
            if self.full(k2) == "ل" {
                k2 += 1;
            }
            if let Some((k3, pd2)) = self.abs_date(k2) {
                let span2 = self.doc.span_toks(i, k3, true);
                if let Some(v2) = self.resolve(pd2, span2) {
                    let mut k3 = k3;
                    if self.is(k3, Lex::GregMark) {
                        k3 += 1;
                    }
                    if self.punct(k3, &[')']) {
                        k3 += 1;
                    }
                    if let (Some(a), Some(b)) = (v.start, v2.start) {
                        if (a - b).num_days().abs() > 1 {
                            self.diags.push(Diagnostic {
                                code: "dual_date_mismatch",
                                message: format!(
                                    "the two calendars disagree: {} vs {}",
                                    format_date(a),
                                    format_date(b)
                                ),
                                span: span2,
                            });
                        }
                    }
                    return Some((k3, if pd.hijri { v2 } else { v }));
                }
            }
        }
        Some((j, v))
    }

    fn p_year(&mut self, i: usize) -> M {
        if self.en {
            if let r @ Some(_) = self.p_era_year(i) {
                return r;
            }
        }
        let prev = if i > 0 { self.lex(i - 1) } else { Lex::None };
        let word = matches!(self.lex(i), Lex::Unit(Unit::Year, Cnt::One))
            && (self.ar_word(i) || self.num(i + 1).is_some());
        if self.en
            && self.is(i, Lex::Unit(Unit::Year, Cnt::One))
            && !self.is(i.wrapping_sub(1), Lex::The)
        {
            return None;
        }
        let (j, y, mark) = self.year_part(i, word)?;
        if !word {
            let (n, nd) = self.num(i)?;
            if nd != 4 || self.punct(i + 1, &['/', ':']) {
                return None;
            }
            let trap_before = matches!(prev, Lex::TrapPre | Lex::CountNoun)
                || (i > 0 && self.punct(i - 1, &['$', '#', '№']));
            let count_after = matches!(self.lex(i + 1), Lex::CountNoun | Lex::Unit(..))
                || self.punct(i + 1, &['%']);
            if trap_before || count_after {
                return None;
            }
            let range = if self.en { 1600..=2100 } else { 1900..=2100 };
            if mark.is_none() && !range.contains(&(n as i32)) {
                return None;
            }
            if !self.en && mark.is_none() {
                let ok = matches!(
                    prev,
                    Lex::In
                        | Lex::Since
                        | Lex::To
                        | Lex::From
                        | Lex::Between
                        | Lex::And
                        | Lex::Ago
                        | Lex::After
                        | Lex::Within
                        | Lex::Part(..)
                        | Lex::Approx
                ) || (i > 0 && self.punct(i - 1, &['(', '-', '/']))
                    || self.punct(i + 1, &[')', '-']);
                if !ok {
                    return None;
                }
            }
        }
        if mark == Some(true) {
            let (s, _) = hijri::month_bounds(y, 1)?;
            let (_, e) = hijri::month_bounds(y, 12)?;
            let mut v = Val::date(
                s,
                e,
                Precision::Year,
                format!("{}/{}", format_date(s), format_date(e)),
            );
            v.approx = false;
            return Some((j, v));
        }
        // decade: 1990s
        if self.full(j) == "s" && !self.has_space_before(j) {
            return Some((j + 1, decade_val(y - y % 10)?));
        }
        Some((j, year_val(y)?))
    }

    /// A year with its era: "14 AD", "A.D. 14", "in 14 a.d.", "500 BC",
    /// "44 B.C.E.". Years before Christ are astronomical (500 BC = -499),
    /// TIMEX3 `BC0500`.
    fn p_era_year(&mut self, i: usize) -> M {
        let year = |k: usize| self.num(k).filter(|&(n, nd)| nd <= 4 && n > 0).map(|x| x.0);
        let (end, n, bc) = if let Some(n) = year(i) {
            let (end, bc) = self.era_en(i + 1)?;
            (end, n, bc)
        } else {
            let (k, bc) = self.era_en(i)?;
            (k + 1, year(k)?, bc)
        };
        let n = i32::try_from(n).ok()?;
        if !bc {
            return Some((end, year_val(n)?));
        }
        let mut v = year_val(1 - n)?;
        v.timex3 = format!("BC{n:04}");
        Some((end, v))
    }

    /// An era marker: "AD", "A.D.", "CE", "C.E." (false) or "BC", "B.C.",
    /// "BCE", "B.C.E." (true), with its end. Undotted markers must be
    /// capitals ("14 ad campaigns" is not a year).
    fn era_en(&self, j: usize) -> Option<(usize, bool)> {
        let dotted = |letters: &[&str]| {
            letters.iter().enumerate().all(|(n, l)| {
                self.full(j + 2 * n) == *l
                    && self.punct(j + 2 * n + 1, &['.'])
                    && !self.has_space_before(j + 2 * n + 1)
            })
        };
        for (letters, bc) in [
            (&["b", "c", "e"][..], true),
            (&["b", "c"][..], true),
            (&["a", "d"][..], false),
            (&["c", "e"][..], false),
        ] {
            if dotted(letters) {
                return Some((j + 2 * letters.len(), bc));
            }
        }
        if !self
            .doc
            .tok_input(j)
            .chars()
            .all(|c| c.is_ascii_uppercase())
        {
            return None;
        }
        match self.full(j) {
            "ad" | "ce" => Some((j + 1, false)),
            "bc" | "bce" => Some((j + 1, true)),
            _ => None,
        }
    }

    fn has_space_before(&self, i: usize) -> bool {
        match (self.doc.toks.get(i.wrapping_sub(1)), self.doc.toks.get(i)) {
            (Some(a), Some(b)) => a.e != b.s,
            _ => true,
        }
    }

    fn p_decade(&mut self, i: usize) -> M {
        let mut j = i;
        if self.is(j, Lex::The) {
            j += 1;
        }
        let dv = match self.lex(j) {
            Lex::Decade(v) => Some(v as i32),
            _ => None,
        };
        if let Some(v) = dv {
            let mut k = j + 1;
            let mut y0 = 1900 + v;
            // من القرن الماضي / العشرين / الحالي
            if self.is(k, Lex::From) && self.is(k + 1, Lex::Unit(Unit::Century, Cnt::One)) {
                if matches!(self.lex(k + 2), Lex::Rel(0)) || self.full(k + 2) == "الحادي" {
                    y0 = 2000 + v;
                }
                k += 3;
                if self.full(k - 1) == "الحادي" {
                    k += 1;
                }
            }
            return Some((k, decade_val(y0)?));
        }
        // the '90s / the 90s
        if self.en {
            let mut k = j;
            if self.punct(k, &['\'', '’']) {
                k += 1;
            }
            if let Some((n, 2)) = self.num(k) {
                if n % 10 == 0 && self.full(k + 1) == "s" && !self.has_space_before(k + 1) {
                    let y0 = if n as i32 + 2000 <= self.pubd.year() {
                        2000 + n as i32
                    } else {
                        1900 + n as i32
                    };
                    return Some((k + 2, decade_val(y0)?));
                }
            }
        }
        None
    }

    fn p_century(&mut self, i: usize) -> M {
        let mut j = i;
        if self.en {
            if self.is(j, Lex::The) {
                j += 1;
            }
            let (c, k) = if let Some((n, nd)) = self.num(j) {
                if nd > 2 || !matches!(self.full(j + 1), "st" | "nd" | "rd" | "th") {
                    return None;
                }
                (n as i32, j + 2)
            } else if let Lex::Ord(n) = self.lex(j) {
                (n as i32, j + 1)
            } else if let Some((k, d)) = self.day_num(j) {
                (d as i32, k)
            } else {
                return None;
            };
            if !self.is(k, Lex::Unit(Unit::Century, Cnt::One)) || !(1..=30).contains(&c) {
                return None;
            }
            return Some((k + 1, century_val(c)?));
        }
        if !self.is(j, Lex::Unit(Unit::Century, Cnt::One)) {
            return None;
        }
        j += 1;
        if self.full(j) == "ال" {
            j += 1;
        }
        let (c, k) = if let Some((n, nd)) = self.num(j) {
            if nd > 2 {
                return None;
            }
            (n as i32, j + 1)
        } else if let Lex::Ord(n) = self.lex(j) {
            let mut c = n as i32;
            let mut k = j + 1;
            if let Lex::Ord(t) | Lex::NumWord(t) = self.lex(k) {
                if self.full(k).starts_with('و') {
                    c += t as i32;
                    k += 1;
                }
            }
            if let Lex::NumWord(10) = self.lex(k) {
                c += 10;
                k += 1;
            }
            (c, k)
        } else if let Lex::Rel(r) = self.lex(j) {
            let cur = (self.pubd.year() - 1) / 100 + 1;
            (cur + r as i32, j + 1)
        } else {
            return None;
        };
        if !(1..=30).contains(&c) {
            return None;
        }
        Some((k, century_val(c)?))
    }

    /// Today, yesterday, tomorrow, with news-style weekdays ("أمس الخميس").
    fn p_deictic(&mut self, i: usize) -> M {
        let p = self.pubd;
        let mut j = i;
        if self.en {
            let mut k = j;
            if self.is(k, Lex::The) {
                k += 1;
            }
            if self.is(k, Lex::Unit(Unit::Day, Cnt::One)) {
                if self.full(k + 1) == "before" && self.is(k + 2, Lex::Yesterday) {
                    return Some((k + 3, day_val(add_days(p, -2)?).rel()));
                }
                if self.full(k + 1) == "after" && self.is(k + 2, Lex::Tomorrow) {
                    return Some((k + 3, day_val(add_days(p, 2)?).rel()));
                }
            }
            if self.is(k, Lex::Rel(-1)) && self.full(k + 1) == "night" {
                return Some((k + 2, day_val(add_days(p, -1)?).rel()));
            }
        }
        // يوم أمس / يوم غد
        if self.is(j, Lex::Unit(Unit::Day, Cnt::One))
            && matches!(self.lex(j + 1), Lex::Yesterday | Lex::Tomorrow | Lex::Today)
        {
            j += 1;
        }
        let (mut k, d) = match self.lex(j) {
            Lex::Unit(Unit::Day, Cnt::One) | Lex::Today
                if matches!(self.lex(j + 1), Lex::Ago | Lex::After)
                    && matches!(self.lex(j + 2), Lex::Yesterday | Lex::Tomorrow) =>
            {
                let d = if self.is(j + 1, Lex::Ago) { -2 } else { 2 };
                (j + 3, add_days(p, d)?)
            }
            Lex::Today => {
                if self.day_num(j + 1).is_some() && !self.en {
                    return None;
                }
                // "اليوم اللي بعد بكرة", "اليوم القبل البارحة": the day after
                // tomorrow, the day before yesterday
                let k = if matches!(self.w(j + 1), "الي" | "اللي" | "الذي") {
                    j + 2
                } else {
                    j + 1
                };
                let before = self.is(k, Lex::Ago) || self.w(k) == "القبل";
                // "اليوم الماضي/السابق" = yesterday (Duckling)
                match self.lex(j + 1) {
                    _ if !self.en && self.is(k, Lex::After) && self.is(k + 1, Lex::Tomorrow) => {
                        (k + 2, add_days(p, 2)?)
                    }
                    _ if !self.en && before && self.is(k + 1, Lex::Yesterday) => {
                        (k + 2, add_days(p, -2)?)
                    }
                    Lex::Rel(-1) => (j + 2, add_days(p, -1)?),
                    Lex::Rel(1) => (j + 2, add_days(p, 1)?),
                    _ => (j + 1, p),
                }
            }
            Lex::Yesterday => {
                if self.is(j + 1, Lex::Ord(1)) {
                    (j + 2, add_days(p, -2)?)
                } else {
                    (j + 1, add_days(p, -1)?)
                }
            }
            Lex::Tomorrow => (j + 1, add_days(p, 1)?),
            Lex::Ord(1) if self.is(j + 1, Lex::Yesterday) && !self.en => (j + 2, add_days(p, -2)?),
            Lex::Ago if self.is(j + 1, Lex::Yesterday) => (j + 2, add_days(p, -2)?),
            Lex::After if self.is(j + 1, Lex::Tomorrow) => (j + 2, add_days(p, 2)?),
            Lex::Tonight => {
                let v = day_val(p).rel();
                return Some((j + 1, v));
            }
            _ => return None,
        };
        // "the day after tomorrow"
        // news style: أمس الخميس, اليوم الأحد
        if let Lex::Weekday(w) = self.lex(k) {
            if d.weekday().number_from_monday() != w as u32 {
                let span = self.doc.span_toks(i, k + 1, true);
                self.diags.push(Diagnostic {
                    code: "weekday_mismatch",
                    message: format!(
                        "{} was a {}, not the weekday named",
                        format_date(d),
                        d.weekday()
                    ),
                    span,
                });
            }
            k += 1;
        }
        Some((k, day_val(d).rel()))
    }

    /// last week, الشهر الماضي, هذا العام, next Tuesday, الخميس الماضي, last March.
    fn p_rel(&mut self, i: usize) -> M {
        let p = self.pubd;
        if self.is(i, Lex::This) && self.w(i + 1) == "اللحظه" {
            let mut v = day_val(p).rel();
            v.timex3 = "PRESENT_REF".into();
            return Some((i + 2, v));
        }

        // prefix forms: this/last/next + unit|weekday|month|season
        let (r, j) = match self.lex(i) {
            Lex::This => (0i8, i + 1),
            Lex::Rel(r) if self.en => (r, i + 1),
            Lex::The if self.en && matches!(self.lex(i + 1), Lex::Rel(_)) => {
                match self.lex(i + 1) {
                    Lex::Rel(r) => (r, i + 2),
                    _ => return None,
                }
            }
            _ => (9, i),
        };
        if r != 9 {
            match self.lex(j) {
                Lex::Unit(u, Cnt::One) => {
                    if self.en && r == 1 && matches!(u, Unit::Decade | Unit::Century) {
                        return None;
                    }
                    // "this week-end", "next week end": the weekend, not the week
                    let (u, mut k) = match self.week_end(j) {
                        Some(k) if u == Unit::Week => (Unit::Weekend, k),
                        _ => (u, j + 1),
                    };
                    let mut v = self.unit_rel(u, r)?;
                    // احد الاسبوع الماضي handled elsewhere; "this fiscal year"
                    if self.en && self.full(j) == "fiscal" {
                        k += 1;
                    }
                    if self.en
                        && self.full(k) == "fiscal"
                        && self.is(k + 1, Lex::Unit(Unit::Year, Cnt::One))
                    {
                        v = self.unit_rel(Unit::Year, r)?;
                        k += 2;
                    }
                    // "last week's Sunday": that day of that week
                    if self.en
                        && u == Unit::Week
                        && self.punct(k, &['\'', '’'])
                        && self.full(k + 1) == "s"
                    {
                        if let Lex::Weekday(w) = self.lex(k + 2) {
                            return Some((k + 3, day_val(add_days(v.start?, w as i64 - 1)?).rel()));
                        }
                    }
                    return Some((k, v.rel()));
                }
                Lex::Weekday(w) => {
                    let d = match r {
                        -1 => add_days(
                            self.weekday_near(w, -1)?,
                            if self.weekday_near(w, -1)? == p {
                                -7
                            } else {
                                0
                            },
                        )?,
                        1 if self.en => {
                            let mon = add_days(p, 7 - p.weekday().num_days_from_monday() as i64)?;
                            add_days(mon, w as i64 - 1)?
                        }
                        1 => self.weekday_near(w, 1)?,
                        _ if self.en => {
                            let d = self.weekday_near(w, 1)?;
                            if p.weekday().number_from_monday() == w as u32 {
                                p
                            } else {
                                d
                            }
                        }
                        _ => {
                            // this Monday: in the current week
                            let mon = add_days(p, -(p.weekday().num_days_from_monday() as i64))?;
                            let d = add_days(mon, w as i64 - 1)?;
                            if d < p && !self.en {
                                self.weekday_near(w, 1)?
                            } else {
                                d
                            }
                        }
                    };
                    return Some((j + 1, day_val(d).rel()));
                }
                Lex::Season(s) => {
                    let v = self.season_rel(s, r)?;
                    return Some((j + 1, v.rel()));
                }
                Lex::Month(m) | Lex::MonthWeak(m) if self.en => {
                    let m = m as u32;
                    return Some((j + 1, month_val(year_of_month(p, m, r as i32), m)?.rel()));
                }
                _ => {
                    if self.en && r == -1 && self.full(j) == "fiscal" {
                        return None;
                    }
                }
            }
            if !self.en && r == 0 {
                // هذه الليلة / هذا الصباح
                if self.is(j, Lex::Tonight) || matches!(self.lex(j), Lex::DayPart(_)) {
                    return Some((j + 1, day_val(p).rel()));
                }
            }
            return None;
        }
        // postfix forms: unit + rel (Arabic), weekday + rel
        if self.is(i, Lex::Unit(Unit::Day, Cnt::One))
            && matches!(self.lex(i + 1), Lex::Weekday(_))
            && matches!(self.lex(i + 2), Lex::Rel(_))
        {
            return self.p_rel(i + 1);
        }
        if !self.en
            && (self.w(i) == "احد" || self.w(i) == "اثنين")
            && self.is(i + 1, Lex::Unit(Unit::Week, Cnt::One))
        {
            let w = if self.w(i) == "احد" { 7 } else { 1 };
            let r = match self.lex(i + 2) {
                Lex::Rel(r) => r,
                _ => return None,
            };
            let mon = add_days(
                p,
                -(p.weekday().num_days_from_monday() as i64) + 7 * r as i64,
            )?;
            return Some((i + 3, day_val(add_days(mon, w - 1)?).rel()));
        }
        // "الأسابيع الثلاثة القادمة": the next three weeks
        if let (Lex::Unit(u, Cnt::Many), Lex::NumWord(n), Lex::Rel(r)) =
            (self.lex(i), self.lex(i + 1), self.lex(i + 2))
        {
            if r != 0 && u == Unit::Week {
                let mon = add_days(p, -(p.weekday().num_days_from_monday() as i64))?;
                let (s0, e0) = if r > 0 {
                    (add_days(mon, 7)?, add_days(mon, 7 * (n as i64 + 1) - 1)?)
                } else {
                    (add_days(mon, -7 * n as i64)?, add_days(mon, -1)?)
                };
                return Some((
                    i + 3,
                    Val::date(s0, e0, Precision::Week, format!("P{n}W")).rel(),
                ));
            }
        }
        match (self.lex(i), self.lex(i + 1)) {
            (Lex::Unit(u, Cnt::One), Lex::Rel(r)) if !self.en => {
                let v = self.unit_rel(u, r)?;
                Some((i + 2, v.rel()))
            }
            (Lex::Unit(u, Cnt::One), Lex::This)
                if !self.en && self.is(i + 2, Lex::Unit(u, Cnt::One)) =>
            {
                None
            }
            (Lex::Weekday(w), Lex::Rel(r))
                if !(self.en && self.is(i + 2, Lex::Unit(Unit::Week, Cnt::One))) =>
            {
                let d = match r {
                    -1 => add_days(
                        self.weekday_near(w, -1)?,
                        if self.weekday_near(w, -1)? == p {
                            -7
                        } else {
                            0
                        },
                    )?,
                    1 => self.weekday_near(w, 1)?,
                    _ => self.weekday_near(w, if self.tense < 0 { -1 } else { 1 })?,
                };
                Some((i + 2, day_val(d).rel()))
            }
            // weekday of a relative week: "الاحد من الاسبوع الماضي", "ثلاثاء الاسبوع الفائت"
            (Lex::Weekday(w), _) => {
                let mut k = i + 1;
                if self.is(k, Lex::From) || self.is(k, Lex::Of) {
                    k += 1;
                }
                if self.en
                    && matches!(self.lex(k), Lex::Rel(_) | Lex::This)
                    && self.is(k + 1, Lex::Unit(Unit::Week, Cnt::One))
                {
                    let r = match self.lex(k) {
                        Lex::Rel(r) => r,
                        _ => 0,
                    };
                    let mon = add_days(
                        p,
                        -(p.weekday().num_days_from_monday() as i64) + 7 * r as i64,
                    )?;
                    return Some((k + 2, day_val(add_days(mon, w as i64 - 1)?).rel()));
                }
                if self.after_next(k) {
                    // the one after the next: "friday after next" on a Tuesday is in 10 days
                    let ahead =
                        (w as i64 - p.weekday().number_from_monday() as i64 - 1).rem_euclid(7) + 1;
                    return Some((k + 2, day_val(add_days(p, ahead + 7)?).rel()));
                }
                let r = if self.is(k, Lex::Unit(Unit::Week, Cnt::One)) {
                    match self.lex(k + 1) {
                        Lex::Rel(r) => r,
                        _ => return None,
                    }
                } else if self.is(k, Lex::This) && self.is(k + 1, Lex::Unit(Unit::Week, Cnt::One)) {
                    0
                } else {
                    return None;
                };
                let mon = add_days(
                    p,
                    -(p.weekday().num_days_from_monday() as i64) + 7 * r as i64,
                )?;
                Some((k + 2, day_val(add_days(mon, w as i64 - 1)?).rel()))
            }
            (Lex::Season(s), Lex::Rel(r)) if !self.en => {
                Some((i + 2, self.season_rel(s, r)?.rel()))
            }
            _ => None,
        }
    }

    fn unit_rel(&self, u: Unit, r: i8) -> Option<Val> {
        let p = self.pubd;
        let r = r as i32;
        Some(match u {
            Unit::Day => day_val(add_days(p, r as i64)?),
            Unit::Week => week_val(add_days(p, 7 * r as i64)?)?,
            Unit::Month => {
                let d = add_months(ymd(p.year(), p.month(), 1)?, r)?;
                month_val(d.year(), d.month())?
            }
            Unit::Year => year_val(p.year() + r)?,
            Unit::Quarter => {
                let q = (p.month() as i32 - 1) / 3 + r;
                let y = p.year() + q.div_euclid(4);
                quarter_val(y, (q.rem_euclid(4) + 1) as u32)?
            }
            Unit::Decade => {
                let y0 = p.year() - p.year().rem_euclid(10) + 10 * r;
                decade_val(y0)?
            }
            Unit::Century => century_val((p.year() - 1) / 100 + 1 + r)?,
            Unit::Weekend => {
                let sat = add_days(
                    p,
                    5 - p.weekday().num_days_from_monday() as i64 + 7 * r as i64,
                )?;
                let mut v = Val::date(
                    sat,
                    add_days(sat, 1)?,
                    Precision::Week,
                    format!("{}-WE", week_val(sat)?.timex3),
                );
                v.prec = Precision::Day;
                v
            }
            Unit::Hour | Unit::Minute => return None,
        })
    }

    fn season_rel(&self, s: u8, r: i8) -> Option<Val> {
        let p = self.pubd;
        let y = p.year();
        // the occurrence containing or nearest before publication
        let mut cands: Vec<Val> = (y - 2..=y + 1).filter_map(|yy| season_val(yy, s)).collect();
        cands.sort_by_key(|v| v.start);
        let cur = cands
            .iter()
            .position(|v| v.start.is_some_and(|st| st <= p) && v.end.is_some_and(|e| e >= p));
        let last_before = cands.iter().rposition(|v| v.end.is_some_and(|e| e < p))?;
        let idx = match r {
            -1 => last_before,
            0 => cur.unwrap_or(last_before + 1),
            _ => cur.map_or(last_before + 1, |c| c + 1),
        };
        cands.get(idx).cloned()
    }

    /// Parts of periods: مطلع العام الجاري, نهاية كانون الأول/ديسمبر 2023, early 2011, late last July.
    fn p_part(&mut self, i: usize) -> M {
        let mut j = i;
        if self.en && self.is(j, Lex::The) {
            j += 1;
        }
        let (which, narrow) = match self.lex(j) {
            Lex::Part(w, n) => (w, n),
            _ if self.en && self.full(j) == "earlier" => (Which::Start, false),
            _ if self.en && self.full(j) == "later" && self.is(j + 1, Lex::This) => {
                (Which::End, false)
            }
            _ => return None,
        };
        let mut k = j + 1;
        if self.punct(k, &['-']) {
            k += 1;
        }
        if self.en && self.is(k, Lex::Of) {
            k += 1;
            if self.is(k, Lex::The) {
                k += 1;
            }
        } else if self.en && !matches!(self.full(j), "early" | "late" | "mid" | "earlier" | "later")
        {
            // "the end", "the beginning" need "of"
            return None;
        }
        // optional شهر before a month name
        let base = self.part_base(k)?;
        let (e, v) = base;
        let v = apply_part(v, which, narrow)?;
        Some((e, v))
    }

    fn part_base(&mut self, k: usize) -> M {
        // "the beginning of around next week"
        let k = if self.en && self.is(k, Lex::Approx) {
            k + 1
        } else {
            k
        };
        let cands = [
            self.p_rel(k),
            self.p_abs(k),
            self.p_year(k),
            self.p_decade(k),
            self.p_century(k),
            self.p_deictic(k),
        ];
        let mut best: M = None;
        for c in cands.into_iter().flatten() {
            if !c.1.is_date() {
                continue;
            }
            if best.as_ref().is_none_or(|b| c.0 > b.0) {
                best = Some(c);
            }
        }
        if best.is_some() {
            return best;
        }
        // bare "العام" / "الشهر" = the current one; "year" in "the end of year"
        match self.lex(k) {
            Lex::Unit(u @ (Unit::Year | Unit::Month | Unit::Week), Cnt::One) => {
                let v = self.unit_rel(u, 0)?;
                let v = if self.en && u == Unit::Year && self.tense < 0 {
                    self.unit_rel(u, -1)?
                } else {
                    v
                };
                Some((k + 1, v.rel()))
            }
            _ => None,
        }
    }

    /// قبل أيام, قبل ثلاثة أشهر, منذ عامين, two years ago, بعد يومين, in three days.
    fn p_ago(&mut self, i: usize) -> M {
        let p = self.pubd;
        let (dir, j) = match self.lex(i) {
            Lex::Ago | Lex::Since if !self.en => (-1i8, i + 1),
            Lex::After if !self.en => (1, i + 1),
            Lex::In if self.en && self.full(i) == "in" => (1, i + 1),
            Lex::After if self.en && self.full(i) == "after" => (1, i + 1),
            _ if self.en => (0, i),
            _ => return None,
        };
        let (k, n, u) = self.amount(j)?;
        // "three years from today" is counted from a day, so it is that day
        // whatever the amount; "in three years", "eight years from now" stay
        // a duration (and "now"), as TimeML annotates them
        let mut from_day = false;
        let (dir, k) = if dir == 0 {
            let right = usize::from(self.full(k + 1) == "right");
            match self.lex(k) {
                Lex::Ago => (-1, k + 1),
                _ if self.full(k) == "back" => (-1, k + 1),
                _ if self.full(k) == "hence" => (1, k + 1),
                Lex::From if self.is(k + 1 + right, Lex::Now) => (1, k + 2 + right),
                Lex::From if self.is(k + 1, Lex::Today) => {
                    from_day = true;
                    (1, k + 2)
                }
                _ => return None,
            }
        } else {
            (dir, k)
        };
        if self.en
            && dir > 0
            && !from_day
            && (matches!(u, Unit::Year | Unit::Decade) || (u == Unit::Day && n.unwrap_or(0) >= 30))
        {
            return None;
        }
        if self.en && n.is_none() && dir > 0 && matches!(u, Unit::Hour | Unit::Minute) {
            return Some((k, day_val(p).rel()));
        }
        let v = match n {
            Some(n) => {
                let n = n as i64 * dir as i64;
                match u {
                    Unit::Day => day_val(add_days(p, n)?),
                    Unit::Week => day_val(add_days(p, 7 * n)?),
                    Unit::Month if self.en => day_val(add_months(p, n as i32)?),
                    Unit::Month => {
                        let d = add_months(p, n as i32)?;
                        month_val(d.year(), d.month())?
                    }
                    Unit::Year if from_day => day_val(add_months(p, 12 * n as i32)?),
                    Unit::Year => year_val(p.year() + n as i32)?,
                    Unit::Decade => year_val(p.year() + 10 * n as i32)?,
                    Unit::Hour | Unit::Minute => day_val(p),
                    _ => return None,
                }
            }
            None => {
                // vague: قبل أيام = the seven days before publication
                let (s, e, prec) = match u {
                    Unit::Day => (add_days(p, -7)?, add_days(p, -1)?, Precision::Day),
                    Unit::Week => (add_days(p, -42)?, add_days(p, -8)?, Precision::Week),
                    Unit::Month => {
                        let s = add_months(ymd(p.year(), p.month(), 1)?, -6)?;
                        let e = ymd(p.year(), p.month(), 1)?.pred_opt()?;
                        (s, e, Precision::Month)
                    }
                    Unit::Year => (
                        ymd(p.year() - 10, 1, 1)?,
                        ymd(p.year() - 1, 12, 31)?,
                        Precision::Year,
                    ),
                    _ => return None,
                };
                if dir > 0 {
                    return None;
                }
                let mut v = Val::date(s, e, prec, "PAST_REF".into());
                v.approx = true;
                v
            }
        };
        Some((k, v.rel()))
    }

    /// An amount of time: "ثلاثة أيام", "يومين", "أيام", "two years", "a week", "several days".
    fn amount(&self, j: usize) -> Option<(usize, Option<u32>, Unit)> {
        let unit_at = |k: usize| match self.lex(k) {
            Lex::Unit(u, c) => Some((u, c)),
            _ => None,
        };
        if let Some((n, nd)) = self.num(j) {
            if nd <= 4 && nd != 9 {
                let mut k = j + 1;
                if self.punct(k, &['-']) {
                    k += 1;
                }
                if let Some((u, _)) = unit_at(k) {
                    return Some((k + 1, Some(n as u32), u));
                }
            }
            return None;
        }
        match self.lex(j) {
            Lex::NumWord(n) => {
                let mut k = j + 1;
                let mut n = n as u32;
                if let Lex::NumWord(10) = self.lex(k) {
                    n += 10;
                    k += 1;
                }
                if self.punct(k, &['-']) {
                    k += 1;
                }
                let (u, _) = unit_at(k)?;
                Some((k + 1, Some(n), u))
            }
            Lex::Few => {
                let (u, _) = unit_at(j + 1)?;
                Some((j + 2, None, u))
            }
            Lex::Unit(u, Cnt::One) => {
                if self.en {
                    return None;
                }
                // "أسبوع" = one week
                Some((j + 1, Some(1), u))
            }
            Lex::Unit(u, Cnt::Two) => Some((j + 1, Some(2), u)),
            Lex::Unit(u, Cnt::Many) => {
                if let Lex::NumWord(n) = self.lex(j + 1) {
                    return Some((j + 2, Some(n as u32), u));
                }
                Some((j + 1, None, u))
            }
            _ if self.en && matches!(self.full(j), "a" | "an" | "one") => {
                let mut k = j + 1;
                if self.full(k) == "few" || self.full(k) == "couple" {
                    k += 1;
                    if self.is(k, Lex::Of) {
                        k += 1;
                    }
                    let (u, _) = unit_at(k)?;
                    return Some((k + 1, None, u));
                }
                let (u, c) = unit_at(k)?;
                (c == Cnt::One).then_some((k + 1, Some(1), u))
            }
            _ => None,
        }
    }

    /// "last 2 days", "next three weeks" (English, without "the"): intervals.
    fn p_last_n(&mut self, i: usize) -> M {
        if !self.en {
            return None;
        }
        let r = match self.lex(i) {
            Lex::Rel(r) if r != 0 => r,
            _ => return None,
        };
        let (k, n, u) = self.amount(i + 1)?;
        let n = n? as i64;
        let p = self.pubd;
        let (s, e, prec) = match (u, r > 0) {
            (Unit::Day, false) => (add_days(p, -n)?, add_days(p, -1)?, Precision::Day),
            (Unit::Day, true) => (add_days(p, 1)?, add_days(p, n)?, Precision::Day),
            (Unit::Week, false) => {
                let mon = add_days(p, -(p.weekday().num_days_from_monday() as i64))?;
                (add_days(mon, -7 * n)?, add_days(mon, -1)?, Precision::Week)
            }
            (Unit::Week, true) => {
                let mon = add_days(p, 7 - p.weekday().num_days_from_monday() as i64)?;
                (mon, add_days(mon, 7 * n - 1)?, Precision::Week)
            }
            (Unit::Month, false) => {
                let m1 = ymd(p.year(), p.month(), 1)?;
                (
                    add_months(m1, -(n as i32))?,
                    m1.pred_opt()?,
                    Precision::Month,
                )
            }
            (Unit::Month, true) => {
                let m1 = add_months(ymd(p.year(), p.month(), 1)?, 1)?;
                (m1, add_months(m1, n as i32)?.pred_opt()?, Precision::Month)
            }
            (Unit::Year, false) => (
                ymd(p.year() - n as i32, 1, 1)?,
                ymd(p.year() - 1, 12, 31)?,
                Precision::Year,
            ),
            (Unit::Year, true) => (
                ymd(p.year() + 1, 1, 1)?,
                ymd(p.year() + n as i32, 12, 31)?,
                Precision::Year,
            ),
            (Unit::Hour | Unit::Minute, _) => (p, p, Precision::Day),
            _ => return None,
        };
        let code = match u {
            Unit::Day => "D",
            Unit::Week => "W",
            Unit::Month => "M",
            Unit::Year => "Y",
            _ => "H",
        };
        Some((k, Val::date(s, e, prec, format!("P{n}{code}")).rel()))
    }

    /// "within two weeks" in a sentence about the future: from publication
    /// to the deadline ("within two weeks of the attack" is not from publication).
    fn p_within(&mut self, i: usize) -> M {
        let within = if self.en {
            self.full(i) == "within"
        } else {
            self.w(i) == "خلال"
        };
        if !within || !self.looks_forward() {
            return None;
        }
        let (k, n, u) = self.amount(i + 1)?;
        let n = i32::try_from(n?).ok()?;
        // "within two weeks of the deal", "خلال أسبوعين من الاتفاق"
        if matches!(self.full(k), "of" | "after" | "before" | "from")
            || matches!(self.lex(k), Lex::From | Lex::After | Lex::Ago | Lex::Rel(_))
        {
            return None;
        }
        let p = self.pubd;
        if !matches!(u, Unit::Day | Unit::Week | Unit::Month | Unit::Year) {
            return None;
        }
        let deadline = self.shift(n, u)?;
        let e = add_days(deadline, -1)?.max(p);
        let v = Val::date(
            p,
            e,
            Precision::Day,
            format!("{}/{}", format_date(p), format_date(e)),
        );
        Some((k, v.rel()))
    }

    /// Durations: three years, a month, P90D, the past two years.
    fn p_duration(&mut self, i: usize) -> M {
        let mut j = i;
        if self.is(j, Lex::Within) && !self.en {
            j += 1;
        }
        if self.en && self.is(j, Lex::The) && matches!(self.lex(j + 1), Lex::Rel(_)) {
            j += 2;
        } else if self.en
            && matches!(self.lex(j), Lex::Rel(-1) | Lex::Rel(1))
            && self.full(j) != "last"
        {
            j += 1;
        }
        if self.en && self.is(j, Lex::Recent) && self.full(j) == "recent" {
            j += 1;
        }
        if self.en && j > i && self.is(j.wrapping_sub(1), Lex::Rel(1)) {
            if let Lex::Unit(u @ (Unit::Decade | Unit::Century), Cnt::One) = self.lex(j) {
                let v = if u == Unit::Decade { "P10Y" } else { "P100Y" };
                return Some((j + 1, Val::nodate(TimexType::Duration, v.into())));
            }
        }
        let (k, n, u) = self.amount(j)?;
        if !self.en && j == i && n.is_none() {
            return None;
        }
        if self.en && n.is_none() {
            // bare plural needs an introducer
            let prev = if i > 0 { self.full(i - 1) } else { "" };
            if j == i
                && !matches!(
                    prev,
                    "for" | "recent" | "several" | "few" | "many" | "over" | "in"
                )
                && !matches!(self.lex(i), Lex::Few)
            {
                return None;
            }
        }
        let code = match u {
            Unit::Day => "D",
            Unit::Week => "W",
            Unit::Month => "M",
            Unit::Year => "Y",
            Unit::Decade => "DE",
            Unit::Century => "CE",
            Unit::Hour => "H",
            Unit::Minute => "M",
            Unit::Weekend => "WE",
            Unit::Quarter => "Q",
        };
        let t = if matches!(u, Unit::Hour | Unit::Minute) {
            "T"
        } else {
            ""
        };
        let amount = match (u, n) {
            (Unit::Decade, Some(n)) => {
                return Some((k, Val::nodate(TimexType::Duration, format!("P{}Y", n * 10))))
            }
            (_, Some(n)) => n.to_string(),
            (_, None) => "X".into(),
        };
        Some((
            k,
            Val::nodate(TimexType::Duration, format!("P{t}{amount}{code}")),
        ))
    }

    /// every Friday, كل يوم, annually, daily.
    fn p_set(&mut self, i: usize) -> M {
        let fixed = match self.full(i) {
            "annually" | "yearly" => Some("XXXX"),
            "daily" => Some("XXXX-XX-XX"),
            "weekly" => Some("XXXX-WXX"),
            "monthly" => Some("XXXX-XX"),
            _ => None,
        };
        if let Some(f) = fixed {
            return Some((i + 1, Val::nodate(TimexType::Set, f.into())));
        }
        if !self.is(i, Lex::Every) {
            return None;
        }
        let mut j = i + 1;
        if self.is(j, Lex::Unit(Unit::Day, Cnt::One)) && matches!(self.lex(j + 1), Lex::Weekday(_))
        {
            j += 1;
        }
        let v = match self.lex(j) {
            Lex::Weekday(w) => format!("XXXX-WXX-{w}"),
            Lex::DayPart(d) => format!("XXXX-XX-XXT{}", daypart_code(d)),
            Lex::Unit(Unit::Day, Cnt::One) => "XXXX-XX-XX".into(),
            Lex::Unit(Unit::Week, Cnt::One) => "XXXX-WXX".into(),
            Lex::Unit(Unit::Month, Cnt::One) => "XXXX-XX".into(),
            Lex::Unit(Unit::Year, Cnt::One) => "XXXX".into(),
            Lex::Season(_) if self.en => "XXXX-WI".into(),
            _ => return None,
        };
        Some((j + 1, Val::nodate(TimexType::Set, v)))
    }

    /// now, currently, الآن, recently, the past.
    fn p_ref(&mut self, i: usize) -> M {
        let p = self.pubd;
        match self.lex(i) {
            Lex::Now => {
                let mut v = day_val(p).rel();
                v.timex3 = "PRESENT_REF".into();
                Some((i + 1, v))
            }
            Lex::Recent if self.full(i) != "recent" => {
                Some((i + 1, Val::nodate(TimexType::Date, "PAST_REF".into())))
            }
            Lex::The
                if self.en
                    && self.full(i + 1) == "past"
                    && !matches!(self.lex(i + 2), Lex::Unit(..) | Lex::NumWord(_) | Lex::Few)
                    && self.num(i + 2).is_none() =>
            {
                Some((i + 2, Val::nodate(TimexType::Date, "PAST_REF".into())))
            }
            Lex::The if self.en && self.full(i + 1) == "future" => {
                Some((i + 2, Val::nodate(TimexType::Date, "FUTURE_REF".into())))
            }
            Lex::In if !self.en && self.full(i + 1) == "الحاضر" => None,
            _ if self.en
                && self.full(i) == "at"
                && self.is(i + 1, Lex::The)
                && self.full(i + 2) == "time" =>
            {
                Some((i + 3, Val::nodate(TimexType::Date, "PAST_REF".into())))
            }
            _ => None,
        }
    }

    /// Seasons with a year: صيف 2023, summer 2023, quarters: the first quarter of 2024, الربع الأول من العام.
    fn p_season_quarter(&mut self, i: usize) -> M {
        let mut j = i;
        if self.en && self.is(j, Lex::The) {
            j += 1;
        }
        // season
        let season = match self.lex(j) {
            Lex::Season(s) => Some(s),
            Lex::HMonthPre(3)
                if !matches!(self.lex(j + 1), Lex::Ord(_) | Lex::Last)
                    && self.full(j + 1) != "الاخر" =>
            {
                Some(1)
            }
            _ => None,
        };
        if let Some(s) = season {
            if let Some((k, y, _)) = self.year_part(j + 1, false) {
                return Some((k, season_val(y, s)?));
            }
            if let Some(k) = self.this_year(j + 1) {
                return Some((k, season_val(self.pubd.year(), s)?));
            }
            return None;
        }
        // quarter
        let (q, k) = if self.en {
            let (k, q) = match self.lex(j) {
                Lex::Ord(q) if (1..=4).contains(&q) => (j + 1, q),
                _ if self
                    .num(j)
                    .is_some_and(|(n, nd)| nd == 1 && (1..=4).contains(&n))
                    && matches!(self.full(j + 1), "st" | "nd" | "rd" | "th") =>
                {
                    (j + 2, self.num(j).map_or(1, |x| x.0 as u16))
                }
                _ if self.full(j) == "last" || self.full(j) == "final" => (j + 1, 4),
                _ => return None,
            };
            if !self.is(k, Lex::Unit(Unit::Quarter, Cnt::One)) {
                return None;
            }
            (q, k + 1)
        } else {
            if !self.is(j, Lex::Unit(Unit::Quarter, Cnt::One)) {
                return None;
            }
            match self.lex(j + 1) {
                Lex::Ord(q) if (1..=4).contains(&q) => (q, j + 2),
                Lex::Last => (4, j + 2),
                _ => return None,
            }
        };
        let mut k = k;
        if matches!(self.lex(k), Lex::Of | Lex::From) {
            k += 1;
        }
        if let Some((k2, y, _)) = self.year_part(k, false) {
            return Some((k2, quarter_val(y, q as u32)?));
        }
        if let Some((k2, v)) = self.p_rel(k) {
            if v.prec == Precision::Year {
                return Some((k2, quarter_val(v.start?.year(), q as u32)?.rel()));
            }
        }
        if self.is(k, Lex::Unit(Unit::Year, Cnt::One)) {
            return Some((k + 1, quarter_val(self.pubd.year(), q as u32)?.rel()));
        }
        if self.en {
            return Some((k, quarter_val(self.pubd.year(), q as u32)?.rel()));
        }
        None
    }

    /// Holidays: عيد الفطر, عيد الأضحى, عيد الميلاد, رأس السنة الهجرية, Christmas, Easter, رمضان 2019.
    fn p_holiday(&mut self, i: usize) -> M {
        let w = self.w(i);
        let (k, kind) = if w == "عيد" {
            match self.w(i + 1) {
                "الفطر" => (i + 2, 1),
                "الاضحي" => (i + 2, 2),
                "الميلاد" => (i + 2, 3),
                "الفصح" => (i + 2, 4),
                _ => return None,
            }
        } else if w == "كريسماس" || w == "الكريسماس" || (self.en && w == "christmas")
        {
            (i + 1, 3)
        } else if self.en && w == "easter" {
            (i + 1, 4)
        } else if self.en && matches!(w, "xmas" | "halloween" | "valentine" | "thanksgiving") {
            let k = match w {
                "valentine" => {
                    if self.punct(i + 1, &['\'', '’']) {
                        i + 4
                    } else {
                        i + 2
                    }
                }
                _ => i + 1,
            };
            let k = if w == "thanksgiving" && self.is(k, Lex::Unit(Unit::Day, Cnt::One)) {
                k + 1
            } else {
                k
            };
            (
                k,
                match w {
                    "xmas" => 3,
                    "halloween" => 8,
                    "valentine" => 9,
                    _ => 10,
                },
            )
        } else if self.en
            && w == "new"
            && (self.is(i + 1, Lex::Unit(Unit::Year, Cnt::One)) || self.full(i + 1) == "years")
        {
            let mut k = i + 2;
            if self.punct(k, &['\'', '’']) {
                k += 2;
            }
            match self.full(k) {
                "eve" => (k + 1, 11),
                "day" => (k + 1, 12),
                _ => return None,
            }
        } else if self.en && (w == "eid") {
            let mut k = i + 1;
            if self.full(k) == "al" {
                k += 1;
            }
            if self.punct(k, &['-']) {
                k += 1;
            }
            match self.full(k) {
                "fitr" => (k + 1, 1),
                "adha" => (k + 1, 2),
                _ => return None,
            }
        } else if self.en && w == "ramadan" && self.num(i + 1).is_some_and(|(_, nd)| nd == 4) {
            (i + 1, 7)
        } else if w == "راس" && self.w(i + 1) == "السنه" {
            if self.w(i + 2) == "الهجريه" {
                (i + 3, 5)
            } else {
                (i + 2, 6)
            }
        } else if matches!(self.lex(i), Lex::HMonthWeak(9))
            && self.num(i + 1).is_some_and(|(_, nd)| nd == 4)
        {
            (i + 1, 7)
        } else {
            return None;
        };
        let (k, y) = match self.year_part(k, false) {
            Some((k2, y, _)) if y > 1700 => (k2, y),
            _ => (k, self.pubd.year()),
        };
        let v = match kind {
            1 => day_val(hijri::to_gregorian(hijri::hijri_year_for(y, 10)?, 10, 1)?),
            2 => day_val(hijri::to_gregorian(hijri::hijri_year_for(y, 12)?, 12, 10)?),
            3 => day_val(ymd(y, 12, 25)?),
            4 => day_val(hijri::easter(y)?),
            5 => day_val(hijri::to_gregorian(hijri::hijri_year_for(y, 1)?, 1, 1)?),
            6 => day_val(ymd(y, 1, 1)?),
            8 => day_val(ymd(y, 10, 31)?),
            9 => day_val(ymd(y, 2, 14)?),
            10 => {
                let nov1 = ymd(y, 11, 1)?;
                let first_thu = add_days(
                    nov1,
                    (4 - nov1.weekday().number_from_monday() as i64).rem_euclid(7),
                )?;
                day_val(add_days(first_thu, 21)?)
            }
            11 => day_val(ymd(y, 12, 31)?),
            12 => day_val(ymd(y + 1, 1, 1)?),
            _ => {
                let (s, e) = hijri::month_bounds(hijri::hijri_year_for(y, 9)?, 9)?;
                Val::date(
                    s,
                    e,
                    Precision::Month,
                    format!("{}/{}", format_date(s), format_date(e)),
                )
            }
        };
        Some((k, v))
    }

    /// Clock times: الساعة 3 عصرا, 15:15, الثالثة فجرا, 8 PM, noon.
    fn p_time(&mut self, i: usize) -> M {
        if self.en {
            if let r @ Some(_) = self.p_clock_en(i) {
                return r;
            }
        }
        let mut j = i;
        let mut hour: Option<u32> = None;
        let mut minute = 0u32;
        let mut intro = false;
        if matches!(self.full(j), "عند" | "بحدود") || (self.en && self.full(j) == "at") {
            j += 1;
        }
        if self.is(j, Lex::Hour) && !self.en {
            intro = true;
            j += 1;
        }
        if let Some((n, nd)) = self.num(j) {
            if nd <= 2 && n <= 24 {
                hour = Some(n as u32);
                j += 1;
                if self.punct(j, &[':']) {
                    if let Some((mm, 2)) = self.num(j + 1) {
                        minute = mm as u32;
                        j += 2;
                        if self.punct(j, &[':']) && self.num(j + 1).is_some() {
                            j += 2;
                        }
                        intro = true;
                    }
                }
            }
        } else if let Lex::Ord(n) | Lex::NumWord(n) = self.lex(j) {
            if (1..=12).contains(&n) && !self.en {
                hour = Some(n as u32);
                j += 1;
                if let Lex::NumWord(10) = self.lex(j) {
                    if !self.full(j).starts_with('و') {
                        hour = Some(n as u32 + 10);
                        j += 1;
                    }
                }
            }
        } else if self.en && matches!(self.full(j), "noon" | "midnight") {
            let mut v = day_val(self.pubd).rel();
            v.kind = TimexType::Time;
            v.timex3 = format!(
                "{}T{}",
                format_date(self.pubd),
                if self.full(j) == "noon" {
                    "12:00"
                } else {
                    "24:00"
                }
            );
            return Some((j + 1, v));
        }
        let h = hour?;
        // trailing minutes and parts of day
        let mut ampm = false;
        let mut daypart = 0u8;
        let start_tail = j;
        for _ in 0..8 {
            let w = self.w(j);
            let f = self.full(j);
            if self.en {
                if matches!(f, "am" | "pm") {
                    if f == "pm" && h < 12 {
                        daypart = 2;
                    }
                    ampm = true;
                    j += 1;
                    continue;
                }
                if (f == "a" || f == "p") && self.punct(j + 1, &['.']) && self.full(j + 2) == "m" {
                    if f == "p" {
                        daypart = 2;
                    }
                    ampm = true;
                    j += 3;
                    if self.punct(j, &['.']) {
                        j += 1;
                    }
                    continue;
                }
                if matches!(f, "gmt" | "utc" | "et" | "est" | "edt" | "o") {
                    j += 1;
                    continue;
                }
                break;
            }
            match self.lex(j) {
                Lex::NumWord(_) | Lex::Ord(_) if f.starts_with('و') => j += 1,
                Lex::Unit(Unit::Minute, _) => j += 1,
                Lex::DayPart(d) => {
                    daypart = d;
                    j += 1
                }
                Lex::And if self.num(j + 1).is_some() => j += 2,
                Lex::After | Lex::Ago if matches!(self.lex(j + 1), Lex::DayPart(_)) => {
                    daypart = 2;
                    j += 2
                }
                Lex::This if matches!(self.lex(j + 1), Lex::DayPart(_) | Lex::Tonight) => j += 2,
                Lex::Tonight => j += 1,
                _ => {
                    if matches!(
                        w,
                        "ربع" | "ربعا" | "نصف" | "ثلث" | "الا" | "دقيقه" | "بتوقيت" | "gmt"
                    ) || matches!(f, "وربع" | "ونصف" | "وثلث" | "الا" | "والنصف" | "والربع")
                        || (f == "و" && self.num(j + 1).is_some())
                    {
                        j += 1;
                        if w == "بتوقيت" {
                            j += 1;
                        }
                        continue;
                    }
                    if self.num(j).is_some() && j > start_tail && self.has_pre(j.wrapping_sub(1)) {
                        j += 1;
                        continue;
                    }
                    break;
                }
            }
        }
        if !intro && !ampm && daypart == 0 {
            return None;
        }
        if self.en && !ampm && !intro {
            return None;
        }
        let hh = if daypart >= 2 && h < 12 { h + 12 } else { h };
        Some((j, self.time_val(hh, minute)))
    }

    /// The best date-like atom at `i`.
    fn atom(&mut self, i: usize) -> M {
        let mut best: M = None;
        let cands = [
            self.p_nth(i),
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

    /// Ranges: من X إلى Y, بين X و Y, from X to Y, between X and Y, X–Y.
    fn p_range(&mut self, i: usize) -> M {
        let (intro, j) = match self.lex(i) {
            Lex::From => (1, i + 1),
            Lex::Between => (2, i + 1),
            _ => (0, i),
        };
        // left endpoint: full atom, or a bare day number / ordinal
        let left = self.atom(j);
        let (lk, lv, lpd) = match left {
            Some((k, v)) if v.is_date() => (k, Some(v), None),
            _ => {
                let (k, d) = self.day_num(j)?;
                (k, None, Some(d))
            }
        };
        let mut k = lk;
        let conn = match self.lex(k) {
            Lex::To => true,
            Lex::And => intro == 2 || (self.is(k + 1, Lex::To)),
            _ => self.punct(k, &['-', '–']),
        };
        if !conn {
            return None;
        }
        k += 1;
        if self.is(k, Lex::To) {
            k += 1;
        }
        // right endpoint: "و2014" has its و as a separate token before the number
        let (rk, rv) = self.atom(k)?;
        if !rv.is_date() {
            return None;
        }
        if intro == 0 && lv.is_none() {
            return None;
        }
        let lv_day = lv.as_ref().is_some_and(|v| v.prec == Precision::Day);
        let (s, e) = match (lv, lpd) {
            (Some(lv), _) => (lv.start?, rv.end?),
            (None, Some(d)) => {
                let re = rv.start?;
                (ymd(re.year(), re.month(), d as u32)?, rv.end?)
            }
            _ => return None,
        };
        if e < s {
            return None;
        }
        if intro == 0 && self.en && !(lv_day && rv.prec == Precision::Day) {
            return None;
        }
        let prec = if rv.prec == Precision::Day {
            Precision::Day
        } else {
            rv.prec
        };
        let v = Val::date(s, e, prec, format!("{}/{}", format_date(s), format_date(e)));
        Some((rk, v))
    }

    /// An ISO 8601 interval of days, the clock read past:
    /// "2015-03-28/2015-03-29", "2015-03-28 17:00:00/2015-03-29 21:00:00".
    fn p_iso_interval(&mut self, i: usize) -> M {
        let iso = |k: usize| -> Option<(usize, NaiveDate)> {
            if self.num(k)?.1 != 4 {
                return None;
            }
            let (mut e, pd) = self.numeric_date(k)?;
            let d = ymd(pd.y?, pd.m? as u32, pd.d? as u32)?;
            if self.num(e).is_some_and(|x| x.1 == 2)
                && self.punct(e + 1, &[':'])
                && self.num(e + 2).is_some()
            {
                e += 3;
                if self.punct(e, &[':']) && self.num(e + 1).is_some() {
                    e += 2;
                }
            }
            Some((e, d))
        };
        let (k, s) = iso(i)?;
        if !self.punct(k, &['/']) || self.has_space_before(k) || self.has_space_before(k + 1) {
            return None;
        }
        let (k2, e) = iso(k + 1)?;
        (e >= s).then(|| {
            let v = Val::date(
                s,
                e,
                Precision::Day,
                format!("{}/{}", format_date(s), format_date(e)),
            );
            (k2, v)
        })
    }

    /// منذ X / since X: from X to the publication date.
    fn p_since(&mut self, i: usize) -> M {
        if !self.is(i, Lex::Since) {
            return None;
        }
        let (k, v) = self.atom(i + 1)?;
        if !v.is_date() {
            return None;
        }
        let s = v.start?;
        let mut out = v.clone();
        if self.pubd >= s {
            out.end = Some(self.pubd.max(v.end?));
            out.open = true;
            out.prec = v.prec;
        }
        Some((k, out))
    }

    fn p_approx(&mut self, i: usize) -> M {
        if !self.is(i, Lex::Approx) {
            return None;
        }
        let (k, mut v) = self.best(i + 1, false)?;
        v.approx = true;
        Some((k, v))
    }

    /// A clock time (English) with its day after it: "1:30 PM on Sat, Sep
    /// 21", "8am tomorrow".
    fn date_after_time(&mut self, k: usize, v: &Val) -> M {
        if v.kind != TimexType::Time || !self.en {
            return None;
        }
        let k = if matches!(self.full(k), "on" | "of") {
            k + 1
        } else {
            k
        };
        let (k3, dv) = self.p_abs(k).or_else(|| self.p_deictic(k))?;
        if dv.prec != Precision::Day {
            return None;
        }
        Some((k3, clock_on(v.clone(), dv.start?)))
    }

    /// A clock time starting at a word that starts nothing else ("at 3pm",
    /// "for 1:30 PM on Sat, Sep 21"), with its day after it.
    fn time_only(&mut self, i: usize) -> M {
        if !self.en {
            return None;
        }
        let (k, v) = self.p_time(i)?;
        self.date_after_time(k, &v).or(Some((k, v)))
    }

    fn best(&mut self, i: usize, top: bool) -> M {
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
            let next_temporal = (i + 1..(i + 3).min(self.lim)).any(|k| {
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
        let mut best: M = None;
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
                    let out = Val::date(
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

/// A clock time (`…Thh:mm`) moved onto day `d`.
fn clock_on(mut tv: Val, d: NaiveDate) -> Val {
    tv.start = Some(d);
    tv.end = Some(d);
    tv.timex3 = format!(
        "{}{}",
        format_date(d),
        &tv.timex3[tv.timex3.find('T').unwrap_or(0)..]
    );
    tv
}

fn apply_part(v: Val, which: Which, narrow: bool) -> Option<Val> {
    let s = v.start?;
    let e = v.end?;
    let (ns, ne) = match v.prec {
        Precision::Month => {
            let (y, m) = (s.year(), s.month());
            match which {
                Which::Start => (ymd(y, m, 1)?, ymd(y, m, 10)?),
                Which::Mid => (ymd(y, m, 11)?, ymd(y, m, 20)?),
                Which::End => (ymd(y, m, 21)?, last_day(y, m)?),
            }
        }
        Precision::Year => {
            let y = s.year();
            match (which, narrow) {
                (Which::Start, true) => (ymd(y, 1, 1)?, ymd(y, 1, 15)?),
                (Which::Mid, true) => (ymd(y, 6, 16)?, ymd(y, 7, 15)?),
                (Which::End, true) => (ymd(y, 12, 17)?, ymd(y, 12, 31)?),
                (Which::Start, false) => (ymd(y, 1, 1)?, ymd(y, 4, 30)?),
                (Which::Mid, false) => (ymd(y, 5, 1)?, ymd(y, 8, 31)?),
                (Which::End, false) => (ymd(y, 9, 1)?, ymd(y, 12, 31)?),
            }
        }
        Precision::Decade => {
            let y = s.year();
            match which {
                Which::Start => (ymd(y, 1, 1)?, ymd(y + 3, 12, 31)?),
                Which::Mid => (ymd(y + 4, 1, 1)?, ymd(y + 6, 12, 31)?),
                Which::End => (ymd(y + 7, 1, 1)?, ymd(y + 9, 12, 31)?),
            }
        }
        Precision::Century => {
            let y = s.year();
            match which {
                Which::Start => (ymd(y, 1, 1)?, ymd(y + 29, 12, 31)?),
                Which::Mid => (ymd(y + 30, 1, 1)?, ymd(y + 69, 12, 31)?),
                Which::End => (ymd(y + 70, 1, 1)?, ymd(y + 99, 12, 31)?),
            }
        }
        Precision::Week | Precision::Quarter | Precision::Season => {
            let len = (e - s).num_days();
            let third = len / 3;
            match which {
                Which::Start => (s, add_days(s, third)?),
                Which::Mid => (add_days(s, third)?, add_days(s, 2 * third)?),
                Which::End => (add_days(s, 2 * third)?, e),
            }
        }
        Precision::Day => return Some(v),
    };
    let mut out = v;
    out.start = Some(ns);
    out.end = Some(ne);
    out.approx = true;
    out.modifier = Some(match which {
        Which::Start => DateModifier::Start,
        Which::Mid => DateModifier::Mid,
        Which::End => DateModifier::End,
    });
    Some(out)
}

/// A two-digit year: the century that puts it at most ten years after the
/// publication year ("74" in 2013 is 1974, "15" is 2015).
fn two_digit_year(yy: i32, pub_year: i32) -> i32 {
    let c = pub_year - pub_year.rem_euclid(100);
    if c + yy > pub_year + 10 {
        c - 100 + yy
    } else {
        c + yy
    }
}

/// Tags every temporal expression of the document.
pub fn tag(doc: &Doc, published: NaiveDate, diags: &mut Vec<Diagnostic>) -> Vec<Timex> {
    let mut ctx = Ctx {
        doc,
        pubd: published,
        en: doc.lang == Lang::En,
        tense: 0,
        lim: doc.toks.len(),
        long: doc.toks.len() > 40,
        diags: Vec::new(),
    };
    let mut out = Vec::new();
    for &(a, b) in &doc.sentences {
        ctx.lim = b;
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

fn make_timex(doc: &Doc, span: [usize; 2], v: Val, toks: [usize; 2]) -> Timex {
    let date = match (v.start, v.end) {
        (Some(s), Some(e)) => EventDate::new(s, Some(e), v.prec, v.approx, v.modifier).ok(),
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

/// The year of month `m` named "last" (`r` = -1), "next" (1) or "this" (0)
/// relative to the publication date `p`: last March is in this year when
/// March has already passed, else in the previous one.
fn year_of_month(p: NaiveDate, m: u32, r: i32) -> i32 {
    match r {
        -1 if m < p.month() => p.year(),
        -1 => p.year() - 1,
        1 if m > p.month() => p.year(),
        1 => p.year() + 1,
        _ => p.year(),
    }
}
