//! Subscriptions over WebSocket: every matching change arrives, once, and
//! nothing else; writes from another process arrive on PostgreSQL; the
//! limits hold; a subscriber that falls behind is cut off with a reason.

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

use crate::common::{self, day, Backend, TestApp};
use crate::helpers::{article, tarikh};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A WebSocket client of the test server.
pub struct Ws {
    socket: Socket,
}

/// What a connection attempt got.
pub enum Upgrade {
    Open(Box<Ws>),
    Refused(u16),
}

impl Ws {
    /// Connects with `protocol` (`graphql-transport-ws` or `graphql-ws`)
    /// and acknowledges the connection.
    pub async fn open(app: &TestApp, protocol: &str) -> Ws {
        match Ws::try_open(app, protocol).await {
            Upgrade::Open(ws) => *ws,
            Upgrade::Refused(status) => panic!("upgrade refused with {status}"),
        }
    }

    pub async fn try_open(app: &TestApp, protocol: &str) -> Upgrade {
        let url = format!("{}/graphql", app.addr.replacen("http://", "ws://", 1));
        let mut req = url.into_client_request().unwrap();
        req.headers_mut()
            .insert("Sec-WebSocket-Protocol", protocol.parse().unwrap());
        let socket = match tokio_tungstenite::connect_async(req).await {
            Ok((socket, resp)) => {
                let chosen = resp.headers().get("sec-websocket-protocol").unwrap();
                assert_eq!(chosen, protocol);
                socket
            }
            Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
                return Upgrade::Refused(resp.status().as_u16())
            }
            Err(e) => panic!("connect: {e}"),
        };
        let mut ws = Ws { socket };
        ws.send(json!({"type": "connection_init", "payload": {}}))
            .await;
        assert_eq!(ws.next().await["type"], "connection_ack");
        Upgrade::Open(Box::new(ws))
    }

    pub async fn send(&mut self, v: Value) {
        self.socket
            .send(Message::Text(v.to_string().into()))
            .await
            .unwrap();
    }

    /// Subscribes (`graphql-transport-ws`) as `id`.
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({"id": id, "type": "subscribe",
            "payload": {"query": query, "variables": variables}}))
            .await;
    }

    /// The next text message; panics when the connection closes first.
    pub async fn next(&mut self) -> Value {
        loop {
            match self.socket.next().await {
                Some(Ok(Message::Text(t))) => return serde_json::from_str(&t).unwrap(),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                other => panic!("expected a message, got {other:?}"),
            }
        }
    }

    /// Reads until the server closes; returns the messages before it and
    /// the close frame's code and reason.
    pub async fn until_closed(&mut self) -> (Vec<Value>, Option<(CloseCode, String)>) {
        let mut before = vec![];
        loop {
            match self.socket.next().await {
                Some(Ok(Message::Text(t))) => before.push(serde_json::from_str(&t).unwrap()),
                Some(Ok(Message::Close(frame))) => {
                    return (before, frame.map(|f| (f.code, f.reason.to_string())))
                }
                Some(Ok(_)) => continue,
                None | Some(Err(_)) => return (before, None),
            }
        }
    }
}

/// What a subscriber asks of each change.
const CHANGES: &str = "subscription($f: EventFilter) { eventChanges(filter: $f) {
    change eventId syncToken mergedInto event { id title } } }";

/// A number from the server's /metrics.
async fn metric(app: &TestApp, name: &str) -> i64 {
    let text = app.get("/metrics").await.text().await.unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let (k, v) = l.split_once(' ')?;
            k.ends_with(name).then(|| v.trim().parse::<f64>().ok())?
        })
        .map_or(0, |v| v as i64)
}

/// Waits until the feed has `n` subscribers (a subscription is live once
/// the feed counts it).
pub async fn until_subscribers(app: &TestApp, n: i64) {
    common::wait_until(&format!("{n} subscribers"), || async {
        metric(app, "live_subscribers").await >= n
    })
    .await;
}

