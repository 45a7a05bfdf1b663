//! Any string into `parse_date`; every parsed day must be in range and
//! round-trip through `format_date`, and every interval built on it must
//! give its EDTF form and labels without panicking. `a/b` also builds the
//! intervals from `a` to `b`.
#![no_main]

use chrono::{Datelike, NaiveDate};
use libfuzzer_sys::fuzz_target;
use tarikh::domain::{
    format_date, parse_date, DateModifier, EventDate, Precision, MAX_YEAR, MIN_YEAR,
};

fn check_day(s: &str) -> Option<NaiveDate> {
    let d = parse_date(s).ok()?;
    assert!(
        (MIN_YEAR..=MAX_YEAR).contains(&d.year()),
        "parse_date({s:?}) gave {d:?}, out of range"
    );
    let text = format_date(d);
    assert_eq!(
        parse_date(&text),
        Ok(d),
        "format_date({d:?}) = {text:?} does not parse back"
    );
    Some(d)
}

fn intervals(start: NaiveDate, end: Option<NaiveDate>) {
    let modifiers = std::iter::once(None).chain(DateModifier::ALL.iter().copied().map(Some));
    for modifier in modifiers {
        for &p in Precision::ALL {
            for approx in [false, true] {
                if let Ok(date) = EventDate::new(start, end, p, approx, modifier) {
                    assert!(date.start <= date.end, "{date:?}: end before start");
                    let edtf = date.edtf();
                    assert!(!edtf.is_empty(), "{date:?}: empty EDTF");
                    let en = date.label("en");
                    let ar = date.label("ar");
                    assert!(!en.is_empty() && !ar.is_empty(), "{date:?}: empty label");
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    if let Some(d) = check_day(&s) {
        intervals(d, None);
    }
    if let Some((a, b)) = s.split_once('/') {
        if let (Some(a), Some(b)) = (check_day(a), check_day(b)) {
            intervals(a, Some(b));
        }
    }
});
