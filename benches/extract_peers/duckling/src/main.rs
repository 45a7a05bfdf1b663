//! Reads JSON lines {"id","text","published","lang"} (the shape of
//! `tarikh extract --jsonl`), runs `duckling::parse` for the Time dimension on
//! each text with 00:00 UTC of the published date as the reference time, and
//! prints one JSON summary: articles, bytes, time expressions, seconds spent in
//! `parse` only (reading, JSON decoding and the first-call rule setup are
//! excluded; the setup is reported as `warmup_s`).
//!
//! Usage: duckling-peer FILE [TIME_CAP_SECONDS]  — stops after the cap and
//! reports the rate over the articles done (`capped: true`). With
//! DUCKLING_PEER_DUMP set, prints each article's matched spans on stderr.

use std::io::BufRead;
use std::time::Instant;

use chrono::{FixedOffset, NaiveDate, TimeZone};
use duckling::{parse, Context, DimensionKind, Lang, Locale, Options};

#[derive(serde::Deserialize)]
struct Line {
    text: String,
    published: String,
    lang: String,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: duckling-peer FILE [CAP_S]");
    let cap: f64 = args
        .next()
        .map(|s| s.parse().expect("cap"))
        .unwrap_or(f64::INFINITY);
    let lines: Vec<Line> = std::io::BufReader::new(std::fs::File::open(&path).expect("open"))
        .lines()
        .map(|l| serde_json::from_str(&l.expect("read")).expect("json"))
        .collect();
    let dump = std::env::var_os("DUCKLING_PEER_DUMP").is_some();
    let utc = FixedOffset::east_opt(0).unwrap();
    let opts = Options::default();
    let dims = [DimensionKind::Time];
    let locale_of = |l: &str| match l {
        "ar" => Locale::new(Lang::AR, None),
        "en" => Locale::new(Lang::EN, None),
        other => panic!("unsupported lang {other}"),
    };
    // warm-up: one call per language met, outside the timed loop
    let t = Instant::now();
    let mut seen: Vec<&str> = Vec::new();
    for l in &lines {
        if !seen.contains(&l.lang.as_str()) {
            seen.push(&l.lang);
            let loc = locale_of(&l.lang);
            let ctx = Context::new(utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap(), loc);
            std::hint::black_box(parse("1 2020", &loc, &dims, &ctx, &opts));
        }
    }
    let warmup = t.elapsed().as_secs_f64();
    let (mut n, mut bytes, mut found, mut spent) = (0usize, 0usize, 0usize, 0f64);
    for l in &lines {
        if spent >= cap {
            break;
        }
        let loc = locale_of(&l.lang);
        let d = NaiveDate::parse_from_str(&l.published, "%Y-%m-%d").expect("published");
        let reference = utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap());
        let ctx = Context::new(reference, loc);
        let t = Instant::now();
        let ents = parse(&l.text, &loc, &dims, &ctx, &opts);
        spent += t.elapsed().as_secs_f64();
        found += ents.len();
        if dump {
            let bodies: Vec<&str> = ents.iter().map(|e| e.body.as_str()).collect();
            eprintln!("{bodies:?}");
        }
        n += 1;
        bytes += l.text.len();
    }
    println!(
        "{}",
        serde_json::json!({
            "articles": n, "total": lines.len(), "bytes": bytes, "found": found,
            "seconds": spent, "warmup_s": warmup, "capped": n < lines.len(),
        })
    );
}
