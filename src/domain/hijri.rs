//! The Hijri calendar (Umm al-Qura) beside the Gregorian one: conversion of
//! days both ways through `icu_calendar`, and the Hijri reading of an
//! [`EventDate`] with its label.
//!
//! Range: from 1 Muharram 1 AH (0622-07-19) to the end of 1600 AH
//! (2174-11-25). Within 1300–1600 AH (1882-11-12 on) the days are the
//! official Umm al-Qura tables; before 1300 AH they come from the tabular
//! (arithmetic) rule, which can differ from a sighted month by a day or two,
//! and a [`HijriSpan`] says so (`tabular`). Outside the range there is no
//! Hijri reading: [`EventDate::hijri`] is `None`, never a guess.
//!
//! Honest precision: a Hijri label is written at no finer grain than the
//! date's precision allows, so a Gregorian month reads as the two Hijri
//! months it straddles ("Sha'ban – Ramadan 1445 AH") and a Gregorian year
//! as two Hijri years; the exact first and last days stay in the span.

use chrono::{Datelike, NaiveDate};
use icu_calendar::cal::Hijri;
use icu_calendar::types::RataDie;
use icu_calendar::Date;
use serde::Serialize;

use super::date::{EventDate, Grain};
use super::Precision;

/// The last Hijri year converted (the end of the Umm al-Qura tables).
pub const LAST_YEAR: i32 = 1600;
/// The first Hijri year of the Umm al-Qura tables; earlier years are tabular.
pub const FIRST_TABLE_YEAR: i32 = 1300;

/// A day of the Hijri calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct HijriDay {
    pub year: i32,
    /// 1 (Muharram) to 12 (Dhu al-Hijjah).
    pub month: u8,
    pub day: u8,
}

impl HijriDay {
    /// `1445-09-01`: year, month and day, zero-padded like ISO 8601.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// The month's name, in Arabic for `ar…`, transliterated otherwise.
    pub fn month_name(&self, lang: &str) -> &'static str {
        words(lang).months[(self.month.clamp(1, 12) - 1) as usize]
    }
}

fn umm_al_qura() -> Hijri<icu_calendar::cal::hijri::UmmAlQura> {
    Hijri::new_umm_al_qura()
}

fn to_naive(rd: RataDie) -> Option<NaiveDate> {
    let n = i32::try_from(rd.to_i64_date()).ok()?;
    NaiveDate::from_num_days_from_ce_opt(n)
}

/// The Gregorian day of a Hijri date; `None` for a day that does not exist
/// (30 of a 29-day month) or a year outside 1–1600 AH.
pub fn to_gregorian(year: i32, month: u8, day: u8) -> Option<NaiveDate> {
    if !(1..=LAST_YEAR).contains(&year) || !(1..=12).contains(&month) || !(1..=30).contains(&day) {
        return None;
    }
    let d = Date::try_new_hijri_with_calendar(year, month, day, umm_al_qura()).ok()?;
    if d.day_of_month().0 != day {
        return None;
    }
    to_naive(d.to_rata_die())
}

/// First and last Gregorian day of a Hijri month.
pub fn month_bounds(year: i32, month: u8) -> Option<(NaiveDate, NaiveDate)> {
    if !(1..=LAST_YEAR).contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    let d = Date::try_new_hijri_with_calendar(year, month, 1, umm_al_qura()).ok()?;
    let n = i64::from(d.days_in_month());
    let start = to_naive(d.to_rata_die())?;
    let end = start.checked_add_signed(chrono::Duration::days(n - 1))?;
    Some((start, end))
}

/// The Hijri day of a Gregorian day; `None` before 1 Muharram 1 AH or after
/// the end of 1600 AH.
pub fn from_gregorian(d: NaiveDate) -> Option<HijriDay> {
    if !(600..=2200).contains(&d.year()) {
        return None;
    }
    let rd = RataDie::new(i64::from(d.num_days_from_ce()));
    let h = Date::from_rata_die(rd, umm_al_qura());
    let year = h.year().extended_year();
    (1..=LAST_YEAR).contains(&year).then(|| HijriDay {
        year,
        month: h.month().ordinal,
        day: h.day_of_month().0,
    })
}

/// The Hijri year whose given month starts inside Gregorian `gyear` (the
/// first such, if two).
pub fn hijri_year_for(gyear: i32, month: u8) -> Option<i32> {
    let hy = from_gregorian(NaiveDate::from_ymd_opt(gyear, 1, 1)?)?.year;
    [hy, hy + 1]
        .into_iter()
        .find(|&y| month_bounds(y, month).is_some_and(|(s, _)| s.year() == gyear))
}

/// The Hijri reading of a dated interval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HijriSpan {
    pub start: HijriDay,
    pub end: HijriDay,
    /// Some day falls before 1300 AH, where the tabular rule stands in for
    /// the Umm al-Qura tables.
    pub tabular: bool,
}

