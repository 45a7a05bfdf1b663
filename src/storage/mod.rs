//! Persistence: the only module that imports `sea_orm`. Entities stay
//! inside; the layers above get `domain` records, and a few read models of
//! their own ([`Cursor`], [`EventPage`], [`DocRow`]).
//!
//! A one-way chain (`tests/tidy.rs` checks it):
//! - building blocks: `entities` (the tables), `error` ([`StoreError`],
//!   constraints by name), `convert` (rows to records and back), `query`
//!   (keyset cursors, list plans) and `txn` (inside a transaction: load,
//!   create, update, link actors, raise revisions, write revisions and
//!   tombstones);
//! - whole operations, each an `impl Store` block using only the blocks:
//!   `events`, `history`, `actors`, `articles`, `docs` (export documents),
//!   `search` (indexing rows stored before search existed) and `ingest`
//!   (one article's transaction, with its dedup `candidates`).
//!
//! Both backends run the same entities and migrations: PostgreSQL in
//! production, SQLite as the embedded default. Dates are stored as sortable
//! day numbers (`domain::day_number`), so ordering and range filters are
//! correct for any year on both.

mod actors;
mod articles;
mod candidates;
mod changes;
mod convert;
mod docs;
mod entities;
mod error;
mod events;
mod history;
mod ingest;
mod places;
mod query;
mod search;
mod txn;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};

use crate::domain::SyncToken;

pub use changes::{ChangeListener, ChangedEvent, Written};
pub use convert::content_hash;
pub use docs::{DocRow, NewDoc};
pub use error::StoreError;
pub use query::{Cursor, EventPage};

/// The advisory lock key held while migrating ("tarikh_m" in ASCII).
const MIGRATION_LOCK: i64 = 0x7461_7269_6b68_5f6d;

/// The embedded default when no database URL is configured.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://tarikh.db?mode=rwc";

/// Result of storage operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// How long database work may take: the server bounds every statement,
/// the command line does not (an operator's ingest or migration may run
/// for minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreLimits {
    /// Longest a statement may run before the database cancels it
    /// (PostgreSQL `statement_timeout`; on SQLite, a progress handler
    /// interrupts a connection's work once it has been checked out of the
    /// pool this long). `None`: no limit. Streaming exports have a pool of
    /// their own without it (they stream for as long as the client reads).
    pub statement_timeout: Option<Duration>,
    /// Longest a caller waits for a pooled connection.
    pub acquire_timeout: Duration,
}

impl Default for StoreLimits {
    /// No statement timeout, 10 s to get a connection (the command line).
    fn default() -> Self {
        StoreLimits {
            statement_timeout: None,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

impl StoreLimits {
    /// The server's: statements of 5 s at most, 2 s to get a connection.
    pub fn server() -> Self {
        StoreLimits {
            statement_timeout: Some(Duration::from_secs(5)),
            acquire_timeout: Duration::from_secs(2),
        }
    }
}

/// A handle on the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    /// The pool streaming exports read from: `db` itself when statements
    /// are not limited, else a pool of `concurrent_exports` connections without
    /// the statement limit.
    long: DatabaseConnection,
    /// One connection for health probes, so that a busy pool never makes
    /// the server look down.
    probe: DatabaseConnection,
    /// Whether the database answered last time anyone asked (see
    /// [`Store::available`]).
    up: Arc<std::sync::atomic::AtomicBool>,
    /// When the last probe ran and what it found.
    last_ping: Arc<tokio::sync::Mutex<Option<(std::time::Instant, bool)>>>,
    statements: Arc<AtomicU64>,
    /// SQLite allows one writer: write transactions queue here instead of
    /// failing with "database is locked" when they upgrade from reading.
    writer: Arc<tokio::sync::Mutex<()>>,
    /// Streaming exports hold a connection for their whole length: at most
    /// a quarter of the pool at once, the others wait their turn, so API
    /// requests always find a connection.
    streams: Arc<tokio::sync::Semaphore>,
    concurrent_exports: usize,
    /// Streaming exports waiting for a turn.
    streams_waiting: Arc<std::sync::atomic::AtomicUsize>,
    /// Where the database is, for connections outside the pools (the
    /// change listener's).
    url: Arc<str>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend_name())
            .finish()
    }
}

