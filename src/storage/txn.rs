//! Transaction building blocks, each working inside the caller's
//! transaction: load an event and its actor links, create and update
//! events, link actors, raise content revisions, write revisions and
//! tombstones, insert in chunks. The modules of whole operations (`events`,
//! `history`, `actors`, `articles`, `ingest`) use these and never each other.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, DbBackend,
    DbErr, EntityTrait, ExprTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::Value;

use super::convert::{
    check_confidence, check_wikidata, event_row, event_search_row, mention_row, non_empty,
    set_date, set_quantities, set_quantity, to_actor, to_event,
};
use super::entities::{
    actor, actor_alias, event, event_actor, event_place, event_search, mention, revision, tombstone,
};
use super::error::classify;
use super::{StoreError, StoreResult};
use crate::domain::history::{diff, snapshot, with_places};
use crate::domain::{
    normalize_name, Actor, ActorId, ActorRole, Change, Event, EventId, EventPatch, EventStatus,
    NewActor, NewEvent, NewMention, PlaceId, PlaceRole,
};

/// Loads an event inside `txn`, or `NotFound`.
pub(super) async fn load_event(txn: &DatabaseTransaction, id: EventId) -> StoreResult<Event> {
    let m = event::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("event {id}")))?;
    to_event(m)
}

/// The actor links of one event inside `txn`.
pub(super) async fn links_in(
    txn: &DatabaseTransaction,
    id: EventId,
) -> StoreResult<Vec<(ActorId, ActorRole)>> {
    Ok(event_actor::Entity::find()
        .filter(event_actor::Column::EventId.eq(id))
        .order_by_asc(event_actor::Column::ActorId)
        .all(txn)
        .await?
        .into_iter()
        .map(|r| {
            (
                ActorId(r.actor_id),
                ActorRole::parse(&r.role).unwrap_or(ActorRole::Mentioned),
            )
        })
        .collect())
}

/// Applies a patch inside `txn` and records the difference as `action`;
/// also says whether anything recorded changed.
pub(super) async fn update_in(
    txn: &DatabaseTransaction,
    id: EventId,
    patch: &EventPatch,
    change: &Change,
    action: &str,
) -> StoreResult<(Event, bool)> {
    let m = event::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("event {id}")))?;
    let was_rejected = m.status == EventStatus::Rejected.as_str();
    let before = snapshot_in(txn, &to_event(m.clone())?).await?;
    let rev = m.rev;
    let mut am = m.into_active_model();
    if let Some(t) = &patch.title {
        am.title = Set(non_empty(t, "title")?);
    }
    if let Some(s) = &patch.summary {
        am.summary = Set(s.clone());
    }
    if let Some(k) = patch.kind {
        am.kind = Set(k.as_str().to_string());
    }
    if let Some(d) = &patch.date {
        set_date(&mut am, d);
    }
    if let Some(q) = &patch.quantity {
        set_quantity(&mut am, q);
    }
    if let Some(qs) = &patch.quantities {
        set_quantities(&mut am, qs);
    }
    if let Some(c) = patch.confidence {
        check_confidence(c)?;
        am.confidence = Set(c);
    }
    if let Some(s) = patch.status {
        am.status = Set(s.as_str().to_string());
        // Exports leave rejected events out by default: a tombstone tells a
        // mirror to drop it (a later change back shows in `updatedSince`).
        if s == EventStatus::Rejected && !was_rejected {
            write_tombstone(txn, id, "rejected", None).await?;
        }
    }
    set_next_revision(&mut am, rev);
    let m = am.update(txn).await?;
    if patch.title.is_some() || patch.summary.is_some() {
        reindex_event(txn, &m).await?;
    }
    if let Some(actors) = &patch.actors {
        replace_links(txn, id, actors).await?;
    }
    if let Some(places) = &patch.places {
        replace_places(txn, id, places).await?;
    }
    let ev = to_event(m)?;
    let after = snapshot_in(txn, &ev).await?;
    let changed = write_revision_of_diff(txn, id, change, action, &before, &after).await?;
    Ok((ev, changed))
}