impl EventDate {
    /// The interval in the Hijri calendar, or `None` when a bound lies
    /// outside 1 Muharram 1 AH – the end of 1600 AH.
    pub fn hijri(&self) -> Option<HijriSpan> {
        let start = from_gregorian(self.start)?;
        let end = from_gregorian(self.end)?;
        Some(HijriSpan {
            start,
            end,
            tabular: start.year < FIRST_TABLE_YEAR,
        })
    }

    /// The Hijri label without the approximate mark: "15 Ramadan 1445 AH",
    /// "Sha'ban – Ramadan 1445 AH", "before 1435 AH".
    pub(super) fn hijri_body(&self, lang: &str) -> Option<String> {
        let span = self.hijri()?;
        let w = words(lang);
        let grain = self.hijri_grain(&span);
        let text = |a: HijriDay, b: HijriDay| range_label(a, b, grain, w);
        Some(match self.modifier {
            Some(super::DateModifier::Before) => {
                format!("{} {}", w.before, text(span.end, span.end))
            }
            Some(super::DateModifier::After) => {
                format!("{} {}", w.after, text(span.start, span.start))
            }
            _ => text(span.start, span.end),
        })
    }

    /// The finest grain the precision allows, made finer where the bounds
    /// fall inside Hijri months or years only when the precision is day.
    fn hijri_grain(&self, span: &HijriSpan) -> Grain {
        let month_aligned = span.start.day == 1
            && self
                .end
                .succ_opt()
                .and_then(from_gregorian)
                .is_none_or(|next| next.day == 1);
        let year_aligned = month_aligned
            && span.start.month == 1
            && self
                .end
                .succ_opt()
                .and_then(from_gregorian)
                .is_none_or(|next| next.month == 1);
        match self.precision {
            Precision::Day | Precision::Week => {
                if year_aligned && span.start.year != span.end.year {
                    Grain::Year
                } else if month_aligned {
                    Grain::Month
                } else {
                    Grain::Day
                }
            }
            Precision::Month | Precision::Quarter | Precision::Season => {
                if year_aligned {
                    Grain::Year
                } else {
                    Grain::Month
                }
            }
            _ => Grain::Year,
        }
    }
}

fn range_label(a: HijriDay, b: HijriDay, g: Grain, w: &Words) -> String {
    let month = |d: HijriDay| w.months[(d.month - 1) as usize];
    let body = match g {
        Grain::Day if a == b => format!("{} {} {}", a.day, month(a), a.year),
        Grain::Day if a.year == b.year => {
            format!("{} {} – {} {} {}", a.day, month(a), b.day, month(b), b.year)
        }
        Grain::Day => format!(
            "{} {} {} – {} {} {}",
            a.day,
            month(a),
            a.year,
            b.day,
            month(b),
            b.year
        ),
        Grain::Month if (a.year, a.month) == (b.year, b.month) => {
            format!("{} {}", month(a), a.year)
        }
        Grain::Month if a.year == b.year => format!("{} – {} {}", month(a), month(b), b.year),
        Grain::Month => format!("{} {} – {} {}", month(a), a.year, month(b), b.year),
        Grain::Year if a.year == b.year => a.year.to_string(),
        Grain::Year => format!("{} – {}", a.year, b.year),
    };
    format!("{body} {}", w.era)
}

