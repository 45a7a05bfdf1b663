//! The dates of a few moveable feasts through `icu_calendar` (Hebrew,
//! Chinese) and the computus; Hijri conversion is the domain's
//! ([`crate::domain::hijri`]), re-exported here for the tagger.

use chrono::NaiveDate;
use icu_calendar::types::RataDie;
use icu_calendar::Date;

pub use crate::domain::hijri::{from_gregorian, hijri_year_for, month_bounds, to_gregorian};

fn to_naive(rd: RataDie) -> Option<NaiveDate> {
    let n = i32::try_from(rd.to_i64_date()).ok()?;
    NaiveDate::from_num_days_from_ce_opt(n)
}

/// The Gregorian day of a Hebrew date. `month` counts from Tishrei (1) to
/// Elul (12) with Adar as 6 (Adar II in a leap year); `leap` selects Adar I.
pub fn hebrew_to_gregorian(year: i32, month: u8, leap: bool, day: u8) -> Option<NaiveDate> {
    use icu_calendar::types::Month;
    if !(3000..=7000).contains(&year) || !(1..=12).contains(&month) || !(1..=30).contains(&day) {
        return None;
    }
    let m = if leap {
        Month::leap(month)
    } else {
        Month::new(month)
    };
    let d = Date::try_new_hebrew_v2(year, m, day).ok()?;
    to_naive(d.to_rata_die())
}

/// Chinese New Year (first day of the first month) in Gregorian `year`.
pub fn chinese_new_year(year: i32) -> Option<NaiveDate> {
    use icu_calendar::types::Month;
    if !(1000..=3000).contains(&year) {
        return None;
    }
    let d = Date::try_new_chinese_traditional(year, Month::new(1), 1).ok()?;
    to_naive(d.to_rata_die())
}

/// Orthodox Easter Sunday (Julian computus), as a Gregorian day (1900–2099).
pub fn orthodox_easter(y: i32) -> Option<NaiveDate> {
    if !(1900..=2099).contains(&y) {
        return None;
    }
    let a = y % 4;
    let b = y % 7;
    let c = y % 19;
    let d = (19 * c + 15) % 30;
    let e = (2 * a + 4 * b - d + 34) % 7;
    let month = (d + e + 114) / 31;
    let day = (d + e + 114) % 31 + 1;
    // Julian to Gregorian: 13 days in 1900–2099
    NaiveDate::from_ymd_opt(y, month as u32, day as u32)?
        .checked_add_signed(chrono::Duration::days(13))
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
    fn feasts() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(easter(2013), Some(d("2013-03-31")));
        assert_eq!(orthodox_easter(2018), Some(d("2018-04-08")));
        assert_eq!(chinese_new_year(2013), Some(d("2013-02-10")));
        // Rosh Hashanah 5779, Purim 5773
        assert_eq!(
            hebrew_to_gregorian(5779, 1, false, 1),
            Some(d("2018-09-10"))
        );
        assert_eq!(
            hebrew_to_gregorian(5773, 6, false, 14),
            Some(d("2013-02-24"))
        );
    }
}