/// Replaces the searched text of an event whose title or summary changed.
async fn reindex_event(txn: &DatabaseTransaction, m: &event::Model) -> StoreResult<()> {
    use sea_orm::sea_query::OnConflict;
    let row = event_search_row(
        txn.get_database_backend(),
        EventId(m.id),
        &m.title,
        m.summary.as_deref(),
    );
    event_search::Entity::insert(row)
        .on_conflict(
            OnConflict::column(event_search::Column::EventId)
                .update_column(event_search::Column::Body)
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

/// Inserts an event and its actor links inside `txn` and records its
/// creation as `action` ("create", "split").
pub(super) async fn create_in(
    txn: &DatabaseTransaction,
    new: &NewEvent,
    change: &Change,
    action: &str,
) -> StoreResult<Event> {
    let m = event_row(new)?.insert(txn).await?;
    let backend = txn.get_database_backend();
    let row = event_search_row(backend, EventId(m.id), &m.title, m.summary.as_deref());
    event_search::Entity::insert(row)
        .exec_without_returning(txn)
        .await?;
    link_actors(txn, EventId(m.id), &new.actors).await?;
    let places: Vec<_> = new
        .places
        .iter()
        .map(|(p, r)| (EventId(m.id), *p, *r))
        .collect();
    link_places(txn, &places).await?;
    let ev = to_event(m)?;
    let snap = with_places(snapshot(&ev, &new.actors), &new.places);
    write_revision(txn, ev.id, change, action, None, Some(snap)).await?;
    Ok(ev)
}

/// Marks the event row of `am` (at revision `rev`) changed: the next
/// content revision and a new `updated_at`, which incremental exports and
/// stored export documents go by.
pub(super) fn set_next_revision(am: &mut event::ActiveModel, rev: i64) {
    am.rev = Set(rev + 1);
    am.updated_at = Set(Utc::now());
}

/// Marks the events matching `cond` set_next_revision (see [`set_next_revision`]), for changes
/// made beside their rows: a mention added, moved or removed, an actor
/// renamed.
pub(super) async fn raise_revisions<C: ConnectionTrait>(c: &C, cond: Condition) -> StoreResult<()> {
    event::Entity::update_many()
        .col_expr(event::Column::Rev, Expr::col(event::Column::Rev).add(1))
        .col_expr(event::Column::UpdatedAt, Expr::val(Utc::now()))
        .filter(cond)
        .exec(c)
        .await?;
    Ok(())
}

/// Marks one event set_next_revision (see [`raise_revisions`]).
pub(super) async fn raise_revision<C: ConnectionTrait>(c: &C, id: EventId) -> StoreResult<()> {
    raise_revisions(c, Condition::all().add(event::Column::Id.eq(id))).await
}

/// Inserts several events with their actor links and creation revisions:
/// on PostgreSQL in four statements whatever their number (the ids are
/// taken from the sequence first, so each row keeps its id whatever order
/// the server writes them in), one by one on SQLite. Unlike [`create_in`]
/// the actor ids are not looked up first: the caller resolved them in this
/// transaction, and the foreign key still refuses an unknown one.
/// `also`: revisions of other events, inserted first in the same statement
/// as the creation revisions (or in one of their own).
pub(super) async fn create_many_in(
    txn: &DatabaseTransaction,
    news: &[NewEvent],
    also: Vec<revision::ActiveModel>,
    change: &Change,
    action: &str,
) -> StoreResult<Vec<Event>> {
    use sea_orm::{Statement, TryIntoModel};
    if txn.get_database_backend() != DbBackend::Postgres || news.len() < 2 {
        insert_chunked(txn, also).await?;
        let mut out = Vec::with_capacity(news.len());
        for new in news {
            out.push(create_in(txn, new, change, action).await?);
        }
        return Ok(out);
    }
    let mut rows = news
        .iter()
        .map(event_row)
        .collect::<StoreResult<Vec<_>>>()?;
    let ids = txn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT nextval(pg_get_serial_sequence('event', 'id')) FROM generate_series(1, $1)",
            [(news.len() as i64).into()],
        ))
        .await?
        .iter()
        .map(|r| r.try_get_by_index::<i64>(0))
        .collect::<Result<Vec<_>, _>>()?;
    if ids.len() != rows.len() {
        return Err(StoreError::Invalid(
            "the event sequence gave too few ids".into(),
        ));
    }
    for (row, id) in rows.iter_mut().zip(&ids) {
        row.id = Set(*id);
    }
    insert_chunked(txn, rows.clone()).await?;
    let searched = ids
        .iter()
        .zip(news)
        .map(|(id, new)| {
            event_search_row(
                DbBackend::Postgres,
                EventId(*id),
                &new.title,
                new.summary.as_deref(),
            )
        })
        .collect();
    insert_chunked(txn, searched).await?;
    let links: Vec<event_actor::ActiveModel> = ids
        .iter()
        .zip(news)
        .flat_map(|(id, new)| {
            strongest_roles(&new.actors)
                .into_iter()
                .map(|(actor_id, role)| event_actor::ActiveModel {
                    event_id: Set(*id),
                    actor_id: Set(actor_id.0),
                    role: Set(role.as_str().to_string()),
                })
        })
        .collect();
    insert_chunked(txn, links).await?;
    let places: Vec<_> = ids
        .iter()
        .zip(news)
        .flat_map(|(id, new)| new.places.iter().map(|(p, r)| (EventId(*id), *p, *r)))
        .collect();
    link_places(txn, &places).await?;
    let mut events = Vec::with_capacity(news.len());
    let mut revisions = also;
    for (row, new) in rows.into_iter().zip(news) {
        let ev = to_event(row.try_into_model()?)?;
        let snap = with_places(snapshot(&ev, &new.actors), &new.places);
        revisions.push(revision_row(ev.id, change, action, None, Some(snap)));
        events.push(ev);
    }
    insert_chunked(txn, revisions).await?;
    Ok(events)
}

