//! Export documents stored compressed (LZ4 blocks, one a document): the
//! table and what an export reads and ships shrink. The documents are a
//! cache made from the rows, so the table is made again empty: the next
//! export or `tarikh refresh-docs` fills it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Event {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum EventDoc {
    Table,
    EventId,
    Rev,
    Version,
    Doc,
}

/// `event_doc` as migration 5 made it, with `doc` of the type given.
fn doc_table(doc: ColumnDef) -> TableCreateStatement {
    Table::create()
        .table(EventDoc::Table)
        .col(big_integer(EventDoc::EventId).primary_key())
        .col(big_integer(EventDoc::Rev))
        .col(integer(EventDoc::Version))
        .col(doc)
        .foreign_key(
            ForeignKey::create()
                .from(EventDoc::Table, EventDoc::EventId)
                .to(Event::Table, Event::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(EventDoc::Table).to_owned())
            .await?;
        m.create_table(doc_table(blob(EventDoc::Doc))).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(EventDoc::Table).to_owned())
            .await?;
        m.create_table(doc_table(text(EventDoc::Doc))).await
    }
}
