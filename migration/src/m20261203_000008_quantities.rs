//! Every count of an event (issue 14): `quantities`, a JSON array of
//! `{value, unit, qualifier}` beside the first count's `quantity_value` and
//! `quantity_unit`. Existing events get none until `tarikh reextract`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Event {
    Table,
    Quantities,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Event::Table)
                .add_column(text_null(Event::Quantities))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Event::Table)
                .drop_column(Event::Quantities)
                .to_owned(),
        )
        .await
    }
}
