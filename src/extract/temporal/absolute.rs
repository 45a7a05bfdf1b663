//! Absolute dates: a day, month and year in any order and either calendar
//! ("17 أكتوبر/تشرين الأول 2023", "October 17, 2023", "15 رمضان 1445هـ
//! الموافق 25 مارس 2024م"), numeric dates ("05/02/2023", "10/31/74"), month
//! names alone or with a relative year, years ("عام 2015", "2030"), era
//! years ("500 BC") (the nth weekday of a month is `nth.rs`), and the
//! resolution of a partial date against the publication date (the year of a month named
//! without one, the weekday check, dual dating).
//!
//! Cases: `tests/cases/timex/absolute_ar.toml`, `absolute_en.toml`.

use chrono::{Datelike, NaiveDate};

use super::relative::year_of_month;
use super::values::{
    day_val, decade_val, month_val, two_digit_year, year_val, PartialDate, TimeValue,
};
use super::{add_months, ymd, Ctx, Match};
use crate::domain::{format_date, Calendar, Precision};
use crate::extract::lexicon::{Cnt, Lex, Unit};
use crate::extract::text::TokKind;
use crate::extract::{hijri, Diagnostic};

impl Ctx<'_, '_> {
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

    /// A year after a month or on its own with a year word. Returns (end, year, hijri_mark).
    pub(super) fn year_part(
        &self,
        i: usize,
        need_word: bool,
    ) -> Option<(usize, i32, Option<bool>)> {
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
                let y = if n as i32 > self.published.year() % 100 + 10 {
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
    fn abs_date(&self, i: usize) -> Option<(usize, PartialDate)> {
        let mut pd = PartialDate::default();
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
                    pd.y = Some(self.published.year());
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
                pd.y = Some(self.published.year());
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
        let last = j + 1 >= self.sentence_end
            || self.punct(j + 1, &['.', ',', ';', ')', '!', '?']) && !decimal;
        (self.en && nd == 2 && last)
            .then(|| (j + 1, two_digit_year(n as i32, self.published.year())))
    }

    /// A weekday after a day and month, checked like one before them:
    /// "Jul 18, Fri", "18 July, Friday." (then only punctuation or the end).
    fn trailing_weekday(&self, k: usize, pd: &PartialDate) -> Option<(usize, u8)> {
        if !self.en || pd.d.is_none() || pd.wd.is_some() || !self.punct(k, &[',']) {
            return None;
        }
        let Lex::Weekday(w) = self.lex(k + 1) else {
            return None;
        };
        let end = k + 2 >= self.sentence_end
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

    /// "من هذا العام", "this year" after a month.
    pub(super) fn this_year(&self, i: usize) -> Option<usize> {
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
                return Some((j + 2, self.published.year() + r as i32));
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
            return Some((j + 2, self.published.year() + r));
        }
        None
    }

    pub(super) fn numeric_date(&self, i: usize) -> Option<(usize, PartialDate)> {
        let (a, na) = self.num(i)?;
        let sep = |j: usize| self.punct(j, &['/', '-', '.']);
        if !sep(i + 1) {
            return None;
        }
        let sepc = self.doc.tok_text(i + 1).chars().next();
        let (b, nb) = self.num(i + 2)?;
        let mut pd = PartialDate::default();
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
                two_digit_year(c as i32, self.published.year())
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

    fn resolve(&mut self, pd: PartialDate, span: [usize; 2]) -> Option<TimeValue> {
        let p = self.published;
        if pd.hijri {
            let m = pd.m?;
            let y = match pd.y {
                Some(y) if y < 1700 => y,
                Some(gy) => hijri::hijri_year_for(gy, m)?,
                None => hijri::from_gregorian(p)?.year,
            };
            let v = match pd.d {
                Some(d) => {
                    let g = hijri::to_gregorian(y, m, d)?;
                    let e = pd
                        .d2
                        .and_then(|d2| hijri::to_gregorian(y, m, d2))
                        .unwrap_or(g);
                    let mut v = TimeValue::date(g, e, Precision::Day, format_date(g));
                    if pd.d2.is_none() {
                        v = day_val(g);
                    }
                    v
                }
                None => {
                    // The Umm al-Qura month; a local sighting may start it a
                    // day later (docs/annotation.md, Hijri dates).
                    let (s, e) = hijri::month_bounds(y, m)?;
                    TimeValue::date(
                        s,
                        e,
                        Precision::Month,
                        format!("{}/{}", format_date(s), format_date(e)),
                    )
                }
            };
            return Some(v.in_calendar(Calendar::Hijri));
        }
        match (pd.y, pd.m, pd.d) {
            (Some(y), Some(m), Some(d)) => {
                let s = ymd(y, m as u32, d as u32)?;
                if let Some(d2) = pd.d2 {
                    let e = ymd(y, m as u32, d2 as u32)?;
                    return Some(TimeValue::date(
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
                self.resolve(PartialDate { y: Some(y), ..pd }, span)
                    .map(TimeValue::rel)
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
        let p = self.published;
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

    pub(super) fn p_abs(&mut self, i: usize) -> Match {
        let (mut j, pd) = self.abs_date(i)?;
        let span = self.doc.span_toks(i, j, true);
        let mut v = self.resolve(pd, span)?;
        // month + relative: "مارس الماضي", "last March" handled in p_rel
        if pd.y.is_none() && pd.m.is_some() && pd.d.is_none() && !pd.hijri {
            if let Lex::Rel(r) = self.lex(j) {
                let m = pd.m? as u32;
                v = month_val(year_of_month(self.published, m, r as i32), m)?.rel();
                j += 1;
            } else if self.after_next(j) {
                // "March after next": the one after the coming March
                let m = pd.m? as u32;
                v = month_val(year_of_month(self.published, m, 1) + 1, m)?.rel();
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

    pub(super) fn p_year(&mut self, i: usize) -> Match {
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
            let mut v = TimeValue::date(
                s,
                e,
                Precision::Year,
                format!("{}/{}", format_date(s), format_date(e)),
            );
            v.approx = false;
            return Some((j, v.in_calendar(Calendar::Hijri)));
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
    pub(super) fn p_era_year(&mut self, i: usize) -> Match {
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
    pub(super) fn era_en(&self, j: usize) -> Option<(usize, bool)> {
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
}
