//! Revisions, tombstones, and curation that rewrites history on purpose
//! (merge and split), always recorded.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde_json::Value;

use super::entities::{event, event_actor, mention, revision, tombstone};
use super::events::{links_in, load_event, replace_links, set_date, to_event};
use super::{Store, StoreError, StoreResult};
use crate::domain::history::{diff, snapshot};
use crate::domain::{dedup, Change, Event, EventStatus, Id, Revision, SyncToken, Tombstone};

/// Writes a revision inside `txn`.
pub(super) async fn record(
    txn: &DatabaseTransaction,
    event_id: Id,
    change: &Change,
    action: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> StoreResult<()> {
    revision_row(event_id, change, action, before, after)
        .insert(txn)
        .await?;
    Ok(())
}

/// A revision row, not yet written.
pub(super) fn revision_row(
    event_id: Id,
    change: &Change,
    action: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> revision::ActiveModel {
    revision::ActiveModel {
        event_id: Set(event_id),
        at: Set(Utc::now()),
        author: Set(change.by.clone()),
        action: Set(action.to_string()),
        note: Set(change.note.clone()),
        before: Set(before.map(|v| v.to_string())),
        after: Set(after.map(|v| v.to_string())),
        ..Default::default()
    }
}

/// The current snapshot of an event (fields and actor links) inside `txn`.
pub(super) async fn snapshot_in(txn: &DatabaseTransaction, e: &Event) -> StoreResult<Value> {
    let links = links_in(txn, e.id).await?;
    Ok(snapshot(e, &links))
}

/// Records an update as the difference of two snapshots (nothing when equal).
pub(super) async fn record_diff(
    txn: &DatabaseTransaction,
    event_id: Id,
    change: &Change,
    action: &str,
    before: &Value,
    after: &Value,
) -> StoreResult<bool> {
    let Some((b, a)) = diff(before, after) else {
        return Ok(false);
    };
    record(txn, event_id, change, action, Some(b), Some(a)).await?;
    Ok(true)
}

/// Removes an event inside `txn`: its actor links and row go, a tombstone
/// (`reason`, `merged_into`) and a revision (`action`, fields `before`,
/// none after) stay. Its mentions must already be gone or moved.
#[allow(clippy::too_many_arguments)]
pub(super) async fn remove_in(
    txn: &DatabaseTransaction,
    id: Id,
    before: Value,
    change: &Change,
    action: &str,
    reason: &str,
    merged_into: Option<Id>,
) -> StoreResult<()> {
    event_actor::Entity::delete_many()
        .filter(event_actor::Column::EventId.eq(id))
        .exec(txn)
        .await?;
    event::Entity::delete_by_id(id).exec(txn).await?;
    bury(txn, id, reason, merged_into).await?;
    record(txn, id, change, action, Some(before), None).await
}

/// Records a change made beside the fields of events `ids` (a source
/// added or split off) as a revision of each without field values
/// (`action`), and marks them changed so incremental exports see it: one
/// statement for the revisions, one for the marks.
pub(super) async fn touch(
    txn: &DatabaseTransaction,
    ids: &[Id],
    change: &Change,
    action: &str,
) -> StoreResult<()> {
    let revisions = touch_later(txn, ids, change, action).await?;
    super::insert_chunked(txn, revisions).await?;
    Ok(())
}

/// [`touch`] with the revisions returned, for the caller to insert in the
/// same transaction with others (one statement for all); the marks are
/// made now.
pub(super) async fn touch_later(
    txn: &DatabaseTransaction,
    ids: &[Id],
    change: &Change,
    action: &str,
) -> StoreResult<Vec<revision::ActiveModel>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    super::events::bump(
        txn,
        Condition::all().add(event::Column::Id.is_in(ids.to_vec())),
    )
    .await?;
    Ok(ids
        .iter()
        .map(|id| revision_row(*id, change, action, None, None))
        .collect())
}

/// Writes a tombstone inside `txn`.
pub(super) async fn bury(
    txn: &DatabaseTransaction,
    event_id: Id,
    reason: &str,
    merged_into: Option<Id>,
) -> StoreResult<()> {
    tombstone::ActiveModel {
        event_id: Set(event_id),
        reason: Set(reason.to_string()),
        merged_into: Set(merged_into),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

fn parse_json(s: Option<String>) -> Option<Value> {
    s.and_then(|s| serde_json::from_str(&s).ok())
}

impl Store {
    /// Revisions of many events, oldest first: event id → revisions.
    pub async fn revisions_of(&self, ids: &[Id]) -> StoreResult<HashMap<Id, Vec<Revision>>> {
        let mut out: HashMap<Id, Vec<Revision>> = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let rows = revision::Entity::find()
            .filter(self.id_in(revision::Column::EventId, ids))
            .order_by_asc(revision::Column::Id)
            .all(&self.db)
            .await?;
        for r in rows {
            out.entry(r.event_id).or_default().push(Revision {
                id: r.id,
                event_id: r.event_id,
                at: r.at,
                by: r.author,
                action: r.action,
                note: r.note,
                before: parse_json(r.before),
                after: parse_json(r.after),
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
        let mut c = Condition::all();
        if let Some(s) = since {
            c = c.add(tombstone::Column::At.gt(s));
        }
        if let Some(t) = changed_since {
            c = c.add(tombstone::Column::ChangeSeq.gte(t.0));
        }
        if let Some(a) = after_id {
            c = c.add(tombstone::Column::Id.gt(a));
        }
        Ok(tombstone::Entity::find()
            .filter(c)
            .order_by_asc(tombstone::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|t| Tombstone {
                id: t.id,
                event_id: t.event_id,
                reason: t.reason,
                merged_into: t.merged_into,
                at: t.at,
            })
            .collect())
    }

    /// Merges events into the first one: mentions and actors move to it, the
    /// narrowest date wins, the others become tombstones; recorded on all.
    pub async fn merge_events(&self, ids: &[Id], change: &Change) -> StoreResult<Event> {
        let mut uniq: Vec<Id> = vec![];
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
            remove_in(
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
        let row = event::Entity::find_by_id(target.id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("event {}", target.id)))?;
        let rev = row.rev;
        let mut am = row.into_active_model();
        set_date(&mut am, &date);
        super::events::changed(&mut am, rev);
        let merged = to_event(am.update(&txn).await?)?;
        let after = snapshot_in(&txn, &merged).await?;
        let note = change.noted(format!("merged events {:?}", &uniq[1..]));
        record(&txn, target.id, &note, "merge", Some(before), Some(after)).await?;
        txn.commit().await?;
        Ok(merged)
    }

    /// Moves one mention out of its event into a new event with the same
    /// fields (undoing a wrong merge); recorded on both events.
    pub async fn split_mention(&self, mention_id: Id, change: &Change) -> StoreResult<Event> {
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
        let old = load_event(&txn, m.event_id).await?;
        let links = links_in(&txn, old.id).await?;
        let note = change.noted(format!("mention {mention_id} split from event {}", old.id));
        let new = super::events::create_in(
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
            },
            &note,
            "split",
        )
        .await?;
        let mut am = m.into_active_model();
        am.event_id = Set(new.id);
        am.update(&txn).await?;
        touch(&txn, &[old.id], &note, "split").await?;
        txn.commit().await?;
        Ok(new)
    }
}
