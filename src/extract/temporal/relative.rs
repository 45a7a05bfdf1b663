//! Expressions relative to the publication date: today, yesterday, tomorrow
//! ("أمس الخميس", "اليوم اللي بعد بكرة", "the day before yesterday"), this /
//! last / next unit, weekday, month or season ("الشهر الماضي", "next
//! Tuesday", "الخميس الماضي", "last week's Sunday", "this week-end"),
//! amounts ago or ahead ("قبل ثلاثة أشهر", "two years ago", "three years
//! from today"), "last 2 days", and the present or past ("now", "الآن",
//! "recently", "the past").
//!
//! Cases: `tests/cases/timex/relative_ar.toml`, `relative_en.toml`.

use chrono::{Datelike, NaiveDate};

use super::values::{
    century_val, day_val, decade_val, month_val, quarter_val, season_val, week_val, year_val,
    TimeValue,
};
use super::{add_days, add_months, ymd, Ctx, Match};
use crate::domain::{format_date, Precision};
use crate::extract::lexicon::{Cnt, Lex, Unit};
use crate::extract::{Diagnostic, TimexType};

impl Ctx<'_, '_> {
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
    pub(super) fn after_next(&self, j: usize) -> bool {
        self.en && self.full(j) == "after" && self.full(j + 1) == "next"
    }

    pub(super) fn weekday_near(&self, wd: u8, dir: i8) -> Option<NaiveDate> {
        let p = self.published;
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

    /// "last Friday": the latest such weekday before the publication day
    /// (a week back when the publication day is itself that weekday).
    fn last_weekday(&self, wd: u8) -> Option<NaiveDate> {
        let near = self.weekday_near(wd, -1)?;
        add_days(near, if near == self.published { -7 } else { 0 })
    }

    /// Today, yesterday, tomorrow, with news-style weekdays ("أمس الخميس").
    pub(super) fn p_deictic(&mut self, i: usize) -> Match {
        let p = self.published;
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
    pub(super) fn p_rel(&mut self, i: usize) -> Match {
        let p = self.published;
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
                        -1 => self.last_weekday(w)?,
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
                    TimeValue::date(s0, e0, Precision::Week, format!("P{n}W")).rel(),
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
                    -1 => self.last_weekday(w)?,
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

    pub(super) fn unit_rel(&self, u: Unit, r: i8) -> Option<TimeValue> {
        let p = self.published;
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
                let mut v = TimeValue::date(
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

    fn season_rel(&self, s: u8, r: i8) -> Option<TimeValue> {
        let p = self.published;
        let y = p.year();
        // the occurrence containing or nearest before publication
        let mut cands: Vec<TimeValue> =
            (y - 2..=y + 1).filter_map(|yy| season_val(yy, s)).collect();
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

    /// قبل أيام, قبل ثلاثة أشهر, منذ عامين, two years ago, بعد يومين, in three days.
    pub(super) fn p_ago(&mut self, i: usize) -> Match {
        let p = self.published;
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
                let mut v = TimeValue::date(s, e, prec, "PAST_REF".into());
                v.approx = true;
                v
            }
        };
        Some((k, v.rel()))
    }

    /// "last 2 days", "next three weeks" (English, without "the"): intervals.
    pub(super) fn p_last_n(&mut self, i: usize) -> Match {
        if !self.en {
            return None;
        }
        let r = match self.lex(i) {
            Lex::Rel(r) if r != 0 => r,
            _ => return None,
        };
        let (k, n, u) = self.amount(i + 1)?;
        let n = n? as i64;
        let p = self.published;
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
            Unit::Month => "Match",
            Unit::Year => "Y",
            _ => "H",
        };
        Some((k, TimeValue::date(s, e, prec, format!("P{n}{code}")).rel()))
    }

    /// now, currently, الآن, recently, the past.
    pub(super) fn p_ref(&mut self, i: usize) -> Match {
        let p = self.published;
        match self.lex(i) {
            Lex::Now => {
                let mut v = day_val(p).rel();
                v.timex3 = "PRESENT_REF".into();
                Some((i + 1, v))
            }
            Lex::Recent if self.full(i) != "recent" => {
                Some((i + 1, TimeValue::nodate(TimexType::Date, "PAST_REF".into())))
            }
            Lex::The
                if self.en
                    && self.full(i + 1) == "past"
                    && !matches!(self.lex(i + 2), Lex::Unit(..) | Lex::NumWord(_) | Lex::Few)
                    && self.num(i + 2).is_none() =>
            {
                Some((i + 2, TimeValue::nodate(TimexType::Date, "PAST_REF".into())))
            }
            Lex::The if self.en && self.full(i + 1) == "future" => Some((
                i + 2,
                TimeValue::nodate(TimexType::Date, "FUTURE_REF".into()),
            )),
            Lex::In if !self.en && self.full(i + 1) == "الحاضر" => None,
            _ if self.en
                && self.full(i) == "at"
                && self.is(i + 1, Lex::The)
                && self.full(i + 2) == "time" =>
            {
                Some((i + 3, TimeValue::nodate(TimexType::Date, "PAST_REF".into())))
            }
            _ => None,
        }
    }
}

/// The year of month `m` named "last" (`r` = -1), "next" (1) or "this" (0)
/// relative to the publication date `p`: last March is in this year when
/// March has already passed, else in the previous one.
pub(super) fn year_of_month(p: NaiveDate, m: u32, r: i32) -> i32 {
    match r {
        -1 if m < p.month() => p.year(),
        -1 => p.year() - 1,
        1 if m > p.month() => p.year(),
        1 => p.year() + 1,
        _ => p.year(),
    }
}
