//! Table-driven cases for the extraction engine: normalization, Arabic and
//! English temporal expressions, and the whole pipeline. The tables are
//! TOML files written for this project, each case with a name and a note
//! (what it shows): `tests/cases/extract_normalize.toml`,
//! `tests/cases/extract_pipeline.toml`, and for temporal expressions
//! `tests/cases/timex/<stage>_<lang>.toml`, one table per file of
//! `src/extract/temporal/`.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tarikh::extract::{extract, text::norm_str, Lang, TimexType};

/// A case table: its cases, in order.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table<C> {
    case: Vec<C>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NormalizeCase {
    name: String,
    #[allow(dead_code)]
    note: String,
    input: String,
    norm: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TimexCase {
    name: String,
    #[allow(dead_code)]
    note: String,
    published: NaiveDate,
    text: String,
    expect: Vec<ExpectedTimex>,
}

/// An expression the tagger must find, by its text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedTimex {
    text: String,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    timex3: Option<String>,
    approximate: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PipelineCase {
    name: String,
    #[allow(dead_code)]
    note: String,
    published: NaiveDate,
    /// ar, en or auto.
    lang: String,
    text: String,
    /// How many events in all, when the case says.
    count: Option<usize>,
    expect: Vec<ExpectedEvent>,
}

/// An event the pipeline must make, found by its dates.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedEvent {
    kind: String,
    start: NaiveDate,
    end: NaiveDate,
    #[serde(default)]
    actors: Vec<String>,
    #[serde(default)]
    no_actors: Vec<String>,
    quantity: Option<f64>,
    /// Its places exactly, as "English name:role", in text order.
    places: Option<Vec<String>>,
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases")
}

/// Reads a case table, failing with its path on a bad file; case names
/// are unique within a table.
fn table<C: DeserializeOwned>(path: &Path, name_of: impl Fn(&C) -> &str) -> Vec<C> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()));
    let t: Table<C> = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut names: Vec<&str> = t.case.iter().map(&name_of).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(names.len(), before, "{}: case names repeat", path.display());
    t.case
}

fn report(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn normalization_cases() {
    let path = cases_dir().join("extract_normalize.toml");
    let mut failures = vec![];
    for c in table::<NormalizeCase>(&path, |c| &c.name) {
        let got = norm_str(&c.input);
        if got != c.norm {
            failures.push(format!(
                "{}: {:?} gave {got:?}, want {:?}",
                c.name, c.input, c.norm
            ));
        }
    }
    report(failures);
}

/// The temporal case tables of `lang` (`ar`, `en`): every
/// `tests/cases/timex/*_<lang>.toml`, in name order.
fn timex_tables(lang: &str) -> Vec<PathBuf> {
    let dir = cases_dir().join("timex");
    let mut tables = vec![];
    for entry in std::fs::read_dir(&dir).expect("tests/cases/timex is readable") {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.ends_with("_ar.toml") || name.ends_with("_en.toml"),
            "{name}: a temporal case table is named <stage>_ar.toml or <stage>_en.toml"
        );
        if name.ends_with(&format!("_{lang}.toml")) {
            tables.push(path);
        }
    }
    tables.sort();
    assert!(!tables.is_empty(), "no {lang} table in {}", dir.display());
    tables
}

fn run_timex_cases(lang: Lang) {
    let code = if lang == Lang::Ar { "ar" } else { "en" };
    let mut failures = vec![];
    for path in timex_tables(code) {
        let table_name = path.file_name().unwrap().to_string_lossy().into_owned();
        for c in table::<TimexCase>(&path, |c| &c.name) {
            check_timex_case(
                &format!("{table_name}: {}", c.name),
                &c,
                lang,
                &mut failures,
            );
        }
    }
    report(failures);
}