/// One role per actor: when an actor is listed twice the strongest role
/// (agent, target, mentioned) wins.
pub(super) fn strongest_roles(actors: &[(ActorId, ActorRole)]) -> BTreeMap<ActorId, ActorRole> {
    let mut roles: BTreeMap<ActorId, ActorRole> = BTreeMap::new();
    for (a, r) in actors {
        let e = roles.entry(*a).or_insert(*r);
        if r < e {
            *e = *r;
        }
    }
    roles
}

/// Replaces the actor links of an event (see [`link_actors`]).
pub(super) async fn replace_links(
    txn: &DatabaseTransaction,
    event_id: EventId,
    actors: &[(ActorId, ActorRole)],
) -> StoreResult<()> {
    event_actor::Entity::delete_many()
        .filter(event_actor::Column::EventId.eq(event_id))
        .exec(txn)
        .await?;
    link_actors(txn, event_id, actors).await
}

/// Links actors to an event; every actor must exist. One role per actor
/// (see [`strongest_roles`]).
pub(super) async fn link_actors(
    txn: &DatabaseTransaction,
    event_id: EventId,
    actors: &[(ActorId, ActorRole)],
) -> StoreResult<()> {
    if actors.is_empty() {
        return Ok(());
    }
    let roles = strongest_roles(actors);
    // One statement: INSERT … SELECT from the actors that exist, so an
    // unknown id shows as a missing row instead of costing a lookup first.
    let mut role = sea_orm::sea_query::CaseStatement::new();
    for (id, r) in &roles {
        role = role.case(Expr::col(actor::Column::Id).eq(*id), r.as_str());
    }
    let existing = Query::select()
        .expr(Expr::val(event_id))
        .column(actor::Column::Id)
        .expr(role)
        .from(actor::Entity)
        .and_where(Expr::col(actor::Column::Id).is_in(roles.keys().copied()))
        .to_owned();
    let insert = Query::insert()
        .into_table(event_actor::Entity)
        .columns([
            event_actor::Column::EventId,
            event_actor::Column::ActorId,
            event_actor::Column::Role,
        ])
        .select_from(existing)
        .map_err(|e| StoreError::Invalid(e.to_string()))?
        .to_owned();
    use sea_orm::ConnectionTrait;
    let done = txn
        .execute_raw(txn.get_database_backend().build(&insert))
        .await?;
    if done.rows_affected() as usize == roles.len() {
        return Ok(());
    }
    let known = actor::Entity::find()
        .select_only()
        .column(actor::Column::Id)
        .filter(actor::Column::Id.is_in(roles.keys().copied()))
        .into_tuple::<i64>()
        .all(txn)
        .await?;
    let missing = roles
        .keys()
        .find(|id| !known.contains(&id.0))
        .unwrap_or(&ActorId(0));
    Err(StoreError::NotFound(format!("actor {missing}")))
}

