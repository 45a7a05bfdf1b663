//! The nth or last weekday, day or week of a month: "ثالث ثلاثاء في أيلول
//! 2014", "آخر يوم بشهر عشرة", "الأسبوع الأول من شهر عشرة", "the last Monday
//! of March".
//!
//! Cases: `tests/cases/timex/absolute_ar.toml`, `absolute_en.toml`.

use chrono::Datelike;

use super::values::{day_val, month_val, week_val};
use super::{add_days, add_months, ymd, Ctx, Match};
use crate::domain::Precision;
use crate::extract::lexicon::{Cnt, Lex, Unit};

impl Ctx<'_, '_> {
    /// nth/last weekday, day or week of a month: "ثالث ثلاثاء في أيلول 2014",
    /// "آخر يوم بشهر عشرة", "الأسبوع الأول من شهر عشرة", "the last Monday of March".
    pub(super) fn p_nth(&mut self, i: usize) -> Match {
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
                    (
                        k + 2,
                        month_val(self.published.year(), self.published.month())?,
                    )
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

    /// A day of a month named relative to publication: "في الخامس من الشهر
    /// الجاري", "19 من الشهر الماضي", "the 5th of this month", "the 20th of
    /// last month".
    pub(super) fn p_day_of_rel_month(&mut self, i: usize) -> Match {
        let (mut j, day) = self.day_num(i)?;
        if self.is(j, Lex::From) || self.is(j, Lex::Of) {
            j += 1;
        } else if self.en {
            return None;
        }
        let month_u = Lex::Unit(Unit::Month, Cnt::One);
        let (r, e) = match (self.lex(j), self.lex(j + 1)) {
            (u, Lex::Rel(r)) if u == month_u && !self.en => (r, j + 2),
            (Lex::This, u) if u == month_u => (0, j + 2),
            (Lex::Rel(r), u) if u == month_u && self.en => (r, j + 2),
            _ => return None,
        };
        let p = self.published;
        let first = add_months(ymd(p.year(), p.month(), 1)?, r as i32)?;
        let d = ymd(first.year(), first.month(), day as u32)?;
        Some((e, day_val(d).rel()))
    }
}
