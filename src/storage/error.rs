//! What can go wrong in storage, classified for the layers above: by the
//! driver's error kind, the database's error code and, for a broken
//! constraint, the constraint's name. Never by the text of a message.

use sea_orm::DbErr;

/// What can go wrong in storage, classified for the API layers.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The caller named a row that does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// The caller's input breaks a rule of the store (duplicate, bad reference).
    #[error("{0}")]
    Invalid(String),
    /// A statement ran past its time limit and was cancelled.
    #[error("statement timed out: {0}")]
    Timeout(DbErr),
    /// No pooled connection was free in time: the server is busy (the
    /// database may be fine).
    #[error("no database connection free in time: {0}")]
    Busy(DbErr),
    /// The database's disk is full: nothing more can be written until
    /// space is freed.
    #[error("the database's disk is full: {0}")]
    DiskFull(DbErr),
    /// The database cannot be reached (a connection failed or broke).
    #[error("database unavailable: {0}")]
    Unavailable(DbErr),
    /// Stored data that no valid write could produce (a value that does
    /// not decode): a server fault, logged, never the caller's.
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// The database failed; details are logged, never shown to clients.
    #[error("database error: {0}")]
    Db(DbErr),
}

impl From<DbErr> for StoreError {
    /// Classifies by the driver's error kind and the database's error
    /// code: PostgreSQL's `query_canceled` (57014, raised by
    /// `statement_timeout`) and SQLite's `SQLITE_INTERRUPT` (9, raised by
    /// the deadline's progress handler) are timeouts; a pool with no free
    /// connection in time is busy (sqlx says the same when it keeps
    /// failing to connect: the health probe tells the two apart); a failed
    /// or broken connection and a closed pool are unavailability.
    fn from(e: DbErr) -> Self {
        use sea_orm::sqlx::Error as X;
        use sea_orm::{ConnAcquireErr, RuntimeErr};
        let sqlx = match &e {
            DbErr::ConnectionAcquire(ConnAcquireErr::Timeout) => return StoreError::Busy(e),
            DbErr::ConnectionAcquire(_) => return StoreError::Unavailable(e),
            DbErr::Conn(RuntimeErr::SqlxError(x))
            | DbErr::Exec(RuntimeErr::SqlxError(x))
            | DbErr::Query(RuntimeErr::SqlxError(x)) => x.clone(),
            DbErr::Conn(_) => return StoreError::Unavailable(e),
            _ => return StoreError::Db(e),
        };
        match sqlx.as_ref() {
            X::Database(d) if matches!(d.code().as_deref(), Some("57014") | Some("9")) => {
                StoreError::Timeout(e)
            }
            // SQLITE_FULL (13), PostgreSQL's disk_full (53100).
            X::Database(d) if matches!(d.code().as_deref(), Some("13") | Some("53100")) => {
                StoreError::DiskFull(e)
            }
            // The server shut down or restarts (57P01-57P03), or the
            // connection failed (class 08).
            X::Database(d)
                if d.code()
                    .is_some_and(|c| c.starts_with("57P0") || c.starts_with("08")) =>
            {
                StoreError::Unavailable(e)
            }
            X::PoolTimedOut => StoreError::Busy(e),
            X::Io(_) | X::Tls(_) | X::PoolClosed | X::WorkerCrashed => StoreError::Unavailable(e),
            _ if matches!(e, DbErr::Conn(_)) => StoreError::Unavailable(e),
            _ => StoreError::Db(e),
        }
    }
}

impl StoreError {
    /// Stored data no valid write could produce: a server fault, logged,
    /// not the caller's.
    pub fn corrupt(what: impl Into<String>) -> StoreError {
        StoreError::Corrupt(what.into())
    }
}

/// The schema's constraints that a caller's input can break, by name:
/// PostgreSQL's constraint or unique index, or the columns SQLite names
/// instead (it reports no constraint name), with what the caller is told.
const CONSTRAINTS: &[(&[&str], &str)] = &[
    (
        &["article_url_key", "article.url"],
        "an article with that url already exists",
    ),
    (
        &["article_content_hash_key", "article.content_hash"],
        "an article with that body already exists",
    ),
    (
        &["actor_wikidata_key", "actor.wikidata"],
        "an actor with that wikidata id already exists",
    ),
    (
        &[
            "ux_alias_actor_normalized",
            "actor_alias.actor_id, actor_alias.normalized",
        ],
        "the actor already has that alias",
    ),
];

/// Which constraint a database error broke, if it broke one: `None` for
/// any other error. The second value is true for a foreign key.
fn broken_constraint(e: &DbErr) -> Option<(String, bool)> {
    use sea_orm::sqlx::error::ErrorKind;
    use sea_orm::sqlx::Error as X;
    use sea_orm::RuntimeErr;
    let (DbErr::Exec(RuntimeErr::SqlxError(x)) | DbErr::Query(RuntimeErr::SqlxError(x))) = e else {
        return None;
    };
    let X::Database(d) = x.as_ref() else {
        return None;
    };
    let foreign = match d.kind() {
        ErrorKind::UniqueViolation => false,
        ErrorKind::ForeignKeyViolation => true,
        _ => return None,
    };
    let name = match d.constraint() {
        Some(name) => name.to_string(),
        // SQLite names the columns: "UNIQUE constraint failed: t.a, t.b".
        None => d
            .message()
            .split_once("failed: ")
            .map(|(_, cols)| cols.trim().to_string())
            .unwrap_or_default(),
    };
    Some((name, foreign))
}

/// Classifies a failed write of `what`: a broken unique key or foreign key
/// is the caller's (`Invalid`, with what the constraint means), anything
/// else as [`StoreError::from`] does.
pub(super) fn classify(e: DbErr, what: &str) -> StoreError {
    match broken_constraint(&e) {
        Some((_, true)) => {
            StoreError::Invalid(format!("{what} refers to a row that does not exist"))
        }
        Some((name, false)) => {
            let known = CONSTRAINTS
                .iter()
                .find(|(names, _)| names.contains(&name.as_str()));
            match known {
                Some((_, message)) => StoreError::Invalid((*message).to_string()),
                None => StoreError::Invalid(format!("{what} already exists")),
            }
        }
        None => StoreError::from(e),
    }
}
