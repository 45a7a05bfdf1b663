//! Ingestion, cross-source deduplication, corrections with history and
//! exports, on PostgreSQL and SQLite, through the real binary and the API.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{day, tmpdir, wait_until, TestApp};
use serde_json::{json, Value};
use tarikh::export::DOC_VERSION;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_tarikh")
}

fn tarikh(app: &TestApp, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .arg("--database-url")
        .arg(&app.url)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run tarikh")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dedup")
}

async fn count(app: &TestApp, what: &str) -> usize {
    let q = match what {
        "events" => "{ events(first: 500, filter: {status: [EXTRACTED, CONFIRMED, REJECTED]}) { nodes { id } } }",
        _ => "{ articles(first: 500) { nodes { id } } }",
    };
    let d = app.ok(q, json!({})).await;
    d[what]["nodes"].as_array().unwrap().len()
}

fn article(url: &str, published: &str, lang: &str, body: &str) -> String {
    json!({"url": url, "published": published, "language": lang, "body": body, "outlet": "Test Wire"}).to_string()
}

async fn cli_ingest_is_idempotent_and_reports_failures(app: &TestApp) {
    let dir = tmpdir("ingest");
    let lines = [
        article(
            "https://t.example/1",
            "2024-01-26",
            "en",
            "The ministry announced on January 25, 2024 that talks with Washington had ended.",
        ),
        "{not json".to_string(),
        json!({"url": "https://t.example/nodate", "body": "Text without a date."}).to_string(),
        json!({"url": "https://t.example/empty", "published": "2024-01-01", "body": "  "}).to_string(),
        article(
            "https://t.example/2",
            "2024-02-02",
            "ar",
            "أعلنت وزارة الخارجية العراقية أمس الخميس عن جولة جديدة من المفاوضات مع الولايات المتحدة.",
        ),
    ];
    std::fs::write(dir.join("batch.jsonl"), lines.join("\n")).unwrap();
    std::fs::write(
        dir.join("note.txt"),
        "Officials said on Monday that the convoy had reached the border.",
    )
    .unwrap();
    let out = tarikh(app, &["ingest", dir.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "failures must give a non-zero exit: {err}"
    );
    assert!(err.contains("batch.jsonl:2: invalid JSON"), "{err}");
    assert!(
        err.contains("batch.jsonl:3: missing publication date"),
        "{err}"
    );
    assert!(err.contains("batch.jsonl:4: empty body"), "{err}");
    assert!(
        err.contains("note.txt: a .txt or .md file needs --published and --lang"),
        "{err}"
    );
    assert!(
        err.contains("articles read 6, ingested 2, skipped 0, failed 4"),
        "{err}"
    );
    let events = count(app, "events").await;
    assert!(events >= 2, "events from the two good articles: {events}");
    assert_eq!(count(app, "articles").await, 2);

    // Again: nothing changes, everything already stored is skipped.
    let out = tarikh(app, &["ingest", dir.join("batch.jsonl").to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ingested 0, skipped 2, failed 3"), "{err}");
    assert_eq!(count(app, "events").await, events);
    assert_eq!(count(app, "articles").await, 2);

    // The .txt file with its date and language.
    let out = tarikh(
        app,
        &[
            "ingest",
            "--published",
            "2024-03-05",
            "--lang",
            "en",
            dir.join("note.txt").to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(count(app, "articles").await, 3);
    let _ = std::fs::remove_dir_all(dir);
}

fn many_articles(n: usize) -> String {
    let months = ["January", "February", "March", "April", "May", "June"];
    (0..n)
        .map(|i| {
            article(
                &format!("https://bulk.example/{i}"),
                "2024-07-01",
                "en",
                &format!(
                    "Report {i}: the council met on {} {}, 2024 to discuss item {i}. Officials said {} delegates attended.",
                    months[i % 6],
                    1 + i % 28,
                    10 + i
                ),
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn killed_ingest_completes_on_rerun(app: &TestApp) {
    const N: usize = 300;
    let dir = tmpdir("kill");
    let file = dir.join("bulk.jsonl");
    std::fs::write(&file, many_articles(N)).unwrap();
    let mut child = Command::new(bin())
        .args(["ingest", file.to_str().unwrap(), "--database-url", &app.url])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once some articles are in.
    wait_until("the ingest writes five articles", || async {
        app.store.articles_page(None, 500).await.unwrap().0.len() >= 5
    })
    .await;
    child.kill().unwrap();
    child.wait().unwrap();
    let out = tarikh(app, &["ingest", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every article once, and every extracted event's evidence exactly once.
    let (articles, _) = app.store.articles_page(None, 500).await.unwrap();
    let mut n_articles = articles.len();
    let mut after = articles.last().map(|a| a.id);
    while let Some(a) = after {
        let (page, _) = app.store.articles_page(Some(a), 500).await.unwrap();
        n_articles += page.len();
        after = page.last().map(|a| a.id);
    }
    assert_eq!(n_articles, N);
    let input: String = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let a: Value = serde_json::from_str(l).unwrap();
            format!(
                "{}\n",
                json!({"id": i.to_string(), "text": a["body"], "published": a["published"], "lang": "en"})
            )
        })
        .collect();
    let lines_file = dir.join("extract-input.jsonl");
    std::fs::write(&lines_file, input).unwrap();
    let out = Command::new(bin())
        .args(["extract", "--jsonl", lines_file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected: usize = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["events"]
                .as_array()
                .unwrap()
                .len()
        })
        .sum();
    assert!(expected >= N);
    assert_eq!(app.store.mention_count().await.unwrap() as usize, expected);
    let _ = std::fs::remove_dir_all(dir);
}

/// Pairwise precision and recall of the merge on the dedup corpus.
async fn dedup_corpus(app: &TestApp) {
    ingest_file_ok(app, &fixtures().join("articles.jsonl"));
    let gold: Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("gold.json")).unwrap())
            .unwrap();
    let mut cluster_of = std::collections::HashMap::new();
    for (name, members) in gold["clusters"].as_object().unwrap() {
        for m in members.as_array().unwrap() {
            cluster_of.insert(
                (
                    m[0].as_str().unwrap().to_string(),
                    m[1].as_str().unwrap().to_string(),
                    m[2].as_str().unwrap().to_string(),
                ),
                name.clone(),
            );
        }
    }
    let d = app
        .ok(
            "{ events(first: 500) { nodes { id kind date { start } sourceCount mentions { id article { url } } } } }",
            json!({}),
        )
        .await;
    // (mention, system event, gold cluster or a singleton of its own)
    let mut items = vec![];
    for e in d["events"]["nodes"].as_array().unwrap() {
        for m in e["mentions"].as_array().unwrap() {
            let key = (
                m["article"]["url"].as_str().unwrap().to_string(),
                e["date"]["start"].as_str().unwrap().to_string(),
                e["kind"].as_str().unwrap().to_ascii_lowercase(),
            );
            let gold = cluster_of
                .get(&key)
                .cloned()
                .unwrap_or_else(|| format!("single-{}", m["id"]));
            items.push((e["id"].as_str().unwrap().to_string(), gold));
        }
    }
    let (mut tp, mut sys, mut gp) = (0, 0, 0);
    for i in 0..items.len() {
        for j in i + 1..items.len() {
            let same_sys = items[i].0 == items[j].0;
            let same_gold = items[i].1 == items[j].1;
            tp += (same_sys && same_gold) as usize;
            sys += same_sys as usize;
            gp += same_gold as usize;
        }
    }
    let p = if sys == 0 {
        1.0
    } else {
        tp as f64 / sys as f64
    };
    let r = tp as f64 / gp as f64;
    println!("dedup corpus: pairwise precision {p:.2}, recall {r:.2} ({tp} of {gp} gold pairs, {sys} merged pairs)");
    assert!(
        p >= 0.9 && r >= 0.85,
        "dedup precision {p:.2} recall {r:.2}"
    );

    // The attack of 14 March 2024: three sources, one event.
    let a = d["events"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "ATTACK" && e["date"]["start"] == "2024-03-14")
        .unwrap()
        .clone();
    assert_eq!(a["sourceCount"], 3);
    // Split one mention off, then merge it back: both recorded.
    let mention = a["mentions"][2]["id"].as_str().unwrap().to_string();
    let s = app
        .ok(
            "mutation($m: ID!) { splitMention(mentionId: $m, note: \"different base\") { id sourceCount } }",
            json!({"m": mention}),
        )
        .await;
    let new_id = s["splitMention"]["id"].as_str().unwrap().to_string();
    assert_eq!(s["splitMention"]["sourceCount"], 1);
    let m = app
        .ok(
            "mutation($ids: [ID!]!) { mergeEvents(ids: $ids, note: \"same base after all\") { id sourceCount revisions { action by note } } }",
            json!({"ids": [a["id"], new_id]}),
        )
        .await;
    assert_eq!(m["mergeEvents"]["sourceCount"], 3);
    let actions: Vec<&str> = m["mergeEvents"]["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"split") && actions.last() == Some(&"merge"),
        "{actions:?}"
    );
    let t = app
        .ok("{ tombstones { eventId reason mergedInto } }", json!({}))
        .await;
    assert_eq!(
        t["tombstones"],
        json!([{"eventId": new_id, "reason": "merged", "mergedInto": a["id"]}])
    );
    // A mention that is its event's only evidence cannot be split.
    let lone = app
        .ok(
            "query($id: ID!) { event(id: $id) { mentions { id } } }",
            json!({"id": new_id}),
        )
        .await;
    assert!(
        lone["event"].is_null(),
        "the split-off event was merged away"
    );
    let single = d["events"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["sourceCount"] == 1)
        .unwrap();
    assert_eq!(
        app.codes(
            Some(common::TOKEN),
            "mutation($m: ID!) { splitMention(mentionId: $m) { id } }",
            json!({"m": single["mentions"][0]["id"]})
        )
        .await,
        ["BAD_USER_INPUT"]
    );
}

async fn revisions_record_every_change(app: &TestApp) {
    let id = app.event("Talks open", day("2024-01-25"), &[]).await;
    app.ok(
        "mutation($id: ID!) { updateEvent(id: $id, input: {title: \"Talks open in Baghdad\", date: {start: \"2024-01-24\", precision: DAY}}, note: \"date per the ministry's statement\") { id } }",
        json!({"id": id}),
    )
    .await;
    let d = app
        .ok(
            "query($id: ID!) { event(id: $id) { revisions { by action note before after } } }",
            json!({"id": id}),
        )
        .await;
    let revs = d["event"]["revisions"].as_array().unwrap();
    assert_eq!(revs.len(), 2);
    assert_eq!(revs[0]["action"], "create");
    assert_eq!(revs[0]["by"], "tester");
    assert_eq!(revs[0]["after"]["title"], "Talks open");
    assert_eq!(revs[1]["action"], "update");
    assert_eq!(revs[1]["note"], "date per the ministry's statement");
    assert_eq!(revs[1]["before"]["title"], "Talks open");
    assert_eq!(revs[1]["after"]["title"], "Talks open in Baghdad");
    assert_eq!(revs[1]["before"]["date"]["start"], "2024-01-25");
    assert_eq!(revs[1]["after"]["date"]["start"], "2024-01-24");
    assert!(
        revs[1]["after"].get("kind").is_none(),
        "only changed fields: {}",
        revs[1]
    );
    // Deleting keeps the history and leaves a tombstone.
    app.ok(
        "mutation($id: ID!) { deleteEvent(id: $id, note: \"duplicate\") }",
        json!({"id": id}),
    )
    .await;
    let t = app.ok("{ tombstones { eventId reason } }", json!({})).await;
    assert_eq!(
        t["tombstones"],
        json!([{"eventId": id, "reason": "deleted"}])
    );
    let h = app
        .store
        .revisions_of(&[id.parse().unwrap()])
        .await
        .unwrap();
    assert_eq!(h.values().next().unwrap().last().unwrap().action, "delete");
}

async fn confirmed_events_survive_reextraction(app: &TestApp) {
    let body = "The ministry said on January 25, 2024 that the talks had ended.\n\nOn January 20, 2024, a drone attack hit a base near the border.";
    let q = "mutation($a: ArticleInput!) { ingestArticle(input: $a) { new article { id } events { id title kind date { start } } } }";
    let input = json!({"a": {"url": "https://r.example/1", "published": "2024-01-26", "language": "en", "body": body}});
    let d0 = app.ok(q, input.clone()).await;
    assert_eq!(d0["ingestArticle"]["new"], true);
    let events = d0["ingestArticle"]["events"].as_array().unwrap().clone();
    assert!(events.len() >= 2, "{events:?}");
    // Its export documents are made with it.
    let stale = stale_docs(app).await;
    assert!(stale.is_empty(), "{stale:?}");
    // Idempotent through the API too.
    let again = app.ok(q, input).await;
    assert_eq!(again["ingestArticle"]["new"], false);
    assert_eq!(
        again["ingestArticle"]["events"].as_array().unwrap().len(),
        events.len()
    );
    let (confirmed, other) = (events[0]["id"].clone(), events[1]["id"].clone());
    let original_other = events[1]["title"].clone();
    app.ok(
        "mutation($a: ID!, $b: ID!) {
           a: updateEvent(id: $a, input: {title: \"Corrected by a historian\", status: CONFIRMED}) { id }
           b: updateEvent(id: $b, input: {title: \"Machine title edited\"}) { id } }",
        json!({"a": confirmed, "b": other}),
    )
    .await;
    let out = tarikh(app, &["reextract", "--all"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d = app
        .ok(
            "query($a: ID!, $b: ID!) { a: event(id: $a) { title status } b: event(id: $b) { title revisions { action by } } }",
            json!({"a": confirmed, "b": other}),
        )
        .await;
    assert_eq!(
        d["a"],
        json!({"title": "Corrected by a historian", "status": "CONFIRMED"})
    );
    assert_eq!(
        d["b"]["title"], original_other,
        "extracted events follow the extractor"
    );
    assert_eq!(
        d["b"]["revisions"].as_array().unwrap().last().unwrap()["by"],
        "reextract"
    );
    let out = tarikh(app, &["reextract", "--article", "999999"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("article 999999"));
    let article_id = d0["ingestArticle"]["article"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let out = tarikh(app, &["reextract", "--article", &article_id]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && err.contains("articles re-extracted 1"),
        "{err}"
    );
    // Writing needs a token; a bad article is refused clearly.
    assert_eq!(
        app.codes(
            None,
            q,
            json!({"a": {"published": "2024-01-26", "body": "x"}})
        )
        .await,
        ["FORBIDDEN"]
    );
    assert_eq!(
        app.codes(
            Some(common::TOKEN),
            q,
            json!({"a": {"published": "2024-01-26", "body": "  "}})
        )
        .await,
        ["BAD_USER_INPUT"]
    );
}

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

/// Writes `lines` to `file` and ingests it; every article must go in.
fn ingest_ok(app: &TestApp, file: &Path, lines: &[String]) {
    std::fs::write(file, lines.join("\n")).unwrap();
    ingest_file_ok(app, file);
}

/// Ingests `file` with the CLI; every article must go in.
fn ingest_file_ok(app: &TestApp, file: &Path) {
    let out = tarikh(app, &["ingest", file.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
}

/// The dedup corpus's events after it is ingested, with their actors and
/// mentions.
async fn corpus_events(app: &TestApp) -> Vec<Value> {
    let d = app
        .ok(
            "{ events(first: 500) { nodes { id kind actors { actor { id } } mentions { id article { id } } } } }",
            json!({}),
        )
        .await;
    d["events"]["nodes"].as_array().unwrap().clone()
}

/// An event of `events` with two sources or more.
fn merged_event(events: &[Value]) -> &Value {
    events
        .iter()
        .find(|e| e["mentions"].as_array().unwrap().len() >= 2)
        .expect("the corpus has a merged event")
}

/// The id of an actor of one of `events`.
fn an_actor(events: &[Value]) -> Value {
    events
        .iter()
        .find_map(|e| e["actors"].as_array().unwrap().first().cloned())
        .expect("the corpus has an event with an actor")["actor"]["id"]
        .clone()
}

/// Many outlets report the same meeting and are ingested at once (several
/// writers on PostgreSQL): one event with every report as a source, one
/// actor per state, whatever order the transactions commit in.
async fn concurrent_reports_make_one_event(app: &TestApp) {
    let dir = tmpdir("concurrent");
    let n = 40;
    let lines: Vec<String> = (0..n)
        .map(|i| {
            article(
                &format!("https://outlet{i}.example/meeting"),
                "2022-05-04",
                "en",
                &format!(
                    "Officials from Jordan and Egypt met on May 3, 2022 to discuss water sharing, \
                     correspondent number {i} reported."
                ),
            )
        })
        .collect();
    // The two states are stored first, so the writers below contend on
    // the event only (creating an actor takes a lock of its own).
    let earlier = "Officials from Jordan and Egypt met on January 9, 2021 to discuss trade.";
    let first = article("https://first.example/", "2021-01-10", "en", earlier);
    ingest_ok(app, &dir.join("first.jsonl"), &[first]);
    ingest_ok(app, &dir.join("same.jsonl"), &lines);
    let d = app
        .ok(
            "{ events(first: 50, filter: {from: \"2022-05-03\", to: \"2022-05-03\"}) { nodes { sourceCount actors { actor { name } } } } }",
            json!({}),
        )
        .await;
    let nodes = d["events"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 1, "{d}");
    assert_eq!(nodes[0]["sourceCount"], n);
    // States not stored yet, in meetings years apart (so the writers do not
    // wait for each other's events): they race to create the states.
    let burst: Vec<String> = (0..16)
        .map(|i| {
            let year = 2000 + i;
            let body = format!("Officials from Qatar and Kuwait met on June 5, {year}.");
            let published = format!("{year}-06-06");
            article(
                &format!("https://wire{i}.example/qatar"),
                &published,
                "en",
                &body,
            )
        })
        .collect();
    ingest_ok(app, &dir.join("new-actors.jsonl"), &burst);
    let d = app
        .ok("{ actors(first: 50) { nodes { name } } }", json!({}))
        .await;
    let mut names: Vec<&str> = d["actors"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "an actor was created twice: {names:?}");
    assert!(
        names.contains(&"Qatar") && names.contains(&"Kuwait"),
        "{names:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// The NDJSON export of the whole store through the CLI.
fn export_ndjson(app: &TestApp) -> String {
    let out = tarikh(app, &["export", "--format", "ndjson"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Some events (up to 10) whose export document is missing or stale.
async fn stale_docs(app: &TestApp) -> Vec<i64> {
    app.store
        .stale_docs(None, None, 10, DOC_VERSION)
        .await
        .unwrap()
}

/// An export served from the stored documents equals one made from the
/// rows alone (the documents dropped first), and the documents it stores
/// again serve the same. Returns the export.
async fn docs_agree(app: &TestApp, after: &str) -> String {
    let warm = export_ndjson(app);
    app.store.clear_docs().await.unwrap();
    let cold = export_ndjson(app);
    assert_eq!(warm, cold, "stored documents out of date after {after}");
    assert_eq!(export_ndjson(app), cold, "documents stored after {after}");
    let stale = stale_docs(app).await;
    assert!(stale.is_empty(), "after {after}: {stale:?}");
    cold
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

    let article_id: i64 = merged["mentions"][0]["article"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let target: i64 = id(&events[1]).parse().unwrap();
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

/// Waits until no event has a stale export document (the refresher works
/// behind the writes).
async fn docs_kept(app: &TestApp, after: &str) {
    app.settle().await;
    let stale = stale_docs(app).await;
    assert!(
        stale.is_empty(),
        "after {after}, documents still stale: {stale:?}"
    );
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

/// Stores an extracted event of kind `kind` on one day, with no actors;
/// returns its id.
async fn store_event(app: &TestApp, title: &str, kind: &str, day: chrono::NaiveDate) -> i64 {
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
    };
    app.store
        .create_event(&new, &Change::by("test"))
        .await
        .unwrap()
        .id
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
    for _ in 0..app.store.stream_slots() {
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

/// Incremental sync by token misses no write, whatever order writers
/// commit in: a write made before the next sync's token was taken but
/// committed after that sync's read comes with the sync after it (a time
/// watermark would put it behind). At least once; on SQLite (one writer)
/// a token taken with nothing running brings nothing back.
async fn sync_tokens_miss_no_late_commit(app: &TestApp) {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    use tarikh::domain::Change;
    let day = chrono::NaiveDate::from_ymd_opt(2015, 6, 1).unwrap();
    let mut ids = vec![];
    for title in ["first", "second"] {
        ids.push(store_event(app, title, "meeting", day).await);
    }
    let changed = |token: String| async move {
        let d = app
            .ok(
                "query($t: String!) { events(filter: {changedSince: $t}) { nodes { id title } } }",
                json!({"t": token}),
            )
            .await;
        d["events"]["nodes"].as_array().unwrap().clone()
    };
    // A full sync: the token before the read.
    let t0 = app.ok("{ syncToken }", json!({})).await["syncToken"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        changed(t0.clone()).await.len(),
        0,
        "nothing written since t0"
    );

    // Another writer changes the first event and holds its commit while a
    // later writer commits and the next sync takes its token and reads.
    let other = sea_orm::Database::connect(app.url.as_str()).await.unwrap();
    let txn = other.begin().await.unwrap();
    txn.execute_unprepared(&format!(
        "UPDATE event SET title = 'late' WHERE id = {}",
        ids[0]
    ))
    .await
    .unwrap();
    if app.backend() == common::Backend::Postgres {
        // (SQLite has one writer: this would wait for the commit.)
        let patch = tarikh::domain::EventPatch {
            title: Some("second, edited".into()),
            ..Default::default()
        };
        app.store
            .update_event(ids[1], &patch, &Change::by("test"))
            .await
            .unwrap();
    }
    let t1 = app.store.sync_token().await.unwrap().to_string();
    let seen = changed(t0.clone()).await;
    assert!(
        seen.iter().all(|e| e["title"] != "late"),
        "uncommitted: {seen:?}"
    );
    txn.commit().await.unwrap();
    other.close().await.unwrap();

    // The sync after it gets the late write.
    let next = changed(t1.clone()).await;
    assert!(
        next.iter()
            .any(|e| e["id"].as_str() == Some(&ids[0].to_string()) && e["title"] == "late"),
        "the late commit is missing: {next:?}"
    );
    // Deleted events come the same way, as tombstones.
    let t2 = app.store.sync_token().await.unwrap().to_string();
    assert!(app
        .store
        .delete_event(ids[1], &Change::by("test"))
        .await
        .unwrap());
    let d = app
        .ok(
            "query($t: String) { tombstones(changedSince: $t) { eventId } }",
            json!({"t": t2}),
        )
        .await;
    assert_eq!(d["tombstones"][0]["eventId"], ids[1].to_string());
    if app.backend() == common::Backend::Sqlite {
        let t3 = app.store.sync_token().await.unwrap().to_string();
        assert_eq!(changed(t3).await.len(), 0, "SQLite tokens are exact");
    }

    // The CLI prints the token it took; HTTP sends it in a header; a bad
    // token is the caller's error.
    let out = tarikh(app, &["export", "--changed-since", &t1]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.contains("sync token "), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"late\""));
    // A resumed export gives no token: the resumed one's is to be kept.
    let first: Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap()).unwrap();
    let cursor = first["cursor"].as_str().unwrap();
    let resumed = tarikh(app, &["export", "--after", cursor]);
    let err = String::from_utf8_lossy(&resumed.stderr);
    assert!(
        resumed.status.success() && !err.contains("--changed-since"),
        "{err}"
    );
    let resp = app
        .get(&format!("/export/events.ndjson?after={cursor}"))
        .await;
    assert_eq!(resp.status(), 200);
    assert!(resp
        .headers()
        .get(tarikh::http::SYNC_TOKEN_HEADER)
        .is_none());
    let bad = tarikh(app, &["export", "--changed-since", "yesterday"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("sync token"));
    let resp = app
        .get(&format!("/export/events.ndjson?changedSince={t1}"))
        .await;
    assert_eq!(resp.status(), 200);
    let header = resp.headers()[tarikh::http::SYNC_TOKEN_HEADER]
        .to_str()
        .unwrap();
    assert!(header.parse::<i64>().unwrap() >= t1.parse::<i64>().unwrap());
    assert!(resp.text().await.unwrap().contains("\"late\""));
    let err = app.get("/export/tombstones.ndjson?changedSince=x").await;
    assert_eq!(err.status(), 400);
    let codes = app
        .codes(
            None,
            "{ events(filter: {changedSince: \"-1\"}) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(codes, ["BAD_USER_INPUT"]);
}

/// Migrations 7 and 6 roll back and apply again on a store with rows:
/// the triggers, the counter and the columns go and come back (and the
/// export documents' table, emptied), and writes are numbered again.
async fn change_numbers_migrate_down_and_up(app: &TestApp) {
    use migration::{Migrator, MigratorTrait};
    let day = chrono::NaiveDate::from_ymd_opt(2016, 3, 4).unwrap();
    store_event(app, "before", "meeting", day).await;
    let db = sea_orm::Database::connect(app.url.as_str()).await.unwrap();
    Migrator::down(&db, Some(2)).await.unwrap();
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
    let ids: Vec<i64> = page.events.iter().map(|e| e.id).collect();
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

const PAGE_EDGE: usize = tarikh::export::PAGE as usize;

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Every count of an extracted event, with its unit and qualifier, reaches
/// the API (`Event.quantities`, `quantity` the first) and the exports.
async fn counts_reach_the_api_and_exports(app: &TestApp) {
    let dir = tmpdir("counts");
    let path = dir.join("a.json");
    let body = "A car bomb killed at least 12 people and wounded more than 40 others in the \
                market of the town on 3 March 2024, police said.";
    std::fs::write(
        &path,
        json!({"url": "https://example.org/counts", "language": "en",
               "published": "2024-03-04", "body": body})
        .to_string(),
    )
    .unwrap();
    ingest_file_ok(app, &path);
    let d = app
        .ok(
            "{ events { nodes { kind quantity { value unit } quantities { value unit qualifier } } } }",
            json!({}),
        )
        .await;
    let e = &d["events"]["nodes"][0];
    assert_eq!(e["kind"], "ATTACK", "{d}");
    assert_eq!(
        e["quantities"],
        json!([
            {"value": 12.0, "unit": "killed", "qualifier": "AT_LEAST"},
            {"value": 40.0, "unit": "wounded", "qualifier": "MORE_THAN"}
        ])
    );
    assert_eq!(e["quantity"], json!({"value": 12.0, "unit": "killed"}));
    let out = tarikh(app, &["export", "--format", "ndjson"]);
    assert!(out.status.success());
    let line: Value =
        serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(
        line["quantities"][1],
        json!({"value": 40.0, "unit": "wounded", "qualifier": "more_than"})
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

on_both_backends!(
    counts_reach_the_api_and_exports,
    cli_ingest_is_idempotent_and_reports_failures,
    killed_ingest_completes_on_rerun,
    dedup_corpus,
    revisions_record_every_change,
    confirmed_events_survive_reextraction,
    exports_parse_back,
    concurrent_reports_make_one_event,
    stored_export_documents_follow_every_change,
    api_writes_keep_export_documents_current,
    exports_take_turns,
    sync_tokens_miss_no_late_commit,
    change_numbers_migrate_down_and_up,
    long_exports_span_batches,
    damaged_documents_are_made_again,
);

/// Each event of the store as its merged fields and its sources'
/// sentences, in a stable order (ids left out: they follow write order).
async fn merged_fields(app: &TestApp) -> Vec<(String, String, String, Vec<String>)> {
    let d = app
        .ok(
            "{ events(first: 500) { nodes { title confidence date { edtf } mentions { sentence } } } }",
            json!({}),
        )
        .await;
    let mut out: Vec<(String, String, String, Vec<String>)> = d["events"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let mut sentences: Vec<String> = e["mentions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["sentence"].as_str().unwrap().to_string())
                .collect();
            sentences.sort();
            (
                e["title"].as_str().unwrap().to_string(),
                e["date"]["edtf"].as_str().unwrap().to_string(),
                e["confidence"].to_string(),
                sentences,
            )
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn merged_fields_do_not_depend_on_the_order_of_reports() {
    let corpus = fixtures().join("articles.jsonl");
    let lines: Vec<String> = std::fs::read_to_string(&corpus)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let dir = tmpdir("order");
    let reversed = dir.join("reversed.jsonl");
    let mut rev = lines.clone();
    rev.reverse();
    std::fs::write(&reversed, rev.join("\n")).unwrap();
    let forward = TestApp::spawn(common::Backend::Sqlite).await;
    let backward = TestApp::spawn(common::Backend::Sqlite).await;
    ingest_file_ok(&forward, &corpus);
    ingest_file_ok(&backward, &reversed);
    let (a, b) = (
        merged_fields(&forward).await,
        merged_fields(&backward).await,
    );
    assert!(a.iter().any(|e| e.3.len() >= 2), "the corpus merges");
    assert_eq!(a, b);
    std::fs::remove_dir_all(&dir).unwrap();
    forward.cleanup().await;
    backward.cleanup().await;
}

/// The export of a store with what varies between runs of one input left
/// out: write times (ids, merges and everything else stay).
fn without_times(ndjson: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(ndjson)
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            let o = v.as_object_mut().unwrap();
            o.remove("created_at");
            o.remove("updated_at");
            v
        })
        .collect()
}

#[tokio::test]
async fn deterministic_ingest_gives_the_same_store_on_postgres() {
    let corpus = fixtures().join("articles.jsonl");
    let mut exports = vec![];
    for _ in 0..2 {
        let app = TestApp::spawn(common::Backend::Postgres).await;
        let out = tarikh(
            &app,
            &["ingest", "--deterministic", corpus.to_str().unwrap()],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = tarikh(&app, &["export", "--format", "ndjson"]);
        assert!(out.status.success());
        exports.push(without_times(&out.stdout));
        app.cleanup().await;
    }
    assert!(exports[0].len() > 3);
    assert_eq!(exports[0], exports[1]);
}