struct Words {
    months: [&'static str; 12],
    era: &'static str,
    before: &'static str,
    after: &'static str,
}

const EN: Words = Words {
    months: [
        "Muharram",
        "Safar",
        "Rabi' al-Awwal",
        "Rabi' al-Thani",
        "Jumada al-Ula",
        "Jumada al-Akhirah",
        "Rajab",
        "Sha'ban",
        "Ramadan",
        "Shawwal",
        "Dhu al-Qa'dah",
        "Dhu al-Hijjah",
    ],
    era: "AH",
    before: "before",
    after: "after",
};

const AR: Words = Words {
    months: [
        "محرم",
        "صفر",
        "ربيع الأول",
        "ربيع الآخر",
        "جمادى الأولى",
        "جمادى الآخرة",
        "رجب",
        "شعبان",
        "رمضان",
        "شوال",
        "ذو القعدة",
        "ذو الحجة",
    ],
    era: "هـ",
    before: "قبل",
    after: "بعد",
};

fn words(lang: &str) -> &'static Words {
    if super::date::is_arabic(lang) {
        &AR
    } else {
        &EN
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{parse_date, Calendar, CalendarView, DateModifier};

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn h(year: i32, month: u8, day: u8) -> HijriDay {
        HijriDay { year, month, day }
    }

    /// Conversions agree with icu_calendar's own round trip and with
    /// published Umm al-Qura days.
    #[test]
    fn converts_both_ways() {
        assert_eq!(to_gregorian(1445, 9, 1), Some(d("2024-03-11")));
        assert_eq!(to_gregorian(1445, 9, 15), Some(d("2024-03-25")));
        assert_eq!(to_gregorian(1434, 10, 1), Some(d("2013-08-08")));
        assert_eq!(
            month_bounds(1440, 9),
            Some((d("2019-05-06"), d("2019-06-03")))
        );
        assert_eq!(from_gregorian(d("2024-03-11")), Some(h(1445, 9, 1)));
        assert_eq!(from_gregorian(d("0622-07-19")), Some(h(1, 1, 1)));
        for day in ["1882-11-12", "1950-06-30", "2024-02-29", "2174-11-25"] {
            let g = from_gregorian(d(day)).unwrap();
            assert_eq!(to_gregorian(g.year, g.month, g.day), Some(d(day)), "{day}");
        }
        assert_eq!(
            to_gregorian(1445, 9, 30),
            Some(d("2024-04-09")),
            "Ramadan 1445 has 30 days"
        );
        assert_eq!(to_gregorian(1445, 8, 30), None, "Sha'ban 1445 has 29");
    }

    #[test]
    fn refuses_days_outside_the_calendar() {
        assert_eq!(from_gregorian(d("0622-07-18")), None, "before 1 AH");
        assert_eq!(from_gregorian(d("-0043-03-15")), None, "BCE");
        assert_eq!(from_gregorian(d("2174-11-26")), None, "after 1600 AH");
        assert_eq!(to_gregorian(0, 1, 1), None);
        assert_eq!(to_gregorian(1601, 1, 1), None);
        let bce = EventDate::period(d("-0043-01-01"), Precision::Year).unwrap();
        assert_eq!(bce.hijri(), None);
        assert_eq!(bce.label_in("en", CalendarView::Hijri), "44 BCE");
        assert_eq!(bce.label_in("en", CalendarView::Both), "44 BCE");
        // One bound inside, one outside: no half reading either.
        let across = EventDate::new(
            d("2170-01-01"),
            Some(d("2180-01-01")),
            Precision::Year,
            false,
            None,
        );
        assert_eq!(across.unwrap().hijri(), None);
    }

    #[test]
    fn labels_at_the_grain_the_precision_allows() {
        let day = EventDate::day(d("2024-03-11"));
        assert_eq!(day.hijri_body("en").unwrap(), "1 Ramadan 1445 AH");
        assert_eq!(day.hijri_body("ar").unwrap(), "1 رمضان 1445 هـ");
        assert_eq!(
            day.label_in("en", CalendarView::Both),
            "11 March 2024 (1 Ramadan 1445 AH)"
        );
        assert_eq!(
            day.label_in("ar", CalendarView::Both),
            "11 آذار/مارس 2024 (1 رمضان 1445 هـ)"
        );
        // A Gregorian month straddles two Hijri months and says so.
        let march = EventDate::period(d("2024-03-01"), Precision::Month).unwrap();
        let span = march.hijri().unwrap();
        assert_eq!((span.start, span.end), (h(1445, 8, 20), h(1445, 9, 21)));
        assert_eq!(march.hijri_body("en").unwrap(), "Sha'ban – Ramadan 1445 AH");
        let year = EventDate::period(d("2014-01-01"), Precision::Year).unwrap();
        assert_eq!(year.hijri_body("en").unwrap(), "1435 – 1436 AH");
        // A Hijri month read from an Arabic article is exactly that month.
        let (s, e) = month_bounds(1445, 9).unwrap();
        let ramadan = EventDate::new(s, Some(e), Precision::Month, false, None)
            .unwrap()
            .in_calendar(Calendar::Hijri);
        assert_eq!(ramadan.hijri_body("ar").unwrap(), "رمضان 1445 هـ");
        assert_eq!(
            ramadan.label("ar"),
            "رمضان 1445 هـ (11 آذار/مارس 2024 – 9 نيسان/أبريل 2024)"
        );
        assert_eq!(
            ramadan.label_in("en", CalendarView::Gregorian),
            "11 March 2024 – 9 April 2024"
        );
        // Days across a year end, and an approximate mark written once.
        let turn = EventDate::new(
            d("2023-07-17"),
            Some(d("2023-07-20")),
            Precision::Day,
            true,
            None,
        )
        .unwrap();
        assert_eq!(
            turn.label_in("en", CalendarView::Hijri),
            "29 Dhu al-Hijjah 1444 – 2 Muharram 1445 AH (approx.)"
        );
        let before = EventDate::new(
            d("2000-01-01"),
            Some(d("2013-12-31")),
            Precision::Year,
            false,
            Some(DateModifier::Before),
        )
        .unwrap();
        assert_eq!(before.hijri_body("en").unwrap(), "before 1435 AH");
        let old = EventDate::day(d("1800-01-01")).hijri().unwrap();
        assert!(old.tabular, "before 1300 AH the tabular rule stands in");
        assert!(!day.hijri().unwrap().tabular);
    }
}
