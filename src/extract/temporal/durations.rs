//! Amounts of time and what is made of them: durations ("three years", "a
//! month", "the past two years", "ثلاثة أيام"), "within two weeks" in a
//! sentence about the future (from publication to the deadline), and sets
//! ("every Friday", "كل يوم", "annually").
//!
//! Cases: `tests/cases/timex/durations_ar.toml`, `durations_en.toml`.

use super::values::{daypart_code, TimeValue};
use super::{add_days, Ctx, Match};
use crate::domain::{format_date, Precision};
use crate::extract::lexicon::{Cnt, Lex, Unit};
use crate::extract::TimexType;

impl Ctx<'_, '_> {
    /// An amount of time: "ثلاثة أيام", "يومين", "أيام", "two years", "a week", "several days".
    pub(super) fn amount(&self, j: usize) -> Option<(usize, Option<u32>, Unit)> {
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

    /// "within two weeks" in a sentence about the future: from publication
    /// to the deadline ("within two weeks of the attack" is not from publication).
    pub(super) fn p_within(&mut self, i: usize) -> Match {
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
        let p = self.published;
        if !matches!(u, Unit::Day | Unit::Week | Unit::Month | Unit::Year) {
            return None;
        }
        let deadline = self.shift(n, u)?;
        let e = add_days(deadline, -1)?.max(p);
        let v = TimeValue::date(
            p,
            e,
            Precision::Day,
            format!("{}/{}", format_date(p), format_date(e)),
        );
        Some((k, v.rel()))
    }

    /// Durations: three years, a month, P90D, the past two years.
    pub(super) fn p_duration(&mut self, i: usize) -> Match {
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
                return Some((j + 1, TimeValue::nodate(TimexType::Duration, v.into())));
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
            Unit::Month => "Match",
            Unit::Year => "Y",
            Unit::Decade => "DE",
            Unit::Century => "CE",
            Unit::Hour => "H",
            Unit::Minute => "Match",
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
                return Some((
                    k,
                    TimeValue::nodate(TimexType::Duration, format!("P{}Y", n * 10)),
                ))
            }
            (_, Some(n)) => n.to_string(),
            (_, None) => "X".into(),
        };
        Some((
            k,
            TimeValue::nodate(TimexType::Duration, format!("P{t}{amount}{code}")),
        ))
    }

    /// every Friday, كل يوم, annually, daily.
    pub(super) fn p_set(&mut self, i: usize) -> Match {
        let fixed = match self.full(i) {
            "annually" | "yearly" => Some("XXXX"),
            "daily" => Some("XXXX-XX-XX"),
            "weekly" => Some("XXXX-WXX"),
            "monthly" => Some("XXXX-XX"),
            _ => None,
        };
        if let Some(f) = fixed {
            return Some((i + 1, TimeValue::nodate(TimexType::Set, f.into())));
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
        Some((j + 1, TimeValue::nodate(TimexType::Set, v)))
    }
}