/// The change a `next` message carries, as (change, eventId, title).
fn change_of(m: &Value) -> (String, String, Option<String>) {
    assert_eq!(m["type"], "next", "{m}");
    let c = &m["payload"]["data"]["eventChanges"];
    assert!(c.is_object(), "{m}");
    (
        c["change"].as_str().unwrap().to_string(),
        c["eventId"].as_str().unwrap().to_string(),
        c["event"]["title"].as_str().map(str::to_string),
    )
}

/// Each write that matches arrives as one change, in order, and a write
/// that does not match never arrives: after the last expected change, the
/// next message is the sentinel's.
async fn subscribers_get_exactly_the_matching_changes(app: &TestApp) {
    let syria = app.actor("Syria", Some("سوريا"), &[("Syrie", "fr")]).await;
    let mut ws = Ws::open(app, "graphql-transport-ws").await;
    // An Arabic spelling of the actor, not the one it was created with.
    ws.subscribe("s", CHANGES, json!({"f": {"actors": ["سوريا"]}}))
        .await;
    until_subscribers(app, 1).await;

    let talks = app
        .event("Talks in Geneva", day("2016-01-29"), &[&syria])
        .await;
    assert_eq!(
        change_of(&ws.next().await),
        (
            "CREATED".into(),
            talks.clone(),
            Some("Talks in Geneva".into())
        )
    );
    // Not about Syria: never sent.
    app.event("Vote in Lisbon", day("2016-01-30"), &[]).await;
    app.ok(
        "mutation($id: ID!) { updateEvent(id: $id, input: {title: \"Talks in Geneva open\"}) { id } }",
        json!({"id": talks}),
    )
    .await;
    assert_eq!(
        change_of(&ws.next().await),
        (
            "UPDATED".into(),
            talks.clone(),
            Some("Talks in Geneva open".into())
        )
    );
    let second = app
        .event("Second round", day("2016-02-01"), &[&syria])
        .await;
    assert_eq!(change_of(&ws.next().await).0, "CREATED");
    app.ok(
        "mutation($ids: [ID!]!) { mergeEvents(ids: $ids) { id } }",
        json!({"ids": [talks, second]}),
    )
    .await;
    // One transaction: the survivor's update and the merged event's end.
    let mut merge = [ws.next().await, ws.next().await];
    merge.sort_by_key(|m| m["payload"]["data"]["eventChanges"]["change"].to_string());
    assert_eq!(change_of(&merge[0]).0, "MERGED");
    assert_eq!(change_of(&merge[0]).1, second);
    assert_eq!(
        merge[0]["payload"]["data"]["eventChanges"]["mergedInto"],
        json!(talks)
    );
    assert_eq!(change_of(&merge[0]).2, None, "a merged event is gone");
    assert_eq!(change_of(&merge[1]).0, "UPDATED");
    app.ok(
        "mutation($id: ID!) { deleteEvent(id: $id) }",
        json!({"id": talks}),
    )
    .await;
    assert_eq!(
        change_of(&ws.next().await),
        ("DELETED".into(), talks.clone(), None)
    );
    let sentinel = app.event("Sentinel", day("2016-03-01"), &[&syria]).await;
    let last = ws.next().await;
    assert_eq!(change_of(&last).1, sentinel, "nothing else came before it");

    // The token resumes from this change on.
    let token = last["payload"]["data"]["eventChanges"]["syncToken"]
        .as_str()
        .unwrap()
        .to_string();
    let titles = app
        .titles(json!({"changedSince": token, "actors": ["Syria"]}))
        .await;
    assert!(titles.contains(&"Sentinel".to_string()), "{titles:?}");
}

