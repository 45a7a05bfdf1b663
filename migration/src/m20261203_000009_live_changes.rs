//! Live changes (GraphQL subscriptions): what a change feed needs to tell
//! a created event from an updated one, and, on PostgreSQL, a wake-up for
//! every process that listens.
//!
//! - `event.created_seq`: the `change_seq` the event was created with, set
//!   by the database like `change_seq` (migration 6). An event read by the
//!   feed whose `created_seq` is at least the feed's token was created
//!   after the feed last looked.
//! - PostgreSQL: a statement trigger on `event` and `tombstone` sends
//!   `NOTIFY tarikh_changes` (no payload; one per transaction, delivered at
//!   commit), so a write by any process (`tarikh ingest`, another server)
//!   wakes every server's feed. SQLite has no such channel: its feed
//!   watches `change_counter`.
//!
//! Rows written before this migration keep 0.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The channel the PostgreSQL triggers notify.
pub const CHANNEL: &str = "tarikh_changes";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("event"))
                .add_column(big_integer(Alias::new("created_seq")).default(0))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared(
                "CREATE FUNCTION tarikh_created_seq() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN NEW.created_seq := pg_current_xact_id()::text::bigint; RETURN NEW; END $$",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER event_created_seq BEFORE INSERT ON event \
                 FOR EACH ROW EXECUTE FUNCTION tarikh_created_seq()",
            )
            .await?;
            db.execute_unprepared(&format!(
                "CREATE FUNCTION tarikh_notify() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$"
            ))
            .await?;
            for (t, what) in [
                ("event", "INSERT OR UPDATE OR DELETE"),
                ("tombstone", "INSERT"),
            ] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {t}_notify AFTER {what} ON {t} \
                     FOR EACH STATEMENT EXECUTE FUNCTION tarikh_notify()"
                ))
                .await?;
            }
        } else {
            // Migration 6's insert trigger, now also setting created_seq in
            // the same update. One call: the pool's connections each cache
            // the schema, and another one would still see the old trigger.
            db.execute_unprepared(
                "DROP TRIGGER event_change_seq_ins; \
                 CREATE TRIGGER event_change_seq_ins AFTER INSERT ON event \
                 BEGIN UPDATE change_counter SET seq = seq + 1 WHERE id = 1; \
                 UPDATE event SET change_seq = (SELECT seq FROM change_counter WHERE id = 1), \
                 created_seq = (SELECT seq FROM change_counter WHERE id = 1) \
                 WHERE id = NEW.id; END",
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            for t in ["event", "tombstone"] {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {t}_notify ON {t}"))
                    .await?;
            }
            db.execute_unprepared("DROP TRIGGER IF EXISTS event_created_seq ON event")
                .await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS tarikh_notify()")
                .await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS tarikh_created_seq()")
                .await?;
        } else {
            db.execute_unprepared(
                "DROP TRIGGER IF EXISTS event_change_seq_ins; \
                 CREATE TRIGGER event_change_seq_ins AFTER INSERT ON event \
                 BEGIN UPDATE change_counter SET seq = seq + 1 WHERE id = 1; \
                 UPDATE event SET change_seq = (SELECT seq FROM change_counter WHERE id = 1) \
                 WHERE id = NEW.id; END",
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table(Alias::new("event"))
                .drop_column(Alias::new("created_seq"))
                .to_owned(),
        )
        .await
    }
}
