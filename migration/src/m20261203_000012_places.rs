//! Places (issue 17): `place`, the gazetteer of `data/places.json` (filled
//! and kept current by the application at start, not here: the data ships
//! with the binary; `gazetteer` records the digest of the version it
//! holds), and `event_place`, an event's places with their roles.
//! `ix_place_parent` serves the walk down a region, `ix_place_point` the
//! box. On PostgreSQL, as `event_actor` in migration 4, `event_place` gets
//! a copy of its event's `start_day`, `end_day` and `status` kept equal by
//! triggers, and `ix_event_place_timeline` on `(place_id, start_day,
//! end_day, event_id)` including `status`: the events of a set of places in
//! a window are an index range, and their histogram an index-only scan.
//! SQLite has `ix_event_place_place` on `(place_id, event_id)`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const PG_UP: &[&str] = &[
    "ALTER TABLE event_place ADD COLUMN start_day integer, ADD COLUMN end_day integer, ADD COLUMN status text",
    "CREATE FUNCTION tarikh_event_place_days() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       SELECT e.start_day, e.end_day, e.status INTO NEW.start_day, NEW.end_day, NEW.status
       FROM event e WHERE e.id = NEW.event_id;
       RETURN NEW;
     END $$",
    "CREATE TRIGGER event_place_days BEFORE INSERT OR UPDATE OF event_id ON event_place
     FOR EACH ROW EXECUTE FUNCTION tarikh_event_place_days()",
    // migration 4's function, now keeping both link tables in step
    "CREATE OR REPLACE FUNCTION tarikh_event_days() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       UPDATE event_actor SET start_day = NEW.start_day, end_day = NEW.end_day, status = NEW.status
       WHERE event_id = NEW.id;
       UPDATE event_place SET start_day = NEW.start_day, end_day = NEW.end_day, status = NEW.status
       WHERE event_id = NEW.id;
       RETURN NULL;
     END $$",
    "CREATE INDEX ix_event_place_timeline ON event_place (place_id, start_day, end_day, event_id) INCLUDE (status)",
];

const PG_DOWN: &[&str] = &[
    "CREATE OR REPLACE FUNCTION tarikh_event_days() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       UPDATE event_actor SET start_day = NEW.start_day, end_day = NEW.end_day, status = NEW.status
       WHERE event_id = NEW.id;
       RETURN NULL;
     END $$",
];

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
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            for s in PG_UP {
                m.get_connection().execute_unprepared(s).await?;
            }
            return Ok(());
        }
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
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            for s in PG_DOWN {
                m.get_connection().execute_unprepared(s).await?;
            }
        }
        // the table's trigger and index go with it
        m.drop_table(Table::drop().table(EventPlace::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Place::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Gazetteer::Table).to_owned())
            .await?;
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            m.get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS tarikh_event_place_days()")
                .await?;
        }
        Ok(())
    }
}