/// Checks one case, adding a line to `failures` (prefixed by `at`) for
/// each expectation not met.
fn check_timex_case(at: &str, c: &TimexCase, lang: Lang, failures: &mut Vec<String>) {
    let x = extract(&c.text, c.published, lang);
    // Every span slices the input exactly.
    let chars: Vec<char> = c.text.chars().collect();
    for t in &x.timexes {
        let s: String = chars[t.span[0]..t.span[1]].iter().collect();
        assert_eq!(s, t.text, "{at}: span of {:?}", t.text);
    }
    let found = || x.timexes.iter().map(|t| &t.text).collect::<Vec<_>>();
    if c.expect.is_empty() && !x.timexes.is_empty() {
        failures.push(format!("{at}: expected no timex, got {:?}", found()));
        return;
    }
    let dated: Vec<_> = x
        .timexes
        .iter()
        .filter(|t| {
            t.kind != TimexType::Set && t.kind != TimexType::Duration
                || c.expect.iter().any(|e| e.text == t.text)
        })
        .collect();
    for e in &c.expect {
        let want = &e.text;
        let Some(t) = dated.iter().find(|t| &t.text == want) else {
            failures.push(format!("{at}: {want:?} not found in {:?}", found()));
            continue;
        };
        if e.start.is_some() && (t.start != e.start || t.end != e.end) {
            failures.push(format!("{at}: {want:?} got {:?}..{:?}", t.start, t.end));
        }
        if let Some(v) = &e.timex3 {
            if &t.timex3 != v {
                failures.push(format!("{at}: {want:?} timex3 {} (want {v})", t.timex3));
            }
        }
        if let Some(a) = e.approximate {
            if t.approximate != a {
                failures.push(format!("{at}: {want:?} approximate {}", t.approximate));
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
    let path = cases_dir().join("extract_pipeline.toml");
    let mut failures = vec![];
    for c in table::<PipelineCase>(&path, |c| &c.name) {
        let lang: Lang = c.lang.parse().unwrap_or_else(|e| panic!("{}: {e}", c.name));
        let x = extract(&c.text, c.published, lang);
        let chars: Vec<char> = c.text.chars().collect();
        for e in &x.events {
            let s: String = chars[e.evidence_span[0]..e.evidence_span[1]]
                .iter()
                .collect();
            assert_eq!(s, e.evidence, "{}: evidence span", c.name);
        }
        if let Some(n) = c.count.filter(|&n| n != x.events.len()) {
            let got: Vec<_> = x.events.iter().map(|e| &e.evidence).collect();
            failures.push(format!(
                "{}: {} events (want {n}): {got:?}",
                c.name,
                x.events.len()
            ));
        }
        for want in &c.expect {
            let (ws, we) = (want.start, want.end);
            // the event of this kind on these days, else any on these days
            // (reported below as a wrong kind)
            let on_days =
                |e: &&tarikh::extract::ExtractedEvent| e.date.start == ws && e.date.end == we;
            let found = x
                .events
                .iter()
                .filter(on_days)
                .find(|e| e.kind.as_str() == want.kind)
                .or_else(|| x.events.iter().find(on_days));
            let Some(ev) = found else {
                let got: Vec<_> = x
                    .events
                    .iter()
                    .map(|e| (e.date.start, e.date.end, e.kind))
                    .collect();
                failures.push(format!("{}: no event {ws}..{we}; got {got:?}", c.name));
                continue;
            };
            let names = || ev.actors.iter().map(|x| &x.name).collect::<Vec<_>>();
            if ev.kind.as_str() != want.kind {
                failures.push(format!(
                    "{}: event {ws}..{we} is {} (want {})",
                    c.name, ev.kind, want.kind
                ));
            }
            if let Some(q) = want.quantity {
                if ev.quantity.as_ref().map(|q| q.value) != Some(q) {
                    failures.push(format!("{}: quantity {:?}", c.name, ev.quantity));
                }
            }
            for a in &want.no_actors {
                if ev.actors.iter().any(|x| &x.name == a) {
                    failures.push(format!(
                        "{}: actor {a} should not be in {:?}",
                        c.name,
                        names()
                    ));
                }
            }
            for a in &want.actors {
                if !ev.actors.iter().any(|x| &x.name == a) {
                    failures.push(format!("{}: actor {a} missing from {:?}", c.name, names()));
                }
            }
            if let Some(want_places) = &want.places {
                let got: Vec<String> = ev
                    .places
                    .iter()
                    .map(|p| format!("{}:{}", p.name, p.role))
                    .collect();
                if &got != want_places {
                    failures.push(format!("{}: places {got:?} (want {want_places:?})", c.name));
                }
            }
        }
    }
    report(failures);
}

#[test]
fn json_contract() {
    let x = extract(
        "تأسس التحالف في أيلول/سبتمبر 2014.",
        NaiveDate::from_ymd_opt(2024, 1, 26).unwrap(),
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
    assert_eq!(
        keys,
        [
            "approximate",
            "calendar",
            "edtf",
            "end",
            "precision",
            "start"
        ]
    );
    assert_eq!(d["calendar"], "gregorian");
    assert!(e["evidence_span"].is_array());
}