/// The older `graphql-ws` protocol works too, and a rejected event
/// reaches a default subscriber as an update with its new status.
async fn older_clients_and_rejections(app: &TestApp) {
    let mut ws = Ws::open(app, "graphql-ws").await;
    ws.send(json!({"id": "old", "type": "start",
        "payload": {"query": "subscription { eventChanges { change eventId event { status } } }"}}))
        .await;
    until_subscribers(app, 1).await;
    let id = app.event("Ceasefire", day("2020-03-05"), &[]).await;
    let m = ws.next().await;
    assert_eq!(m["type"], "data", "{m}");
    assert_eq!(m["payload"]["data"]["eventChanges"]["change"], "CREATED");
    app.ok(
        "mutation($id: ID!) { updateEvent(id: $id, input: {status: REJECTED}) { id } }",
        json!({"id": id}),
    )
    .await;
    let m = ws.next().await;
    assert_eq!(m["payload"]["data"]["eventChanges"]["change"], "UPDATED");
    assert_eq!(
        m["payload"]["data"]["eventChanges"]["event"]["status"],
        "REJECTED"
    );
}

/// Queries and mutations belong to POST; a document over the limits is
/// refused as it is over POST; a subscription filter about the past is
/// refused with its code; the subscriptions of one connection are capped.
async fn websocket_documents_are_checked(app: &TestApp) {
    let mut ws = Ws::open(app, "graphql-transport-ws").await;
    ws.subscribe("q", "{ syncToken }", json!({})).await;
    let m = ws.next().await;
    assert_eq!(
        (m["type"].as_str(), m["id"].as_str()),
        (Some("error"), Some("q"))
    );
    assert_eq!(m["payload"][0]["extensions"]["code"], "BAD_USER_INPUT");
    let aliases: String = (0..=tarikh::graphql::limits::MAX_ROOT_FIELDS)
        .map(|i| format!("a{i}: eventChanges {{ change }} "))
        .collect();
    ws.subscribe("wide", &format!("subscription {{ {aliases} }}"), json!({}))
        .await;
    let m = ws.next().await;
    assert_eq!(
        (m["type"].as_str(), m["id"].as_str()),
        (Some("error"), Some("wide"))
    );
    assert_eq!(m["payload"][0]["extensions"]["code"], "BAD_USER_INPUT");
    ws.subscribe("past", CHANGES, json!({"f": {"changedSince": "1"}}))
        .await;
    let m = ws.next().await;
    let errors = if m["type"] == "next" {
        // A subscription that failed is over: it says so.
        let end = ws.next().await;
        assert_eq!(
            (end["type"].as_str(), end["id"].as_str()),
            (Some("complete"), Some("past")),
            "{end}"
        );
        m["payload"]["errors"].clone()
    } else {
        m["payload"].clone()
    };
    assert_eq!(errors[0]["extensions"]["code"], "BAD_USER_INPUT", "{m}");
}

async fn subscriptions_per_connection_are_capped(app: &TestApp) {
    let mut ws = Ws::open(app, "graphql-transport-ws").await;
    let cap = tarikh::http::WsLimits::default().subscriptions;
    for i in 0..cap {
        ws.subscribe(&format!("s{i}"), CHANGES, json!({})).await;
    }
    until_subscribers(app, cap as i64).await;
    ws.subscribe("one-more", CHANGES, json!({})).await;
    let m = ws.next().await;
    assert_eq!(m["id"], "one-more");
    assert_eq!(m["payload"][0]["extensions"]["code"], "RATE_LIMITED");
    // Completing one makes room.
    ws.send(json!({"id": "s0", "type": "complete"})).await;
    common::wait_until("s0 ended", || async {
        metric(app, "live_subscribers").await < cap as i64
    })
    .await;
    ws.subscribe("now", CHANGES, json!({})).await;
    until_subscribers(app, cap as i64).await;
    app.event("Room again", day("2021-01-01"), &[]).await;
    let mut ids = std::collections::BTreeSet::new();
    while ids.len() < cap {
        let m = ws.next().await;
        if m["type"] == "complete" {
            // The server confirms the subscription the client completed.
            assert_eq!(m["id"], "s0");
            continue;
        }
        assert_eq!(m["type"], "next", "{m}");
        ids.insert(m["id"].as_str().unwrap().to_string());
    }
    assert!(ids.contains("now") && !ids.contains("s0"), "{ids:?}");
}

