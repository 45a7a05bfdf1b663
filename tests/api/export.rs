//! Exports in every format, over HTTP and the command line, and the
//! stored export documents behind them: made, kept current after every
//! change, made again when damaged, streamed in batches and in turns.

use serde_json::{json, Value};
use tarikh::export::DOC_VERSION;

use crate::common::{day, tmpdir, wait_until, TestApp};
use crate::helpers::*;

async fn exports_parse_back(app: &TestApp) {
    let us = app
        .actor(
            "United States",
            Some("الولايات المتحدة"),
            &[("Washington", "en")],
        )
        .await;
    let iq = app.actor("Iraq", Some("العراق"), &[]).await;
    app.event("Caesar is killed", day("-0043-03-15"), &[]).await;
    app.event_with(
        "Coalition founded",
        json!({"start": "2014-09-01", "precision": "MONTH"}),
        &[&us, &iq],
        json!({"kind": "FOUNDING", "summary": "A \"coalition\", formed, with commas"}),
    )
    .await;
    app.event_with(
        "Attacks on US forces",
        json!({"start": "2023-10-17", "end": "2023-12-31", "precision": "DAY", "approximate": true}),
        &[&us],
        json!({"kind": "ATTACK", "quantity": {"value": 61, "unit": "attacks"}}),
    )
    .await;
    let api = app
        .ok(
            "{ events { nodes { id title date { edtf } actors { actor { name } } } } }",
            json!({}),
        )
        .await;
    let expected: Vec<(String, String)> = api["events"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap().to_string(),
                e["date"]["edtf"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let dir = tmpdir("export");
    for fmt in ["ndjson", "csv", "edtf-csv", "timelinejs"] {
        let path = dir.join(format!("out.{fmt}"));
        let out = tarikh(
            app,
            &[
                "export",
                "--format",
                fmt,
                "--output",
                path.to_str().unwrap(),
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!dir.join("out.partial").exists());
        let text = std::fs::read_to_string(&path).unwrap();
        let got: Vec<(String, String)> = match fmt {
            "ndjson" => text
                .lines()
                .map(|l| {
                    let v: Value = serde_json::from_str(l).unwrap();
                    (
                        v["id"].to_string(),
                        v["date"]["edtf"].as_str().unwrap().to_string(),
                    )
                })
                .collect(),
            "csv" | "edtf-csv" => {
                let mut r = csv::Reader::from_reader(text.as_bytes());
                let h = r.headers().unwrap().clone();
                let (i, e) = (
                    h.iter().position(|x| x == "id").unwrap(),
                    h.iter().position(|x| x == "edtf").unwrap(),
                );
                r.records()
                    .map(|rec| {
                        let rec = rec.unwrap();
                        (rec[i].to_string(), rec[e].to_string())
                    })
                    .collect()
            }
            _ => {
                let v: Value = serde_json::from_str(&text).unwrap();
                let evs = v["events"].as_array().unwrap();
                assert_eq!(
                    evs[0]["start_date"],
                    json!({"year": -44, "month": 3, "day": 15})
                );
                assert_eq!(evs[1]["start_date"], json!({"year": 2014, "month": 9}));
                assert!(evs[1].get("end_date").is_none());
                assert_eq!(evs[1]["group"], "United States");
                assert_eq!(
                    evs[2]["end_date"],
                    json!({"year": 2023, "month": 12, "day": 31})
                );
                evs.iter()
                    .map(|e| {
                        let id = e["unique_id"]
                            .as_str()
                            .unwrap()
                            .trim_start_matches("event-")
                            .to_string();
                        let edtf = expected.iter().find(|(i, _)| *i == id).unwrap().1.clone();
                        (id, edtf)
                    })
                    .collect()
            }
        };
        assert_eq!(got, expected, "format {fmt}");
    }
    // CSV keeps quotes and commas intact.
    let mut r = csv::Reader::from_path(dir.join("out.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(&rows[1][2], "A \"coalition\", formed, with commas");
    assert_eq!(&rows[1][15], "United States; Iraq");

    // HTTP streams with filters, and resumes after a cursor.
    let get = |q: &str| {
        let url = format!("{}/export/events.ndjson?{q}", app.addr);
        let c = app.client.clone();
        async move { c.get(url).send().await.unwrap() }
    };
    let lines = |t: String| -> Vec<Value> {
        t.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let all = lines(get("").await.text().await.unwrap());
    assert_eq!(all.len(), 3);
    let w = lines(
        get("actor=Washington&from=2014-01-01")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(w.len(), 2);
    assert_eq!(w[1]["quantity"], json!({"value": 61.0, "unit": "attacks"}));
    let cursor = all[0]["cursor"].as_str().unwrap();
    let rest = lines(get(&format!("after={cursor}")).await.text().await.unwrap());
    assert_eq!(rest.len(), 2);
    assert_eq!(rest[0]["id"], all[1]["id"]);
    let bad = get("from=2024-13-01").await;
    assert_eq!(bad.status().as_u16(), 400);
    let csv_resp = app.get("/export/events.csv?kind=founding").await;
    assert!(csv_resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv_resp.text().await.unwrap();
    assert_eq!(
        csv::Reader::from_reader(text.as_bytes()).records().count(),
        1
    );

    // Incremental sync: what changed since a time, and what was deleted.
    // The mark is the time of the last write so far, as the server
    // recorded it: every later write is after it.
    let times = app
        .ok("{ events(first: 500) { nodes { updatedAt } } }", json!({}))
        .await;
    let mark = times["events"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| chrono::DateTime::parse_from_rfc3339(n["updatedAt"].as_str().unwrap()).unwrap())
        .max()
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    let first = &expected[0].0;
    app.ok(
        "mutation($id: ID!) { updateEvent(id: $id, input: {summary: \"edited\"}) { id } }",
        json!({"id": first}),
    )
    .await;
    let last = &expected[2].0;
    app.ok(
        "mutation($id: ID!) { deleteEvent(id: $id) }",
        json!({"id": last}),
    )
    .await;
    let changed = lines(
        get(&format!("updatedSince={}", urlencode(&mark)))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["id"].to_string(), *first);
    let t = app
        .get(&format!(
            "/export/tombstones.ndjson?since={}",
            urlencode(&mark)
        ))
        .await
        .text()
        .await
        .unwrap();
    let t = lines(t);
    assert_eq!(t.len(), 1);
    assert_eq!(t[0]["event_id"].to_string(), *last);

    // The CLI's tombstone feed resumes after a tombstone id, and refuses
    // the event filters it cannot apply.
    let second = &expected[1].0;
    app.ok(
        "mutation($id: ID!) { deleteEvent(id: $id) }",
        json!({"id": second}),
    )
    .await;
    let feed = |extra: &[&str]| {
        let mut args = vec!["export", "--tombstones"];
        args.extend_from_slice(extra);
        tarikh(app, &args)
    };
    let feed_ok = |extra: &[&str]| {
        let out = feed(extra);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        lines(String::from_utf8(out.stdout).unwrap())
    };
    let all_t = feed_ok(&[]);
    assert_eq!(all_t.len(), 2);
    let first_t = all_t[0]["id"].to_string();
    let rest_t = feed_ok(&["--after", &first_t]);
    assert_eq!(rest_t.len(), 1);
    assert_eq!(rest_t[0]["event_id"].to_string(), *second);
    // Rejecting an event (once) tells the feed too: exports leave it out.
    for _ in 0..2 {
        app.ok(
            "mutation($id: ID!) { updateEvent(id: $id, input: {status: REJECTED}) { id } }",
            json!({"id": first}),
        )
        .await;
    }
    let t = app.ok("{ tombstones { eventId reason } }", json!({})).await;
    let rejected: Vec<&Value> = t["tombstones"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["reason"] == "rejected")
        .collect();
    assert_eq!(rejected.len(), 1, "{t}");
    assert_eq!(rejected[0]["eventId"].as_str().unwrap(), first.as_str());
    for bad in [&["--after", "not-an-id"][..], &["--from", "2014-01-01"][..]] {
        let out = feed(bad);
        assert!(!out.status.success(), "{bad:?} was accepted");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--tombstones"));
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Exports serve each event's stored document only while it is current:
/// every kind of change (fields, actors' names, merges, splits, new
/// evidence, deletion) makes the event's document stale in its own
/// transaction, and ingestion stores the documents of what it wrote.
async fn stored_export_documents_follow_every_change(app: &TestApp) {
    ingest_file_ok(app, &fixtures().join("articles.jsonl"));
    let stale = stale_docs(app).await;
    assert!(stale.is_empty(), "ingest left documents to make: {stale:?}");
    let first = docs_agree(app, "ingest").await;
    let events = corpus_events(app).await;
    let id = |e: &Value| e["id"].as_str().unwrap().to_string();
    let merged = merged_event(&events);
    let (m_id, m_mention) = (id(merged), merged["mentions"][0]["id"].clone());
    let actor = an_actor(&events);

    app.ok(
        "mutation($id: ID!) { updateEvent(id: $id, input: {summary: \"curated\"}) { id } }",
        json!({"id": id(&events[0])}),
    )
    .await;
    assert_ne!(docs_agree(app, "updateEvent").await, first);

    app.ok(
        "mutation($id: ID!) { updateActor(id: $id, input: {name: \"Renamed Actor\", wikidata: \"Q98765\"}) { id } }",
        json!({"id": actor}),
    )
    .await;
    let renamed = docs_agree(app, "updateActor").await;
    assert!(renamed.contains("Renamed Actor") && renamed.contains("Q98765"));

    app.ok(
        "mutation($id: ID!) { splitMention(mentionId: $id) { id } }",
        json!({"id": m_mention}),
    )
    .await;
    docs_agree(app, "splitMention").await;

    let same_kind: Vec<String> = events
        .iter()
        .filter(|e| e["kind"] == merged["kind"] && id(e) != m_id)
        .take(1)
        .map(id)
        .collect();
    if let Some(other) = same_kind.first() {
        app.ok(
            "mutation($ids: [ID!]!) { mergeEvents(ids: $ids) { id } }",
            json!({"ids": [m_id, other]}),
        )
        .await;
        docs_agree(app, "mergeEvents").await;
    }

    let article_id: tarikh::domain::ArticleId = merged["mentions"][0]["article"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let target: tarikh::domain::EventId = id(&events[1]).parse().unwrap();
    app.store
        .add_mention(
            target,
            &tarikh::domain::NewMention {
                article_id,
                sentence: "A sentence added by hand as evidence.".into(),
                span: (0, 37),
                when_text: None,
                when_span: None,
            },
        )
        .await
        .unwrap();
    assert!(docs_agree(app, "add_mention")
        .await
        .contains("A sentence added by hand as evidence."));

    app.ok(
        "mutation($id: ID!) { deleteEvent(id: $id) }",
        json!({"id": id(&events[1])}),
    )
    .await;
    docs_agree(app, "deleteEvent").await;

    // A new report of a stored event, ingested: merged, its document made.
    let dir = tmpdir("docs");
    let file = dir.join("more.jsonl");
    let more = article(
        "https://t.example/docs/extra",
        "2024-03-16",
        "en",
        "A drone attack struck a base housing US troops in eastern Syria on March 14, 2024, officials confirmed on Saturday.",
    );
    ingest_ok(app, &file, &[more]);
    let stale = stale_docs(app).await;
    assert!(stale.is_empty(), "ingest left documents to make: {stale:?}");
    let last = docs_agree(app, "a merging ingest").await;

    // `tarikh refresh-docs` makes what is missing, and only that.
    let n = app.store.clear_docs().await.unwrap();
    let out = tarikh(app, &["refresh-docs"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(&format!("export documents made {n};")),
        "{err}"
    );
    let stale = stale_docs(app).await;
    assert!(stale.is_empty(), "{stale:?}");
    assert_eq!(export_ndjson(app), last);
    let again = tarikh(app, &["refresh-docs"]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("export documents made 0;"));
    let _ = std::fs::remove_dir_all(dir);
}

/// Curation through the API leaves no export document stale for long:
/// the keeper behind the mutations makes them again, with no export or
/// `tarikh refresh-docs` in between, and they equal documents made from
/// the rows.
async fn api_writes_keep_export_documents_current(app: &TestApp) {
    ingest_file_ok(app, &fixtures().join("articles.jsonl"));
    docs_kept(app, "ingest").await;
    let events = corpus_events(app).await;
    let merged = merged_event(&events);
    let actor = an_actor(&events);

    app.ok(
        "mutation($id: ID!) { updateEvent(id: $id, input: {summary: \"kept\"}) { id } }",
        json!({"id": events[0]["id"]}),
    )
    .await;
    docs_kept(app, "updateEvent").await;
    app.ok(
        "mutation($id: ID!) { updateActor(id: $id, input: {name: \"Kept Actor\"}) { id } }",
        json!({"id": actor}),
    )
    .await;
    docs_kept(app, "updateActor").await;
    app.ok(
        "mutation($id: ID!) { splitMention(mentionId: $id) { id } }",
        json!({"id": merged["mentions"][0]["id"]}),
    )
    .await;
    docs_kept(app, "splitMention").await;
    let kept = docs_agree(app, "the keeper's passes").await;
    assert!(kept.contains("\"kept\"") && kept.contains("Kept Actor"));
}

/// Streaming exports take turns: each holds a connection while it runs,
/// so only some stream at once; the next one waits (it does not fail),
/// the API still answers meanwhile, and the waiting export runs to its
/// end as soon as another one is dropped.
async fn exports_take_turns(app: &TestApp) {
    use std::time::Duration;
    let day = chrono::NaiveDate::from_ymd_opt(2001, 2, 3).unwrap();
    for i in 0..5 {
        store_event(app, &format!("Queued {i}"), "other", day).await;
    }
    // Batches of one row, never read past the first: each running export
    // fills its channel and holds its turn.
    let open = || {
        app.store
            .doc_stream(Default::default(), None, 1, DOC_VERSION)
    };
    let mut running = vec![];
    for _ in 0..app.store.concurrent_exports() {
        let mut rx = open();
        let first = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("an export within the limit runs");
        assert_eq!(first.unwrap().unwrap().len(), 1);
        running.push(rx);
    }
    let mut waiting = open();
    wait_until("the export past the limit waits for a turn", || async {
        app.store.streams_waiting() == 1
    })
    .await;
    assert!(
        matches!(
            waiting.try_recv(),
            Err(tokio::sync::mpsc::error::TryRecvError::Empty)
        ),
        "an export past the limit ran"
    );
    let d = app
        .ok("{ events(first: 10) { nodes { id } } }", json!({}))
        .await;
    assert_eq!(d["events"]["nodes"].as_array().unwrap().len(), 5);
    drop(running.pop());
    let mut rows = 0;
    loop {
        let batch = tokio::time::timeout(Duration::from_secs(30), waiting.recv())
            .await
            .expect("the waiting export gets its turn");
        match batch {
            Some(b) => rows += b.unwrap().len(),
            None => break,
        }
    }
    assert_eq!(rows, 5);
}

/// Migrations 7 and 6 roll back and apply again on a store with rows:
/// the triggers, the counter and the columns go and come back (and the
/// export documents' table, emptied), and writes are numbered again.
async fn change_numbers_migrate_down_and_up(app: &TestApp) {
    use migration::{Migrator, MigratorTrait};
    let day = chrono::NaiveDate::from_ymd_opt(2016, 3, 4).unwrap();
    store_event(app, "before", "meeting", day).await;
    let db = sea_orm::Database::connect(app.url.as_str()).await.unwrap();
    // Back to before migration 8 (each later one is undone too).
    Migrator::down(&db, Some(4)).await.unwrap();
    // Writes work without the triggers (the code before migration 6 would
    // run here) ...
    use sea_orm::ConnectionTrait;
    db.execute_unprepared("UPDATE event SET title = 'between'")
        .await
        .unwrap();
    Migrator::up(&db, None).await.unwrap();
    db.close().await.unwrap();
    // ... and after it again, every write is numbered past a token.
    let t = app.store.sync_token().await.unwrap();
    let id = store_event(app, "after", "meeting", day).await;
    let f = tarikh::domain::EventFilter {
        changed_since: Some(t),
        ..Default::default()
    };
    let page = app
        .store
        .events_page(&f, tarikh::domain::EventOrder::DateAsc, None, 10, false)
        .await
        .unwrap();
    let ids: Vec<tarikh::domain::EventId> = page.events.iter().map(|e| e.id).collect();
    assert_eq!(ids, [id]);
}

/// A stored export document that does not unpack (damaged, or written by
/// something else) counts as missing: the export makes the line from the
/// rows, and stores it again in place of the damaged one. One document
/// gets a length no block could reach, the other a plausible length and a
/// block that does not decode.
async fn damaged_documents_are_made_again(app: &TestApp) {
    use sea_orm::ConnectionTrait;
    let day = chrono::NaiveDate::from_ymd_opt(2014, 9, 10).unwrap();
    store_event(app, "first", "meeting", day).await;
    store_event(app, "second", "meeting", day.succ_opt().unwrap()).await;
    let good = export_ndjson(app);
    assert!(stale_docs(app).await.is_empty());
    let (garbage, bad_block) = if app.url.starts_with("postgres") {
        (
            "convert_to('garbage', 'UTF8')",
            "decode('05000000ffffffffff', 'hex')",
        )
    } else {
        ("CAST('garbage' AS BLOB)", "X'05000000FFFFFFFFFF'")
    };
    let db = sea_orm::Database::connect(app.url.as_str()).await.unwrap();
    db.execute_unprepared(&format!(
        "UPDATE event_doc SET doc = CASE WHEN event_id = (SELECT min(event_id) FROM event_doc) \
         THEN {garbage} ELSE {bad_block} END"
    ))
    .await
    .unwrap();
    assert_eq!(damaged_docs(&db).await, 2);
    assert_eq!(export_ndjson(app), good);
    assert_eq!(
        damaged_docs(&db).await,
        0,
        "the export stores the documents it made again"
    );
    db.close().await.unwrap();
    assert_eq!(export_ndjson(app), good);
}

/// How many stored export documents are as short as the damaged ones of
/// `damaged_documents_are_made_again` (7 and 9 bytes; real ones are longer).
async fn damaged_docs(db: &sea_orm::DatabaseConnection) -> i64 {
    use sea_orm::ConnectionTrait;
    db.query_one_raw(sea_orm::Statement::from_string(
        db.get_database_backend(),
        "SELECT count(*) AS n FROM event_doc WHERE length(doc) < 10",
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get("", "n")
    .unwrap()
}

const PAGE_EDGE: usize = tarikh::export::PAGE as usize;

/// An export longer than one batch: every event once, in date order, the
/// same from stored documents as from the rows, and a job that resumes
/// after a row's cursor (at a batch edge or not) gets exactly the rest.
async fn long_exports_span_batches(app: &TestApp) {
    let n = tarikh::export::PAGE as usize + 150;
    let first = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    for i in 0..n {
        // Days out of id order, many shared: the order is by day, then id.
        let day = first + chrono::Days::new(((i * 7919) % 600) as u64);
        store_event(app, &format!("Event {i}"), "other", day).await;
    }
    // No documents yet: every one is made, across two batches.
    let cold = export_ndjson(app);
    assert_eq!(export_ndjson(app), cold);
    let rows: Vec<Value> = cold
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), n);
    let key = |v: &Value| {
        let start = v["date"]["start"].as_str().unwrap().to_string();
        (start, v["id"].as_i64().unwrap())
    };
    assert!(rows.windows(2).all(|w| key(&w[0]) < key(&w[1])));
    for at in [PAGE_EDGE - 1, PAGE_EDGE, n - 2] {
        let cursor = rows[at]["cursor"].as_str().unwrap();
        let out = tarikh(app, &["export", "--after", cursor]);
        assert!(out.status.success());
        let rest = String::from_utf8(out.stdout).unwrap();
        let expected: String = cold
            .lines()
            .skip(at + 1)
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(rest, expected, "resumed after row {at}");
    }
}

/// What a client can put in an export's query string is bounded before
/// anything is read: too many actors, an unknown or repeated parameter and
/// an oversized query string are refused, never streamed.
async fn export_queries_are_checked_before_reading(app: &TestApp) {
    let status = |q: String| {
        let url = format!("{}/export/events.ndjson?{q}", app.addr);
        let c = app.client.clone();
        async move {
            let r = c.get(url).send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.text().await.unwrap_or_default())
        }
    };
    let many: String = (0..21).map(|i| format!("actor=a{i}&")).collect();
    let (code, body) = status(many).await;
    assert_eq!(code, 400, "{body}");
    assert!(body.contains("at most 20 actors"), "{body}");
    let (code, body) = status("nosuch=1".into()).await;
    assert_eq!(code, 400, "{body}");
    assert!(body.contains("nosuch"), "{body}");
    let (code, body) = status("from=2024-01-01&from=2024-02-01".into()).await;
    assert_eq!(code, 400, "{body}");
    // A query string of a megabyte never reaches the parser: the server
    // answers 4xx or drops the connection, and stays up.
    let huge = format!("kind={}", "attack,".repeat(150_000));
    let url = format!("{}/export/events.ndjson?{huge}", app.addr);
    if let Ok(r) = app.client.get(url).send().await {
        assert!(r.status().is_client_error(), "{}", r.status());
    }
    let (code, body) = status("kind=attack".into()).await;
    assert_eq!(code, 200, "{body}");
}

on_both_backends!(
    export_queries_are_checked_before_reading,
    exports_parse_back,
    stored_export_documents_follow_every_change,
    api_writes_keep_export_documents_current,
    exports_take_turns,
    change_numbers_migrate_down_and_up,
    long_exports_span_batches,
    damaged_documents_are_made_again,
);
