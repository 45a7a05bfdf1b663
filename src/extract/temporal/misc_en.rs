//! Other English forms, reached through `p_clock_en`: EOD/EOM/EOY, "by the
//! end of next month" (from now to then), "3 fridays from now", "2 thursdays
//! ago", "on the 15th", "at the moment", ISO "2014-10", "2018Q4", "the week
//! of March 3rd".
//!
//! Cases: `tests/cases/timex/misc_en.toml`.

use chrono::Datelike;

use super::periods::apply_part;
use super::values::{
    day_val, month_val, quarter_val, two_digit_year, week_val, year_val, TimeValue,
};
use super::{add_days, add_months, ymd, Ctx, Match};
use crate::domain::Precision;
use crate::extract::lexicon::{Cnt, Lex, Unit, Which};
use crate::extract::text::TokKind;

impl Ctx<'_, '_> {
    /// Other English forms: "by the end of the month" (from now to then),
    /// EOD/EOM/BOM/EOY, "3 fridays from now", "2 thursdays ago", "on the
    /// 15th", "at the moment", ISO "2014-10", "2018Q4".
    pub(super) fn p_misc_en(&mut self, i: usize) -> Match {
        let p = self.published;
        // present
        let present = |k: usize| {
            let mut v = day_val(p).rel();
            v.timex3 = "PRESENT_REF".into();
            Some((k, v))
        };
        match self.full(i) {
            "at" if self.is(i + 1, Lex::The) && self.full(i + 2) == "moment" => {
                return present(i + 3)
            }
            "at" if self.is(i + 1, Lex::This) && self.full(i + 2) == "time" => {
                return present(i + 3)
            }
            "asap" => return present(i + 1),
            "as" if self.full(i + 1) == "soon"
                && self.full(i + 2) == "as"
                && self.full(i + 3) == "possible" =>
            {
                return present(i + 4)
            }
            _ => {}
        }
        // EOD / EOM / BOM / EOY, with "by" meaning from now until then
        let by = self.full(i) == "by";
        let mut j = if by { i + 1 } else { i };
        if self.full(j) == "at" {
            j += 1;
        }
        if self.is(j, Lex::The) {
            j += 1;
        }
        let eo = match self.full(j) {
            "eod" => Some(day_val(p)),
            "eom" => month_val(p.year(), p.month()).and_then(|v| apply_part(v, Which::End, true)),
            "bom" => month_val(p.year(), p.month()).and_then(|v| apply_part(v, Which::Start, true)),
            "eoy" => year_val(p.year()).and_then(|v| apply_part(v, Which::End, true)),
            _ => None,
        };
        if let Some(mut v) = eo {
            if by {
                v.start = Some(p);
            }
            return Some((j + 1, v.rel()));
        }
        if by {
            // "by the end of next month": a deadline, from now to its end
            if let Some((k, mut v)) = self.best(i + 1, false) {
                let end_part = v.modifier == Some(crate::domain::DateModifier::End);
                if end_part && v.end.is_some_and(|e| e >= p) {
                    v.start = Some(p);
                    v.modifier = None;
                    return Some((k, v));
                }
            }
        }
        // "3 fridays from now", "2 thursdays ago"
        let amount = self
            .num(i)
            .filter(|x| x.1 <= 2)
            .map(|x| (i + 1, x.0 as i64))
            .or_else(|| self.en_small(i).map(|x| (x.0, x.1 as i64)));
        if let Some((k, n)) = amount {
            let w = self.full(k);
            let wd = [
                "mondays",
                "tuesdays",
                "wednesdays",
                "thursdays",
                "fridays",
                "saturdays",
                "sundays",
            ]
            .iter()
            .position(|d| *d == w);
            if let (Some(wd), true) = (wd, n >= 1) {
                let cur = p.weekday().num_days_from_monday() as i64;
                let (end, dir) = if self.full(k + 1) == "from" && self.is(k + 2, Lex::Now) {
                    (k + 3, 1)
                } else if matches!(self.full(k + 1), "hence") {
                    (k + 2, 1)
                } else if self.is(k + 1, Lex::Ago) || self.full(k + 1) == "back" {
                    (k + 2, -1)
                } else {
                    return None;
                };
                let d = if dir > 0 {
                    let first = (wd as i64 - cur - 1).rem_euclid(7) + 1;
                    add_days(p, first + 7 * (n - 1))?
                } else {
                    let first = (cur - wd as i64 - 1).rem_euclid(7) + 1;
                    add_days(p, -first - 7 * (n - 1))?
                };
                return Some((end, day_val(d).rel()));
            }
        }
        // ISO year-month "2014-10", "2014/10"; quarters "2018Q4", "18q4"
        if let Some((y, nd)) = self.num(i) {
            if nd == 4
                && self.punct(i + 1, &['-', '/'])
                && self.adjacent(i + 1)
                && self.adjacent(i + 2)
                && !self.punct(i + 3, &['-', '/'])
            {
                if let Some((m, 2)) = self.num(i + 2) {
                    if (1..=12).contains(&m) && (1000..=2100).contains(&y) {
                        return month_val(y as i32, m as u32).map(|v| (i + 3, v));
                    }
                }
            }
            if (nd == 4 || nd == 2) && self.full(i + 1) == "q" && self.adjacent(i + 1) {
                if let Some((q, 1)) = self.num(i + 2).filter(|_| self.adjacent(i + 2)) {
                    let y = if nd == 2 { 2000 + y as i32 } else { y as i32 };
                    return quarter_val(y, q as u32).map(|v| (i + 3, v));
                }
            }
        }
        // "the week of october 6th": the week that holds the day
        if self.is(i, Lex::The)
            && self.is(i + 1, Lex::Unit(Unit::Week, Cnt::One))
            && self.is(i + 2, Lex::Of)
        {
            if let Some((k, v)) = self.p_abs(i + 3) {
                if v.prec == Precision::Day {
                    return week_val(v.start?).map(|w| (k, w));
                }
            }
        }
        // "next few days", "rest of the week", "all week"
        if self.full(i) == "next" && self.is(i + 1, Lex::Few) {
            if let Lex::Unit(Unit::Day, _) = self.lex(i + 2) {
                let v = TimeValue::date(
                    add_days(p, 1)?,
                    add_days(p, 3)?,
                    Precision::Day,
                    "FUTURE_REF".into(),
                );
                return Some((i + 3, v.rel()));
            }
        }
        let week_end = add_days(p, 6 - p.weekday().num_days_from_monday() as i64)?;
        if self.full(i) == "rest"
            && self.is(i + 1, Lex::Of)
            && self.is(i + 2, Lex::The)
            && self.is(i + 3, Lex::Unit(Unit::Week, Cnt::One))
        {
            let v = TimeValue::date(p, week_end, Precision::Day, "PRESENT_REF".into());
            return Some((i + 4, v.rel()));
        }
        if self.full(i) == "all" && self.is(i + 1, Lex::Unit(Unit::Week, Cnt::One)) {
            return week_val(p).map(|v| (i + 2, v.rel()));
        }
        // "a fortnight ago", "a fortnight hence"
        if matches!(self.full(i), "a" | "one") && self.full(i + 1) == "fortnight" {
            let dir = if self.is(i + 2, Lex::Ago) {
                -1
            } else if self.full(i + 2) == "hence" {
                1
            } else {
                0
            };
            if dir != 0 {
                return Some((i + 3, day_val(add_days(p, 14 * dir)?).rel()));
            }
        }
        // day-month-year with a month name between separators: "31/Oct/1974", "31-Oct-74"
        if let Some((d, 1..=2)) = self.num(i) {
            if self.punct(i + 1, &['/', '-']) && self.adjacent(i + 1) {
                if let Lex::Month(m) = self.lex(i + 2) {
                    if self.punct(i + 3, &['/', '-']) && self.adjacent(i + 3) {
                        if let Some((y, nd @ (2 | 4))) = self.num(i + 4) {
                            let y = if nd == 2 {
                                two_digit_year(y as i32, p.year())
                            } else {
                                y as i32
                            };
                            let date = ymd(y, m as u32, d as u32)?;
                            return Some((i + 5, day_val(date)));
                        }
                    }
                }
            }
        }
        // a day of a relative month: "20th of next month", "the 20 of this month"
        if let Some((k, d)) = self.day_num(i) {
            let mut k2 = k;
            if self.is(k2, Lex::Unit(Unit::Day, Cnt::One)) {
                k2 += 1;
            }
            if self.is(k2, Lex::Of) {
                k2 += 1;
                if self.is(k2, Lex::The) {
                    k2 += 1;
                }
                if matches!(self.lex(k2), Lex::Rel(_) | Lex::This)
                    && self.is(k2 + 1, Lex::Unit(Unit::Month, Cnt::One))
                {
                    let r = match self.lex(k2) {
                        Lex::Rel(r) => r as i32,
                        _ => 0,
                    };
                    let m = add_months(p, r)?;
                    let date = ymd(m.year(), m.month(), d as u32)?;
                    return Some((k2 + 2, day_val(date).rel()));
                }
            }
        }
        // a day of the month alone: "on the 15th", "the 24", "on the first"
        let mut k = i;
        let on = self.full(i) == "on";
        if on {
            k += 1;
        }
        let the = self.is(k, Lex::The);
        if the {
            k += 1;
        }
        let day = if let Some((n, nd)) = self.num(k) {
            let suffix = matches!(self.full(k + 1), "st" | "nd" | "rd" | "th");
            ((1..=31).contains(&n) && nd <= 2 && (suffix || the))
                .then_some((k + 1 + suffix as usize, n as u32))
        } else if let (Lex::Ord(n), true) = (self.lex(k), on && the) {
            (1..=31).contains(&n).then_some((k + 1, n as u32))
        } else {
            None
        };
        let (end, d) = day?;
        // only when nothing else follows (not "the 24 victims", "the first to…")
        let next = self.doc.toks.get(end);
        if end < self.sentence_end && next.is_some_and(|t| !matches!(t.kind, TokKind::Punct(_))) {
            return None;
        }
        // "the 26.2-mile race"
        if self.adjacent(end) && self.num(end + 1).is_some() {
            return None;
        }
        let this = ymd(p.year(), p.month(), d);
        let date = if self.tense < 0 {
            if d > p.day() {
                let prev = add_months(p, -1)?;
                ymd(prev.year(), prev.month(), d)
            } else {
                this
            }
        } else if (self.tense > 0 || !self.long) && d < p.day() {
            let next = add_months(p, 1)?;
            ymd(next.year(), next.month(), d)
        } else {
            this
        }?;
        Some((end, day_val(date).rel()))
    }
}