/// Identical subscriptions form one cohort that executes each change once
/// for all its members, and each member keeps its own pace: one that
/// stops taking changes falls behind and ends with `SUBSCRIPTION_BEHIND`
/// and a token to resume from, while the others get every change. Another
/// document is another cohort; a cohort whose members have all gone stops
/// listening.
async fn identical_subscriptions_share_their_work(app: &TestApp) {
    use async_graphql::{Executor, Request};
    let feed = tarikh::live::Feed::start(app.store.clone(), Default::default())
        .await
        .unwrap();
    let schema = tarikh::graphql::build_schema(
        app.store.clone(),
        tarikh::graphql::WriteTokens::parse(""),
        feed.clone(),
    );
    let capacity = 4;
    let sharing = tarikh::graphql::Sharing {
        cohorts: 2,
        buffer: capacity,
    };
    let shared = tarikh::graphql::SharedSubscriptions::new(schema, sharing);
    let titles = "subscription { eventChanges { change event { title } } }";
    let mut fast = shared.execute_stream(Request::new(titles), None);
    let mut slow = shared.execute_stream(Request::new(titles), None);
    let other = shared.execute_stream(
        Request::new("subscription { eventChanges { eventId } }"),
        None,
    );
    assert_eq!(shared.cohorts(), 2);
    common::wait_until("three subscribers", || async { shared.subscribers() == 3 }).await;
    assert_eq!(feed.subscribers(), 2, "one feed listener per cohort");
    // Beyond the cohorts allowed, a subscription runs on its own.
    let mut alone = shared.execute_stream(
        Request::new("subscription { eventChanges { change } }"),
        None,
    );
    let alone = tokio::spawn(async move { alone.next().await });
    common::wait_until("a feed listener per cohort, and one alone", || async {
        feed.subscribers() == 3 && shared.subscribers() == 4
    })
    .await;
    assert_eq!(shared.cohorts(), 2);

    let title = |r: async_graphql::Response| {
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let v = r.data.into_json().unwrap();
        v["eventChanges"]["event"]["title"]
            .as_str()
            .unwrap()
            .to_string()
    };
    app.event("Both", day("2023-01-01"), &[]).await;
    assert_eq!(title(fast.next().await.unwrap()), "Both");
    assert_eq!(title(slow.next().await.unwrap()), "Both");
    let r = alone.await.unwrap().unwrap().data.into_json().unwrap();
    assert_eq!(r["eventChanges"]["change"], "CREATED");
    // One change at a time: the fast member takes each before the next
    // write, the slow one none.
    let more = 3 * capacity;
    for i in 0..more {
        app.event(&format!("Fast {i}"), day("2023-01-02"), &[])
            .await;
        assert_eq!(title(fast.next().await.unwrap()), format!("Fast {i}"));
    }
    let last = slow.next().await.unwrap();
    assert_eq!(last.errors.len(), 1, "{last:?}");
    let e = serde_json::to_value(&last.errors[0]).unwrap();
    assert_eq!(e["extensions"]["code"], "SUBSCRIPTION_BEHIND", "{e}");
    let token = e["extensions"]["syncToken"].as_str().unwrap().to_string();
    assert!(slow.next().await.is_none(), "a member behind ends");
    // Its token gives back every change it missed.
    let missed = app.titles(json!({"changedSince": token})).await;
    for i in 0..more {
        assert!(missed.contains(&format!("Fast {i}")), "{missed:?}");
    }
    drop((fast, slow, other));
    assert_eq!(shared.cohorts(), 0);
    common::wait_until("the leaders stopped", || async { feed.subscribers() == 0 }).await;
}

