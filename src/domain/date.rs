//! Honest dates: an inclusive interval of days with the precision the source
//! gave, an approximate flag and an optional modifier ("early 2014").
//!
//! Days use the proleptic Gregorian calendar with astronomical year numbering
//! (year 0 is 1 BCE, year -43 is 44 BCE). [`day_number`] maps a day to a
//! sortable integer (1 = 0001-01-01), which is what storage keeps.
//!
//! Period conventions (documented, used by extraction and by `EventDateInput`):
//! - week: seven days from the given start;
//! - quarter: three months from the first of the start month;
//! - season: three months from the first of the start month (spring = March,
//!   summer = June, autumn = September, winter = December to February);
//! - decade: ten years from the start year (`2010` → 2010–2019);
//! - century: a hundred years from the start year (`2001` → 2001–2100).

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::vocabulary;

vocabulary! {
    /// How precisely the source named the date, finest first.
    Precision {
        Day => "day", Week => "week", Month => "month", Quarter => "quarter",
        Season => "season", Year => "year", Decade => "decade", Century => "century",
    }
}

vocabulary! {
    /// The calendar a source dated an event in.
    #[derive(Default)]
    Calendar { #[default] Gregorian => "gregorian", Hijri => "hijri" }
}

vocabulary! {
    /// The calendars a label is written in: one, or both with the event's
    /// own calendar first and the other in parentheses.
    CalendarView { Gregorian => "gregorian", Hijri => "hijri", Both => "both" }
}

vocabulary! {
    /// Qualifies the named period: "early/mid/late 2014", "before 2014", "after 2014".
    DateModifier { Start => "start", Mid => "mid", End => "end", Before => "before", After => "after" }
}

impl Precision {
    /// 0 for day up to 7 for century: smaller is finer.
    pub fn rank(self) -> u8 {
        self as u8
    }

    /// True when `self` is at least as fine as `other`.
    pub fn at_least(self, other: Precision) -> bool {
        self.rank() <= other.rank()
    }

    /// The last day of the period of this precision that begins at `start`.
    pub fn period_end(self, start: NaiveDate) -> Option<NaiveDate> {
        match self {
            Precision::Day => Some(start),
            Precision::Week => start.checked_add_signed(Duration::days(6)),
            Precision::Month => last_of_month(start.year(), start.month()),
            Precision::Quarter | Precision::Season => {
                let first = NaiveDate::from_ymd_opt(start.year(), start.month(), 1)?;
                first.checked_add_months(chrono::Months::new(3))?.pred_opt()
            }
            Precision::Year => NaiveDate::from_ymd_opt(start.year(), 12, 31),
            Precision::Decade => NaiveDate::from_ymd_opt(start.year().checked_add(9)?, 12, 31),
            Precision::Century => NaiveDate::from_ymd_opt(start.year().checked_add(99)?, 12, 31),
        }
    }
}

/// Why a date or interval was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("invalid date {0:?}: expected YYYY-MM-DD (astronomical years, e.g. -0043-03-15)")]
    Syntax(String),
    #[error("date out of range: {0}")]
    OutOfRange(String),
    #[error("the interval ends ({end}) before it starts ({start})")]
    EndBeforeStart { start: String, end: String },
}

/// The last day of a month.
pub fn last_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year.checked_add(1)?, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

/// First year Tarikh accepts anywhere (filters, writes, extraction): 10000 BCE.
pub const MIN_YEAR: i32 = -9999;
/// Last year Tarikh accepts anywhere.
pub const MAX_YEAR: i32 = 9999;

/// Is `d` inside the supported range, years [`MIN_YEAR`] to [`MAX_YEAR`]?
/// Inside it, every period end and bucket bound is a valid chrono date, so
/// date arithmetic on accepted dates cannot overflow.
pub fn in_range(d: NaiveDate) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&d.year())
}

/// `d` when inside the supported range, else an `OutOfRange` error.
pub fn check_range(d: NaiveDate) -> Result<NaiveDate, DateError> {
    if in_range(d) {
        Ok(d)
    } else {
        Err(DateError::OutOfRange(format!(
            "{}: years {MIN_YEAR} to {MAX_YEAR} are supported",
            format_date(d)
        )))
    }
}

