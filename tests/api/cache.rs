//! The response cache: repeated anonymous queries answered from memory
//! while nothing is written, on both backends; GET queries with entity
//! tags; writes by this process and by another one make answers stale.

use reqwest::header;
use serde_json::{json, Value};

use crate::common::{self, day, TestApp};
use crate::helpers::{article, tarikh};

const TITLES: &str = "query T($n: Int) { events(first: $n) { nodes { title } } }";

/// Runs `query` anonymously by POST: the body and the cache header
/// (`hit`, `miss`, or none when the cache was not asked).
async fn anon(app: &TestApp, query: &str, vars: Value) -> (Value, Option<String>) {
    let resp = app
        .client
        .post(format!("{}/graphql", app.addr))
        .json(&json!({"query": query, "variables": vars}))
        .send()
        .await
        .unwrap();
    let cache = resp
        .headers()
        .get(tarikh::http::CACHE_HEADER)
        .map(|v| v.to_str().unwrap().to_string());
    (resp.json().await.unwrap(), cache)
}

/// Asks until the answer comes from the cache (the store's generation
/// may move a few times after a write, as the server learns of what it
/// and its export refresher wrote); returns that answer.
async fn until_hit(app: &TestApp, query: &str, vars: Value) -> Value {
    // A bounded number of asks, not a clock (tests/tidy.rs).
    for _ in 0..10_000 {
        let (body, c) = anon(app, query, vars.clone()).await;
        if c.as_deref() == Some("hit") {
            return body;
        }
    }
    panic!("never answered from the cache: {query}");
}

fn titles(body: &Value) -> Vec<String> {
    common::node_titles(&body["data"])
}

async fn repeated_reads_come_from_memory_until_a_write(app: &TestApp) {
    app.event("One", day("2024-01-01"), &[]).await;
    let vars = json!({"n": 10});
    let (first, c1) = anon(app, TITLES, vars.clone()).await;
    assert_eq!(c1.as_deref(), Some("miss"));
    assert_eq!(titles(&first), ["One"]);
    assert_eq!(until_hit(app, TITLES, vars.clone()).await, first);
    // The same document laid out differently is the same question.
    let relaid = "query T($n:Int){events(first:$n){nodes{title}}} # again";
    assert_eq!(until_hit(app, relaid, vars.clone()).await, first);
    // Other variables are another question.
    let (one, c3) = anon(app, TITLES, json!({"n": 1})).await;
    assert_eq!(
        (titles(&one), c3.as_deref()),
        (vec!["One".to_string()], Some("miss"))
    );
    assert_eq!(until_hit(app, TITLES, json!({"n": 1})).await, one);
    // A token holder's reads never use the cache.
    let body = app.gql_w(TITLES, vars.clone()).await;
    assert_eq!(titles(&body), ["One"]);
    // A write through the API makes every kept answer stale at once.
    app.event("Two", day("2024-02-01"), &[]).await;
    let (after, c4) = anon(app, TITLES, vars.clone()).await;
    assert_eq!(c4.as_deref(), Some("miss"));
    assert_eq!(titles(&after), ["One", "Two"]);
    assert_eq!(until_hit(app, TITLES, vars.clone()).await, after);
    // A mutation named beside a query in one document is a write too.
    let mixed =
        "query Q { __typename } mutation M($i: EventInput!) { createEvent(input: $i) { id } }";
    let input = json!({"title": "Three", "kind": "OTHER", "date": day("2024-03-01"), "actors": []});
    let resp = app
        .client
        .post(format!("{}/graphql", app.addr))
        .bearer_auth(common::TOKEN)
        .json(&json!({"query": mixed, "operationName": "M", "variables": {"i": input}}))
        .send()
        .await
        .unwrap();
    assert!(resp.json::<Value>().await.unwrap()["data"]["createEvent"]["id"].is_string());
    let (third, c5) = anon(app, TITLES, vars).await;
    assert_eq!(c5.as_deref(), Some("miss"));
    assert_eq!(titles(&third), ["One", "Two", "Three"]);
}

async fn errors_and_mutations_are_not_kept(app: &TestApp) {
    let bad = "{ event(id: \"nope\") { title } }";
    for _ in 0..2 {
        let (body, c) = anon(app, bad, json!({})).await;
        assert!(body["errors"].is_array(), "{body}");
        assert_eq!(c, None, "an error is never a cached answer");
    }
    // Without a token a mutation is refused, and its refusal not kept.
    let m = "mutation { createActor(input: {name: \"X\", kind: STATE}) { id } }";
    for _ in 0..2 {
        let (body, c) = anon(app, m, json!({})).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{body}"
        );
        assert_eq!(c, None);
    }
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(text.contains("tarikh_response_cache_bytes"), "{text}");
}