crate::on_both_backends!(
    subscribers_get_exactly_the_matching_changes,
    identical_subscriptions_share_their_work,
    older_clients_and_rejections,
    websocket_documents_are_checked,
    subscriptions_per_connection_are_capped,
);

/// A server with small WebSocket limits.
async fn spawn_ws(backend: Backend, ws: tarikh::http::WsLimits, buffer: usize) -> TestApp {
    let config = tarikh::http::HttpConfig {
        tokens: tarikh::graphql::WriteTokens::parse(&format!("tester:{}", common::TOKEN)),
        ws,
        feed: tarikh::live::FeedConfig {
            capacity: buffer,
            ..Default::default()
        },
        ..Default::default()
    };
    TestApp::spawn_config(backend, tarikh::storage::StoreLimits::server(), config).await
}

/// One connection more than the server holds is refused before the
/// upgrade; an idle one is closed with a reason.
#[tokio::test]
async fn connections_are_capped_and_idle_ones_closed() {
    let limits = tarikh::http::WsLimits {
        connections: 2,
        idle: std::time::Duration::from_millis(200),
        ..Default::default()
    };
    let app = spawn_ws(Backend::Sqlite, limits, 64).await;
    let mut first = Ws::open(&app, "graphql-transport-ws").await;
    let _second = Ws::open(&app, "graphql-transport-ws").await;
    assert!(matches!(
        Ws::try_open(&app, "graphql-transport-ws").await,
        Upgrade::Refused(503)
    ));
    let (_, close) = first.until_closed().await;
    assert_eq!(close, Some((CloseCode::Normal, "idle".into())));
    // A slot is free again once the server has let it go.
    common::wait_until("a free slot", || async {
        matches!(
            Ws::try_open(&app, "graphql-transport-ws").await,
            Upgrade::Open(_)
        )
    })
    .await;
    app.cleanup().await;
}

