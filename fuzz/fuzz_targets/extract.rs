//! Any bytes into the extractor: the first two (little-endian) pick the publication day
//! (years -9999 to 9999) and the language, the rest is the text (lossy
//! UTF-8). Extraction must never panic and must be deterministic.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use tarikh::domain::{day_number, from_day_number};
use tarikh::extract::{extract, Lang};

fn bounds() -> (i32, i32) {
    let lo = NaiveDate::from_ymd_opt(-9999, 1, 1).unwrap();
    let hi = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
    (day_number(lo), day_number(hi))
}

/// Bits 0-1 pick the language (3 is Auto too), bit 2 the mode, bits 3-15
/// a number `k` up to 8191: within about eleven years of 2015 (where news
/// is), or spread over the whole range with both edges reachable.
fn published(v: u16) -> (NaiveDate, Lang) {
    let lang = [Lang::Ar, Lang::En, Lang::Auto, Lang::Auto][(v & 3) as usize];
    let k = (v >> 3) as i32; // 0..=8191
    let (lo, hi) = bounds();
    let n = if v & 4 == 0 {
        let pivot = day_number(NaiveDate::from_ymd_opt(2015, 1, 1).unwrap());
        pivot + k - 4096
    } else {
        lo + ((k as i64 * (hi - lo) as i64) / 8191) as i32
    };
    let day = from_day_number(n.clamp(lo, hi)).expect("a day number in range is a date");
    (day, lang)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let (day, lang) = published(u16::from_le_bytes([data[0], data[1]]));
    let text = String::from_utf8_lossy(&data[2..]);
    let first = extract(&text, day, lang);
    let second = extract(&text, day, lang);
    let a = serde_json::to_string(&first).expect("an extraction serializes");
    let b = serde_json::to_string(&second).expect("an extraction serializes");
    assert_eq!(a, b, "extraction is not deterministic");
});