/// Sortable day number: 1 is 0001-01-01, 0 is 0000-12-31 (1 BCE), negative before.
pub fn day_number(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

/// Inverse of [`day_number`].
pub fn from_day_number(n: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(n)
}

/// Formats a day as ISO 8601 with astronomical years: `2024-01-26`, `-0043-03-15`, `+12000-01-01`.
pub fn format_date(d: NaiveDate) -> String {
    format!("{}-{:02}-{:02}", format_year(d.year()), d.month(), d.day())
}

fn format_year(y: i32) -> String {
    if y < 0 {
        format!("-{:04}", -(y as i64))
    } else if y > 9999 {
        format!("+{y}")
    } else {
        format!("{y:04}")
    }
}

/// Parses `YYYY-MM-DD` with an optional sign on the year (at least four
/// digits), inside the supported range ([`MIN_YEAR`] to [`MAX_YEAR`]).
pub fn parse_date(s: &str) -> Result<NaiveDate, DateError> {
    let t = s.trim();
    let bad = || DateError::Syntax(s.to_string());
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'-') => (-1i64, &t[1..]),
        Some(b'+') => (1, &t[1..]),
        _ => (1, t),
    };
    let mut parts = rest.split('-');
    let (y, m, d) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d), None) => (y, m, d),
        _ => return Err(bad()),
    };
    let digits = |p: &str, min: usize, max: usize| {
        p.len() >= min && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(y, 4, 6) || !digits(m, 2, 2) || !digits(d, 2, 2) {
        return Err(bad());
    }
    let year = sign * y.parse::<i64>().map_err(|_| bad())?;
    let year = i32::try_from(year).map_err(|_| DateError::OutOfRange(s.to_string()))?;
    let (m, d) = (
        m.parse::<u32>().map_err(|_| bad())?,
        d.parse::<u32>().map_err(|_| bad())?,
    );
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(DateError::OutOfRange(format!(
            "{s}: years {MIN_YEAR} to {MAX_YEAR} are supported"
        )));
    }
    NaiveDate::from_ymd_opt(year, m, d).ok_or_else(|| DateError::OutOfRange(s.to_string()))
}

/// A dated interval as a source gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDate {
    /// First day, inclusive.
    pub start: NaiveDate,
    /// Last day, inclusive.
    pub end: NaiveDate,
    /// The precision of the period the source named.
    pub precision: Precision,
    /// "about", "nearly", "حوالي".
    pub approximate: bool,
    /// "early", "late", "before"… of the named period.
    pub modifier: Option<DateModifier>,
    /// The calendar the source used (the interval is Gregorian days either
    /// way); labels show that calendar first.
    #[serde(default)]
    pub calendar: Calendar,
}

impl EventDate {
    /// Builds an interval; `end` defaults to the end of the period that
    /// `start` and `precision` name. Both ends must be in the supported
    /// range.
    pub fn new(
        start: NaiveDate,
        end: Option<NaiveDate>,
        precision: Precision,
        approximate: bool,
        modifier: Option<DateModifier>,
    ) -> Result<Self, DateError> {
        let start = check_range(start)?;
        let end = match end {
            Some(e) => e,
            None => precision
                .period_end(start)
                .ok_or_else(|| DateError::OutOfRange(format_date(start)))?,
        };
        let end = check_range(end)?;
        if end < start {
            return Err(DateError::EndBeforeStart {
                start: format_date(start),
                end: format_date(end),
            });
        }
        Ok(EventDate {
            start,
            end,
            precision,
            approximate,
            modifier,
            calendar: Calendar::Gregorian,
        })
    }

    /// The same interval, as dated by a source in `calendar`.
    pub fn in_calendar(mut self, calendar: Calendar) -> Self {
        self.calendar = calendar;
        self
    }

    /// A single known day.
    pub fn day(d: NaiveDate) -> Self {
        EventDate {
            start: d,
            end: d,
            precision: Precision::Day,
            approximate: false,
            modifier: None,
            calendar: Calendar::Gregorian,
        }
    }

    /// The whole period named by `start` and `precision`.
    pub fn period(start: NaiveDate, precision: Precision) -> Option<Self> {
        EventDate::new(start, None, precision, false, None).ok()
    }

    /// Sortable day numbers of the bounds.
    pub fn day_numbers(&self) -> (i32, i32) {
        (day_number(self.start), day_number(self.end))
    }

    /// Does the interval meet `[from, to]` (either side open)?
    pub fn overlaps(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
        from.is_none_or(|f| self.end >= f) && to.is_none_or(|t| self.start <= t)
    }

    /// Does the interval lie inside `[from, to]` (either side open)?
    pub fn within(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
        from.is_none_or(|f| self.start >= f) && to.is_none_or(|t| self.end <= t)
    }

    /// True when the interval is exactly the canonical period of its precision.
    fn is_whole_period(&self) -> bool {
        self.modifier.is_none()
            && canonical_start(self.start, self.precision) == Some(self.start)
            && self.precision.period_end(self.start) == Some(self.end)
    }

