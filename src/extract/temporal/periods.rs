//! Periods and their parts: parts of a period ("مطلع العام الجاري", "نهاية
//! كانون الأول/ديسمبر 2023", "early 2011", "late last July"), seasons and
//! quarters with their year ("صيف 2023", "the first quarter of 2024",
//! "الربع الأول من العام"), decades ("الثمانينيات من القرن الماضي", "the
//! '90s") and centuries. The bounds of the parts are given in `mod.rs` and
//! docs/extraction.md.
//!
//! Cases: `tests/cases/timex/periods_ar.toml`, `periods_en.toml`.

use chrono::Datelike;

use super::values::{century_val, decade_val, quarter_val, season_val, TimeValue};
use super::{add_days, last_day, ymd, Ctx, Match};
use crate::domain::{DateModifier, Precision};
use crate::extract::lexicon::{Cnt, Lex, Unit, Which};

impl Ctx<'_, '_> {
    pub(super) fn p_decade(&mut self, i: usize) -> Match {
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
                    let y0 = if n as i32 + 2000 <= self.published.year() {
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

    pub(super) fn p_century(&mut self, i: usize) -> Match {
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
            let cur = (self.published.year() - 1) / 100 + 1;
            (cur + r as i32, j + 1)
        } else {
            return None;
        };
        if !(1..=30).contains(&c) {
            return None;
        }
        Some((k, century_val(c)?))
    }

    /// Parts of periods: مطلع العام الجاري, نهاية كانون الأول/ديسمبر 2023, early 2011, late last July.
    pub(super) fn p_part(&mut self, i: usize) -> Match {
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

    fn part_base(&mut self, k: usize) -> Match {
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
        let mut best: Match = None;
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

    /// Seasons with a year: صيف 2023, summer 2023, quarters: the first quarter of 2024, الربع الأول من العام.
    pub(super) fn p_season_quarter(&mut self, i: usize) -> Match {
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
                return Some((k, season_val(self.published.year(), s)?));
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
            return Some((k + 1, quarter_val(self.published.year(), q as u32)?.rel()));
        }
        if self.en {
            return Some((k, quarter_val(self.published.year(), q as u32)?.rel()));
        }
        None
    }
}

pub(super) fn apply_part(v: TimeValue, which: Which, narrow: bool) -> Option<TimeValue> {
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
