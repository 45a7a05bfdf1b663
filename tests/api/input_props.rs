//! Property tests for what a client sends before anything is stored:
//! dates, document measures, cursors. Whatever the input, nothing panics,
//! and what is accepted stays inside the supported range.

use proptest::prelude::*;
use tarikh::domain::{
    format_date, parse_date, DateModifier, EventDate, EventOrder, Precision, MAX_YEAR, MIN_YEAR,
};
use tarikh::graphql::limits;
use tarikh::storage::Cursor;

fn date_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[-+]?[0-9]{1,7}-[0-9]{1,3}-[0-9]{1,3}",
        ".{0,20}",
        (-300_000i64..300_000, 0u32..14, 0u32..33)
            .prop_map(|(y, m, d)| format!("{y:05}-{m:02}-{d:02}")),
    ]
}

/// GraphQL-ish text: braces, strings, block strings, escapes, comments.
fn document() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("(".to_string()),
        Just("\"".to_string()),
        Just("\"\"\"".to_string()),
        Just("\\".to_string()),
        Just("#".to_string()),
        Just("\n".to_string()),
        Just("...F ".to_string()),
        Just("fragment F on Event { id ...F }".to_string()),
        "[a-z]{1,6} ".prop_map(|s| s),
    ];
    prop::collection::vec(piece, 0..200).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn dates_parse_in_range_and_label_without_panics(s in date_like(), p in 0usize..8, approx: bool, m in 0usize..6) {
        if let Ok(d) = parse_date(&s) {
            let y = chrono::Datelike::year(&d);
            prop_assert!((MIN_YEAR..=MAX_YEAR).contains(&y));
            prop_assert_eq!(parse_date(&format_date(d)), Ok(d));
            let modifier = DateModifier::ALL.get(m).copied();
            if let Ok(e) = EventDate::new(d, None, Precision::ALL[p], approx, modifier) {
                prop_assert!(e.start <= e.end);
                let _ = (e.edtf(), e.label("en"), e.label("ar"));
            }
        }
    }

    #[test]
    fn documents_are_measured_without_panics(text in document()) {
        let n = limits::nesting(&text);
        let mut batch = async_graphql::BatchRequest::Single(async_graphql::Request::new(text));
        // A document that parses is measured; one that nests past the
        // limit is refused before it is parsed.
        let checked = limits::check_batch(&mut batch);
        if n > limits::MAX_NESTING {
            prop_assert!(checked.is_err());
        }
    }

    #[test]
    fn cursors_decode_without_panics(s in ".{0,40}", raw in "[dc]:[-0-9]{0,12}:[-0-9]{0,12}:[0-9]{0,12}") {
        let encoded = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, raw);
        for order in [EventOrder::DateAsc, EventOrder::DateDesc, EventOrder::CreatedAsc, EventOrder::CreatedDesc] {
            for text in [s.as_str(), encoded.as_str()] {
                if let Some(c) = Cursor::decode(text, order) {
                    prop_assert_eq!(Cursor::decode(&c.encode(), order).map(|x| x.encode()), Some(c.encode()));
                }
            }
        }
    }
}

/// Found by the `extract` fuzz target: a number past u64 multiplied by
/// 100 as hundredths of an hour (an overflow panic where overflow is
/// checked). Also a fraction with more digits than 10^n holds.
#[test]
fn huge_numbers_in_durations_do_not_overflow() {
    use tarikh::extract::{extract, Lang};
    let day = parse_date("2024-01-26").unwrap();
    for text in [
        "In 446666666666666666666666666666666666666666666666666666666 igned in late 2019.",
        "in 2.0000000000000000000000001 hours",
        "in 18446744073709551615 days",
        "in 99999999999/3 hours",
    ] {
        for lang in [Lang::En, Lang::Ar, Lang::Auto] {
            let _ = extract(text, day, lang);
        }
    }
}
