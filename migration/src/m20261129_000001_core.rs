//! The core store: articles, events with honest date intervals, mentions
//! (evidence), actors with aliases, and event–actor links.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Article {
    Table,
    Id,
    Url,
    Title,
    Outlet,
    Language,
    PublishedOn,
    Body,
    ContentHash,
    IngestedAt,
}

#[derive(DeriveIden)]
enum Event {
    Table,
    Id,
    Title,
    Summary,
    Kind,
    QuantityValue,
    QuantityUnit,
    Confidence,
    Status,
    StartDay,
    EndDay,
    Precision,
    PrecisionRank,
    Approximate,
    Modifier,
    Edtf,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Mention {
    Table,
    Id,
    EventId,
    ArticleId,
    Sentence,
    SpanStart,
    SpanEnd,
    WhenText,
    WhenStart,
    WhenEnd,
}

#[derive(DeriveIden)]
enum Actor {
    Table,
    Id,
    Name,
    NameAr,
    Kind,
    Wikidata,
    Status,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ActorAlias {
    Table,
    Id,
    ActorId,
    Alias,
    Lang,
    Normalized,
}

#[derive(DeriveIden)]
enum EventActor {
    Table,
    EventId,
    ActorId,
    Role,
}

fn index(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(Alias::new(*c));
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Article::Table)
                .col(big_pk_auto(Article::Id))
                .col(text_null(Article::Url).unique_key())
                .col(text_null(Article::Title))
                .col(text_null(Article::Outlet))
                .col(string_len_null(Article::Language, 16))
                .col(date(Article::PublishedOn))
                .col(text(Article::Body))
                .col(string_len_uniq(Article::ContentHash, 64))
                .col(timestamp_with_time_zone(Article::IngestedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Event::Table)
                .col(big_pk_auto(Event::Id))
                .col(text(Event::Title))
                .col(text_null(Event::Summary))
                .col(string_len(Event::Kind, 32))
                .col(double_null(Event::QuantityValue))
                .col(text_null(Event::QuantityUnit))
                .col(double(Event::Confidence))
                .col(string_len(Event::Status, 16))
                .col(integer(Event::StartDay))
                .col(integer(Event::EndDay))
                .col(string_len(Event::Precision, 16))
                .col(small_integer(Event::PrecisionRank))
                .col(boolean(Event::Approximate))
                .col(string_len_null(Event::Modifier, 16))
                .col(text(Event::Edtf))
                .col(timestamp_with_time_zone(Event::CreatedAt))
                .col(timestamp_with_time_zone(Event::UpdatedAt))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("ix_event_start", &["start_day", "end_day", "id"][..]),
            ("ix_event_end", &["end_day"][..]),
            ("ix_event_updated", &["updated_at", "id"][..]),
        ] {
            m.create_index(index(name, Event::Table, cols)).await?;
        }

        m.create_table(
            Table::create()
                .table(Actor::Table)
                .col(big_pk_auto(Actor::Id))
                .col(text(Actor::Name))
                .col(text_null(Actor::NameAr))
                .col(string_len(Actor::Kind, 32))
                .col(string_len_null(Actor::Wikidata, 32).unique_key())
                .col(string_len(Actor::Status, 16))
                .col(timestamp_with_time_zone(Actor::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ActorAlias::Table)
                .col(big_pk_auto(ActorAlias::Id))
                .col(big_integer(ActorAlias::ActorId))
                .col(text(ActorAlias::Alias))
                .col(string_len_null(ActorAlias::Lang, 16))
                .col(text(ActorAlias::Normalized))
                .foreign_key(
                    ForeignKey::create()
                        .from(ActorAlias::Table, ActorAlias::ActorId)
                        .to(Actor::Table, Actor::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_alias_normalized",
            ActorAlias::Table,
            &["normalized"],
        ))
        .await?;
        m.create_index(
            index(
                "ux_alias_actor_normalized",
                ActorAlias::Table,
                &["actor_id", "normalized"],
            )
            .unique()
            .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(EventActor::Table)
                .col(big_integer(EventActor::EventId))
                .col(big_integer(EventActor::ActorId))
                .col(string_len(EventActor::Role, 16))
                .primary_key(
                    Index::create()
                        .col(EventActor::EventId)
                        .col(EventActor::ActorId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(EventActor::Table, EventActor::EventId)
                        .to(Event::Table, Event::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(EventActor::Table, EventActor::ActorId)
                        .to(Actor::Table, Actor::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_event_actor_actor",
            EventActor::Table,
            &["actor_id", "event_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Mention::Table)
                .col(big_pk_auto(Mention::Id))
                .col(big_integer(Mention::EventId))
                .col(big_integer(Mention::ArticleId))
                .col(text(Mention::Sentence))
                .col(integer(Mention::SpanStart))
                .col(integer(Mention::SpanEnd))
                .col(text_null(Mention::WhenText))
                .col(integer_null(Mention::WhenStart))
                .col(integer_null(Mention::WhenEnd))
                .foreign_key(
                    ForeignKey::create()
                        .from(Mention::Table, Mention::EventId)
                        .to(Event::Table, Event::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Mention::Table, Mention::ArticleId)
                        .to(Article::Table, Article::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_mention_event", Mention::Table, &["event_id"]))
            .await?;
        m.create_index(index("ix_mention_article", Mention::Table, &["article_id"]))
            .await?;

        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            // Full-text search over title and summary; the query side uses
            // the same expression (see storage::events::text_condition).
            m.get_connection()
                .execute_unprepared(
                    "CREATE INDEX ix_event_fts ON event USING GIN \
                     (to_tsvector('simple', title || ' ' || coalesce(summary, '')))",
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "mention",
            "event_actor",
            "actor_alias",
            "actor",
            "event",
            "article",
        ] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
