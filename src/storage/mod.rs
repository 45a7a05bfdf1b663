//! Persistence: the only module that imports `sea_orm`. Entities stay
//! inside; every function takes and returns `domain` records.
//!
//! Both backends run the same entities and migrations: PostgreSQL in
//! production, SQLite as the embedded default. Dates are stored as sortable
//! day numbers (`domain::day_number`), so ordering and range filters are
//! correct for any year on both.

mod actors;
mod articles;
mod docs;
mod entities;
mod events;
mod history;
mod ingest;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};

use crate::domain::{Id, SyncToken};

pub use articles::content_hash;
pub use docs::{DocRow, NewDoc};
pub use events::{Cursor, EventPage};
pub use ingest::{ActorRef, IngestEvent, IngestOutcome, PreparedArticle, ReextractOutcome};

/// The embedded default when no database URL is configured.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://tarikh.db?mode=rwc";

/// What can go wrong in storage, classified for the API layers.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The caller named a row that does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// The caller's input breaks a rule of the store (duplicate, bad reference).
    #[error("{0}")]
    Invalid(String),
    /// The database failed; details are logged, never shown to clients.
    #[error("database error: {0}")]
    Db(#[from] DbErr),
}

impl StoreError {
    /// Stored data no valid write could produce: a server fault, logged,
    /// not the caller's.
    pub fn corrupt(what: impl Into<String>) -> StoreError {
        StoreError::Db(DbErr::Custom(what.into()))
    }
}

/// Result of storage operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// A handle on the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    statements: Arc<AtomicU64>,
    /// SQLite allows one writer: write transactions queue here instead of
    /// failing with "database is locked" when they upgrade from reading.
    writer: Arc<tokio::sync::Mutex<()>>,
    /// Streaming exports hold a connection for their whole length: at most
    /// a quarter of the pool at once, the others wait their turn, so API
    /// requests always find a connection.
    streams: Arc<tokio::sync::Semaphore>,
    stream_slots: usize,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend_name())
            .finish()
    }
}

impl Store {
    /// Connects to `url` (`postgres://…` or `sqlite://…`). Does not migrate.
    pub async fn connect(url: &str) -> StoreResult<Store> {
        let mut opt = ConnectOptions::new(url.to_string());
        opt.sqlx_logging(false)
            .connect_timeout(Duration::from_secs(5))
            .acquire_timeout(Duration::from_secs(10));
        let pool = if url.starts_with("sqlite:") { 8 } else { 32 };
        if url.starts_with("sqlite:") {
            // One writer at a time; readers share the pool.
            opt.max_connections(pool).min_connections(1);
        } else {
            opt.max_connections(pool);
        }
        let mut db = Database::connect(opt).await?;
        let statements = Arc::new(AtomicU64::new(0));
        let counter = statements.clone();
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        let stream_slots = pool as usize / 4;
        let store = Store {
            db,
            statements,
            writer: Arc::new(tokio::sync::Mutex::new(())),
            streams: Arc::new(tokio::sync::Semaphore::new(stream_slots)),
            stream_slots,
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
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Applies pending migrations.
    pub async fn migrate(&self) -> StoreResult<()> {
        Migrator::up(&self.db, None).await?;
        Ok(())
    }

    /// A sync token to take before reading what a sync sends: every write
    /// the read does not see (committed later, or running now) gets a change
    /// number at least this one (migration 6), so `changedSince` = this
    /// token next time misses nothing.
    pub async fn sync_token(&self) -> StoreResult<SyncToken> {
        use sea_orm::{ConnectionTrait, Statement};
        let sql = if self.is_postgres() {
            "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS t"
        } else {
            "SELECT seq + 1 AS t FROM change_counter WHERE id = 1"
        };
        let row = self
            .db
            .query_one_raw(Statement::from_string(self.db.get_database_backend(), sql))
            .await?
            .ok_or_else(|| StoreError::corrupt("the change counter is missing"))?;
        Ok(SyncToken(row.try_get("", "t")?))
    }

    /// Is the database reachable?
    pub async fn ping(&self) -> bool {
        self.db.ping().await.is_ok()
    }

    /// "postgres" or "sqlite".
    pub fn backend_name(&self) -> &'static str {
        match self.db.get_database_backend() {
            DbBackend::Postgres => "postgres",
            DbBackend::Sqlite => "sqlite",
            _ => "other",
        }
    }

    /// How many streaming exports run at once; later ones wait their turn.
    pub fn stream_slots(&self) -> usize {
        self.stream_slots
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
    async fn rows_by_ids<E: sea_orm::EntityTrait>(
        &self,
        column: E::Column,
        ids: &[Id],
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
    fn id_in<C: sea_orm::ColumnTrait>(&self, column: C, ids: &[Id]) -> sea_orm::Condition {
        use sea_orm::sea_query::Expr;
        let col = format!(
            "\"{}\".\"{}\"",
            column.entity_name().inner(),
            column.as_str()
        );
        let unique: std::collections::BTreeSet<Id> = ids.iter().copied().collect();
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

/// Maps a unique-constraint failure to `Invalid`, anything else to `Db`.
fn classify(e: DbErr, what: &str) -> StoreError {
    let msg = e.to_string().to_lowercase();
    if msg.contains("unique") || msg.contains("duplicate key") {
        StoreError::Invalid(format!("{what} already exists"))
    } else if msg.contains("foreign key") {
        StoreError::Invalid(format!("{what} refers to a row that does not exist"))
    } else {
        StoreError::Db(e)
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