/// Writes by another process (`tarikh ingest`) reach the server's
/// subscribers through PostgreSQL's NOTIFY: one CREATED per event the
/// article gave, and nothing else.
#[tokio::test]
async fn another_process_reaches_subscribers_on_postgres() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let mut ws = Ws::open(&app, "graphql-transport-ws").await;
    ws.subscribe("s", CHANGES, json!({})).await;
    until_subscribers(&app, 1).await;
    let dir = common::tmpdir("live-ingest");
    let file = dir.join("articles.jsonl");
    let body = "Iraqi forces said on Tuesday that they had retaken Mosul in July 2017. \
                The international coalition against ISIS was formed in September 2014.";
    std::fs::write(
        &file,
        article("https://wire.example/a1", "2019-05-07", "en", body),
    )
    .unwrap();
    let out = tarikh(&app, &["ingest", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d = app
        .ok("{ events(first: 50) { nodes { id } } }", json!({}))
        .await;
    let mut want: Vec<String> = d["events"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect();
    assert!(!want.is_empty(), "the article gave events");
    let mut got = vec![];
    for _ in 0..want.len() {
        let (change, id, _) = change_of(&ws.next().await);
        assert_eq!(change, "CREATED");
        got.push(id);
    }
    want.sort();
    got.sort();
    assert_eq!(got, want);
    let sentinel = app.event("Sentinel", day("2019-05-08"), &[]).await;
    assert_eq!(change_of(&ws.next().await).1, sentinel);
    app.cleanup().await;
}

/// A subscriber whose changes cannot be resolved while the feed goes on
/// falls more than the buffer behind: it gets `SUBSCRIPTION_BEHIND` with
/// the token to catch up from, and its connection is closed with 1008 and
/// a reason. What the server held for it never exceeded the buffer.
#[tokio::test]
async fn a_subscriber_that_falls_behind_is_cut_off() {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let buffer = 16;
    let app = spawn_ws(Backend::Postgres, Default::default(), buffer).await;
    let syria = app.actor("Syria", None, &[("Sham", "en")]).await;
    let mut ws = Ws::open(&app, "graphql-transport-ws").await;
    ws.subscribe(
        "slow",
        "subscription { eventChanges { change event { actors { actor { aliases { alias } } } } } }",
        json!({}),
    )
    .await;
    until_subscribers(&app, 1).await;
    // Resolving an event's aliases waits behind this lock; writing events
    // does not.
    let db = sea_orm::Database::connect(&app.url).await.unwrap();
    let txn = db.begin().await.unwrap();
    txn.execute_unprepared("LOCK TABLE actor_alias IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    app.event("First", day("2022-01-01"), &[&syria]).await;
    let admin = sea_orm::Database::connect(&common::admin_url())
        .await
        .unwrap();
    let waiting = common::until_lock_waiters(&admin, &app.store_db_name(), 1).await;
    assert!(waiting >= 1, "the subscriber waits for the lock");
    let more = 3 * buffer;
    for i in 0..more {
        app.event(&format!("Burst {i}"), day("2022-01-02"), &[&syria])
            .await;
    }
    common::wait_until("the feed sent the burst", || async {
        metric(&app, "live_changes_sent").await > more as i64
    })
    .await;
    txn.rollback().await.unwrap();
    let (before, close) = ws.until_closed().await;
    let last = before.last().expect("the error came before the close");
    let error = &last["payload"]["errors"][0];
    assert_eq!(error["extensions"]["code"], "SUBSCRIPTION_BEHIND", "{last}");
    assert!(error["extensions"]["syncToken"].is_string(), "{last}");
    let (code, reason) = close.expect("a close frame");
    assert_eq!(code, CloseCode::Policy);
    assert!(reason.contains("changedSince"), "{reason}");
    // At most what the buffer held, plus the first change and the error.
    assert!(before.len() <= buffer + 2, "{} messages", before.len());
    assert!(metric(&app, "ws_cut_off_total").await >= 1);
    app.cleanup().await;
}

/// One client cannot hold the server's share of connections, nor start
/// subscriptions (each a few statements) faster than its request rate.
#[tokio::test]
async fn a_client_is_held_to_its_share() {
    let config = tarikh::http::HttpConfig {
        rate_limit: Some(tarikh::http::RateLimit {
            per_minute: std::num::NonZeroU32::new(1).unwrap(),
            burst: std::num::NonZeroU32::new(6).unwrap(),
        }),
        ws: tarikh::http::WsLimits {
            per_client: 1,
            ..Default::default()
        },
        ..Default::default()
    };
    let app = TestApp::spawn_config(
        Backend::Sqlite,
        tarikh::storage::StoreLimits::server(),
        config,
    )
    .await;
    // Each upgrade, refused or not, and each message take one request of
    // the burst of six: two upgrades, connection_init, three subscriptions.
    let mut ws = Ws::open(&app, "graphql-transport-ws").await;
    assert!(matches!(
        Ws::try_open(&app, "graphql-transport-ws").await,
        Upgrade::Refused(429)
    ));
    // Three subscriptions take the rest; the fourth is refused.
    for i in 0..3 {
        ws.subscribe(&format!("s{i}"), CHANGES, json!({})).await;
    }
    until_subscribers(&app, 3).await;
    ws.subscribe("flood", CHANGES, json!({})).await;
    let m = ws.next().await;
    assert_eq!(m["id"], "flood");
    assert_eq!(m["payload"][0]["extensions"]["code"], "RATE_LIMITED");
    // Any other message over the rate closes the connection.
    ws.send(json!({"type": "ping"})).await;
    let (_, close) = ws.until_closed().await;
    assert_eq!(
        close,
        Some((
            CloseCode::Policy,
            "too many messages from this client".into()
        ))
    );
    app.cleanup().await;
}
