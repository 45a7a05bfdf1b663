//! Table-driven cases for the extraction engine (issue 3): normalization,
//! Arabic and English temporal expressions, and the whole pipeline. The
//! case files are in `tests/cases/extract_*.json` and, for temporal
//! expressions, `tests/cases/timex/<stage>_<lang>.json` (one table per file
//! of `src/extract/temporal/`), written for this project.

use chrono::NaiveDate;
use serde_json::Value;
use tarikh::extract::{extract, text::norm_str, Lang, TimexType};

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn cases(json: &str) -> Vec<Value> {
    serde_json::from_str(json).expect("case file is valid JSON")
}

#[test]
fn normalization_cases() {
    for c in cases(include_str!("cases/extract_normalize.json")) {
        let input = c["input"].as_str().unwrap();
        assert_eq!(
            norm_str(input),
            c["norm"].as_str().unwrap(),
            "normalizing {input:?}"
        );
    }
}

/// The temporal case tables of `lang` (`ar`, `en`): every
/// `tests/cases/timex/*_<lang>.json`, with its file name, in name order.
fn timex_tables(lang: &str) -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/timex");
    let mut tables = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/cases/timex is readable") {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.ends_with("_ar.json") || name.ends_with("_en.json"),
            "{name}: a temporal case table is named <stage>_ar.json or <stage>_en.json"
        );
        if name.ends_with(&format!("_{lang}.json")) {
            tables.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    tables.sort();
    assert!(!tables.is_empty(), "no {lang} table in {}", dir.display());
    tables
}

