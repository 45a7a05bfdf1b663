//! Caches of answers need to know when anything the API reads changes,
//! not only events (migration 9's `tarikh_changes`, which wakes the change
//! feed): on PostgreSQL, a statement trigger on every other table the API
//! reads sends `NOTIFY tarikh_writes` (no payload; PostgreSQL folds the
//! notifications of one transaction into one, delivered at commit). A
//! channel of its own, so that the change feed, which reads events on
//! `tarikh_changes`, is not woken by writes that change no event (the
//! search index catching up, an actor's alias). SQLite needs nothing: its
//! readers watch `PRAGMA data_version`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The channel the PostgreSQL triggers notify.
pub const CHANNEL: &str = "tarikh_writes";

/// The tables the API reads, besides `event` and `tombstone`.
const TABLES: &[&str] = &[
    "actor",
    "actor_alias",
    "article",
    "article_search",
    "event_actor",
    "event_place",
    "event_search",
    "mention",
    "place",
    "revision",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        db.execute_unprepared(&format!(
            "CREATE FUNCTION tarikh_notify_writes() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$"
        ))
        .await?;
        for t in TABLES {
            db.execute_unprepared(&format!(
                "CREATE TRIGGER {t}_notify_writes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE \
                 ON {t} FOR EACH STATEMENT EXECUTE FUNCTION tarikh_notify_writes()"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        for t in TABLES {
            db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {t}_notify_writes ON {t}"))
                .await?;
        }
        db.execute_unprepared("DROP FUNCTION IF EXISTS tarikh_notify_writes()")
            .await?;
        Ok(())
    }
}