/// Opens one pool on `url`.
async fn pool(
    url: &str,
    size: u32,
    limits: &StoreLimits,
    statements: &Arc<AtomicU64>,
) -> StoreResult<DatabaseConnection> {
    let mut opt = ConnectOptions::new(url.to_string());
    opt.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(limits.acquire_timeout)
        .max_connections(size);
    if url.starts_with("sqlite:") {
        opt.min_connections(1);
        if let Some(limit) = limits.statement_timeout {
            // SQLite has no statement timeout: a progress handler, armed
            // each time a connection leaves the pool, interrupts what runs
            // on it past the limit ("interrupted", which rolls back).
            opt.map_sqlx_sqlite_pool_opts(move |o| {
                o.after_connect(move |conn, _| Box::pin(arm_sqlite_deadline(conn, limit)))
                    .before_acquire(move |conn, _| {
                        Box::pin(async move {
                            arm_sqlite_deadline(conn, limit).await?;
                            Ok(true)
                        })
                    })
            });
        }
    } else {
        // sqlx pings a connection each time it leaves the pool: a round
        // trip per statement of a request (four for a page of events with
        // their actors), which cost PostgreSQL as much CPU as the
        // statements. Only a connection idle long enough to have been
        // dropped (by the server, a proxy, a firewall) is pinged; the
        // health watcher probes the database every second besides.
        opt.test_before_acquire_if_idle_for(Duration::from_secs(30));
        if let Some(limit) = limits.statement_timeout {
            opt.statement_timeout(limit);
        }
    }
    let mut db = Database::connect(opt).await?;
    let counter = statements.clone();
    db.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    Ok(db)
}

/// Interrupts whatever `conn` runs once `limit` has passed from now.
async fn arm_sqlite_deadline(
    conn: &mut sea_orm::sqlx::SqliteConnection,
    limit: Duration,
) -> Result<(), sea_orm::sqlx::Error> {
    let deadline = std::time::Instant::now() + limit;
    // Called every 10,000 virtual machine steps (well under a millisecond);
    // returning false interrupts.
    conn.lock_handle()
        .await?
        .set_progress_handler(10_000, move || std::time::Instant::now() <= deadline);
    Ok(())
}

impl Store {
    /// Connects to `url` (`postgres://…` or `sqlite://…`) without limits
    /// on statements. Does not migrate.
    pub async fn connect(url: &str) -> StoreResult<Store> {
        Store::connect_with(url, StoreLimits::default()).await
    }

    /// Connects to `url` with `limits`. Does not migrate.
    pub async fn connect_with(url: &str, limits: StoreLimits) -> StoreResult<Store> {
        let size = if url.starts_with("sqlite:") { 8 } else { 32 };
        let concurrent_exports = size as usize / 4;
        let statements = Arc::new(AtomicU64::new(0));
        let db = pool(url, size, &limits, &statements).await?;
        let unlimited = StoreLimits {
            statement_timeout: None,
            ..limits
        };
        let long = if limits.statement_timeout.is_some() {
            pool(url, concurrent_exports as u32, &unlimited, &statements).await?
        } else {
            db.clone()
        };
        let probe_limits = StoreLimits {
            statement_timeout: Some(Duration::from_secs(1)),
            acquire_timeout: Duration::from_secs(1),
        };
        let probe = pool(url, 1, &probe_limits, &Arc::new(AtomicU64::new(0))).await?;
        let store = Store {
            db,
            long,
            probe,
            up: Arc::new(std::sync::atomic::AtomicBool::new(true)),
            last_ping: Arc::default(),
            statements,
            writer: Arc::new(tokio::sync::Mutex::new(())),
            streams: Arc::new(tokio::sync::Semaphore::new(concurrent_exports)),
            concurrent_exports,
            streams_waiting: Default::default(),
            url: url.into(),
        };
        if store.db.get_database_backend() == DbBackend::Sqlite {
            // sqlx turns foreign keys on and waits 5 s on a busy database for
            // every connection; WAL (kept in the file) lets readers run while
            // one writer writes.
            store
                .db
                .execute_unprepared("PRAGMA journal_mode = WAL")
                .await?;
        }
        Ok(store)
    }