/// Writes a revision inside `txn`.
pub(super) async fn write_revision(
    txn: &DatabaseTransaction,
    event_id: EventId,
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
    event_id: EventId,
    change: &Change,
    action: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> revision::ActiveModel {
    revision::ActiveModel {
        event_id: Set(event_id.0),
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
    let places = places_in(txn, e.id).await?;
    Ok(with_places(snapshot(e, &links), &places))
}

/// Records an update as the difference of two snapshots (nothing when equal).
pub(super) async fn write_revision_of_diff(
    txn: &DatabaseTransaction,
    event_id: EventId,
    change: &Change,
    action: &str,
    before: &Value,
    after: &Value,
) -> StoreResult<bool> {
    let Some((b, a)) = diff(before, after) else {
        return Ok(false);
    };
    write_revision(txn, event_id, change, action, Some(b), Some(a)).await?;
    Ok(true)
}

/// Removes an event inside `txn`: its actor links and row go, a tombstone
/// (`reason`, `merged_into`) and a revision (`action`, fields `before`,
/// none after) stay. Its mentions must already be gone or moved.
#[allow(clippy::too_many_arguments)]
pub(super) async fn delete_event_in(
    txn: &DatabaseTransaction,
    id: EventId,
    before: Value,
    change: &Change,
    action: &str,
    reason: &str,
    merged_into: Option<EventId>,
) -> StoreResult<()> {
    event_actor::Entity::delete_many()
        .filter(event_actor::Column::EventId.eq(id))
        .exec(txn)
        .await?;
    replace_places(txn, id, &[]).await?;
    event::Entity::delete_by_id(id).exec(txn).await?;
    write_tombstone(txn, id, reason, merged_into).await?;
    write_revision(txn, id, change, action, Some(before), None).await
}

/// Records a change made beside the fields of events `ids` (a source
/// added or split off) as a revision of each without field values
/// (`action`), and marks them changed so incremental exports see it: one
/// statement for the revisions, one for the marks.
pub(super) async fn record_source_change(
    txn: &DatabaseTransaction,
    ids: &[EventId],
    change: &Change,
    action: &str,
) -> StoreResult<()> {
    let revisions = source_change_revisions(txn, ids, change, action).await?;
    insert_chunked(txn, revisions).await?;
    Ok(())
}

/// [`record_source_change`] with the revisions returned, for the caller to insert in the
/// same transaction with others (one statement for all); the marks are
/// made now.
pub(super) async fn source_change_revisions(
    txn: &DatabaseTransaction,
    ids: &[EventId],
    change: &Change,
    action: &str,
) -> StoreResult<Vec<revision::ActiveModel>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    raise_revisions(
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
pub(super) async fn write_tombstone(
    txn: &DatabaseTransaction,
    event_id: EventId,
    reason: &str,
    merged_into: Option<EventId>,
) -> StoreResult<()> {
    tombstone::ActiveModel {
        event_id: Set(event_id.0),
        reason: Set(reason.to_string()),
        merged_into: Set(merged_into.map(i64::from)),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Inserts an actor and its aliases inside `txn`.
pub(super) async fn insert_actor(txn: &DatabaseTransaction, new: &NewActor) -> StoreResult<Actor> {
    let name = new.name.trim();
    if name.is_empty() {
        return Err(StoreError::Invalid("name must not be empty".into()));
    }
    let name_ar = new
        .name_ar
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let m = actor::ActiveModel {
        name: Set(name.to_string()),
        name_ar: Set(name_ar.map(str::to_string)),
        kind: Set(new.kind.as_str().to_string()),
        wikidata: Set(check_wikidata(&new.wikidata)?),
        status: Set(new.status.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| classify(e, "an actor with that wikidata id"))?;
    let mut aliases = vec![(name.to_string(), Some("en".to_string()))];
    if let Some(n) = name_ar {
        aliases.push((n.to_string(), Some("ar".to_string())));
    }
    aliases.extend(new.aliases.iter().cloned());
    insert_aliases(txn, ActorId(m.id), &aliases).await?;
    Ok(to_actor(m))
}

/// Inserts aliases whose normalized form the actor does not have yet.
pub(super) async fn insert_aliases(
    txn: &DatabaseTransaction,
    actor_id: ActorId,
    aliases: &[(String, Option<String>)],
) -> StoreResult<()> {
    let existing: Vec<String> = actor_alias::Entity::find()
        .select_only()
        .column(actor_alias::Column::Normalized)
        .filter(actor_alias::Column::ActorId.eq(actor_id))
        .into_tuple::<String>()
        .all(txn)
        .await?;
    let mut seen: std::collections::HashSet<String> = existing.into_iter().collect();
    let mut rows = vec![];
    for (alias, lang) in aliases {
        let alias = alias.trim();
        let key = normalize_name(alias);
        if key.is_empty() {
            return Err(StoreError::Invalid("an alias must not be empty".into()));
        }
        if seen.insert(key.clone()) {
            rows.push(actor_alias::ActiveModel {
                actor_id: Set(actor_id.0),
                alias: Set(alias.to_string()),
                lang: Set(lang.clone().filter(|l| !l.trim().is_empty())),
                normalized: Set(key),
                ..Default::default()
            });
        }
    }
    insert_chunked(txn, rows).await?;
    Ok(())
}

/// Stores a mention on any connection (a transaction or the pool).
pub(super) async fn insert_mention<C: ConnectionTrait>(
    c: &C,
    event_id: EventId,
    m: &NewMention,
) -> StoreResult<mention::Model> {
    mention_row(c.get_database_backend(), event_id, m)
        .insert(c)
        .await
        .map_err(|e| classify(e, "mention"))
}

/// Most rows one multi-row statement carries: at most about 20 columns a
/// row, so 10,000 bound values, far under SQLite's 32,766 and
/// PostgreSQL's 65,535 whatever the size of an article.
pub(super) const INSERT_CHUNK: usize = 500;

/// Inserts `rows` in statements of at most [`INSERT_CHUNK`] rows each.
pub(super) async fn insert_chunked<A, C>(c: &C, rows: Vec<A>) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    use sea_orm::EntityTrait;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(INSERT_CHUNK).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

/// Places written per statement.
const PLACE_CHUNK: usize = 500;

/// Links places to events, each link once (a link already there stays).
pub(super) async fn link_places<C: ConnectionTrait>(
    c: &C,
    links: &[(EventId, PlaceId, PlaceRole)],
) -> Result<(), DbErr> {
    let mut links: Vec<(i64, i64, &str)> = links
        .iter()
        .map(|(e, p, r)| (e.0, p.0, r.as_str()))
        .collect();
    links.sort_unstable();
    links.dedup();
    for chunk in links.chunks(PLACE_CHUNK) {
        event_place::Entity::insert_many(chunk.iter().map(|(e, p, r)| event_place::ActiveModel {
            event_id: Set(*e),
            place_id: Set(*p),
            role: Set(r.to_string()),
        }))
        .on_conflict_do_nothing_on([
            event_place::Column::EventId,
            event_place::Column::PlaceId,
            event_place::Column::Role,
        ])
        .exec_without_returning(c)
        .await?;
    }
    Ok(())
}

/// The places of one event inside a transaction.
pub(super) async fn places_in(
    txn: &DatabaseTransaction,
    id: EventId,
) -> Result<Vec<(PlaceId, PlaceRole)>, DbErr> {
    Ok(event_place::Entity::find()
        .filter(event_place::Column::EventId.eq(id))
        .order_by_asc(event_place::Column::PlaceId)
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|r| PlaceRole::parse(&r.role).map(|role| (PlaceId(r.place_id), role)))
        .collect())
}

/// Replaces the places of an event.
pub(super) async fn replace_places(
    txn: &DatabaseTransaction,
    id: EventId,
    places: &[(PlaceId, PlaceRole)],
) -> Result<(), DbErr> {
    event_place::Entity::delete_many()
        .filter(event_place::Column::EventId.eq(id))
        .exec(txn)
        .await?;
    let links: Vec<_> = places.iter().map(|(p, r)| (id, *p, *r)).collect();
    link_places(txn, &links).await
}
