//! Export documents (issue 4): `event.rev`, a counter every change to what
//! an event's export shows increases (its fields, actor links, mentions,
//! and the names or Wikidata ids of its actors), and `event_doc`, the
//! event's NDJSON export line as of revision `rev` in document format
//! `version`. A document is used only while both match; otherwise the
//! exporter builds the line again from the rows and stores it. An export
//! then streams one indexed range with one document a row instead of
//! joining actors, mentions and articles for every page.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Event {
    Table,
    Id,
    Rev,
}

#[derive(DeriveIden)]
enum EventDoc {
    Table,
    EventId,
    Rev,
    Version,
    Doc,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Event::Table)
                .add_column(big_integer(Event::Rev).default(0))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(EventDoc::Table)
                .col(big_integer(EventDoc::EventId).primary_key())
                .col(big_integer(EventDoc::Rev))
                .col(integer(EventDoc::Version))
                .col(text(EventDoc::Doc))
                .foreign_key(
                    ForeignKey::create()
                        .from(EventDoc::Table, EventDoc::EventId)
                        .to(Event::Table, Event::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(EventDoc::Table).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(Event::Table)
                .drop_column(Event::Rev)
                .to_owned(),
        )
        .await
    }
}