async fn get_queries_carry_etags_and_304(app: &TestApp) {
    app.event("One", day("2024-01-01"), &[]).await;
    let url = format!(
        "{}/graphql?query={}&variables={}",
        app.addr,
        urlencode(TITLES),
        urlencode("{\"n\": 5}")
    );
    let first = app.client.get(&url).send().await.unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()[header::CACHE_CONTROL], "no-cache");
    let tag = first.headers()[header::ETAG].to_str().unwrap().to_string();
    let body: Value = first.json().await.unwrap();
    assert_eq!(titles(&body), ["One"]);
    // The same answer, asked again, has the same tag.
    let again = app.client.get(&url).send().await.unwrap();
    assert_eq!(again.headers()[header::ETAG].to_str().unwrap(), tag);
    let same = get_unless(app, &url, &tag).await;
    assert_eq!(same.status(), 304);
    assert_eq!(same.headers()[header::ETAG].to_str().unwrap(), tag);
    assert!(same.bytes().await.unwrap().is_empty());
    // After a write the tag no longer matches: the new answer comes.
    app.event("Two", day("2024-02-01"), &[]).await;
    let changed = get_unless(app, &url, &tag).await;
    assert_eq!(changed.status(), 200);
    assert_ne!(changed.headers()[header::ETAG].to_str().unwrap(), tag);
    let body: Value = changed.json().await.unwrap();
    assert_eq!(titles(&body), ["One", "Two"]);
    // GET runs queries only.
    let m = format!(
        "{}/graphql?query={}",
        app.addr,
        urlencode("mutation { createActor(input: {name: \"X\", kind: STATE}) { id } }")
    );
    let refused = app
        .client
        .get(&m)
        .bearer_auth(common::TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 405);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    let garbled = app.get("/graphql?query={events&variables=%7B").await;
    assert_eq!(garbled.status(), 400);
    // Without a query, a browser still gets GraphiQL.
    let page = app.get("/graphql").await;
    assert!(page.text().await.unwrap().contains("<html"));
}

/// Writes by another process (`tarikh ingest`) make kept answers stale:
/// on PostgreSQL through its notifications, on SQLite through the data
/// version the server watches.
async fn another_process_makes_answers_stale(app: &TestApp) {
    let q = "{ events { totalCount } }";
    let none = until_hit(app, q, json!({})).await;
    assert_eq!(none["data"]["events"]["totalCount"], 0);
    let dir = common::tmpdir("cache-ingest");
    let file = dir.join("articles.jsonl");
    let body = "The international coalition against ISIS was formed in September 2014.";
    std::fs::write(
        &file,
        article("https://wire.example/c1", "2019-05-07", "en", body),
    )
    .unwrap();
    let out = tarikh(app, &["ingest", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    common::wait_until("the ingested event in the cached query", || async {
        anon(app, q, json!({})).await.0["data"]["events"]["totalCount"] != 0
    })
    .await;
}

/// On PostgreSQL, notifications sent while the server's listener was
/// reconnecting are lost: the loss itself makes kept answers stale.
#[tokio::test]
async fn a_lost_listener_makes_answers_stale_on_postgres() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn(common::Backend::Postgres).await;
    let q = "{ events { totalCount } }";
    until_hit(&app, q, json!({})).await;
    let admin = sea_orm::Database::connect(common::admin_url())
        .await
        .unwrap();
    let (db, name) = (&admin, app.store_db_name());
    let name = name.as_str();
    // The listener may still be connecting: cut it once it is there.
    common::wait_until("the server's listener, cut", || async move {
        let cut = db
            .execute_raw(sea_orm::Statement::from_sql_and_values(
                sea_orm::DbBackend::Postgres,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = $1 AND query LIKE 'LISTEN%'",
                [name.into()],
            ))
            .await
            .unwrap();
        cut.rows_affected() >= 1
    })
    .await;
    common::wait_until("a miss after the listener was lost", || async {
        anon(&app, q, json!({})).await.1.as_deref() == Some("miss")
    })
    .await;
    admin.close().await.unwrap();
    app.cleanup().await;
}

/// GET `url` with `If-None-Match: tag`.
async fn get_unless(app: &TestApp, url: &str, tag: &str) -> reqwest::Response {
    app.client
        .get(url)
        .header(header::IF_NONE_MATCH, tag)
        .send()
        .await
        .unwrap()
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

on_both_backends!(
    repeated_reads_come_from_memory_until_a_write,
    errors_and_mutations_are_not_kept,
    get_queries_carry_etags_and_304,
    another_process_makes_answers_stale,
);
