//! Hijri (Umm al-Qura) ⇄ Gregorian conversion through `icu_calendar`, and
//! the dates of a few moveable feasts.

use chrono::{Datelike, NaiveDate};
use icu_calendar::cal::Hijri;
use icu_calendar::types::RataDie;
use icu_calendar::Date;

fn to_naive(rd: RataDie) -> Option<NaiveDate> {
    let n = i32::try_from(rd.to_i64_date()).ok()?;
    NaiveDate::from_num_days_from_ce_opt(n)
}

/// The Gregorian day of a Hijri date (Umm al-Qura).
pub fn to_gregorian(year: i32, month: u8, day: u8) -> Option<NaiveDate> {
    if !(1..=1600).contains(&year) || !(1..=12).contains(&month) || !(1..=30).contains(&day) {
        return None;
    }
    let d = Date::try_new_hijri_with_calendar(year, month, day, Hijri::new_umm_al_qura()).ok()?;
    if d.day_of_month().0 != day {
        return None;
    }
    to_naive(d.to_rata_die())
}

/// First and last Gregorian day of a Hijri month.
pub fn month_bounds(year: i32, month: u8) -> Option<(NaiveDate, NaiveDate)> {
    if !(1..=1600).contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    let d = Date::try_new_hijri_with_calendar(year, month, 1, Hijri::new_umm_al_qura()).ok()?;
    let n = d.days_in_month() as i64;
    let start = to_naive(d.to_rata_die())?;
    let end = start.checked_add_signed(chrono::Duration::days(n - 1))?;
    Some((start, end))
}

/// The Hijri (year, month, day) of a Gregorian day.
pub fn from_gregorian(d: NaiveDate) -> Option<(i32, u8, u8)> {
    if !(600..=2200).contains(&d.year()) {
        return None;
    }
    let rd = RataDie::new(d.num_days_from_ce() as i64);
    let h = Date::from_rata_die(rd, Hijri::new_umm_al_qura());
    Some((
        h.year().extended_year(),
        h.month().ordinal,
        h.day_of_month().0,
    ))
}

/// The Hijri year whose given month starts inside Gregorian `gyear`
/// (the first such, if two).
pub fn hijri_year_for(gyear: i32, month: u8) -> Option<i32> {
    let (hy, _, _) = from_gregorian(NaiveDate::from_ymd_opt(gyear, 1, 1)?)?;
    for y in [hy, hy + 1] {
        if let Some((s, _)) = month_bounds(y, month) {
            if s.year() == gyear {
                return Some(y);
            }
        }
    }
    None
}

/// Western Easter Sunday (anonymous Gregorian computus).
pub fn easter(y: i32) -> Option<NaiveDate> {
    if y < 1583 {
        return None;
    }
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(y, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn umm_al_qura() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(to_gregorian(1445, 9, 15), Some(d("2024-03-25")));
        assert_eq!(to_gregorian(1434, 10, 1), Some(d("2013-08-08")));
        assert_eq!(
            month_bounds(1440, 9),
            Some((d("2019-05-06"), d("2019-06-03")))
        );
        assert_eq!(from_gregorian(d("2024-03-25")), Some((1445, 9, 15)));
        assert_eq!(easter(2013), Some(d("2013-03-31")));
    }
}
