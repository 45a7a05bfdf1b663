//! Revisions, tombstones, and curation that rewrites history on purpose
//! (merge and split), always recorded.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde_json::Value;

use super::convert::{set_date, to_event, to_tombstone};
use super::entities::{event, mention, revision};
use super::query::tombstone_page;
use super::txn::{
    create_in, delete_event_in, links_in, load_event, places_in, record_source_change,
    replace_links, replace_places, set_next_revision, snapshot_in, write_revision,
};
use super::{Store, StoreError, StoreResult};
use crate::domain::{
    dedup, Change, Event, EventId, EventStatus, Id, MentionId, Revision, SyncToken, Tombstone,
};

/// The fields of a stored revision (`before` or `after`); text that does
/// not decode is corrupt data, not a revision without fields.
fn parse_json(revision: Id, s: Option<String>) -> StoreResult<Option<Value>> {
    s.map(|s| {
        serde_json::from_str(&s)
            .map_err(|e| StoreError::corrupt(format!("revision {revision} has bad fields: {e}")))
    })
    .transpose()
}

impl Store {
    /// Revisions of many events, oldest first: event id → revisions.
    pub async fn revisions_of(
        &self,
        ids: &[EventId],
    ) -> StoreResult<HashMap<EventId, Vec<Revision>>> {
        let mut out: HashMap<EventId, Vec<Revision>> = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let rows = revision::Entity::find()
            .filter(self.id_in(revision::Column::EventId, ids))
            .order_by_asc(revision::Column::Id)
            .all(&self.db)
            .await?;
        for r in rows {
            out.entry(EventId(r.event_id)).or_default().push(Revision {
                id: r.id,
                event_id: EventId(r.event_id),
                at: r.at,
                by: r.author,
                action: r.action,
                note: r.note,
                before: parse_json(r.id, r.before)?,
                after: parse_json(r.id, r.after)?,
            });
        }
        Ok(out)
    }

    /// Deleted and merged events since `since` (exclusive) and written
    /// after sync token `changed_since` was taken, after tombstone
    /// `after_id`, oldest first, at most `limit`.
    pub async fn tombstones(
        &self,
        since: Option<chrono::DateTime<Utc>>,
        changed_since: Option<SyncToken>,
        after_id: Option<Id>,
        limit: u64,
    ) -> StoreResult<Vec<Tombstone>> {
        Ok(tombstone_page(since, changed_since, after_id, limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_tombstone)
            .collect())
    }

    /// The last recorded state of deleted or merged events (the fields
    /// their removal's revision kept): event id → snapshot, one statement.
    pub async fn last_snapshots(&self, ids: &[EventId]) -> StoreResult<HashMap<EventId, Value>> {
        let mut out = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let rows = revision::Entity::find()
            .filter(self.id_in(revision::Column::EventId, ids))
            .filter(revision::Column::After.is_null())
            .filter(revision::Column::Before.is_not_null())
            .order_by_asc(revision::Column::Id)
            .all(&self.db)
            .await?;
        for r in rows {
            if let Some(v) = parse_json(r.id, r.before)? {
                // Oldest first: the last removal wins.
                out.insert(EventId(r.event_id), v);
            }
        }
        Ok(out)
    }

