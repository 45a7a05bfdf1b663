//! Server-level behaviour: read-only mode, health when the database goes
//! away, and the committed schema.

use crate::common::{Backend, TestApp, TOKEN};
use serde_json::json;

#[tokio::test]
async fn without_tokens_every_write_is_forbidden_and_says_how_to_enable() {
    let app = TestApp::spawn_with(Backend::Sqlite, "").await;
    let body = app
        .gql_as(
            Some(TOKEN),
            r#"mutation { createActor(input: {name: "X", kind: STATE}) { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("TARIKH_WRITE_TOKENS"));
    app.cleanup().await;
}

#[tokio::test]
async fn health_is_503_when_the_database_is_gone() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let url = format!("{}/health", app.addr);
    assert_eq!(
        app.client.get(&url).send().await.unwrap().status().as_u16(),
        200
    );
    // Drop the database under the running server.
    let name = app.store_db_name();
    tarikh::storage::drop_postgres_database(&crate::common::admin_url(), &name)
        .await
        .unwrap();
    // The background probe (every second) finds it gone.
    let mut status = 200;
    for _ in 0..100_000 {
        status = app.client.get(&url).send().await.unwrap().status().as_u16();
        if status == 503 {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(status, 503);
    // Queries fail at once with UNAVAILABLE (503) and leak no database
    // detail: the failed probe marked the database down.
    let resp = app
        .client
        .post(format!("{}/graphql", app.addr))
        .json(&json!({"query": "{ events { nodes { id } } }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 503);
    assert_eq!(resp.headers()["retry-after"], "1");
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAVAILABLE");
    assert_eq!(body["errors"][0]["message"], "the database is unavailable");
    app.cleanup().await;
}

#[test]
fn committed_schema_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema/schema.graphql"
    ))
    .expect("schema/schema.graphql is committed");
    let current = tarikh::graphql::sdl();
    assert!(
        committed == current,
        "schema/schema.graphql is stale: run `cargo run -- schema > schema/schema.graphql`"
    );
    // Every type and field is documented.
    let undocumented = undocumented(&current);
    assert!(undocumented.is_empty(), "undocumented: {undocumented:?}");
}

/// Declarations and fields not preceded by a description.
fn undocumented(sdl: &str) -> Vec<String> {
    let mut out = vec![];
    let mut in_block = false;
    let mut described = false;
    for line in sdl.lines() {
        let t = line.trim();
        if in_block {
            if t.ends_with("\"\"\"") {
                in_block = false;
                described = true;
            }
            continue;
        }
        if t.starts_with("\"\"\"") {
            if t.len() > 3 && t.ends_with("\"\"\"") {
                described = true;
            } else {
                in_block = true;
            }
            continue;
        }
        if t.starts_with('"') {
            described = true;
            continue;
        }
        let skip = t.is_empty()
            || t == "}"
            || t.starts_with("schema")
            || t.starts_with("query:")
            || t.starts_with("mutation:")
            || t.starts_with("subscription:")
            || t.starts_with("directive ");
        if !skip && !described {
            out.push(t.to_string());
        }
        if !t.is_empty() {
            described = false;
        }
    }
    out
}

/// SQLite has one writer: concurrent mutations queue instead of failing.
#[tokio::test]
async fn concurrent_writes_on_sqlite_all_succeed() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let id = app
        .event("start", crate::common::day("2024-01-01"), &[])
        .await;
    let writes = (0..16).map(|i| {
        let app = &app;
        let id = id.clone();
        async move {
            app.gql_as(
                Some(TOKEN),
                "mutation($id: ID!, $t: String!) { updateEvent(id: $id, input: {title: $t}) { id } }",
                json!({"id": id, "t": format!("title {i}")}),
            )
            .await
        }
    });
    for body in futures::future::join_all(writes).await {
        assert!(body.get("errors").is_none(), "{body}");
    }
    let revs = app
        .store
        .revisions_of(&[id.parse().unwrap()])
        .await
        .unwrap();
    assert_eq!(revs.values().next().unwrap().len(), 17);
    app.cleanup().await;
}

#[tokio::test]
async fn sigint_lets_requests_in_flight_finish() {
    use std::io::BufRead;
    let admin = crate::common::admin_url();
    let name = format!("tarikh_sigint_{}", std::process::id());
    let url = tarikh::storage::create_postgres_database(&admin, &name)
        .await
        .unwrap();
    tarikh::storage::Store::open(&url)
        .await
        .unwrap()
        .close()
        .await;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tarikh"))
        .args(["serve", "--bind", "127.0.0.1:0", "--database-url", &url])
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (lines_tx, mut lines) = tokio::sync::mpsc::unbounded_channel::<String>();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines_tx.send(line);
        }
    });
    let addr = loop {
        let line = lines
            .recv()
            .await
            .expect("the server says where it listens");
        if let Some(rest) = line.split("GraphiQL at ").nth(1) {
            break rest
                .split_whitespace()
                .next()
                .unwrap()
                .replace("/graphql", "");
        }
    };
    // A read that blocks behind a lock until the test lets it go.
    let (db, lock) = crate::common::lock_events(&url).await;
    let request = tokio::spawn({
        let addr = addr.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{addr}/graphql"))
                .json(&json!({"query": "{ events { totalCount } }"}))
                .send()
                .await?
                .json::<serde_json::Value>()
                .await
        }
    });
    let admin_db = sea_orm::Database::connect(&admin).await.unwrap();
    let blocked = crate::common::until_lock_waiters(&admin_db, &name, 1).await;
    assert!(blocked > 0, "the request reached the database");
    let pid = child.id().to_string();
    // The shell's own kill: no other program needed.
    assert!(std::process::Command::new("sh")
        .args(["-c", &format!("kill -INT {pid}")])
        .status()
        .unwrap()
        .success());
    // Until the server has taken the signal in (or exited).
    while let Some(line) = lines.recv().await {
        if line.contains("stopping") {
            break;
        }
    }
    lock.rollback().await.unwrap();
    let body = request
        .await
        .unwrap()
        .expect("the request in flight is answered");
    assert_eq!(body["data"]["events"]["totalCount"], 0, "{body}");
    assert!(child.wait().unwrap().success());
    db.close().await.unwrap();
    admin_db.close().await.unwrap();
    tarikh::storage::drop_postgres_database(&admin, &name)
        .await
        .unwrap();
}

/// The demo goes through the real ingest path: its articles give events
/// with their sources, some told by more than one outlet, in both
/// languages, beside the curated timeline.
async fn the_demo_shows_sources(app: &TestApp) {
    let n = tarikh::demo::load_if_empty(&app.store).await.unwrap();
    assert!(n > 0);
    let d = app
        .ok(
            "{ events(first: 500) { nodes { sourceCount mentions { article { language } } } } }",
            json!({}),
        )
        .await;
    let nodes = d["events"]["nodes"].as_array().unwrap();
    let most = nodes
        .iter()
        .map(|e| e["sourceCount"].as_i64().unwrap())
        .max()
        .unwrap();
    assert!(most >= 2, "an event told by several outlets");
    let bilingual = nodes.iter().any(|e| {
        let langs: std::collections::BTreeSet<_> = e["mentions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["article"]["language"].to_string())
            .collect();
        langs.len() == 2
    });
    assert!(bilingual, "an event told in Arabic and in English");
    // A second start finds the store full and loads nothing.
    assert_eq!(tarikh::demo::load_if_empty(&app.store).await.unwrap(), 0);
}

crate::on_both_backends!(the_demo_shows_sources);
