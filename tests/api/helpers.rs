//! Helpers shared by the ingestion and export tests: the binary, the
//! fixtures, and reads of what a store holds.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};
use tarikh::export::DOC_VERSION;

use crate::common::TestApp;

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_tarikh")
}

pub fn tarikh(app: &TestApp, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .arg("--database-url")
        .arg(&app.url)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run tarikh")
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dedup")
}

pub async fn count(app: &TestApp, what: &str) -> usize {
    let q = match what {
        "events" => "{ events(first: 500, filter: {status: [EXTRACTED, CONFIRMED, REJECTED]}) { nodes { id } } }",
        _ => "{ articles(first: 500) { nodes { id } } }",
    };
    let d = app.ok(q, json!({})).await;
    d[what]["nodes"].as_array().unwrap().len()
}

pub fn article(url: &str, published: &str, lang: &str, body: &str) -> String {
    json!({"url": url, "published": published, "language": lang, "body": body, "outlet": "Test Wire"}).to_string()
}

/// Writes `lines` to `file` and ingests it; every article must go in.
pub fn ingest_ok(app: &TestApp, file: &Path, lines: &[String]) {
    std::fs::write(file, lines.join("\n")).unwrap();
    ingest_file_ok(app, file);
}

/// Ingests `file` with the CLI; every article must go in.
pub fn ingest_file_ok(app: &TestApp, file: &Path) {
    let out = tarikh(app, &["ingest", file.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
}

/// The dedup corpus's events after it is ingested, with their actors and
/// mentions.
pub async fn corpus_events(app: &TestApp) -> Vec<Value> {
    let d = app
        .ok(
            "{ events(first: 500) { nodes { id kind actors { actor { id } } mentions { id article { id } } } } }",
            json!({}),
        )
        .await;
    d["events"]["nodes"].as_array().unwrap().clone()
}

/// An event of `events` with two sources or more.
pub fn merged_event(events: &[Value]) -> &Value {
    events
        .iter()
        .find(|e| e["mentions"].as_array().unwrap().len() >= 2)
        .expect("the corpus has a merged event")
}

/// The id of an actor of one of `events`.
pub fn an_actor(events: &[Value]) -> Value {
    events
        .iter()
        .find_map(|e| e["actors"].as_array().unwrap().first().cloned())
        .expect("the corpus has an event with an actor")["actor"]["id"]
        .clone()
}

/// The NDJSON export of the whole store through the CLI.
pub fn export_ndjson(app: &TestApp) -> String {
    let out = tarikh(app, &["export", "--format", "ndjson"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Some events (up to 10) whose export document is missing or stale.
pub async fn stale_docs(app: &TestApp) -> Vec<tarikh::domain::EventId> {
    app.store
        .stale_docs(None, None, 10, DOC_VERSION)
        .await
        .unwrap()
}

/// An export served from the stored documents equals one made from the
/// rows alone (the documents dropped first), and the documents it stores
/// again serve the same. Returns the export.
pub async fn docs_agree(app: &TestApp, after: &str) -> String {
    let warm = export_ndjson(app);
    app.store.clear_docs().await.unwrap();
    let cold = export_ndjson(app);
    assert_eq!(warm, cold, "stored documents out of date after {after}");
    assert_eq!(export_ndjson(app), cold, "documents stored after {after}");
    let stale = stale_docs(app).await;
    assert!(stale.is_empty(), "after {after}: {stale:?}");
    cold
}

/// Waits until no event has a stale export document (the refresher works
/// behind the writes).
pub async fn docs_kept(app: &TestApp, after: &str) {
    app.settle().await;
    let stale = stale_docs(app).await;
    assert!(
        stale.is_empty(),
        "after {after}, documents still stale: {stale:?}"
    );
}

/// Stores an extracted event of kind `kind` on one day, with no actors;
/// returns its id.
pub async fn store_event(
    app: &TestApp,
    title: &str,
    kind: &str,
    day: chrono::NaiveDate,
) -> tarikh::domain::EventId {
    use tarikh::domain::{Change, EventDate, EventKind, EventStatus, NewEvent, Precision};
    let new = NewEvent {
        title: title.into(),
        summary: None,
        kind: EventKind::parse(kind).unwrap(),
        date: EventDate::new(day, None, Precision::Day, false, None).unwrap(),
        quantity: None,
        quantities: vec![],
        confidence: 0.5,
        status: EventStatus::Extracted,
        actors: vec![],
        places: vec![],
    };
    app.store
        .create_event(&new, &Change::by("test"))
        .await
        .unwrap()
        .id
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
