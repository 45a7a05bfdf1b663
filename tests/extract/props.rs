//! Property tests for the extraction engine: it never panics, and every span
//! slices the input exactly (code points).

use chrono::NaiveDate;
use proptest::prelude::*;
use tarikh::extract::{extract, Lang};

fn check(text: &str, published: NaiveDate, lang: Lang) {
    let x = extract(text, published, lang);
    let chars: Vec<char> = text.chars().collect();
    for t in &x.timexes {
        assert!(t.span[0] <= t.span[1] && t.span[1] <= chars.len());
        let s: String = chars[t.span[0]..t.span[1]].iter().collect();
        assert_eq!(s, t.text);
        if let (Some(a), Some(b)) = (t.start, t.end) {
            assert!(a <= b);
        }
    }
    for e in &x.events {
        assert!(e.evidence_span[1] <= chars.len());
        let s: String = chars[e.evidence_span[0]..e.evidence_span[1]]
            .iter()
            .collect();
        assert_eq!(s, e.evidence);
        assert!(e.date.start <= e.date.end);
        for a in &e.actors {
            assert!(!a.text.is_empty());
        }
    }
    let _ = serde_json::to_string(&x).unwrap();
}

const PIECES: &[&str] = &[
    "أمس",
    "الخميس",
    "منذ",
    "17",
    "أكتوبر",
    "/",
    "تشرين الأول",
    "2023",
    "قبل",
    "أيام",
    "مطلع",
    "العام",
    "الجاري",
    "نهاية",
    "كانون",
    "ديسمبر",
    "بين",
    "و",
    "2014",
    "،",
    ".",
    "هـ",
    "رمضان",
    "1445",
    "الموافق",
    "early",
    "May",
    "last",
    "week",
    "2,500",
    "troops",
    "since",
    "ago",
    "two",
    "years",
    "\u{200f}",
    "\u{0640}",
    "ّ",
    "\n",
    " ",
    "٢٠٢٤",
    "من",
    "إلى",
    "حتى",
    "Friday",
    "the",
    "of",
    "9999",
    "0",
    "31",
    "-",
    ":",
    "30",
    "صباحا",
    "الساعة",
    "every",
    "واشنطن",
    "البنتاغون",
    "Sat",
    "Sun",
    ",",
    "Sep",
    "BC",
    "a.d.",
    "ides",
    "week-end",
    "within",
    "after",
    "next",
    "'s",
    "midnight",
    "March",
    "first",
    "/",
];

/// Long runs of one starter word must not recurse once per word (the
/// test threads have small stacks) and must finish.
#[test]
fn long_repetitions_stay_linear() {
    let day = NaiveDate::from_ymd_opt(2013, 2, 12).unwrap();
    for piece in [
        "Sat ",
        "Sun, ",
        "March ",
        "the ",
        "week's ",
        "14 ",
        "AD ",
        "within ",
        "about ",
        "حوالي ",
    ] {
        let text = format!("{}Sep 21", piece.repeat(20_000));
        check(&text, day, Lang::En);
    }
    // Scale words and counted nouns: each count looks at one token before it.
    for piece in ["مليون ", "15 ألف شخص ", "ألفا آخرين "] {
        let text = format!("{}قتل في 3 آذار 2024", piece.repeat(20_000));
        check(&text, day, Lang::Ar);
    }
    check(&"a million people fled ".repeat(20_000), day, Lang::En);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_unicode_never_panics(s in "\\PC{0,200}", days in -800_000i32..3_000_000, l in 0u8..3) {
        let published = NaiveDate::from_num_days_from_ce_opt(days).unwrap_or_default();
        let lang = [Lang::Ar, Lang::En, Lang::Auto][l as usize];
        check(&s, published, lang);
    }

    #[test]
    fn temporal_word_salad_never_panics(idx in proptest::collection::vec(0usize..PIECES.len(), 0..40), days in 1i32..1_000_000, l in 0u8..3) {
        let text: String = idx.iter().map(|&i| PIECES[i]).collect::<Vec<_>>().join(" ");
        let published = NaiveDate::from_num_days_from_ce_opt(days).unwrap_or_default();
        let lang = [Lang::Ar, Lang::En, Lang::Auto][l as usize];
        check(&text, published, lang);
    }
}
