//! History: a revision for every change to an event, and tombstones for
//! deleted or merged events (so export jobs can mirror the store exactly).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Revision {
    Table,
    Id,
    EventId,
    At,
    Author,
    Action,
    Note,
    Before,
    After,
}

#[derive(DeriveIden)]
enum Tombstone {
    Table,
    Id,
    EventId,
    Reason,
    MergedInto,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // No foreign key to event: the history of a deleted event stays.
        m.create_table(
            Table::create()
                .table(Revision::Table)
                .col(big_pk_auto(Revision::Id))
                .col(big_integer(Revision::EventId))
                .col(timestamp_with_time_zone(Revision::At))
                .col(text(Revision::Author))
                .col(string_len(Revision::Action, 16))
                .col(text_null(Revision::Note))
                .col(text_null(Revision::Before))
                .col(text_null(Revision::After))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_revision_event")
                .table(Revision::Table)
                .col(Revision::EventId)
                .col(Revision::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Tombstone::Table)
                .col(big_pk_auto(Tombstone::Id))
                .col(big_integer(Tombstone::EventId))
                .col(string_len(Tombstone::Reason, 16))
                .col(big_integer_null(Tombstone::MergedInto))
                .col(timestamp_with_time_zone(Tombstone::At))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_tombstone_at")
                .table(Tombstone::Table)
                .col(Tombstone::At)
                .col(Tombstone::Id)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Tombstone::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Revision::Table).to_owned())
            .await
    }
}
