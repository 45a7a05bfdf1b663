//! Places: the copy of the shipped gazetteer in `place` (refilled when the
//! store migrates and the file's digest has changed), and the places of
//! events read from `event_place` (written by `txn`; filtered in `query`).

use std::collections::HashMap;

use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};

use super::entities::{event, event_place, gazetteer, place};
use super::txn::raise_revisions;
use super::{Store, StoreResult};
use crate::domain::place::{digest, places, Place};
use crate::domain::{EventId, PlaceId, PlaceRole};

/// Places written per statement.
const CHUNK: usize = 500;

fn row(p: &Place) -> place::ActiveModel {
    place::ActiveModel {
        id: Set(p.id),
        kind: Set(p.kind.as_str().to_string()),
        name: Set(p.name.clone()),
        name_ar: Set(p.name_ar.clone()),
        country_code: Set(p.cc.clone()),
        parent_id: Set(p.parent),
        lat: Set(p.lat),
        lon: Set(p.lon),
        geonames: Set(p.geonames),
        wikidata: Set(p.wikidata.clone()),
        population: Set(p.population),
    }
}

impl Store {
    /// Writes the shipped gazetteer into `place` when the table holds
    /// another version (or none): every place upserted, in one
    /// transaction. Places a newer file dropped stay, so no link breaks.
    pub(super) async fn fill_places(&self) -> StoreResult<()> {
        let want = digest();
        let have = gazetteer::Entity::find_by_id("places".to_string())
            .one(&self.long)
            .await?
            .map(|g| g.digest);
        if have.as_deref() == Some(want.as_str()) {
            return Ok(());
        }
        let _writer = self.write_lock().await;
        let txn = self.long.begin().await?;
        let all = places().all();
        for chunk in all.chunks(CHUNK) {
            place::Entity::insert_many(chunk.iter().map(row))
                .on_conflict(
                    OnConflict::column(place::Column::Id)
                        .update_columns([
                            place::Column::Kind,
                            place::Column::Name,
                            place::Column::NameAr,
                            place::Column::CountryCode,
                            place::Column::ParentId,
                            place::Column::Lat,
                            place::Column::Lon,
                            place::Column::Geonames,
                            place::Column::Wikidata,
                            place::Column::Population,
                        ])
                        .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
        }
        if have.is_some() {
            // names and points in stored export documents are the old ones
            raise_revisions(
                &txn,
                Condition::all().add(
                    event::Column::Id.in_subquery(
                        Query::select()
                            .column(event_place::Column::EventId)
                            .from(event_place::Entity)
                            .to_owned(),
                    ),
                ),
            )
            .await?;
        }
        gazetteer::Entity::delete_by_id("places".to_string())
            .exec(&txn)
            .await?;
        gazetteer::Entity::insert(gazetteer::ActiveModel {
            name: Set("places".into()),
            digest: Set(want),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The places of events, by event, in place id order.
    pub async fn event_place_links(
        &self,
        event_ids: &[EventId],
    ) -> StoreResult<HashMap<EventId, Vec<(PlaceId, PlaceRole)>>> {
        let mut out: HashMap<EventId, Vec<(PlaceId, PlaceRole)>> = HashMap::new();
        if event_ids.is_empty() {
            return Ok(out);
        }
        let rows = event_place::Entity::find()
            .filter(self.id_in(event_place::Column::EventId, event_ids))
            .order_by_asc(event_place::Column::EventId)
            .order_by_asc(event_place::Column::PlaceId)
            .all(&self.db)
            .await?;
        for r in rows {
            if let Some(role) = PlaceRole::parse(&r.role) {
                out.entry(EventId(r.event_id))
                    .or_default()
                    .push((PlaceId(r.place_id), role));
            }
        }
        Ok(out)
    }
}
