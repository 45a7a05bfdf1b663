//! Database migrations for Tarikh. A migration that has landed is never
//! edited: later changes are new migrations appended to [`Migrator`].

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_core;
mod m20261129_000002_history;
mod m20261129_000003_span_index;
mod m20261129_000004_actor_timeline;
mod m20261129_000005_export_doc;
mod m20261130_000006_change_seq;
mod m20261130_000007_compressed_docs;
mod m20261203_000008_quantities;
mod m20261203_000009_live_changes;
mod m20261203_000010_calendar;
mod m20261203_000011_search;
mod m20261203_000012_places;
mod m20261203_000013_write_notify;

pub use m20261203_000009_live_changes::CHANNEL as CHANGES_CHANNEL;
pub use m20261203_000013_write_notify::CHANNEL as WRITES_CHANNEL;

/// Runs every migration in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_core::Migration),
            Box::new(m20261129_000002_history::Migration),
            Box::new(m20261129_000003_span_index::Migration),
            Box::new(m20261129_000004_actor_timeline::Migration),
            Box::new(m20261129_000005_export_doc::Migration),
            Box::new(m20261130_000006_change_seq::Migration),
            Box::new(m20261130_000007_compressed_docs::Migration),
            Box::new(m20261203_000008_quantities::Migration),
            Box::new(m20261203_000009_live_changes::Migration),
            Box::new(m20261203_000010_calendar::Migration),
            Box::new(m20261203_000011_search::Migration),
            Box::new(m20261203_000012_places::Migration),
            Box::new(m20261203_000013_write_notify::Migration),
        ]
    }
}