    /// The EDTF (ISO 8601-2) form: `2014-09`, `2024-01~`, `201X`,
    /// `2023-10-17/2023-12-31`, `../2013`.
    pub fn edtf(&self) -> String {
        let q = if self.approximate { "~" } else { "" };
        if self.is_whole_period() {
            if let Some(s) = compact_edtf(self.start, self.precision) {
                return format!("{s}{q}");
            }
        }
        let g = endpoint_grain(self);
        let (s, e) = (edtf_point(self.start, g), edtf_point(self.end, g));
        match self.modifier {
            Some(DateModifier::Before) => format!("../{e}{q}"),
            Some(DateModifier::After) => format!("{s}{q}/.."),
            _ => format!("{s}{q}/{e}{q}"),
        }
    }

    /// A label for people, in English (`en`) or Arabic (`ar`): Gregorian
    /// for a Gregorian-dated event, both calendars with the Hijri first for
    /// an event its source dated by the Hijri calendar.
    pub fn label(&self, lang: &str) -> String {
        let view = match self.calendar {
            Calendar::Gregorian => CalendarView::Gregorian,
            Calendar::Hijri => CalendarView::Both,
        };
        self.label_in(lang, view)
    }

    /// A label in the calendars of `view`. Where there is no Hijri reading
    /// (before 1 AH or after 1600 AH, see [`EventDate::hijri`]) it is the
    /// Gregorian label whatever the view.
    pub fn label_in(&self, lang: &str, view: CalendarView) -> String {
        let greg = self.gregorian_body(lang);
        let hijri = match view {
            CalendarView::Gregorian => None,
            _ => self.hijri_body(lang),
        };
        let body = match (view, hijri) {
            (_, None) => greg,
            (CalendarView::Hijri, Some(h)) => h,
            (_, Some(h)) if self.calendar == Calendar::Hijri => format!("{h} ({greg})"),
            (_, Some(h)) => format!("{greg} ({h})"),
        };
        if self.approximate {
            let words = if is_arabic(lang) { &AR } else { &EN };
            format!("{body} {}", words.approx)
        } else {
            body
        }
    }

    /// The Gregorian label without the approximate mark.
    fn gregorian_body(&self, lang: &str) -> String {
        let words = if is_arabic(lang) { &AR } else { &EN };
        if self.is_whole_period() || self.modifier.is_some() {
            let named = period_label(self.start, self.precision, words);
            match self.modifier {
                None => named,
                Some(m) => format!("{} {named}", words.modifier[m as usize]),
            }
        } else {
            let g = endpoint_grain(self);
            let (s, e) = (
                grain_label(self.start, g, words),
                grain_label(self.end, g, words),
            );
            if s == e {
                s
            } else {
                format!("{s} – {e}")
            }
        }
    }
}

/// Whether a label language asks for Arabic (`ar`, `ar-SA`…).
pub(super) fn is_arabic(lang: &str) -> bool {
    lang.trim().to_ascii_lowercase().starts_with("ar")
}

/// The first day of the canonical period of `precision` containing `d`
/// (for week, quarter and season any start is accepted as given).
fn canonical_start(d: NaiveDate, p: Precision) -> Option<NaiveDate> {
    match p {
        Precision::Day | Precision::Week => Some(d),
        Precision::Month => NaiveDate::from_ymd_opt(d.year(), d.month(), 1),
        Precision::Quarter => NaiveDate::from_ymd_opt(d.year(), (d.month() - 1) / 3 * 3 + 1, 1),
        Precision::Season => matches!(d.month(), 3 | 6 | 9 | 12)
            .then(|| NaiveDate::from_ymd_opt(d.year(), d.month(), 1))
            .flatten(),
        Precision::Year => NaiveDate::from_ymd_opt(d.year(), 1, 1),
        Precision::Decade => (d.year() >= 0)
            .then(|| NaiveDate::from_ymd_opt(d.year() - d.year() % 10, 1, 1))
            .flatten(),
        Precision::Century => (d.year() >= 1)
            .then(|| NaiveDate::from_ymd_opt(d.year() - (d.year() - 1) % 100, 1, 1))
            .flatten(),
    }
}

fn compact_edtf(d: NaiveDate, p: Precision) -> Option<String> {
    let y = d.year();
    let year = edtf_year(y);
    Some(match p {
        Precision::Day => format_date(d),
        Precision::Month => format!("{year}-{:02}", d.month()),
        Precision::Year => year,
        Precision::Quarter => format!("{year}-{}", 33 + (d.month() - 1) / 3),
        Precision::Season => format!("{year}-{}", 21 + (d.month() / 3 + 3) % 4),
        Precision::Decade if (0..=9999).contains(&y) => format!("{:03}X", y / 10),
        // EDTF unspecified digits name 2000–2099 as 20XX; our centuries run
        // 2001–2100, so they are written as intervals.
        _ => return None,
    })
}

