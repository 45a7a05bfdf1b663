//! The calendar a source dated an event in (`gregorian` or `hijri`): labels
//! show that calendar first. Existing events are Gregorian until
//! `tarikh reextract` reads their articles again.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Event {
    Table,
    Calendar,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Event::Table)
                .add_column(string(Event::Calendar).default("gregorian"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Event::Table)
                .drop_column(Event::Calendar)
                .to_owned(),
        )
        .await
    }
}
