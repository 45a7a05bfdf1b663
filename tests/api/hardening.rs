//! Hostile and unlucky requests: each was once able to crash, stall or
//! starve the server. Every test here failed on the code before the
//! hardening (a panic, a request that ran for minutes, a pool taken by one
//! request, wildcards that matched everything).

use std::time::Duration;

use crate::common::{
    day, lock_events, lock_waiters, tmpdir, until_lock_waiters, Backend, TestApp, TOKEN,
};
use serde_json::{json, Value};
use tarikh::storage::{Store, StoreError, StoreLimits};

/// The first error message of a response.
fn message(body: &Value) -> String {
    body["errors"][0]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error: {body:#}"))
        .to_string()
}

/// Sends `query` with `vars` and asserts that it is refused with
/// `BAD_USER_INPUT`, saying `says`.
async fn refused(app: &TestApp, query: &str, vars: Value, says: &str) {
    let body = app.gql(query, vars).await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert!(message(&body).contains(says), "{body}");
}

/// The first error's code.
fn code(body: &Value) -> String {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("NONE")
        .to_string()
}

async fn search_is_bounded_and_literal(app: &TestApp) {
    app.event("100% sure", day("2024-01-01"), &[]).await;
    app.event("plain words", day("2024-01-02"), &[]).await;
    app.actor("Iraq", Some("العراق"), &[]).await;
    // LIKE's wildcards are searched for as themselves.
    for w in ["%", "_", "%%", "\\"] {
        let t = app.titles(json!({"text": w})).await;
        assert!(!t.contains(&"plain words".to_string()), "{w:?}: {t:?}");
        let d = app
            .ok(
                "query($s: String) { actors(search: $s) { nodes { name } } }",
                json!({"s": w}),
            )
            .await;
        assert_eq!(d["actors"]["nodes"], json!([]), "{w:?}");
    }
    assert_eq!(app.titles(json!({"text": "plain"})).await, ["plain words"]);
    // 15,000 words once overflowed SQLite's stack (the process aborted)
    // and took PostgreSQL 19 s.
    let long = vec!["word"; 15_000].join(" ");
    refused(
        app,
        "query($f: EventFilter) { events(filter: $f) { nodes { id } } }",
        json!({"f": {"text": long}}),
        "at most",
    )
    .await;
    let sixteen = vec!["plain"; 16].join(" ");
    assert_eq!(app.titles(json!({"text": sixteen})).await, ["plain words"]);
    refused(
        app,
        "query($s: String) { actors(search: $s) { nodes { id } } }",
        json!({"s": "x".repeat(300)}),
        "at most 256 characters",
    )
    .await;
}

/// `fragment F{i} on Event { ...F{i-1} ...F{i-1} }` up to `n`: 2^n fields
/// once expanded, in about 40 bytes a fragment.
fn fan_out(n: usize) -> String {
    let mut q = format!("{{ events {{ nodes {{ ...F{n} }} }} }}\nfragment F0 on Event {{ id }}\n");
    for i in 1..=n {
        q.push_str(&format!(
            "fragment F{i} on Event {{ ...F{p} ...F{p} }}\n",
            p = i - 1
        ));
    }
    q
}

async fn expansion_aliases_and_batches_are_bounded(app: &TestApp) {
    // Once expanded in full before any check: 211 s of CPU for 1.3 KB.
    let body = app.gql(&fan_out(29), json!({})).await;
    assert_eq!(code(&body), "BAD_USER_INPUT");
    assert!(message(&body).contains("fragments are expanded"), "{body}");
    // A small fan-out is fine.
    let body = app.gql(&fan_out(3), json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    // 1,150 counts once held every connection for 11 s.
    let aliases: String = (0..1150)
        .map(|i| format!("a{i}: events {{ totalCount }} "))
        .collect();
    let body = app.gql(&format!("{{ {aliases} }}"), json!({})).await;
    assert_eq!(code(&body), "BAD_USER_INPUT");
    assert!(message(&body).contains("root fields"), "{body}");
    // Batches: at most ten, run one after the other.
    let batch = |n: usize| {
        let one = json!({"query": "{ events { totalCount } }"});
        Value::Array(vec![one; n])
    };
    let send = |b: Value| async move {
        app.client
            .post(format!("{}/graphql", app.addr))
            .json(&b)
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    };
    let ok = send(batch(2)).await;
    assert_eq!(ok[1]["data"]["events"]["totalCount"], 0, "{ok}");
    for n in [11, 1000] {
        // Refused with one error, not one per request.
        let refused = send(batch(n)).await;
        assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
        assert!(message(&refused).contains("at most 10"), "{refused}");
    }
    // Nesting deeper than the parser should ever recurse, plainly and
    // behind a block string whose backslash once fooled the count.
    let deep = format!("{}{}", "{ events ".repeat(5_000), "}".repeat(5_000));
    let hidden = format!("{{ a(x: \"\"\"\\\\\"\"\" \"\"\") {}", "{a".repeat(50_000));
    for q in [deep, hidden] {
        let body = app.gql(&q, json!({})).await;
        assert_eq!(code(&body), "BAD_USER_INPUT");
        assert!(message(&body).contains("nests at most"), "{body}");
    }
    // Fragments nobody spreads are counted too (validation walks them).
    let fields: String = (0..1_500).map(|i| format!("f{i}: id ")).collect();
    let unused = format!(
        "{{ __typename }} fragment F on Event {{ {fields} }} fragment U on Event {{ a: actors {{ actor {{ events {{ nodes {{ ...F }} }} }} }} b: actors {{ actor {{ events {{ nodes {{ ...F }} }} }} }} }}"
    );
    let body = app.gql(&unused, json!({})).await;
    assert_eq!(code(&body), "BAD_USER_INPUT");
    assert!(message(&body).contains("fragments are expanded"), "{body}");
}

async fn list_inputs_are_capped(app: &TestApp) {
    // 200 names with actorMatch ALL once ran 76 s.
    let names: Vec<String> = (0..200).map(|i| format!("actor {i}")).collect();
    refused(
        app,
        "query($f: EventFilter) { events(filter: $f) { nodes { id } } }",
        json!({"f": {"actors": names, "actorMatch": "ALL"}}),
        "at most 20 actors",
    )
    .await;
    let ids: Vec<String> = (1..=21).map(|i| i.to_string()).collect();
    refused(
        app,
        "query($f: EventFilter) { timeline(bucket: YEAR, filter: $f) { count } }",
        json!({"f": {"actorIds": ids}}),
        "at most 20 actors",
    )
    .await;
    let kinds = vec!["ATTACK"; 40];
    refused(
        app,
        "query($f: EventFilter) { events(filter: $f) { nodes { id } } }",
        json!({"f": {"kinds": kinds}}),
        "at most 32 kinds",
    )
    .await;
    // Twenty are fine.
    let names: Vec<String> = (0..20).map(|i| format!("actor {i}")).collect();
    let d = app
        .ok(
            "query($f: EventFilter) { events(filter: $f) { totalCount } }",
            json!({"f": {"actors": names}}),
        )
        .await;
    assert_eq!(d["events"]["totalCount"], 0);
}

async fn dates_are_checked_and_bucket_edges_hold(app: &TestApp) {
    // Once a panic in date arithmetic.
    for (from, to) in [
        ("-262143-01-01", "-262143-01-20"),
        ("99999-01-01", "99999-02-01"),
        ("-10000-01-01", "-9999-01-01"),
    ] {
        let body = app
            .gql(
                "query($f: EventFilter) { timeline(bucket: WEEK, filter: $f) { start count } }",
                json!({"f": {"from": from, "to": to}}),
            )
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{from}: {body}");
        assert!(message(&body).contains("supported"), "{body}");
    }
    let body = app
        .gql_w(
            "mutation($i: EventInput!) { createEvent(input: $i) { id } }",
            json!({"i": {"title": "far", "kind": "OTHER", "date": day("10000-01-01")}}),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    // Events at both ends of the range: every bucket works there.
    app.event("first", day("-9999-01-01"), &[]).await;
    app.event("last", day("9999-12-31"), &[]).await;
    for bucket in ["DAY", "WEEK", "MONTH", "YEAR"] {
        let q = format!(
            "query($f: EventFilter) {{ timeline(bucket: {bucket}, filter: $f) {{ start end count }} }}"
        );
        let d = app
            .ok(
                &q,
                json!({"f": {"from": "-9999-01-01", "to": "-9999-01-20"}}),
            )
            .await;
        let buckets = d["timeline"].as_array().unwrap();
        let total: i64 = buckets.iter().map(|b| b["count"].as_i64().unwrap()).sum();
        assert_eq!(total, 1, "{bucket}: {d}");
        let d = app
            .ok(&q, json!({"f": {"from": "9999-12-01", "to": "9999-12-31"}}))
            .await;
        let buckets = d["timeline"].as_array().unwrap();
        let last = buckets.last().unwrap();
        assert_eq!(last["count"], 1, "{bucket}: {d}");
        if bucket != "WEEK" {
            assert_eq!(last["end"], "9999-12-31", "{bucket}: {d}");
        }
    }
}

on_both_backends!(
    search_is_bounded_and_literal,
    expansion_aliases_and_batches_are_bounded,
    list_inputs_are_capped,
    dates_are_checked_and_bucket_edges_hold,
    long_articles_are_ingested_whole,
);

/// A PostgreSQL server with these time limits.
async fn pg_app(statement_timeout: Duration, request_timeout: Duration) -> TestApp {
    let limits = StoreLimits {
        statement_timeout: Some(statement_timeout),
        ..StoreLimits::server()
    };
    TestApp::spawn_limited(
        Backend::Postgres,
        &format!("t:{TOKEN}"),
        limits,
        request_timeout,
    )
    .await
}

#[tokio::test]
async fn a_blocked_read_is_cancelled_by_the_statement_timeout() {
    let app = pg_app(Duration::from_millis(200), Duration::from_secs(60)).await;
    let (_db, lock) = lock_events(&app.url).await;
    let body = app.gql("{ events { totalCount } }", json!({})).await;
    assert_eq!(code(&body), "TIMEOUT", "{body}");
    lock.rollback().await.unwrap();
    let body = app.gql("{ events { totalCount } }", json!({})).await;
    assert_eq!(body["data"]["events"]["totalCount"], 0, "{body}");
    app.cleanup().await;
}

#[tokio::test]
async fn a_request_past_its_deadline_is_abandoned() {
    let app = pg_app(Duration::from_secs(60), Duration::from_millis(300)).await;
    let (_db, lock) = lock_events(&app.url).await;
    let body = app.gql("{ events { totalCount } }", json!({})).await;
    assert_eq!(code(&body), "TIMEOUT", "{body}");
    assert!(message(&body).contains("300 ms"), "{body}");
    lock.rollback().await.unwrap();
    app.cleanup().await;
}

#[tokio::test]
async fn one_request_holds_a_few_connections_not_the_pool() {
    let app = pg_app(Duration::from_secs(120), Duration::from_secs(120)).await;
    let (_db, lock) = lock_events(&app.url).await;
    // Four requests of twenty counts each: before, 80 statements wanted
    // the 32 connections and everyone else waited 10 s for one.
    let aliases: String = (0..20)
        .map(|i| format!("a{i}: events {{ totalCount }} "))
        .collect();
    let query = format!("{{ {aliases} }}");
    let mut attacks = vec![];
    for _ in 0..4 {
        let client = app.client.clone();
        let url = format!("{}/graphql", app.addr);
        let q = query.clone();
        attacks.push(tokio::spawn(async move {
            client
                .post(url)
                .json(&json!({"query": q}))
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }));
    }
    let admin = sea_orm::Database::connect(crate::common::admin_url())
        .await
        .unwrap();
    let name = app.store_db_name();
    let expected = 4 * tarikh::graphql::limits::ROOT_FIELDS_AT_ONCE as i64;
    let n = until_lock_waiters(&admin, &name, expected).await;
    assert_eq!(n, expected, "statements blocked behind the lock");
    // The others are served meanwhile.
    let d = app.ok("{ actors { nodes { id } } }", json!({})).await;
    assert_eq!(d["actors"]["nodes"], json!([]));
    assert_eq!(app.get("/health").await.status().as_u16(), 200);
    assert_eq!(lock_waiters(&admin, &name).await, expected);
    lock.rollback().await.unwrap();
    for a in attacks {
        let body = a.await.unwrap();
        assert_eq!(body["data"]["a19"]["totalCount"], 0, "{body}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn sqlite_work_past_its_limit_is_interrupted() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for batch in 0..15 {
        let creates: String = (0..20)
            .map(|i| {
                format!(
                    r#"e{i}: createEvent(input: {{title: "event {batch} {i} with some words", kind: OTHER, date: {{start: "2024-01-01", precision: DAY}}}}) {{ id }} "#
                )
            })
            .collect();
        app.ok(&format!("mutation {{ {creates} }}"), json!({}))
            .await;
    }
    // Every event matches.
    let filter = tarikh::domain::EventFilter {
        text: Some("with some words".into()),
        ..Default::default()
    };
    // A deadline already passed: whatever runs longer than the progress
    // handler's interval (10,000 steps) is interrupted, whatever the
    // machine's speed.
    let limited = Store::connect_with(
        &app.url,
        StoreLimits {
            statement_timeout: Some(Duration::ZERO),
            ..StoreLimits::server()
        },
    )
    .await
    .unwrap();
    // Ranking them all by relevance is work past the interval.
    let ranked = limited
        .events_page(
            &filter,
            tarikh::domain::EventOrder::Relevance,
            None,
            10,
            false,
        )
        .await;
    match ranked {
        Err(StoreError::Timeout(_)) => {}
        other => panic!("expected a timeout, got {other:?}"),
    }
    let open = Store::connect(&app.url).await.unwrap();
    assert_eq!(open.count_events(&filter).await.unwrap(), 300);
    limited.close().await;
    open.close().await;
    app.cleanup().await;
}

#[tokio::test]
async fn processes_migrating_one_new_database_take_turns() {
    let admin = crate::common::admin_url();
    let name = format!("tarikh_migrate_{}", std::process::id());
    let url = tarikh::storage::create_postgres_database(&admin, &name)
        .await
        .unwrap();
    // Four pools stand for four processes: each has its own connections.
    let opened = futures::future::join_all((0..4).map(|_| Store::open(&url))).await;
    for s in opened {
        s.unwrap().close().await;
    }
    tarikh::storage::drop_postgres_database(&admin, &name)
        .await
        .unwrap();
}

// ---- the command line ----

fn tarikh_cmd(url: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tarikh"))
        .args(args)
        .arg("--database-url")
        .arg(url)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run tarikh")
}

#[tokio::test]
async fn export_output_never_writes_through_links_fifos_or_devices() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.event("one", day("2024-01-01"), &[]).await;
    let dir = tmpdir("export");
    let victim = dir.join("victim");
    std::fs::write(&victim, "keep me").unwrap();
    // A link as the target, and a link planted where the old code put its
    // temporary file.
    let link = dir.join("out.ndjson");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    std::os::unix::fs::symlink(&victim, dir.join("out.partial")).unwrap();
    let out = tarikh_cmd(&app.url, &["export", "--output", link.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a regular file"));
    let fifo = dir.join("fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    for target in [
        fifo.as_path(),
        std::path::Path::new("/dev/null"),
        dir.as_path(),
    ] {
        let out = tarikh_cmd(&app.url, &["export", "--output", target.to_str().unwrap()]);
        assert!(!out.status.success(), "{}", target.display());
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    // A regular file is replaced whole; the planted link is left alone and
    // no temporary file stays behind.
    let real = dir.join("real.ndjson");
    std::fs::write(&real, "old").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink(&victim, dir.join("real.partial")).unwrap();
    let out = tarikh_cmd(&app.url, &["export", "--output", real.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&real).unwrap().lines().count(), 1);
    let mode = std::fs::metadata(&real).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640, "the target keeps its mode");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.starts_with('.')), "{names:?}");
    // `-` is standard output.
    let out = tarikh_cmd(&app.url, &["export", "--output", "-"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
    app.cleanup().await;
}

#[tokio::test]
async fn ingest_reads_each_file_once_through_symlink_loops() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let dir = tmpdir("ingest");
    std::fs::write(
        dir.join("a.json"),
        r#"{"url": "https://example.org/a", "title": "t", "language": "en", "published": "2024-01-26", "body": "The coalition was formed in September 2014."}"#,
    )
    .unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("loop")).unwrap();
    std::os::unix::fs::symlink(dir.join("a.json"), dir.join("again.json")).unwrap();
    std::os::unix::fs::symlink(dir.join("missing"), dir.join("broken.json")).unwrap();
    let out = tarikh_cmd(
        &app.url,
        &[
            "ingest",
            dir.to_str().unwrap(),
            dir.join("a.json").to_str().unwrap(),
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    // Read once; the broken link is reported and the rest goes on.
    assert!(err.contains("ingested 1, skipped 0, failed 1;"), "{err}");
    assert!(err.contains("broken.json"), "{err}");
    assert!(!out.status.success());
    std::fs::remove_dir_all(&dir).unwrap();
    app.cleanup().await;
}

#[test]
fn extract_jsonl_answers_every_line_in_order() {
    let mut input = Vec::new();
    input.extend_from_slice(
        b"{\"id\": 1, \"text\": \"Talks began on 3 March 2024.\", \"published\": \"2024-03-05\"}\n",
    );
    input.extend_from_slice(b"{\"id\": 2, \"text\": \"bad \xff\xfe bytes\"}\n");
    input.extend_from_slice(b"not json\n");
    input.extend_from_slice(b"{\"id\": 4, \"text\": \"x\", \"published\": \"99999-01-01\"}\n");
    input.extend_from_slice(
        b"{\"id\": 5, \"text\": \"The vote was held in 2019.\", \"published\": \"2024-03-05\"}",
    );
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tarikh"))
        .args(["extract", "--jsonl"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert_eq!(lines[0]["id"], 1);
    assert!(lines[0]["events"].is_array());
    assert_eq!(lines[1]["line"], 2);
    assert!(lines[1]["error"].as_str().unwrap().contains("UTF-8"));
    assert!(lines[2]["error"].as_str().unwrap().contains("JSON"));
    assert_eq!(lines[3]["id"], 4);
    assert!(lines[3]["error"].as_str().unwrap().contains("supported"));
    assert_eq!(lines[4]["id"], 5);
    assert!(lines[4]["timexes"].is_array());
}

#[tokio::test]
async fn clients_over_their_rate_or_export_share_get_429() {
    use std::num::NonZeroU32;
    use tarikh::http::{HttpConfig, RateLimit};
    let config = HttpConfig {
        tokens: tarikh::graphql::WriteTokens::parse(&format!("t:{TOKEN}")),
        // One request a minute after a burst of three: the fourth in a
        // row is refused whatever the machine's speed.
        rate_limit: Some(RateLimit {
            per_minute: NonZeroU32::MIN,
            burst: NonZeroU32::new(3).unwrap(),
        }),
        ..HttpConfig::default()
    };
    let app = TestApp::spawn_config(Backend::Sqlite, StoreLimits::server(), config).await;
    let post = |token: Option<&str>| {
        let mut r = app
            .client
            .post(format!("{}/graphql", app.addr))
            .json(&json!({"query": "{ events { totalCount } }"}));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    for _ in 0..3 {
        assert_eq!(post(None).await.unwrap().status().as_u16(), 200);
    }
    let refused = post(None).await.unwrap();
    assert_eq!(refused.status().as_u16(), 429);
    assert!(
        refused.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    let body: Value = refused.json().await.unwrap();
    assert_eq!(code(&body), "RATE_LIMITED");
    // A token holder has a bucket of its own.
    assert_eq!(post(Some(TOKEN)).await.unwrap().status().as_u16(), 200);
    app.cleanup().await;
}

#[tokio::test]
async fn one_client_streams_at_most_its_share_of_exports() {
    let config = tarikh::http::HttpConfig {
        tokens: tarikh::graphql::WriteTokens::parse(&format!("t:{TOKEN}")),
        exports_per_client: 1,
        ..tarikh::http::HttpConfig::default()
    };
    let app = TestApp::spawn_config(Backend::Postgres, StoreLimits::server(), config).await;
    app.event("one", day("2024-01-01"), &[]).await;
    app.settle().await;
    // The first export blocks behind a lock, holding its turn.
    let (_db, lock) = lock_events(&app.url).await;
    let url = format!("{}/export/events.ndjson", app.addr);
    let first = tokio::spawn({
        let (client, url) = (app.client.clone(), url.clone());
        async move { client.get(url).send().await?.text().await }
    });
    let admin = sea_orm::Database::connect(crate::common::admin_url())
        .await
        .unwrap();
    let name = app.store_db_name();
    let n = until_lock_waiters(&admin, &name, 1).await;
    assert!(n >= 1, "the first export reached the database");
    let second = app.client.get(&url).send().await.unwrap();
    assert_eq!(second.status().as_u16(), 429);
    let body: Value = second.json().await.unwrap();
    assert_eq!(code(&body), "RATE_LIMITED");
    lock.rollback().await.unwrap();
    let text = first.await.unwrap().unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    // Its turn is back.
    let third = app.client.get(&url).send().await.unwrap();
    assert_eq!(third.status().as_u16(), 200);
    app.cleanup().await;
}

#[tokio::test]
async fn metrics_count_requests_by_route_operation_and_outcome() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.gql("{ events { totalCount } }", json!({})).await;
    app.gql("{ events(first: 501) { totalCount } }", json!({}))
        .await;
    app.gql_w(
        r#"mutation { createActor(input: {name: "X", kind: STATE}) { id } }"#,
        json!({}),
    )
    .await;
    let r = app.get("/metrics").await;
    assert_eq!(r.status().as_u16(), 200);
    let ids: Vec<u64> = [app.get("/health").await, app.get("/health").await]
        .iter()
        .map(|r| {
            r.headers()["x-request-id"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert_ne!(ids[0], ids[1]);
    let text = r.text().await.unwrap();
    for line in [
        r#"tarikh_graphql_requests_total{operation="query",outcome="ok"} 1"#,
        r#"tarikh_graphql_requests_total{operation="query",outcome="BAD_USER_INPUT"} 1"#,
        r#"tarikh_graphql_requests_total{operation="mutation",outcome="ok"} 1"#,
        r#"tarikh_http_requests_total{route="/graphql",status="200"} 3"#,
        "tarikh_database_up 1",
        "tarikh_rate_limited_total 0",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
    }
    assert!(text.contains("tarikh_http_request_duration_seconds_bucket"));
    assert!(text.contains("tarikh_db_pool_open"));
    app.cleanup().await;
}

/// An article of `n` dated sentences, each its own event, in JSON.
fn long_article(n: usize) -> String {
    let months = ["January", "March", "May", "July", "September", "November"];
    let body: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "On {} {} {} the army shelled the village number {i} and killed {} people.",
                1 + i % 28,
                months[i % months.len()],
                1950 + i % 70,
                2 + i % 50
            )
        })
        .collect();
    json!({"url": "https://example.org/long", "title": "A long chronicle", "language": "en",
           "published": "2024-01-26", "body": body.join(" ")})
    .to_string()
}

async fn long_articles_are_ingested_whole(app: &TestApp) {
    // 600 events once broke SQLite ("too many terms in compound SELECT"),
    // 4,000 PostgreSQL ("too many arguments for query").
    let article = long_article(4_000);
    assert!(article.len() < 1 << 20);
    let dir = tmpdir("long");
    let path = dir.join("long.json");
    std::fs::write(&path, article).unwrap();
    let out = tarikh_cmd(&app.url, &["ingest", path.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("events created 4000,"), "{err}");
    let d = app.ok("{ events { totalCount } }", json!({})).await;
    assert_eq!(d["events"]["totalCount"], 4000);
    std::fs::remove_dir_all(&dir).unwrap();
}