fn edtf_year(y: i32) -> String {
    if !(-9999..=9999).contains(&y) {
        format!("Y{y}")
    } else {
        format_year(y)
    }
}

/// The unit a label's bounds are written in.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Grain {
    Day,
    Month,
    Year,
}

/// The coarsest grain at which both ends of the interval can be written
/// without losing days, but never coarser than the precision allows.
fn endpoint_grain(d: &EventDate) -> Grain {
    let allowed = match d.precision {
        Precision::Day | Precision::Week => Grain::Day,
        Precision::Month | Precision::Quarter | Precision::Season => Grain::Month,
        _ => Grain::Year,
    };
    let month_aligned = d.start.day() == 1 && d.end.succ_opt().is_some_and(|n| n.day() == 1);
    let year_aligned = month_aligned && d.start.month() == 1 && d.end.month() == 12;
    match allowed {
        Grain::Year if year_aligned => Grain::Year,
        Grain::Year | Grain::Month if month_aligned => Grain::Month,
        _ => Grain::Day,
    }
}

fn edtf_point(d: NaiveDate, g: Grain) -> String {
    match g {
        Grain::Day => format_date(d),
        Grain::Month => format!("{}-{:02}", edtf_year(d.year()), d.month()),
        Grain::Year => edtf_year(d.year()),
    }
}

