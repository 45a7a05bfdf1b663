//! The values the temporal tagger builds and the numbers it reads: the
//! resolved value `TimeValue` of an expression (interval, precision, TIMEX3), the
//! partial absolute date `PartialDate` that `absolute.rs` fills and resolves, the
//! values of a day, month, year, week, quarter, season, decade and century,
//! two-digit years, and numbers: numeric tokens within bounds, and days of
//! the month in digits or words ("17", "17th", "الثالث عشر", "twenty-first").
//!
//! No case table of its own: every table in `tests/cases/timex/` goes
//! through these.

use chrono::{Datelike, NaiveDate};

use super::{add_days, last_day, ymd, Ctx};
use crate::domain::{format_date, Calendar, DateModifier, Precision};
use crate::extract::lexicon::Lex;
use crate::extract::text::TokKind;
use crate::extract::TimexType;

/// A resolved value.
#[derive(Debug, Clone)]
pub struct TimeValue {
    pub kind: TimexType,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub prec: Precision,
    pub approx: bool,
    pub modifier: Option<DateModifier>,
    pub timex3: String,
    pub open: bool,
    pub relative: bool,
    /// The calendar the text used.
    pub calendar: Calendar,
}

impl TimeValue {
    pub(super) fn date(
        start: NaiveDate,
        end: NaiveDate,
        prec: Precision,
        timex3: String,
    ) -> TimeValue {
        TimeValue {
            kind: TimexType::Date,
            start: Some(start),
            end: Some(end.max(start)),
            prec,
            approx: false,
            modifier: None,
            timex3,
            open: false,
            relative: false,
            calendar: Calendar::Gregorian,
        }
    }
    pub(super) fn nodate(kind: TimexType, timex3: String) -> TimeValue {
        TimeValue {
            kind,
            start: None,
            end: None,
            prec: Precision::Day,
            approx: false,
            modifier: None,
            timex3,
            open: false,
            relative: false,
            calendar: Calendar::Gregorian,
        }
    }
    pub(super) fn in_calendar(mut self, calendar: Calendar) -> TimeValue {
        self.calendar = calendar;
        self
    }
    pub(super) fn rel(mut self) -> TimeValue {
        self.relative = true;
        self
    }
    pub(super) fn is_date(&self) -> bool {
        self.start.is_some()
    }
}

/// The TIMEX3 code of a part of the day: 1 morning … 4 night.
pub(super) fn daypart_code(part: u8) -> &'static str {
    ["MO", "AF", "EV", "NI"][(part.clamp(1, 4) - 1) as usize]
}

fn yfmt(y: i32) -> String {
    if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else {
        format!("{y}")
    }
}

pub fn day_val(d: NaiveDate) -> TimeValue {
    TimeValue::date(d, d, Precision::Day, format_date(d))
}

pub fn month_val(y: i32, m: u32) -> Option<TimeValue> {
    let s = ymd(y, m, 1)?;
    Some(TimeValue::date(
        s,
        last_day(y, m)?,
        Precision::Month,
        format!("{}-{:02}", yfmt(y), m),
    ))
}

pub fn year_val(y: i32) -> Option<TimeValue> {
    Some(TimeValue::date(
        ymd(y, 1, 1)?,
        ymd(y, 12, 31)?,
        Precision::Year,
        yfmt(y),
    ))
}

pub(super) fn week_val(any: NaiveDate) -> Option<TimeValue> {
    let mon = add_days(any, -(any.weekday().num_days_from_monday() as i64))?;
    let iso = mon.iso_week();
    Some(TimeValue::date(
        mon,
        add_days(mon, 6)?,
        Precision::Week,
        format!("{}-W{:02}", yfmt(iso.year()), iso.week()),
    ))
}

pub(super) fn quarter_val(y: i32, q: u32) -> Option<TimeValue> {
    if !(1..=4).contains(&q) {
        return None;
    }
    let s = ymd(y, (q - 1) * 3 + 1, 1)?;
    Some(TimeValue::date(
        s,
        last_day(y, q * 3)?,
        Precision::Quarter,
        format!("{}-Q{q}", yfmt(y)),
    ))
}

pub(super) fn season_val(y: i32, s: u8) -> Option<TimeValue> {
    let m = [3u32, 6, 9, 12][(s.clamp(1, 4) - 1) as usize];
    let start = ymd(y, m, 1)?;
    let end = Precision::Season.period_end(start)?;
    let code = ["SP", "SU", "FA", "WI"][(s.clamp(1, 4) - 1) as usize];
    Some(TimeValue::date(
        start,
        end,
        Precision::Season,
        format!("{}-{code}", yfmt(y)),
    ))
}

pub(super) fn decade_val(y0: i32) -> Option<TimeValue> {
    let s = ymd(y0, 1, 1)?;
    Some(TimeValue::date(
        s,
        ymd(y0 + 9, 12, 31)?,
        Precision::Decade,
        format!("{}", y0 / 10),
    ))
}

pub(super) fn century_val(c: i32) -> Option<TimeValue> {
    let y0 = (c - 1) * 100 + 1;
    Some(TimeValue::date(
        ymd(y0, 1, 1)?,
        ymd(y0 + 99, 12, 31)?,
        Precision::Century,
        format!("{:02}", c - 1),
    ))
}

/// Partial absolute date.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct PartialDate {
    pub(super) y: Option<i32>,
    pub(super) m: Option<u8>,
    pub(super) d: Option<u8>,
    pub(super) d2: Option<u8>,
    pub(super) wd: Option<u8>,
    pub(super) hijri: bool,
}

/// Largest number a temporal expression is read with.
const MAX_NUM: u64 = 1_000_000_000_000;

/// Most digits of a number (or of its fraction) a temporal expression is
/// read with.
const MAX_DIGITS: u8 = 13;

impl Ctx<'_, '_> {
    pub(super) fn num(&self, i: usize) -> Option<(u64, u8)> {
        if i >= self.sentence_end {
            return None;
        }
        let t = self.doc.toks.get(i)?;
        // No date, time or duration needs more: within these bounds the
        // stages' arithmetic on numbers (hundredths, fractions, day
        // counts) cannot overflow.
        (t.kind == TokKind::Num && t.num <= MAX_NUM && t.nd <= MAX_DIGITS).then_some((t.num, t.nd))
    }

    pub(super) fn is_unit_after(&self, i: usize) -> bool {
        matches!(self.lex(i), Lex::Unit(..) | Lex::CountNoun)
    }

    /// A day of the month: 17, 17th, الثالث عشر, الثالث والعشرون.
    pub(super) fn day_num(&self, i: usize) -> Option<(usize, u8)> {
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
}

/// A two-digit year: the century that puts it at most ten years after the
/// publication year ("74" in 2013 is 1974, "15" is 2015).
pub(super) fn two_digit_year(yy: i32, pub_year: i32) -> i32 {
    let c = pub_year - pub_year.rem_euclid(100);
    if c + yy > pub_year + 10 {
        c - 100 + yy
    } else {
        c + yy
    }
}