    /// Connects and applies pending migrations.
    pub async fn open(url: &str) -> StoreResult<Store> {
        Store::connect(url).await?.migrated().await
    }

    /// Applies pending migrations and hands the store back.
    pub async fn migrated(self) -> StoreResult<Store> {
        self.migrate().await?;
        Ok(self)
    }

    /// Applies pending migrations, on the pool without statement limits.
    /// On PostgreSQL, processes migrating one database at once take turns:
    /// each holds an advisory lock for the whole of its run (the later one
    /// then finds nothing pending).
    pub async fn migrate(&self) -> StoreResult<()> {
        use sea_orm::TransactionTrait;
        if !self.is_postgres() {
            Migrator::up(&self.long, None).await?;
            self.fill_places().await?;
            return self.fill_search().await;
        }
        let guard = self.long.begin().await?;
        guard
            .execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
            .await?;
        let result = Migrator::up(&self.long, None).await;
        let filled = match result {
            Ok(()) => match self.fill_places().await {
                Ok(()) => self.fill_search().await,
                Err(e) => Err(e),
            },
            Err(e) => Err(e.into()),
        };
        guard.commit().await?;
        filled
    }

    /// A sync token to take before reading what a sync sends: every write
    /// the read does not see (committed later, or running now) gets a change
    /// number at least this one (migration 6), so `changedSince` = this
    /// token next time misses nothing.
    pub async fn sync_token(&self) -> StoreResult<SyncToken> {
        self.sync_token_on(&self.db).await
    }

    /// [`Store::sync_token`] on the probe's connection: for bookkeeping
    /// that is not the API's work (the change feed's), not counted in
    /// [`Store::statement_count`].
    pub async fn quiet_sync_token(&self) -> StoreResult<SyncToken> {
        self.sync_token_on(&self.probe).await
    }

    async fn sync_token_on(&self, db: &DatabaseConnection) -> StoreResult<SyncToken> {
        use sea_orm::{ConnectionTrait, Statement};
        let sql = if self.is_postgres() {
            "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS t"
        } else {
            "SELECT seq + 1 AS t FROM change_counter WHERE id = 1"
        };
        let row = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
            .await?
            .ok_or_else(|| StoreError::corrupt("the change counter is missing"))?;
        Ok(SyncToken(row.try_get("", "t")?))
    }

    /// Does the database answer within a second? Asked on a connection of
    /// its own, so a busy pool does not make it look down; one probe at a
    /// time, and callers within 250 ms of the last one share its answer,
    /// so a flood of health checks costs the database nothing. The answer
    /// is remembered for [`Store::available`].
    pub async fn ping(&self) -> bool {
        let mut last = self.last_ping.lock().await;
        if let Some((at, ok)) = *last {
            if at.elapsed() < Duration::from_millis(250) {
                return ok;
            }
        }
        let ok = matches!(
            tokio::time::timeout(Duration::from_secs(1), self.probe.ping()).await,
            Ok(Ok(()))
        );
        *last = Some((std::time::Instant::now(), ok));
        self.up.store(ok, Ordering::Relaxed);
        ok
    }

    /// What the last probe found, if it ran within `age` (and no request
    /// has found the database unavailable since).
    pub fn probed_within(&self, age: Duration) -> Option<bool> {
        let last = self.last_ping.try_lock().ok()?;
        let (at, ok) = (*last)?;
        (at.elapsed() < age).then_some(ok && self.available())
    }

    /// Did the database answer the last probe ([`Store::ping`]), and has no
    /// connection failed since? While it is false, the server refuses
    /// requests at once instead of letting each wait for a connection.
    pub fn available(&self) -> bool {
        self.up.load(Ordering::Relaxed)
    }

    /// Notes that a request found the database unavailable: `available`
    /// turns false until the next probe succeeds.
    pub fn mark_unavailable(&self) {
        self.up.store(false, Ordering::Relaxed);
    }

