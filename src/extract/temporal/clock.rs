//! Clock times, Arabic and English (`p_time`): "الساعة 3 عصرا", "15:15",
//! "الثالثة فجرا", "8 PM", noon, and a clock time with its day after it
//! ("1:30 PM on Sat, Sep 21", "8am tomorrow").
//!
//! English clock times and parts of the day: "3pm", "15h30", "at 7:30",
//! "a quarter past 3pm", "half past three", "ten thirty am", "at 1030",
//! "this evening at 8", "in the afternoon", "9h30 - 11h", "in half an hour",
//! "by the end of the month".
//!
//! The publication has a date but no time, so a clock time is a TIME timex
//! on the publication day (a sub-day amount from "now" too, moved by whole
//! days when it reaches 24 hours).
//!
//! `p_misc_en` (`misc_en.rs`), reached through `p_clock_en`, reads other English
//! forms: EOD/EOM/EOY, "by the end of next month", "3 fridays from now",
//! "2014-10", "2018Q4", "the week of March 3rd", "on the 15th".
//!
//! Cases: `tests/cases/timex/clock_en.toml`; those of `p_misc_en` are in
//! `misc_en.toml`.

use chrono::NaiveDate;

use super::values::{day_val, daypart_code, TimeValue};
use super::{add_days, Ctx, Match};
use crate::domain::{format_date, Precision};
use crate::extract::lexicon::{Lex, Unit};
use crate::extract::text::TokKind;
use crate::extract::TimexType;

const ZONES: &[&str] = &[
    "gmt", "utc", "cst", "cdt", "pst", "pdt", "est", "edt", "mst", "mdt", "bst", "ist", "cet",
    "cest", "eet", "eest", "jst",
];

/// A clock reading: end token, hour (0–24), minute, and whether the form
/// alone says it is a time (colon, "h", am/pm, o'clock…).
pub(super) struct Clock {
    end: usize,
    h: u32,
    m: u32,
    pub(super) strong: bool,
}

impl Ctx<'_, '_> {
    /// An English number word below 60: "three", "twenty", "twenty-three", "fifty nine".
    pub(super) fn en_small(&self, j: usize) -> Option<(usize, u32)> {
        let n = match self.lex(j) {
            Lex::NumWord(n) if n < 60 => n as u32,
            _ => return None,
        };
        if n >= 20 && n % 10 == 0 {
            let mut k = j + 1;
            if self.punct(k, &['-']) {
                k += 1;
            }
            if let Lex::NumWord(u) = self.lex(k) {
                if (1..=9).contains(&u) {
                    return Some((k + 1, n + u as u32));
                }
            }
        }
        Some((j + 1, n))
    }

    /// Whether an English clock or other form handled here can start at `i`
    /// (a cheap filter: most words cannot).
    fn clock_start(&self, i: usize) -> bool {
        const STARTERS: &[&str] = &[
            "at",
            "around",
            "approximately",
            "about",
            "from",
            "by",
            "until",
            "till",
            "for",
            "a",
            "an",
            "half",
            "quarter",
            "noon",
            "midday",
            "mid",
            "midnight",
            "after",
            "in",
            "last",
            "next",
            "past",
            "asap",
            "as",
            "eod",
            "eom",
            "bom",
            "eoy",
            "rest",
            "all",
            "one",
            "on",
            "the",
            "this",
            "early",
            "late",
            "tonite",
            "tonight",
        ];
        let Some(t) = self.doc.toks.get(i) else {
            return false;
        };
        match t.kind {
            TokKind::Num => true,
            TokKind::Punct(c) => c == '@',
            TokKind::Word => t.lex != Lex::None || STARTERS.contains(&self.full(i)),
        }
    }

    /// A unit of amount follows: "%", "percent", "points", "billion"…
    fn amount_after(&self, j: usize) -> bool {
        self.punct(j, &['%'])
            || matches!(
                self.full(j),
                "percent"
                    | "per"
                    | "pc"
                    | "points"
                    | "point"
                    | "pts"
                    | "million"
                    | "billion"
                    | "trillion"
                    | "cents"
                    | "dollars"
                    | "euros"
                    | "bn"
                    | "bps"
            )
    }

    pub(super) fn adjacent(&self, j: usize) -> bool {
        !self.has_space_before(j)
    }