fn run_timex_cases(lang: Lang) {
    let code = if lang == Lang::Ar { "ar" } else { "en" };
    let mut failures = Vec::new();
    for (table, json) in timex_tables(code) {
        run_timex_table(&table, &json, lang, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Checks the cases of one table, adding a line to `failures` (prefixed by
/// the table's name) for each expectation not met.
fn run_timex_table(table: &str, json: &str, lang: Lang, failures: &mut Vec<String>) {
    for c in cases(json) {
        let text = c["text"].as_str().unwrap();
        let x = extract(text, date(c["published"].as_str().unwrap()), lang);
        // every span slices the input exactly
        let chars: Vec<char> = text.chars().collect();
        for t in &x.timexes {
            let s: String = chars[t.span[0]..t.span[1]].iter().collect();
            assert_eq!(s, t.text, "span of {:?}", t.text);
        }
        let expect = c["expect"].as_array().unwrap();
        let dated: Vec<_> = x
            .timexes
            .iter()
            .filter(|t| {
                t.kind != TimexType::Set && t.kind != TimexType::Duration
                    || expect.iter().any(|e| e["text"] == t.text.as_str())
            })
            .collect();
        if expect.is_empty() && !x.timexes.is_empty() {
            failures.push(format!(
                "{table}: {}: expected no timex, got {:?}",
                c["note"],
                x.timexes.iter().map(|t| &t.text).collect::<Vec<_>>()
            ));
            continue;
        }
        for e in expect {
            let want = e["text"].as_str().unwrap();
            let Some(t) = dated.iter().find(|t| t.text == want) else {
                failures.push(format!(
                    "{table}: {}: {want:?} not found in {:?}",
                    c["note"],
                    x.timexes.iter().map(|t| &t.text).collect::<Vec<_>>()
                ));
                continue;
            };
            if let Some(s) = e["start"].as_str() {
                if t.start != Some(date(s)) || t.end != Some(date(e["end"].as_str().unwrap())) {
                    failures.push(format!(
                        "{table}: {}: {want:?} got {:?}..{:?}",
                        c["note"], t.start, t.end
                    ));
                }
            }
            if let Some(v) = e["timex3"].as_str() {
                if t.timex3 != v {
                    failures.push(format!(
                        "{table}: {}: {want:?} timex3 {} (want {v})",
                        c["note"], t.timex3
                    ));
                }
            }
            if let Some(a) = e["approximate"].as_bool() {
                if t.approximate != a {
                    failures.push(format!(
                        "{table}: {}: {want:?} approximate {}",
                        c["note"], t.approximate
                    ));
                }
            }
        }
    }
}

#[test]
fn arabic_timex_cases() {
    run_timex_cases(Lang::Ar);
}

#[test]
fn english_timex_cases() {
    run_timex_cases(Lang::En);
}

#[test]
fn pipeline_cases() {
    let mut failures = Vec::new();
    for c in cases(include_str!("cases/extract_pipeline.json")) {
        let text = c["text"].as_str().unwrap();
        let lang: Lang = c["lang"].as_str().unwrap_or("auto").parse().unwrap();
        let x = extract(text, date(c["published"].as_str().unwrap()), lang);
        let chars: Vec<char> = text.chars().collect();
        for e in &x.events {
            let s: String = chars[e.evidence_span[0]..e.evidence_span[1]]
                .iter()
                .collect();
            assert_eq!(s, e.evidence);
        }
        for want in c["expect"].as_array().unwrap() {
            let (ws, we) = (
                date(want["start"].as_str().unwrap()),
                date(want["end"].as_str().unwrap()),
            );
            let kind = want["kind"].as_str().unwrap();
            let Some(ev) = x
                .events
                .iter()
                .find(|e| e.date.start == ws && e.date.end == we)
            else {
                failures.push(format!(
                    "{}: no event {ws}..{we}; got {:?}",
                    c["note"],
                    x.events
                        .iter()
                        .map(|e| (e.date.start, e.date.end, e.kind))
                        .collect::<Vec<_>>()
                ));
                continue;
            };
            if ev.kind.as_str() != kind {
                failures.push(format!(
                    "{}: event {ws}..{we} is {} (want {kind})",
                    c["note"], ev.kind
                ));
            }
            if let Some(q) = want["quantity"].as_f64() {
                if ev.quantity.as_ref().map(|q| q.value) != Some(q) {
                    failures.push(format!("{}: quantity {:?}", c["note"], ev.quantity));
                }
            }
            if let Some(actors) = want["no_actors"].as_array() {
                for a in actors {
                    if ev.actors.iter().any(|x| x.name == a.as_str().unwrap()) {
                        failures.push(format!(
                            "{}: actor {a} should not be in {:?}",
                            c["note"],
                            ev.actors.iter().map(|x| &x.name).collect::<Vec<_>>()
                        ));
                    }
                }
            }
            if let Some(actors) = want["actors"].as_array() {
                for a in actors {
                    if !ev.actors.iter().any(|x| x.name == a.as_str().unwrap()) {
                        failures.push(format!(
                            "{}: actor {a} missing from {:?}",
                            c["note"],
                            ev.actors.iter().map(|x| &x.name).collect::<Vec<_>>()
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn json_contract() {
    let x = extract(
        "تأسس التحالف في أيلول/سبتمبر 2014.",
        date("2024-01-26"),
        Lang::Auto,
    );
    let v = serde_json::to_value(&x).unwrap();
    let t = &v["timexes"][0];
    assert_eq!(t["type"], "DATE");
    assert_eq!(t["timex3"], "2014-09");
    assert_eq!(t["start"], "2014-09-01");
    assert_eq!(t["end"], "2014-09-30");
    assert_eq!(t["precision"], "month");
    assert_eq!(t["edtf"], "2014-09");
    let e = &v["events"][0];
    assert_eq!(e["kind"], "founding");
    let d = e["date"].as_object().unwrap();
    let mut keys: Vec<_> = d.keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["approximate", "edtf", "end", "precision", "start"]);
    assert!(e["evidence_span"].is_array());
}

/// The seed article, when the shared folder is present (it is not copied into the repository).
#[test]
fn seed_article_when_present() {
    let Ok(gold) = std::fs::read_to_string("../shared/seed/gold/seed.json") else {
        return;
    };
    let g: Value = serde_json::from_str(&gold).unwrap();
    let text = g["text"].as_str().unwrap();
    let x = extract(text, date(g["published"].as_str().unwrap()), Lang::Ar);
    for ge in g["events"].as_array().unwrap() {
        let (s, e) = (
            date(ge["start"].as_str().unwrap()),
            date(ge["end"].as_str().unwrap()),
        );
        assert!(
            x.events
                .iter()
                .any(|ev| ev.date.start == s && ev.date.end == e),
            "gold event {s}..{e} not found"
        );
    }
    assert!(
        !x.timexes.iter().any(|t| t.timex3.contains("2254")),
        "2254 is a resolution, not a year"
    );
}
