//! Dates in the schema: an event's interval with its precision, labels in
//! either calendar, and its Hijri reading.

use async_graphql::Object;

use super::scalars::Date;
use super::types::{Calendar, CalendarView, DateModifier, Precision};
use crate::domain;

/// A dated interval, honest about its precision.
pub struct EventDate(pub domain::EventDate);

/// A dated interval, honest about its precision: inclusive start and end days, the precision the source gave, approximation and modifier.
#[Object]
impl EventDate {
    /// First day (inclusive).
    async fn start(&self) -> Date {
        Date(self.0.start)
    }
    /// Last day (inclusive).
    async fn end(&self) -> Date {
        Date(self.0.end)
    }
    /// How precisely the source named the date.
    async fn precision(&self) -> Precision {
        self.0.precision.into()
    }
    /// The source hedged ("about", "نحو").
    async fn approximate(&self) -> bool {
        self.0.approximate
    }
    /// Early, mid, late, before or after the named period.
    async fn modifier(&self) -> Option<DateModifier> {
        self.0.modifier.map(Into::into)
    }
    /// The EDTF (ISO 8601-2) form: "2014-09", "2024-01~", "2023-10-17/2023-12-31".
    async fn edtf(&self) -> String {
        self.0.edtf()
    }
    /// The calendar the source used; labels show it first.
    async fn calendar(&self) -> Calendar {
        self.0.calendar.into()
    }
    /// The interval in the Hijri calendar (Umm al-Qura); null before 1 Muharram 1 AH (622-07-19) and after 1600 AH (2174-11-25).
    async fn hijri(&self) -> Option<HijriSpan> {
        self.0.hijri().map(|span| HijriSpan {
            span,
            date: self.0.clone(),
        })
    }
    /// The date for people: "September 2014", "أيلول/سبتمبر 2014". Without `calendar`: Gregorian for a Gregorian-dated event, both calendars with the Hijri first for a Hijri-dated one.
    async fn label(
        &self,
        #[graphql(default = "en")] lang: String,
        calendar: Option<CalendarView>,
    ) -> String {
        match calendar {
            Some(view) => self.0.label_in(&lang, view.into()),
            None => self.0.label(&lang),
        }
    }
}

/// An interval in the Hijri calendar.
pub struct HijriSpan {
    span: domain::HijriSpan,
    date: domain::EventDate,
}

/// An interval in the Hijri calendar (Umm al-Qura), first and last day inclusive.
#[Object]
impl HijriSpan {
    /// First day.
    async fn start(&self) -> HijriDay {
        HijriDay(self.span.start)
    }
    /// Last day.
    async fn end(&self) -> HijriDay {
        HijriDay(self.span.end)
    }
    /// True before 1300 AH (1882), where the tabular rule stands in for the Umm al-Qura tables and may differ from a sighted month by a day or two.
    async fn tabular(&self) -> bool {
        self.span.tabular
    }
    /// The interval at the grain its precision allows: "15 Ramadan 1445 AH", "Sha'ban – Ramadan 1445 AH" for March 2024.
    async fn label(&self, #[graphql(default = "en")] lang: String) -> String {
        self.date.label_in(&lang, domain::CalendarView::Hijri)
    }
}

/// A day of the Hijri calendar.
pub struct HijriDay(domain::HijriDay);

/// A day of the Hijri calendar (Umm al-Qura).
#[Object]
impl HijriDay {
    /// Hijri year (AH).
    async fn year(&self) -> i32 {
        self.0.year
    }
    /// Month, 1 (Muharram) to 12 (Dhu al-Hijjah).
    async fn month(&self) -> i32 {
        i32::from(self.0.month)
    }
    /// Day of the month, 1 to 30.
    async fn day(&self) -> i32 {
        i32::from(self.0.day)
    }
    /// The month's name: "Ramadan", "رمضان".
    async fn month_name(&self, #[graphql(default = "en")] lang: String) -> &'static str {
        self.0.month_name(&lang)
    }
    /// "1445-09-01".
    async fn iso(&self) -> String {
        self.0.iso()
    }
}
