//! Intervals between two expressions: "من X إلى Y", "بين X و Y", "from X to
//! Y", "between X and Y", "X–Y", ISO 8601 intervals of days
//! ("2015-03-28/2015-03-29"), and "منذ X" / "since X" (from X to the
//! publication date, open at the end).
//!
//! Cases: `tests/cases/timex/ranges_ar.toml`, `ranges_en.toml`.

use chrono::{Datelike, NaiveDate};

use super::values::TimeValue;
use super::{ymd, Ctx, Match};
use crate::domain::{format_date, Precision};
use crate::extract::lexicon::Lex;

impl Ctx<'_, '_> {
    /// Ranges: من X إلى Y, بين X و Y, from X to Y, between X and Y, X–Y.
    pub(super) fn p_range(&mut self, i: usize) -> Match {
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
        let v = TimeValue::date(s, e, prec, format!("{}/{}", format_date(s), format_date(e)));
        Some((rk, v))
    }

    /// An ISO 8601 interval of days, the clock read past:
    /// "2015-03-28/2015-03-29", "2015-03-28 17:00:00/2015-03-29 21:00:00".
    pub(super) fn p_iso_interval(&mut self, i: usize) -> Match {
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
            let v = TimeValue::date(
                s,
                e,
                Precision::Day,
                format!("{}/{}", format_date(s), format_date(e)),
            );
            (k2, v)
        })
    }

    /// منذ X / since X: from X to the publication date.
    pub(super) fn p_since(&mut self, i: usize) -> Match {
        if !self.is(i, Lex::Since) {
            return None;
        }
        let (k, v) = self.atom(i + 1)?;
        if !v.is_date() {
            return None;
        }
        let s = v.start?;
        let mut out = v.clone();
        if self.published >= s {
            out.end = Some(self.published.max(v.end?));
            out.open = true;
            out.prec = v.prec;
        }
        Some((k, out))
    }
}