    /// "postgres" or "sqlite".
    pub fn backend_name(&self) -> &'static str {
        match self.db.get_database_backend() {
            DbBackend::Postgres => "postgres",
            DbBackend::Sqlite => "sqlite",
            _ => "other",
        }
    }

    /// The API's pool: connections open, and idle among them.
    pub fn pool_stats(&self) -> (u32, usize) {
        match self.db.get_database_backend() {
            DbBackend::Postgres => {
                let p = self.db.get_postgres_connection_pool();
                (p.size(), p.num_idle())
            }
            DbBackend::Sqlite => {
                let p = self.db.get_sqlite_connection_pool();
                (p.size(), p.num_idle())
            }
            _ => (0, 0),
        }
    }

    /// How many streaming exports run at once; later ones wait their turn.
    pub fn concurrent_exports(&self) -> usize {
        self.concurrent_exports
    }

    /// How many streaming exports wait for their turn now.
    pub fn streams_waiting(&self) -> usize {
        self.streams_waiting.load(Ordering::SeqCst)
    }

    /// How many SQL statements this store has run (for tests and metrics).
    pub fn statement_count(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Closes the pool.
    pub async fn close(self) {
        let _ = self.db.close().await;
    }

    /// How many articles `ingest` should write at once: several on
    /// PostgreSQL (advisory locks keep dedup exact), one on SQLite (a
    /// single writer).
    pub fn write_concurrency(&self) -> usize {
        if self.is_postgres() {
            8
        } else {
            1
        }
    }

    /// Held for the whole of a write transaction on SQLite (none needed on
    /// PostgreSQL, whose row and advisory locks order writers).
    async fn write_lock(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        if self.is_postgres() {
            None
        } else {
            Some(self.writer.lock().await)
        }
    }

    /// The rows of entity `E` whose `column` is one of `ids` (one statement).
    async fn rows_by_ids<E: sea_orm::EntityTrait, I: Copy + Into<i64>>(
        &self,
        column: E::Column,
        ids: &[I],
    ) -> StoreResult<Vec<E::Model>> {
        use sea_orm::QueryFilter;
        if ids.is_empty() {
            return Ok(vec![]);
        }
        Ok(E::find()
            .filter(self.id_in(column, ids))
            .all(&self.db)
            .await?)
    }

    /// `column IN ids` as one bound parameter whatever the number of ids,
    /// so the statement is prepared and planned once, not once per list
    /// length (a 1,000-id IN list costs PostgreSQL tens of milliseconds to
    /// plan).
    fn id_in<C: sea_orm::ColumnTrait, I: Copy + Into<i64>>(
        &self,
        column: C,
        ids: &[I],
    ) -> sea_orm::Condition {
        use sea_orm::sea_query::Expr;
        let col = format!(
            "\"{}\".\"{}\"",
            column.entity_name().inner(),
            column.as_str()
        );
        let unique: std::collections::BTreeSet<i64> = ids.iter().map(|i| (*i).into()).collect();
        let list: Vec<String> = unique.iter().map(|i| i.to_string()).collect();
        let expr = if self.is_postgres() {
            Expr::cust_with_values(
                format!("{col} = ANY(string_to_array($1, ',')::bigint[])"),
                [list.join(",")],
            )
        } else {
            Expr::cust_with_values(
                format!("{col} IN (SELECT value FROM json_each(?))"),
                [format!("[{}]", list.join(","))],
            )
        };
        sea_orm::Condition::all().add(expr)
    }

    fn is_postgres(&self) -> bool {
        self.db.get_database_backend() == DbBackend::Postgres
    }
}

/// Creates a database named `name` on the PostgreSQL server of `admin_url`
/// and returns the URL of the new database (used by tests and benchmarks
/// that each want a fresh database).
pub async fn create_postgres_database(admin_url: &str, name: &str) -> StoreResult<String> {
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(StoreError::Invalid(format!("bad database name {name:?}")));
    }
    let admin = Database::connect(admin_url).await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await?;
    admin.close().await?;
    let mut url = url::Url::parse(admin_url)
        .map_err(|e| StoreError::Invalid(format!("bad database url: {e}")))?;
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}

/// Drops a database made by [`create_postgres_database`] (connections to it
/// are closed first).
pub async fn drop_postgres_database(admin_url: &str, name: &str) -> StoreResult<()> {
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(StoreError::Invalid(format!("bad database name {name:?}")));
    }
    let admin = Database::connect(admin_url).await?;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await?;
    admin.close().await?;
    Ok(())
}
