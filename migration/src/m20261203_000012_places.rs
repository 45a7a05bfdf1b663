//! Places (issue 17): `place`, the gazetteer of `data/places.json` (filled
//! and kept current by the application at start, not here: the data ships
//! with the binary; `gazetteer` records the digest of the version it
//! holds), and `event_place`, an event's places with their roles.
//! `ix_event_place_place` serves the place filters (events of a set of
//! places); `ix_place_parent` the walk down a region; `ix_place_point` the
//! box filter.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Place {
    Table,
    Id,
    Kind,
    Name,
    NameAr,
    CountryCode,
    ParentId,
    Lat,
    Lon,
    Geonames,
    Wikidata,
    Population,
}

#[derive(DeriveIden)]
enum EventPlace {
    Table,
    EventId,
    PlaceId,
    Role,
}

/// Which version of a shipped data file the table holds.
#[derive(DeriveIden)]
enum Gazetteer {
    Table,
    Name,
    Digest,
}

#[derive(DeriveIden)]
enum Event {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Gazetteer::Table)
                .col(text(Gazetteer::Name).primary_key())
                .col(text(Gazetteer::Digest))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Place::Table)
                .col(big_integer(Place::Id).primary_key())
                .col(string_len(Place::Kind, 16))
                .col(text(Place::Name))
                .col(text_null(Place::NameAr))
                .col(string_len(Place::CountryCode, 8))
                .col(big_integer_null(Place::ParentId))
                .col(double_null(Place::Lat))
                .col(double_null(Place::Lon))
                .col(big_integer_null(Place::Geonames))
                .col(text_null(Place::Wikidata))
                .col(big_integer(Place::Population))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_place_parent")
                .table(Place::Table)
                .col(Place::ParentId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_place_point")
                .table(Place::Table)
                .col(Place::Lat)
                .col(Place::Lon)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(EventPlace::Table)
                .col(big_integer(EventPlace::EventId))
                .col(big_integer(EventPlace::PlaceId))
                .col(string_len(EventPlace::Role, 16))
                .primary_key(
                    Index::create()
                        .col(EventPlace::EventId)
                        .col(EventPlace::PlaceId)
                        .col(EventPlace::Role),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(EventPlace::Table, EventPlace::EventId)
                        .to(Event::Table, Event::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(EventPlace::Table, EventPlace::PlaceId)
                        .to(Place::Table, Place::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_event_place_place")
                .table(EventPlace::Table)
                .col(EventPlace::PlaceId)
                .col(EventPlace::EventId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(EventPlace::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Place::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Gazetteer::Table).to_owned())
            .await
    }
}