struct Words {
    months: [&'static str; 12],
    seasons: [&'static str; 4],
    modifier: [&'static str; 5],
    approx: &'static str,
    bce: &'static str,
    week: &'static str,
    quarter: &'static str,
    decade: fn(i32) -> String,
    century: fn(i32) -> String,
}

const EN: Words = Words {
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    seasons: ["spring", "summer", "autumn", "winter"],
    modifier: ["early", "mid", "late", "before", "after"],
    approx: "(approx.)",
    bce: "BCE",
    week: "week of",
    quarter: "Q",
    decade: |y| format!("the {y}s"),
    century: |c| format!("the {}{} century", c, ordinal_suffix(c)),
};

const AR: Words = Words {
    months: [
        "كانون الثاني/يناير",
        "شباط/فبراير",
        "آذار/مارس",
        "نيسان/أبريل",
        "أيار/مايو",
        "حزيران/يونيو",
        "تموز/يوليو",
        "آب/أغسطس",
        "أيلول/سبتمبر",
        "تشرين الأول/أكتوبر",
        "تشرين الثاني/نوفمبر",
        "كانون الأول/ديسمبر",
    ],
    seasons: ["ربيع", "صيف", "خريف", "شتاء"],
    modifier: ["مطلع", "منتصف", "نهاية", "قبل", "بعد"],
    approx: "(تقريبًا)",
    bce: "ق.م",
    week: "أسبوع",
    quarter: "الربع",
    decade: |y| format!("عقد {y}"),
    century: |c| format!("القرن {c}"),
};

fn ordinal_suffix(n: i32) -> &'static str {
    match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

fn year_label(y: i32, w: &Words) -> String {
    if y <= 0 {
        format!("{} {}", 1 - y as i64, w.bce)
    } else {
        y.to_string()
    }
}

fn day_label(d: NaiveDate, w: &Words) -> String {
    format!(
        "{} {} {}",
        d.day(),
        w.months[d.month0() as usize],
        year_label(d.year(), w)
    )
}

fn grain_label(d: NaiveDate, g: Grain, w: &Words) -> String {
    match g {
        Grain::Day => day_label(d, w),
        Grain::Month => format!(
            "{} {}",
            w.months[d.month0() as usize],
            year_label(d.year(), w)
        ),
        Grain::Year => year_label(d.year(), w),
    }
}

fn period_label(d: NaiveDate, p: Precision, w: &Words) -> String {
    let y = year_label(d.year(), w);
    match p {
        Precision::Day => day_label(d, w),
        Precision::Week => format!("{} {}", w.week, day_label(d, w)),
        Precision::Month => grain_label(d, Grain::Month, w),
        Precision::Quarter => {
            let q = (d.month() - 1) / 3 + 1;
            if std::ptr::eq(w, &EN) {
                format!("Q{q} {y}")
            } else {
                format!("{} {q} {y}", w.quarter)
            }
        }
        Precision::Season => format!("{} {y}", w.seasons[((d.month() / 3 + 3) % 4) as usize]),
        Precision::Year => y,
        Precision::Decade if d.year() > 0 => (w.decade)(d.year()),
        Precision::Century if d.year() > 0 => (w.century)((d.year() - 1) / 100 + 1),
        Precision::Decade | Precision::Century => {
            let end = p.period_end(d).unwrap_or(d);
            format!("{y} – {}", year_label(end.year(), w))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn parses_and_formats_astronomical_years() {
        assert_eq!(format_date(d("-0043-03-15")), "-0043-03-15");
        assert_eq!(format_date(d("0001-01-01")), "0001-01-01");
        assert!(parse_date("2024-02-30").is_err());
        assert!(parse_date("24-02-03").is_err());
        assert!(parse_date("2024-1-03").is_err());
        assert!(day_number(d("-0043-03-15")) < day_number(d("0001-01-01")));
        assert!(day_number(d("0001-01-01")) < day_number(d("2024-01-01")));
        assert_eq!(
            from_day_number(day_number(d("-0043-03-15"))),
            Some(d("-0043-03-15"))
        );
    }

    #[test]
    fn periods_and_edtf() {
        let m = EventDate::new(d("2014-09-01"), None, Precision::Month, false, None).unwrap();
        assert_eq!(m.end, d("2014-09-30"));
        assert_eq!(m.edtf(), "2014-09");
        assert_eq!(m.label("en"), "September 2014");
        assert_eq!(m.label("ar"), "أيلول/سبتمبر 2014");
        let a = EventDate::new(d("2024-01-01"), None, Precision::Month, true, None).unwrap();
        assert_eq!(a.edtf(), "2024-01~");
        let r = EventDate::new(
            d("2023-10-17"),
            Some(d("2023-12-31")),
            Precision::Day,
            false,
            None,
        )
        .unwrap();
        assert_eq!(r.edtf(), "2023-10-17/2023-12-31");
        let early = EventDate::new(
            d("2024-01-01"),
            Some(d("2024-01-10")),
            Precision::Month,
            true,
            Some(DateModifier::Start),
        )
        .unwrap();
        assert_eq!(early.label("en"), "early January 2024 (approx.)");
        assert_eq!(early.edtf(), "2024-01-01~/2024-01-10~");
        let dec = EventDate::period(d("2010-01-01"), Precision::Decade).unwrap();
        assert_eq!(dec.edtf(), "201X");
        assert_eq!(dec.label("en"), "the 2010s");
        let y = EventDate::period(d("-0043-01-01"), Precision::Year).unwrap();
        assert_eq!(y.edtf(), "-0043");
        assert_eq!(y.label("en"), "44 BCE");
        let span = EventDate::new(
            d("2011-01-01"),
            Some(d("2014-12-31")),
            Precision::Year,
            false,
            None,
        )
        .unwrap();
        assert_eq!(span.edtf(), "2011/2014");
        assert_eq!(span.label("en"), "2011 – 2014");
        let q = EventDate::period(d("2024-04-01"), Precision::Quarter).unwrap();
        assert_eq!((q.edtf(), q.end), ("2024-34".to_string(), d("2024-06-30")));
        let s = EventDate::period(d("2024-12-01"), Precision::Season).unwrap();
        assert_eq!(
            (s.edtf(), s.label("en")),
            ("2024-24".into(), "winter 2024".into())
        );
        let c = EventDate::period(d("2001-01-01"), Precision::Century).unwrap();
        assert_eq!(c.label("en"), "the 21st century");
        assert_eq!(c.edtf(), "2001/2100");
    }

    #[test]
    fn refuses_dates_outside_the_supported_range() {
        assert!(matches!(
            parse_date("99999-01-01"),
            Err(DateError::OutOfRange(_))
        ));
        assert!(matches!(
            parse_date("-262143-01-01"),
            Err(DateError::OutOfRange(_))
        ));
        assert_eq!(format_date(d("9999-12-31")), "9999-12-31");
        assert_eq!(format_date(d("-9999-01-01")), "-9999-01-01");
        let far = NaiveDate::from_ymd_opt(12_000, 1, 1).unwrap();
        assert!(EventDate::new(far, None, Precision::Day, false, None).is_err());
        // A period that would end past the range is refused, not cut.
        assert!(EventDate::period(d("9901-01-01"), Precision::Century).is_none());
        assert!(EventDate::period(d("9990-01-01"), Precision::Decade).is_some());
    }

    #[test]
    fn refuses_backwards_intervals() {
        assert!(matches!(
            EventDate::new(
                d("2024-02-01"),
                Some(d("2024-01-01")),
                Precision::Day,
                false,
                None
            ),
            Err(DateError::EndBeforeStart { .. })
        ));
    }
}
