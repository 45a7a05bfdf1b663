//! Test harness: each test spawns the real server on port 0 over a fresh
//! database (PostgreSQL or SQLite) and talks to it over HTTP.
#![allow(dead_code)]

use std::net::TcpListener;
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::{json, Value};
use tarikh::export::DocRefresher;
use tarikh::graphql::WriteTokens;
use tarikh::http::{start, HttpConfig};
use tarikh::storage::{create_postgres_database, drop_postgres_database, Store, StoreLimits};

/// The write token every test server accepts.
pub const TOKEN: &str = "secret-token";

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

pub struct TestApp {
    pub addr: String,
    /// The database URL of this test's fresh database.
    pub url: String,
    pub store: Store,
    pub client: reqwest::Client,
    /// The server's export documents' refresher (to wait until it is idle).
    refresher: DocRefresher,
    backend: Backend,
    db_name: String,
    admin_url: String,
    sqlite_path: Option<std::path::PathBuf>,
}

fn unique_name() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "tarikh_test_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

pub fn admin_url() -> String {
    std::env::var("TARIKH_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, &format!("tester:{TOKEN}")).await
    }

    pub async fn spawn_with(backend: Backend, tokens: &str) -> TestApp {
        Self::spawn_limited(
            backend,
            tokens,
            StoreLimits::server(),
            tarikh::http::DEFAULT_REQUEST_TIMEOUT,
        )
        .await
    }

    /// A server with the given database limits and request deadline.
    pub async fn spawn_limited(
        backend: Backend,
        tokens: &str,
        limits: StoreLimits,
        request_timeout: std::time::Duration,
    ) -> TestApp {
        let config = HttpConfig {
            tokens: WriteTokens::parse(tokens),
            cors_origins: vec!["https://dash.example".into()],
            request_timeout,
            ..HttpConfig::default()
        };
        Self::spawn_config(backend, limits, config).await
    }

    /// A server with the given database limits and HTTP configuration.
    pub async fn spawn_config(
        backend: Backend,
        limits: StoreLimits,
        config: HttpConfig,
    ) -> TestApp {
        let name = unique_name();
        let admin = admin_url();
        let (url, sqlite_path) = match backend {
            Backend::Postgres => {
                let url = create_postgres_database(&admin, &name).await.unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL is not reachable at {admin} ({e}).\n\
                         Start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` \
                         or `docker compose up -d postgres`, or point TARIKH_TEST_DATABASE_URL at a server \
                         where this user may create databases."
                    )
                });
                (url, None)
            }
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                (format!("sqlite://{}?mode=rwc", path.display()), Some(path))
            }
        };
        // The server's own limits, as `tarikh serve` sets them.
        let store = Store::connect_with(&url, limits)
            .await
            .expect("open the test database")
            .migrated()
            .await
            .expect("migrate the test database");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a port");
        let addr = format!("http://{}", listener.local_addr().unwrap());
        let (server, refresher) = start(listener, store.clone(), config)
            .await
            .expect("start the server");
        tokio::spawn(server);
        TestApp {
            addr,
            url,
            store,
            client: reqwest::Client::new(),
            refresher,
            backend,
            db_name: name,
            admin_url: admin,
            sqlite_path,
        }
    }

    pub fn store_db_name(&self) -> String {
        self.db_name.clone()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs a query without a token; returns the whole response body.
    pub async fn gql(&self, query: &str, vars: Value) -> Value {
        self.gql_as(None, query, vars).await
    }

    /// Runs a query with the test token.
    pub async fn gql_w(&self, query: &str, vars: Value) -> Value {
        self.gql_as(Some(TOKEN), query, vars).await
    }

    pub async fn gql_as(&self, token: Option<&str>, query: &str, vars: Value) -> Value {
        let mut req = self
            .client
            .post(format!("{}/graphql", self.addr))
            .json(&json!({"query": query, "variables": vars}));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("send request");
        resp.json().await.expect("JSON body")
    }

    /// Waits until the work the server does behind the requests (the
    /// export documents' refresher, woken by mutations) has ended, so that
    /// a test counting the statements of one request counts only its own.
    pub async fn settle(&self) {
        tokio::time::timeout(std::time::Duration::from_secs(20), self.refresher.idle())
            .await
            .expect("the export documents' refresher still busy after 20 s");
    }

    /// The data of a response that must not have errors.
    /// GET `path` (with its query string) from the server.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.addr))
            .send()
            .await
            .unwrap()
    }

    pub async fn ok(&self, query: &str, vars: Value) -> Value {
        let body = self.gql_w(query, vars).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// The error codes of a response.
    pub async fn codes(&self, token: Option<&str>, query: &str, vars: Value) -> Vec<String> {
        let body = self.gql_as(token, query, vars).await;
        body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("expected errors: {body:#}"))
            .iter()
            .map(|e| {
                e["extensions"]["code"]
                    .as_str()
                    .unwrap_or("NONE")
                    .to_string()
            })
            .collect()
    }

    pub async fn cleanup(self) {
        self.store.close().await;
        match self.backend {
            Backend::Postgres => {
                let _ = drop_postgres_database(&self.admin_url, &self.db_name).await;
            }
            Backend::Sqlite => {
                if let Some(p) = &self.sqlite_path {
                    for suffix in ["", "-wal", "-shm"] {
                        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
                    }
                }
            }
        }
    }

    // ---- write helpers ----

    pub async fn actor(
        &self,
        name: &str,
        name_ar: Option<&str>,
        aliases: &[(&str, &str)],
    ) -> String {
        let aliases: Vec<Value> = aliases
            .iter()
            .map(|(a, l)| json!({"alias": a, "lang": l}))
            .collect();
        let d = self
            .ok(
                "mutation($i: ActorInput!) { createActor(input: $i) { id } }",
                json!({"i": {"name": name, "nameAr": name_ar, "kind": "STATE", "aliases": aliases}}),
            )
            .await;
        d["createActor"]["id"].as_str().unwrap().to_string()
    }

    /// Creates an event; `date` is an EventDateInput as JSON.
    pub async fn event(&self, title: &str, date: Value, actors: &[&str]) -> String {
        self.event_with(title, date, actors, json!({})).await
    }

    pub async fn event_with(
        &self,
        title: &str,
        date: Value,
        actors: &[&str],
        extra: Value,
    ) -> String {
        let actors: Vec<Value> = actors.iter().map(|a| json!({"actorId": a})).collect();
        let mut input = json!({"title": title, "kind": "OTHER", "date": date, "actors": actors});
        if let (Some(i), Some(e)) = (input.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                i.insert(k.clone(), v.clone());
            }
        }
        let d = self
            .ok(
                "mutation($i: EventInput!) { createEvent(input: $i) { id } }",
                json!({"i": input}),
            )
            .await;
        d["createEvent"]["id"].as_str().unwrap().to_string()
    }

    /// Titles of the events matching `filter`, in date order.
    pub async fn titles(&self, filter: Value) -> Vec<String> {
        let d = self
            .ok(
                "query($f: EventFilter) { events(filter: $f, first: 500) { nodes { title } } }",
                json!({"f": filter}),
            )
            .await;
        node_titles(&d)
    }
}

/// The titles of `events { nodes { title } }` in an answer.
pub fn node_titles(d: &Value) -> Vec<String> {
    d["events"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap().to_string())
        .collect()
}

pub fn day(d: &str) -> Value {
    json!({"start": d, "precision": "DAY"})
}

/// Declares each listed `async fn NAME(app: &TestApp)` as two tests, one per backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let app = $crate::common::TestApp::spawn($crate::common::Backend::Postgres).await;
                    super::$name(&app).await;
                    app.cleanup().await;
                }
            )*
        }
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let app = $crate::common::TestApp::spawn($crate::common::Backend::Sqlite).await;
                    super::$name(&app).await;
                    app.cleanup().await;
                }
            )*
        }
    };
}

/// A fresh, empty folder under the system's temporary folder.
pub fn tmpdir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "tarikh-{tag}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Holds an exclusive lock on the event table of the PostgreSQL database
/// at `url` until the transaction is dropped or rolled back: every read
/// of events blocks behind it, for as long as a test wants.
pub async fn lock_events(url: &str) -> (sea_orm::DatabaseConnection, sea_orm::DatabaseTransaction) {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let db = sea_orm::Database::connect(url).await.unwrap();
    let txn = db.begin().await.unwrap();
    txn.execute_unprepared("LOCK TABLE event IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    (db, txn)
}

/// Statements of PostgreSQL database `db` waiting for a lock.
pub async fn lock_waiters(admin: &sea_orm::DatabaseConnection, db: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    let row = admin
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
            [db.into()],
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

/// Waits (without a clock: a bounded number of looks) until at least
/// `n` statements of `db` wait for a lock; returns how many do.
pub async fn until_lock_waiters(admin: &sea_orm::DatabaseConnection, db: &str, n: i64) -> i64 {
    let mut seen = 0;
    for _ in 0..100_000 {
        seen = lock_waiters(admin, db).await;
        if seen >= n {
            break;
        }
        tokio::task::yield_now().await;
    }
    seen
}

/// Waits until `holds` says yes, asking again each time the runtime
/// has run its other tasks (as `until_lock_waiters` does); fails naming
/// `what` when it has not after 30 s. For a condition another task or
/// process brings about: never a fixed delay that a slow machine could
/// outlast.
pub async fn wait_until<F, Fut>(what: &str, mut holds: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    while !holds().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "still waiting: {what}"
        );
        tokio::task::yield_now().await;
    }
}