    /// am/pm after a clock: "pm", "p.m.", "a m", "p" (glued to the number).
    fn ampm(&self, j: usize) -> Option<(usize, bool)> {
        let f = self.full(j);
        match f {
            "am" | "pm" => Some((j + 1, f == "pm")),
            "a" | "p" => {
                // "7p", "3:18a": a lone "a" glued to a number is too ambiguous

                if self.punct(j + 1, &['.']) && self.full(j + 2) == "m" {
                    let mut k = j + 3;
                    if self.punct(k, &['.']) {
                        k += 1;
                    }
                    Some((k, f == "p"))
                } else if self.full(j + 1) == "m" {
                    Some((j + 2, f == "p"))
                } else if f == "p" && self.adjacent(j) {
                    let mut k = j + 1;
                    if self.punct(k, &['.']) && self.adjacent(k) {
                        k += 1;
                    }
                    Some((k, f == "p"))
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// A part of the day after a clock or on its own: "in the afternoon",
    /// "this evening", "tonight", "at night". (end, part 1–4)
    fn en_daypart(&self, j: usize) -> Option<(usize, u8)> {
        let mut k = j;
        if self.is(k, Lex::In) && self.is(k + 1, Lex::The) {
            k += 2;
        } else if self.is(k, Lex::This) || self.is(k, Lex::In) {
            k += 1;
        } else if matches!(self.full(k), "early" | "late") {
            k += 1;
            if self.is(k, Lex::In) && self.is(k + 1, Lex::The) {
                k += 2;
            }
        }
        match self.lex(k) {
            Lex::DayPart(d) if self.full(k) != "noon" => Some((k + 1, d)),
            Lex::Tonight => Some((k + 1, 4)),
            _ if self.full(k) == "tonite" => Some((k + 1, 4)),
            _ if k > j && matches!(self.full(k), "am" | "pm") => {
                Some((k + 1, if self.full(k) == "pm" { 2 } else { 1 }))
            }
            _ => None,
        }
    }

    /// The hour and minute at `j`, with what follows them (am/pm, o'clock,
    /// time zone, part of the day).
    pub(super) fn clock_core(&self, j: usize) -> Option<Clock> {
        let (mut k, mut h, mut m, mut strong) = if matches!(self.full(j), "noon" | "midday") {
            (j + 1, 12, 0, true)
        } else if self.full(j) == "mid" && self.full(j + 1) == "day" {
            (j + 2, 12, 0, true)
        } else if self.full(j) == "midnight" {
            (j + 1, 0, 0, true)
        } else if let Some((n, nd)) = self.num(j) {
            let n = n as u32;
            if nd <= 2 && n <= 24 {
                let mut k = j + 1;
                let mut m = 0;
                let mut strong = false;
                if self.punct(k, &[':', '.']) && self.adjacent(k) {
                    match self.num(k + 1) {
                        Some((mm, 2)) if mm < 60 && self.adjacent(k + 1) => {
                            // "fell 3.41 %", "1.16 percent": an amount, not a time
                            if self.punct(k, &['.']) && self.amount_after(k + 2) {
                                return None;
                            }
                            m = mm as u32;
                            k += 2;
                            strong = true;
                            if self.punct(k, &[':']) && self.num(k + 1).is_some() {
                                k += 2;
                            }
                        }
                        _ => return None,
                    }
                } else if self.full(k) == "h" && self.adjacent(k) {
                    k += 1;
                    strong = true;
                    if let Some((mm, 2)) = self.num(k).filter(|_| self.adjacent(k)) {
                        if mm < 60 {
                            m = mm as u32;
                            k += 1;
                        }
                    }
                } else if let Some((mm, 2)) = self.num(k) {
                    // "at 3 15": needs an introducing word (checked by the caller)
                    if mm < 60 && !self.adjacent(k) {
                        m = mm as u32;
                        k += 1;
                    }
                }
                (k, n, m, strong)
            } else if (3..=4).contains(&nd)
                && n % 100 < 60
                && n / 100 <= 23
                && !(self.punct(j + 1, &['.', '-', '/']) && self.num(j + 2).is_some())
            {
                // "1030", "330 p.m." (not a phone number "650-650-6500")
                (j + 1, n / 100, n % 100, false)
            } else {
                return None;
            }
        } else if let Some((k, h)) = self.en_small(j).filter(|x| (1..=12).contains(&x.1)) {
            // "ten thirty", "twelve oh three", "ten-thirty"
            let mut k2 = k;
            if self.punct(k2, &['-']) {
                k2 += 1;
            }
            let mut m = None;
            if matches!(self.full(k2), "oh" | "o" | "ou" | "zero") {
                let mut k3 = k2 + 1;
                if self.punct(k3, &['-']) {
                    k3 += 1;
                }
                if let Some((k4, mm)) = self.en_small(k3).filter(|x| x.1 < 10) {
                    m = Some((k4, mm));
                }
            } else if let Some((k4, mm)) = self.en_small(k2).filter(|x| (10..60).contains(&x.1)) {
                m = Some((k4, mm));
            }
            match m {
                // "ten thirty", "twelve oh three"; "three twenty" needs "at" or am/pm
                Some((k4, mm)) => (k4, h, mm, mm % 15 == 0 || mm < 10),
                None => (k, h, 0, false),
            }
        } else {
            return None;
        };
        // what follows
        for _ in 0..6 {
            let f = self.full(k);
            if f == "ish" || f == "oclock" {
                k += 1;
                strong |= f == "oclock";
                continue;
            }
            if f == "o" && self.punct(k + 1, &['\'', '’']) && self.full(k + 2) == "clock" {
                k += 3;
                strong = true;
                continue;
            }
            if let Some((k2, pm)) = self.ampm(k) {
                if h > 12 {
                    return None;
                }
                if pm && h < 12 {
                    h += 12;
                } else if !pm && h == 12 {
                    h = 0;
                }
                k = k2;
                strong = true;
                continue;
            }
            if ZONES.contains(&f) {
                k += 1;
                strong = true;
                continue;
            }
            if self.punct(k, &['('])
                && ZONES.contains(&self.full(k + 1))
                && self.punct(k + 2, &[')'])
            {
                k += 3;
                continue;
            }
            if let Some((k2, d)) = self.en_daypart(k) {
                if d >= 2 && h < 12 {
                    h += 12;
                }
                k = k2;
                strong = true;
                continue;
            }
            break;
        }
        m = m.min(59);
        Some(Clock {
            end: k,
            h: h.min(24),
            m,
            strong,
        })
    }

    /// A clock reading with its introducing word or offset: "at 3", "a
    /// quarter past noon", "20 minutes to 3pm", "half three". (end, hour, minute)
    fn clock_phrase(&self, i: usize) -> Option<(usize, u32, u32)> {
        let mut j = i;
        // "at 7" is a time; "from 200", "by 2030" are not
        let mut intro = false;
        if self.full(j) == "for" {
            j += 1;
        }
        if matches!(self.full(j), "at" | "around" | "approximately") || self.punct(j, &['@']) {
            j += 1;
            intro = true;
        } else if matches!(self.full(j), "about" | "from" | "by" | "until" | "till") {
            j += 1;
        }
        // offsets: "a quarter past", "half past", "20 minutes to", "half three"
        let mut k = j;
        if matches!(self.full(k), "a" | "an") {
            k += 1;
        }
        let off: Option<(usize, i32)> = match self.full(k) {
            "quarter" => Some((k + 1, 15)),
            "half" => Some((k + 1, 30)),
            _ => {
                let n = self
                    .num(k)
                    .filter(|x| x.1 <= 2 && x.0 < 60)
                    .map(|x| (k + 1, x.0 as u32))
                    .or_else(|| self.en_small(k));
                n.and_then(|(k2, n)| {
                    let k3 = if matches!(self.lex(k2), Lex::Unit(Unit::Minute, _))
                        || matches!(self.full(k2), "min" | "mins")
                    {
                        k2 + 1
                    } else {
                        k2
                    };
                    (k3 > k2 || (n >= 5 && matches!(self.full(k3), "past" | "after")))
                        .then_some((k3, n as i32))
                })
            }
        };
        if let Some((k2, mins)) = off {
            let dir = match self.full(k2) {
                "past" | "after" | "from" => 1,
                "to" | "before" | "till" | "til" => -1,
                _ if mins == 30 && k2 == k + 1 && self.full(k) == "half" => 0,
                _ => 2,
            };
            if dir != 2 {
                let base = if dir == 0 { k2 } else { k2 + 1 };
                if let Some(c) = self.clock_core(base) {
                    let total = (c.h * 60 + c.m) as i32 + if dir == 0 { 30 } else { dir * mins };
                    let total = total.rem_euclid(24 * 60) as u32;
                    return Some((c.end, total / 60, total % 60));
                }
            }
        }
        let c = self.clock_core(j)?;
        // "at 7" is a time; a bare "7" or "ten" is not
        let digits_hour = self.num(j).is_some();
        // "at three twenty": a word hour with word minutes after "at"
        let word_minutes = !digits_hour && c.end > j + 1;
        if !(c.strong
            || (intro && (digits_hour || word_minutes) && !self.is(c.end, Lex::CountNoun)))
        {
            return None;
        }
        if self
            .num(j)
            .is_some_and(|x| x.1 >= 3 && (1900..=2100).contains(&x.0))
            && !c.strong
        {
            return None;
        }
        Some((c.end, c.h, c.m))
    }

    /// A clock time on the publication day (TIMEX3 `TIME`, `YYYY-MM-DDThh:mm`).
    pub(super) fn time_val(&self, h: u32, m: u32) -> TimeValue {
        let d = self.published;
        let mut v = day_val(d).rel();
        v.kind = TimexType::Time;
        v.timex3 = format!("{}T{:02}:{:02}", format_date(d), h.min(24), m.min(59));
        v
    }

    /// English clock times, parts of the day and sub-day offsets from now.
    pub(super) fn p_clock_en(&mut self, i: usize) -> Match {
        if !self.en || i >= self.sentence_end || !self.clock_start(i) {
            return None;
        }
        if let r @ Some(_) = self.p_misc_en(i) {
            return r;
        }
        // part of the day, then maybe a clock: "this evening at 8", "late tonite"
        if let Some((k, dp)) = self.en_daypart(i).filter(|_| {
            self.is(i, Lex::This)
                || (self.is(i, Lex::In) && self.is(i + 1, Lex::The))
                || matches!(self.full(i), "early" | "late")
                || matches!(self.lex(i), Lex::Tonight)
                || self.full(i) == "tonite"
        }) {
            let mut k2 = k;
            if self.full(k2) == "at" || self.punct(k2, &['@']) {
                k2 += 1;
            }
            if let Some(c) = self.clock_core(k2).filter(|_| k2 > k) {
                let h = if dp >= 2 && c.h < 12 { c.h + 12 } else { c.h };
                return Some((c.end, self.time_val(h, c.m)));
            }
            let mut v = day_val(self.published).rel();
            v.kind = TimexType::Time;
            v.timex3 = format!("{}T{}", format_date(self.published), daypart_code(dp));
            return Some((k, v));
        }
        match self.full(i) {
            "midday" | "noon" => return Some((i + 1, self.time_val(12, 0))),
            "mid" if self.full(i + 1) == "day" => return Some((i + 2, self.time_val(12, 0))),
            "after" if matches!(self.full(i + 1), "lunch" | "school" | "work") => {
                let mut v = day_val(self.published).rel();
                v.kind = TimexType::Time;
                v.timex3 = format!("{}TAF", format_date(self.published));
                return Some((i + 2, v));
            }
            "in" => return self.in_subday(i),
            "last" | "next" | "past" => {
                let (k, n) = self
                    .num(i + 1)
                    .map(|x| (i + 2, x.0 as u32))
                    .or_else(|| self.en_small(i + 1))?;
                if n > 0 && matches!(self.full(k), "seconds" | "secs" | "minutes" | "mins") {
                    return Some((k + 1, day_val(self.published).rel()));
                }
                return None;
            }
            _ => {}
        }
        let (mut k, h, m) = self.clock_phrase(i)?;
        // a range of times: "9h30 - 11h", "from 3 to 4 in the PM"
        if self.punct(k, &['-', '–']) || matches!(self.full(k), "to" | "till" | "until" | "thru")
        {
            if let Some(c) = self.clock_core(k + 1) {
                if c.strong || self.num(k + 1).is_some() {
                    k = c.end;
                }
            }
        }
        // "for thirty minutes"
        if self.full(k) == "for" {
            let n = self
                .num(k + 1)
                .map(|_| k + 2)
                .or_else(|| self.en_small(k + 1).map(|x| x.0));
            if let Some(k2) = n {
                if matches!(self.lex(k2), Lex::Unit(Unit::Minute | Unit::Hour, _))
                    || matches!(self.full(k2), "mins" | "min")
                {
                    k = k2 + 1;
                }
            }
        }
        // "at midnight", "at 12am" in a forward-looking sentence: the coming
        // midnight, which starts the next day
        if (h, m) == (0, 0) && self.looks_forward() {
            let next = self.published.succ_opt()?;
            return Some((k, clock_on(self.time_val(0, 0), next)));
        }
        Some((k, self.time_val(h, m)))
    }

    /// "in half an hour", "in 1/4h", "in 2.5 hours", "in 15'", "in a sec".
    fn in_subday(&self, i: usize) -> Match {
        let mut j = i + 1;
        if matches!(self.lex(j), Lex::Approx) {
            j += 1;
        }
        // amount in hundredths
        let (k, amt): (usize, u64) = if let Some((n, _)) = self.num(j) {
            if self.punct(j + 1, &['/']) && self.adjacent(j + 1) {
                let (d, _) = self.num(j + 2)?;
                if d == 0 {
                    return None;
                }
                (j + 3, n * 100 / d)
            } else if self.punct(j + 1, &['.']) && self.adjacent(j + 1) {
                let (f, nd) = self.num(j + 2)?;
                (j + 3, n * 100 + f * 100 / 10u64.pow(nd as u32))
            } else if self.full(j + 1) == "more" {
                (j + 2, n * 100)
            } else if self.is(j + 1, Lex::And)
                && matches!(self.full(j + 2), "a" | "an")
                && self.full(j + 3) == "half"
            {
                (j + 4, n * 100 + 50)
            } else {
                (j + 1, n * 100)
            }
        } else {
            let f = self.full(j);
            let mut k = j;
            let a = if matches!(f, "a" | "an") {
                k += 1;
                match self.full(k) {
                    "quarter" => {
                        k += 1;
                        25
                    }
                    "pair" | "couple" => {
                        k += 1;
                        200
                    }
                    _ => 100,
                }
            } else if f == "half" {
                k += 1;
                50
            } else if f == "three" && self.punct(j + 1, &['-']) && self.full(j + 2) == "quarters" {
                k += 3;
                75
            } else {
                return None;
            };
            if self.is(k, Lex::Of) {
                k += 1;
            }
            if matches!(self.full(k), "a" | "an") {
                k += 1;
            }
            (k, a)
        };
        let unit = self.full(k);
        let per_hour: u64 = if unit == "h" || matches!(self.lex(k), Lex::Unit(Unit::Hour, _)) {
            3600
        } else if matches!(unit, "min" | "mins")
            || matches!(self.lex(k), Lex::Unit(Unit::Minute, _))
        {
            60
        } else if matches!(unit, "sec" | "secs" | "seconds" | "second") || self.punct(k, &['"']) {
            1
        } else if self.punct(k, &['\'', '’']) && self.adjacent(k) {
            60
        } else {
            return None;
        };
        let secs = amt.saturating_mul(per_hour) / 100;
        let d = add_days(self.published, (secs / 86_400) as i64)?;
        let mut v = day_val(d).rel();
        v.kind = TimexType::Time;
        Some((k + 1, v))
    }
}

impl Ctx<'_, '_> {
    /// Clock times: الساعة 3 عصرا, 15:15, الثالثة فجرا, 8 PM, noon.
    pub(super) fn p_time(&mut self, i: usize) -> Match {
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
            let mut v = day_val(self.published).rel();
            v.kind = TimexType::Time;
            v.timex3 = format!(
                "{}T{}",
                format_date(self.published),
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

    /// A clock time (English) with its day after it: "1:30 PM on Sat, Sep
    /// 21", "8am tomorrow".
    pub(super) fn date_after_time(&mut self, k: usize, v: &TimeValue) -> Match {
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
    pub(super) fn time_only(&mut self, i: usize) -> Match {
        if !self.en {
            return None;
        }
        let (k, v) = self.p_time(i)?;
        self.date_after_time(k, &v).or(Some((k, v)))
    }
}

/// A clock time (`…Thh:mm`) moved onto day `d`.
pub(super) fn clock_on(mut tv: TimeValue, d: NaiveDate) -> TimeValue {
    tv.start = Some(d);
    tv.end = Some(d);
    tv.timex3 = format!(
        "{}{}",
        format_date(d),
        &tv.timex3[tv.timex3.find('T').unwrap_or(0)..]
    );
    tv
}