    /// Merges events into the first one: mentions and actors move to it, the
    /// narrowest date wins, the others become tombstones; recorded on all.
    pub async fn merge_events(&self, ids: &[EventId], change: &Change) -> StoreResult<Event> {
        let mut uniq: Vec<EventId> = vec![];
        for id in ids {
            if !uniq.contains(id) {
                uniq.push(*id);
            }
        }
        if uniq.len() < 2 {
            return Err(StoreError::Invalid(
                "give at least two distinct events to merge".into(),
            ));
        }
        let _writer = self.write_lock().await;
        let txn = self.db.begin().await?;
        if self.is_postgres() {
            // Wait for concurrent writers adding evidence to these events.
            event::Entity::find()
                .filter(self.id_in(event::Column::Id, &uniq))
                .order_by_asc(event::Column::Id)
                .lock_exclusive()
                .all(&txn)
                .await?;
        }
        let target = load_event(&txn, uniq[0]).await?;
        let before = snapshot_in(&txn, &target).await?;
        let mut date = target.date.clone();
        // Every event's links; the strongest role of an actor wins.
        let mut links = links_in(&txn, target.id).await?;
        let mut place_links = places_in(&txn, target.id).await?;
        for other_id in &uniq[1..] {
            let other = load_event(&txn, *other_id).await?;
            if other.kind != target.kind {
                return Err(StoreError::Invalid(format!(
                    "event {} is a {} and event {} a {}: only events of one kind merge",
                    target.id, target.kind, other.id, other.kind
                )));
            }
            if dedup::narrower(&other.date, &date) {
                date = other.date.clone();
            }
            links.extend(links_in(&txn, other.id).await?);
            place_links.extend(places_in(&txn, other.id).await?);
            let other_snap = snapshot_in(&txn, &other).await?;
            mention::Entity::update_many()
                .col_expr(
                    mention::Column::EventId,
                    sea_orm::sea_query::Expr::val(target.id),
                )
                .filter(mention::Column::EventId.eq(other.id))
                .exec(&txn)
                .await?;
            let note = change.noted(format!("merged into event {}", target.id));
            delete_event_in(
                &txn,
                other.id,
                other_snap,
                &note,
                "merge",
                "merged",
                Some(target.id),
            )
            .await?;
        }
        replace_links(&txn, target.id, &links).await?;
        place_links.sort();
        place_links.dedup();
        replace_places(&txn, target.id, &place_links).await?;
        let row = event::Entity::find_by_id(target.id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("event {}", target.id)))?;
        let rev = row.rev;
        let mut am = row.into_active_model();
        set_date(&mut am, &date);
        set_next_revision(&mut am, rev);
        let merged = to_event(am.update(&txn).await?)?;
        let after = snapshot_in(&txn, &merged).await?;
        let note = change.noted(format!("merged events {:?}", &uniq[1..]));
        write_revision(&txn, target.id, &note, "merge", Some(before), Some(after)).await?;
        txn.commit().await?;
        Ok(merged)
    }

    /// Moves one mention out of its event into a new event with the same
    /// fields (undoing a wrong merge); recorded on both events.
    pub async fn split_mention(
        &self,
        mention_id: MentionId,
        change: &Change,
    ) -> StoreResult<Event> {
        let _writer = self.write_lock().await;
        let txn = self.db.begin().await?;
        let m = mention::Entity::find_by_id(mention_id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("mention {mention_id}")))?;
        let siblings = mention::Entity::find()
            .filter(mention::Column::EventId.eq(m.event_id))
            .count(&txn)
            .await?;
        if siblings < 2 {
            return Err(StoreError::Invalid(format!(
                "mention {mention_id} is the only evidence of event {}: nothing to split",
                m.event_id
            )));
        }
        let old = load_event(&txn, EventId(m.event_id)).await?;
        let links = links_in(&txn, old.id).await?;
        let places = places_in(&txn, old.id).await?;
        let note = change.noted(format!("mention {mention_id} split from event {}", old.id));
        let new = create_in(
            &txn,
            &crate::domain::NewEvent {
                title: old.title.clone(),
                summary: old.summary.clone(),
                kind: old.kind,
                date: old.date.clone(),
                quantity: old.quantity.clone(),
                quantities: old.quantities.clone(),
                confidence: old.confidence,
                status: EventStatus::Extracted,
                actors: links,
                places,
            },
            &note,
            "split",
        )
        .await?;
        let mut am = m.into_active_model();
        am.event_id = Set(new.id.0);
        am.update(&txn).await?;
        record_source_change(&txn, &[old.id], &note, "split").await?;
        txn.commit().await?;
        Ok(new)
    }
}
