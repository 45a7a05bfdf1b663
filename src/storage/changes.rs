//! What the change feed reads: events written since a sync token, with
//! the numbers that tell a creation from an update, and on PostgreSQL
//! the wake-up the database sends when a write commits.

use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::convert::{to_event, to_tombstone};
use super::entities::event;
use super::query::tombstone_page;
use super::{Store, StoreError, StoreResult};
use crate::domain::{Event, EventId, Id, SyncToken, Tombstone};

/// An event written at or after a sync token.
#[derive(Debug, Clone)]
pub struct ChangedEvent {
    pub event: Event,
    /// The write number it was created with (`created_seq`, migration 9).
    pub created_seq: i64,
    /// The write number of its last write (`change_seq`, migration 6).
    pub change_seq: i64,
}

/// Wakes when a write commits anywhere (PostgreSQL's `NOTIFY`).
pub struct ChangeListener(sea_orm::sqlx::postgres::PgListener);

/// What a notification says was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Events or tombstones (and perhaps more).
    Events,
    /// Only other tables the API reads (actors, articles, the search
    /// index…).
    Other,
}

impl ChangeListener {
    /// Waits for the next notification. A lost connection is made again
    /// by the listener; notifications sent while it was down are lost, so
    /// a loss is reported as [`Written::Events`] (anything may have been
    /// written meanwhile), and the feed also looks on its own from time
    /// to time.
    pub async fn next(&mut self) -> StoreResult<Written> {
        let n = self
            .0
            .try_recv()
            .await
            .map_err(|e| unavailable("change listener", e))?;
        Ok(match n {
            Some(n) if n.channel() != migration::CHANGES_CHANNEL => Written::Other,
            _ => Written::Events,
        })
    }
}

impl Store {
    /// Events written at or after `since`, by id after `after`, at most
    /// `limit`, in id order.
    pub async fn changed_events(
        &self,
        since: SyncToken,
        after: Option<EventId>,
        limit: u64,
    ) -> StoreResult<Vec<ChangedEvent>> {
        let mut c = Condition::all().add(event::Column::ChangeSeq.gte(since.0));
        if let Some(a) = after {
            c = c.add(event::Column::Id.gt(a));
        }
        event::Entity::find()
            .filter(c)
            .order_by_asc(event::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| {
                let (created_seq, change_seq) = (m.created_seq, m.change_seq);
                Ok(ChangedEvent {
                    event: to_event(m)?,
                    created_seq,
                    change_seq,
                })
            })
            .collect()
    }

    /// Tombstones written at or after `since`, by id after `after`, at
    /// most `limit`, in id order, each with its write number.
    pub async fn changed_tombstones(
        &self,
        since: SyncToken,
        after: Option<Id>,
        limit: u64,
    ) -> StoreResult<Vec<(Tombstone, i64)>> {
        Ok(tombstone_page(None, Some(since), after, limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|t| {
                let seq = t.change_seq;
                (to_tombstone(t), seq)
            })
            .collect())
    }

    /// Whether the store is PostgreSQL (whose writers notify).
    pub fn notifies(&self) -> bool {
        self.is_postgres()
    }

    /// The newest write number, without waiting for writes in flight: a
    /// cheap question the SQLite feed asks often to learn whether anything
    /// was written (by any process). `None` on PostgreSQL, whose writers
    /// notify instead.
    pub async fn last_write_number(&self) -> StoreResult<Option<i64>> {
        self.sqlite_probe_number(
            "SELECT seq FROM change_counter WHERE id = 1",
            "seq",
            "the change counter is missing",
        )
        .await
    }

    /// SQLite's `PRAGMA data_version` on the probe's connection: it moves
    /// whenever another connection (this process's pool, another process)
    /// commits, whatever the table. `None` on PostgreSQL.
    pub async fn data_version(&self) -> StoreResult<Option<i64>> {
        self.sqlite_probe_number(
            "PRAGMA data_version",
            "data_version",
            "PRAGMA data_version answered nothing",
        )
        .await
    }

    /// On SQLite, the number in `column` of the one row `sql` reads, on the
    /// probe's connection: a bookkeeping read, not the API's work (it is
    /// not counted in `statement_count`). `None` on PostgreSQL.
    async fn sqlite_probe_number(
        &self,
        sql: &str,
        column: &str,
        missing: &str,
    ) -> StoreResult<Option<i64>> {
        if self.is_postgres() {
            return Ok(None);
        }
        use sea_orm::{ConnectionTrait, Statement};
        let row = self
            .probe
            .query_one_raw(Statement::from_string(
                self.probe.get_database_backend(),
                sql,
            ))
            .await?
            .ok_or_else(|| StoreError::corrupt(missing))?;
        Ok(Some(row.try_get("", column)?))
    }

    /// On PostgreSQL, a listener woken by every committed write, by any
    /// process, of an event or tombstone (migration 9's triggers) or of
    /// another table the API reads (migration 13's), on a connection of
    /// its own; `None` on SQLite.
    pub async fn change_listener(&self) -> StoreResult<Option<ChangeListener>> {
        if !self.is_postgres() {
            return Ok(None);
        }
        let mut l = sea_orm::sqlx::postgres::PgListener::connect(&self.url)
            .await
            .map_err(|e| unavailable("listen", e))?;
        l.listen_all([migration::CHANGES_CHANNEL, migration::WRITES_CHANNEL])
            .await
            .map_err(|e| unavailable("listen", e))?;
        Ok(Some(ChangeListener(l)))
    }
}

fn unavailable(what: &str, e: sea_orm::sqlx::Error) -> StoreError {
    StoreError::Unavailable(sea_orm::DbErr::Custom(format!("{what}: {e}")))
}
