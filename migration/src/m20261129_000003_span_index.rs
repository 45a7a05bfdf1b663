//! PostgreSQL: a GiST index on the event's day interval, so "overlaps
//! [from, to]" is an index lookup instead of a scan of every event that
//! starts before `to` (used by the API's OVERLAPS filter and by dedup).
//! SQLite keeps the B-tree indexes of the core migration.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            m.get_connection()
                .execute_unprepared(
                    "CREATE INDEX ix_event_span ON event USING GIST (int4range(start_day, end_day, '[]'))",
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            m.get_connection()
                .execute_unprepared("DROP INDEX IF EXISTS ix_event_span")
                .await?;
        }
        Ok(())
    }
}
