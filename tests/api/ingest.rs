//! Ingestion through the real binary and the API: idempotent reruns, a
//! killed run completed, cross-source deduplication, corrections with
//! history, re-extraction that keeps curated events, concurrent writers.

use std::process::{Command, Stdio};

use serde_json::{json, Value};

use crate::common::{self, day, tmpdir, wait_until, TestApp};
use crate::helpers::*;

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
        app.store
            .articles_page(None, None, 500)
            .await
            .unwrap()
            .0
            .len()
            >= 5
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
    let (articles, _) = app.store.articles_page(None, None, 500).await.unwrap();
    let mut n_articles = articles.len();
    let mut after = articles.last().map(|a| a.id);
    while let Some(a) = after {
        let (page, _) = app.store.articles_page(None, Some(a), 500).await.unwrap();
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

on_both_backends!(
    counts_reach_the_api_and_exports,
    cli_ingest_is_idempotent_and_reports_failures,
    killed_ingest_completes_on_rerun,
    dedup_corpus,
    revisions_record_every_change,
    confirmed_events_survive_reextraction,
    concurrent_reports_make_one_event,
);
