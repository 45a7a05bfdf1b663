//! PostgreSQL: an actor's timeline as one index range. `event_actor` gets a
//! copy of its event's `start_day`, `end_day` and `status`, kept equal by
//! triggers (on insert of a link, and on any change of those columns of an
//! event), and a B-tree on `(actor_id, start_day, end_day, event_id)`
//! including `status`: "events of actor A in [from, to], by date, after this
//! cursor" reads the next page in index order instead of joining every event
//! of A with every event of the window and sorting, and A's histogram is an
//! index-only scan (issue 5, BENCHMARKS.md). SQLite keeps the plain join.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "ALTER TABLE event_actor ADD COLUMN start_day integer, ADD COLUMN end_day integer, ADD COLUMN status text",
    "UPDATE event_actor ea SET start_day = e.start_day, end_day = e.end_day, status = e.status FROM event e WHERE e.id = ea.event_id",
    "CREATE FUNCTION tarikh_event_actor_days() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       SELECT e.start_day, e.end_day, e.status INTO NEW.start_day, NEW.end_day, NEW.status
       FROM event e WHERE e.id = NEW.event_id;
       RETURN NEW;
     END $$",
    "CREATE TRIGGER event_actor_days BEFORE INSERT OR UPDATE OF event_id ON event_actor
     FOR EACH ROW EXECUTE FUNCTION tarikh_event_actor_days()",
    "CREATE FUNCTION tarikh_event_days() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       UPDATE event_actor SET start_day = NEW.start_day, end_day = NEW.end_day, status = NEW.status
       WHERE event_id = NEW.id;
       RETURN NULL;
     END $$",
    "CREATE TRIGGER event_days AFTER UPDATE OF start_day, end_day, status ON event
     FOR EACH ROW WHEN (OLD.start_day IS DISTINCT FROM NEW.start_day OR OLD.end_day IS DISTINCT FROM NEW.end_day
                        OR OLD.status IS DISTINCT FROM NEW.status)
     EXECUTE FUNCTION tarikh_event_days()",
    "CREATE INDEX ix_event_actor_timeline ON event_actor (actor_id, start_day, end_day, event_id) INCLUDE (status)",
];

const DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS event_days ON event",
    "DROP TRIGGER IF EXISTS event_actor_days ON event_actor",
    "DROP FUNCTION IF EXISTS tarikh_event_days()",
    "DROP FUNCTION IF EXISTS tarikh_event_actor_days()",
    "DROP INDEX IF EXISTS ix_event_actor_timeline",
    "ALTER TABLE event_actor DROP COLUMN IF EXISTS start_day, DROP COLUMN IF EXISTS end_day, DROP COLUMN IF EXISTS status",
];

async fn run(m: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        for s in statements {
            m.get_connection().execute_unprepared(s).await?;
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run(m, UP).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run(m, DOWN).await
    }
}
