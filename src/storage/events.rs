//! Events: writes, keyset pages, counts and histograms.

use std::collections::{BTreeMap, HashMap};

use base64::Engine;
use chrono::Utc;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, ExprTrait,
    IntoActiveModel, JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

use super::entities::{actor, event, event_actor, mention, revision};
use super::history::{bury, record, record_diff, remove_in, revision_row, snapshot_in};
use super::{Store, StoreError, StoreResult};
use crate::domain::history::snapshot;
use crate::domain::{
    day_number, from_day_number, normalize_name, ActorRole, Change, Count, DateMatch, DateModifier,
    Event, EventDate, EventFilter, EventKind, EventOrder, EventPatch, EventStatus, Id, Match,
    Mention, NewEvent, NewMention, Precision, Quantity,
};

/// A position in a sorted event list; opaque to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    /// Date orders: start day, end day, id.
    Date(i32, i32, Id),
    /// Creation orders: id.
    Created(Id),
}

impl Cursor {
    /// The cursor of `e` in `order`.
    pub fn of(e: &Event, order: EventOrder) -> Cursor {
        match order {
            EventOrder::DateAsc | EventOrder::DateDesc => {
                let (s, en) = e.date.day_numbers();
                Cursor::Date(s, en, e.id)
            }
            EventOrder::CreatedAsc | EventOrder::CreatedDesc => Cursor::Created(e.id),
        }
    }

    /// The opaque string form.
    pub fn encode(&self) -> String {
        let raw = match self {
            Cursor::Date(s, e, id) => format!("d:{s}:{e}:{id}"),
            Cursor::Created(id) => format!("c:{id}"),
        };
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    }

    /// Parses a cursor made by [`Cursor::encode`] for `order`.
    pub fn decode(s: &str, order: EventOrder) -> Option<Cursor> {
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s)
            .ok()?;
        let raw = String::from_utf8(raw).ok()?;
        let parts: Vec<&str> = raw.split(':').collect();
        let c = match parts.as_slice() {
            ["d", s, e, id] => Cursor::Date(s.parse().ok()?, e.parse().ok()?, id.parse().ok()?),
            ["c", id] => Cursor::Created(id.parse().ok()?),
            _ => return None,
        };
        let fits = matches!(
            (c, order),
            (Cursor::Date(..), EventOrder::DateAsc | EventOrder::DateDesc)
                | (
                    Cursor::Created(_),
                    EventOrder::CreatedAsc | EventOrder::CreatedDesc
                )
        );
        fits.then_some(c)
    }
}

/// One page of events in the order asked for, and whether more follow.
#[derive(Debug, Clone)]
pub struct EventPage {
    pub events: Vec<Event>,
    pub has_more: bool,
}

pub(super) fn to_event(m: event::Model) -> StoreResult<Event> {
    let corrupt =
        // A row no valid write could produce: a server fault, not the caller's.
        |what: &str| StoreError::corrupt(format!("stored event {} has a bad {what}", m.id));
    let start = from_day_number(m.start_day).ok_or_else(|| corrupt("start day"))?;
    let end = from_day_number(m.end_day).ok_or_else(|| corrupt("end day"))?;
    let precision = Precision::parse(&m.precision).ok_or_else(|| corrupt("precision"))?;
    let modifier = match &m.modifier {
        Some(s) => Some(DateModifier::parse(s).ok_or_else(|| corrupt("modifier"))?),
        None => None,
    };
    Ok(Event {
        id: m.id,
        kind: EventKind::parse(&m.kind).ok_or_else(|| corrupt("kind"))?,
        status: EventStatus::parse(&m.status).ok_or_else(|| corrupt("status"))?,
        date: EventDate {
            start,
            end,
            precision,
            approximate: m.approximate,
            modifier,
        },
        quantity: match (m.quantity_value, m.quantity_unit) {
            (Some(value), Some(unit)) => Some(Quantity { value, unit }),
            _ => None,
        },
        quantities: match &m.quantities {
            Some(j) => serde_json::from_str(j).map_err(|_| corrupt("quantities"))?,
            None => vec![],
        },
        title: m.title,
        summary: m.summary,
        confidence: m.confidence,
        created_at: m.created_at,
        updated_at: m.updated_at,
        rev: m.rev,
    })
}

pub(super) fn set_date(am: &mut event::ActiveModel, d: &EventDate) {
    let (s, e) = d.day_numbers();
    am.start_day = Set(s);
    am.end_day = Set(e);
    am.precision = Set(d.precision.as_str().to_string());
    am.precision_rank = Set(d.precision.rank() as i16);
    am.approximate = Set(d.approximate);
    am.modifier = Set(d.modifier.map(|m| m.as_str().to_string()));
    am.edtf = Set(d.edtf());
}

fn set_quantities(am: &mut event::ActiveModel, qs: &[Count]) {
    // an empty list is stored as NULL; a list of numbers and strings always serializes
    am.quantities = Set(if qs.is_empty() {
        None
    } else {
        serde_json::to_string(qs).ok()
    });
}

fn set_quantity(am: &mut event::ActiveModel, q: &Option<Quantity>) {
    am.quantity_value = Set(q.as_ref().map(|q| q.value));
    am.quantity_unit = Set(q.as_ref().map(|q| q.unit.clone()));
}

fn check_confidence(c: f64) -> StoreResult<()> {
    if (0.0..=1.0).contains(&c) {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "confidence must be between 0 and 1, got {c}"
        )))
    }
}

impl Store {
    /// Stores a new event with its actor links, in one transaction, and
    /// records its creation.
    pub async fn create_event(&self, new: &NewEvent, change: &Change) -> StoreResult<Event> {
        let _writer = self.write_lock().await;
        let txn = self.db.begin().await?;
        let ev = create_in(&txn, new, change, "create").await?;
        txn.commit().await?;
        Ok(ev)
    }

    /// Changes an event; `actors`, when present, replaces the whole list.
    pub async fn update_event(
        &self,
        id: Id,
        patch: &EventPatch,
        change: &Change,
    ) -> StoreResult<Event> {
        let _writer = self.write_lock().await;
        let txn = self.db.begin().await?;
        let (ev, _) = update_in(&txn, id, patch, change, "update").await?;
        txn.commit().await?;
        Ok(ev)
    }

    /// Deletes an event with its mentions and actor links, leaving a
    /// tombstone and a revision; false when absent.
    pub async fn delete_event(&self, id: Id, change: &Change) -> StoreResult<bool> {
        let _writer = self.write_lock().await;
        let txn = self.db.begin().await?;
        let mut q = event::Entity::find_by_id(id);
        if self.is_postgres() {
            // Wait for concurrent writers adding evidence to this event.
            q = q.lock_exclusive();
        }
        let Some(m) = q.one(&txn).await? else {
            return Ok(false);
        };
        let before = snapshot_in(&txn, &to_event(m)?).await?;
        mention::Entity::delete_many()
            .filter(mention::Column::EventId.eq(id))
            .exec(&txn)
            .await?;
        remove_in(&txn, id, before, change, "delete", "deleted", None).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// An event by id, or `NotFound`.
    pub async fn event(&self, id: Id) -> StoreResult<Event> {
        self.events_by_ids(&[id])
            .await?
            .pop()
            .ok_or_else(|| StoreError::NotFound(format!("event {id}")))
    }

    /// Events by id, in no particular order; unknown ids are left out.
    pub async fn events_by_ids(&self, ids: &[Id]) -> StoreResult<Vec<Event>> {
        self.rows_by_ids::<event::Entity>(event::Column::Id, ids)
            .await?
            .into_iter()
            .map(to_event)
            .collect()
    }

    /// One page of events matching `filter`, sorted by `order` (reversed
    /// when `reverse`, for backward pagination), strictly after `cursor`
    /// in that effective order.
    pub async fn events_page(
        &self,
        filter: &EventFilter,
        order: EventOrder,
        cursor: Option<Cursor>,
        limit: u64,
        reverse: bool,
    ) -> StoreResult<EventPage> {
        let resume_at = match cursor {
            Some(Cursor::Date(start, ..)) if !reverse && order == EventOrder::DateAsc => {
                Some(start)
            }
            _ => None,
        };
        let Some(plan) = self.plan(filter, resume_at).await? else {
            return Ok(EventPage {
                events: vec![],
                has_more: false,
            });
        };
        let desc = matches!(order, EventOrder::DateDesc | EventOrder::CreatedDesc) != reverse;
        let mut cond = plan.cond;
        if let Some(c) = cursor {
            cond = cond.add(keyset(plan.days, c, desc));
        }
        let dir = if desc {
            sea_orm::Order::Desc
        } else {
            sea_orm::Order::Asc
        };
        let mut q = plan.select.filter(cond);
        if matches!(order, EventOrder::DateAsc | EventOrder::DateDesc) {
            q = q
                .order_by(plan.days.start(), dir.clone())
                .order_by(plan.days.end(), dir.clone());
        }
        let rows = q
            .order_by(plan.days.id(), dir)
            .limit(limit + 1)
            .all(&self.db)
            .await?;
        let has_more = rows.len() as u64 > limit;
        let events = rows
            .into_iter()
            .take(limit as usize)
            .map(to_event)
            .collect::<StoreResult<_>>()?;
        Ok(EventPage { events, has_more })
    }

    /// How many events match `filter`.
    pub async fn count_events(&self, filter: &EventFilter) -> StoreResult<u64> {
        Ok(match self.plan(filter, None).await? {
            None => 0,
            Some(p) if p.on_links => {
                event_actor::Entity::find()
                    .filter(p.cond)
                    .count(&self.db)
                    .await?
            }
            Some(p) => p.select.filter(p.cond).count(&self.db).await?,
        })
    }

    /// Matching events counted by start day: `(day number, count)` ascending.
    pub async fn count_by_start_day(&self, filter: &EventFilter) -> StoreResult<Vec<(i32, i64)>> {
        let Some(p) = self.plan(filter, None).await? else {
            return Ok(vec![]);
        };
        let day = p.days.start();
        if p.on_links {
            // An index-only scan of the actor's links.
            let links = event_actor::Entity::find();
            self.day_counts(links, day, Expr::cust("count(*)"), p.cond)
                .await
        } else {
            let count = Expr::col((event::Entity, event::Column::Id)).count();
            self.day_counts(p.select, day, count, p.cond).await
        }
    }

    /// `(day, count)` rows of `q` grouped by `day`, ascending.
    async fn day_counts<E: EntityTrait>(
        &self,
        q: sea_orm::Select<E>,
        day: Expr,
        count: Expr,
        cond: Condition,
    ) -> StoreResult<Vec<(i32, i64)>> {
        Ok(q.select_only()
            .column_as(day.clone(), "day")
            .column_as(count, "n")
            .filter(cond)
            .group_by(day.clone())
            .order_by_asc(day)
            .into_tuple::<(i32, i64)>()
            .all(&self.db)
            .await?)
    }

    /// Actor links of many events: event id → (actor id, role), one statement.
    pub async fn event_actor_links(
        &self,
        event_ids: &[Id],
    ) -> StoreResult<HashMap<Id, Vec<(Id, ActorRole)>>> {
        let mut out: HashMap<Id, Vec<(Id, ActorRole)>> = HashMap::new();
        if event_ids.is_empty() {
            return Ok(out);
        }
        let rows = event_actor::Entity::find()
            .filter(self.id_in(event_actor::Column::EventId, event_ids))
            .order_by_asc(event_actor::Column::EventId)
            .order_by_asc(event_actor::Column::ActorId)
            .all(&self.db)
            .await?;
        for r in rows {
            let role = ActorRole::parse(&r.role).unwrap_or(ActorRole::Mentioned);
            out.entry(r.event_id).or_default().push((r.actor_id, role));
        }
        Ok(out)
    }

    /// Mentions of many events: event id → mentions, one statement.
    pub async fn mentions_of_events(
        &self,
        event_ids: &[Id],
    ) -> StoreResult<HashMap<Id, Vec<Mention>>> {
        let mut out: HashMap<Id, Vec<Mention>> = HashMap::new();
        if event_ids.is_empty() {
            return Ok(out);
        }
        let rows = mention::Entity::find()
            .filter(self.id_in(mention::Column::EventId, event_ids))
            .order_by_asc(mention::Column::Id)
            .all(&self.db)
            .await?;
        for m in rows {
            out.entry(m.event_id).or_default().push(to_mention(m));
        }
        Ok(out)
    }

    /// Adds evidence to an event.
    pub async fn add_mention(&self, event_id: Id, m: &NewMention) -> StoreResult<Mention> {
        let _writer = self.write_lock().await;
        let txn = self.db.begin().await?;
        let m = super::ingest::insert_mention(&txn, event_id, m).await?;
        bump_event(&txn, event_id).await?;
        txn.commit().await?;
        Ok(to_mention(m))
    }

    /// The filter as a query plan; `None` when it can match nothing (an
    /// actor name that names no actor under `ALL`, say).
    ///
    /// On PostgreSQL, when the actor constraint is one actor, the events
    /// are read through that actor's links, whose copy of the event's days
    /// (migration 4) is indexed in date order: a page is an index range, not
    /// a join of every event of the actor with every event of the window.
    ///
    /// `resume_at` is the start day of the cursor a date-ordered page
    /// resumes from, if any.
    pub(super) async fn plan(
        &self,
        f: &EventFilter,
        resume_at: Option<i32>,
    ) -> StoreResult<Option<Plan>> {
        if let (Some(from), Some(to)) = (f.from, f.to) {
            if from > to {
                return Err(StoreError::Invalid("`from` is after `to`".into()));
            }
        }
        let Some(mut groups) = self.actor_groups(f).await? else {
            return Ok(None);
        };
        let mut c = Condition::all();
        let mut select = event::Entity::find();
        let mut days = Days::Event;
        if self.is_postgres() && groups.len() == 1 && groups[0].len() == 1 {
            let actor = groups[0][0];
            groups.clear();
            select = select.join(
                JoinType::InnerJoin,
                event::Entity::belongs_to(event_actor::Entity)
                    .from(event::Column::Id)
                    .to(event_actor::Column::EventId)
                    .into(),
            );
            c = c.add(event_actor::Column::ActorId.eq(actor));
            if let Some(role) = f.actor_role {
                c = c.add(event_actor::Column::Role.eq(role.as_str()));
            }
            days = Days::Link;
        }
        let from = f.from.map(day_number);
        let to = f.to.map(day_number);
        match f.date_match {
            DateMatch::Overlaps => {
                if let Some(from) = from {
                    c = c.add(days.end().gte(from));
                }
                if let Some(to) = to {
                    c = c.add(days.start().lte(to));
                }
                // The GiST interval index finds the events that reach past
                // `from` without reading everything that starts before it;
                // a page that resumes inside the window, or a window open
                // at the start, reads the date-ordered B-tree from its
                // cursor instead, so a long export is not a scan of the
                // whole window per page.
                let resumes_inside = match (from, resume_at) {
                    (Some(from), Some(at)) => at >= from,
                    _ => false,
                };
                if days == Days::Event && from.is_some() && !resumes_inside {
                    if let Some(span) = self.span_overlap(from, to) {
                        c = c.add(span);
                    }
                }
            }
            DateMatch::Within => {
                if let Some(from) = from {
                    c = c.add(days.start().gte(from));
                }
                if let Some(to) = to {
                    c = c.add(days.end().lte(to));
                }
            }
        }
        if f.status.is_empty() {
            c = c.add(days.status().ne(EventStatus::Rejected.as_str()));
        } else {
            c = c.add(days.status().is_in(f.status.iter().map(|s| s.as_str())));
        }
        // Everything so far is on the link row when `days` is `Link`.
        let on_links = days == Days::Link
            && f.kinds.is_empty()
            && f.min_precision.is_none()
            && f.updated_since.is_none()
            && f.changed_since.is_none()
            && f.article_id.is_none()
            && f.text.as_deref().is_none_or(|t| t.trim().is_empty())
            && groups.is_empty();
        if !f.kinds.is_empty() {
            c = c.add(event::Column::Kind.is_in(f.kinds.iter().map(|k| k.as_str())));
        }
        if let Some(p) = f.min_precision {
            c = c.add(event::Column::PrecisionRank.lte(p.rank() as i16));
        }
        if let Some(t) = f.updated_since {
            c = c.add(event::Column::UpdatedAt.gt(t));
        }
        if let Some(t) = f.changed_since {
            c = c.add(event::Column::ChangeSeq.gte(t.0));
        }
        if let Some(a) = f.article_id {
            c = c.add(
                event::Column::Id.in_subquery(
                    Query::select()
                        .column(mention::Column::EventId)
                        .from(mention::Entity)
                        .and_where(mention::Column::ArticleId.eq(a))
                        .to_owned(),
                ),
            );
        }
        if let Some(text) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            c = c.add(self.text_condition(text));
        }
        if !groups.is_empty() {
            let in_links = |ids: Vec<Id>| {
                let mut q = Query::select()
                    .column(event_actor::Column::EventId)
                    .from(event_actor::Entity)
                    .and_where(event_actor::Column::ActorId.is_in(ids))
                    .to_owned();
                if let Some(role) = f.actor_role {
                    q.and_where(event_actor::Column::Role.eq(role.as_str()));
                }
                event::Column::Id.in_subquery(q)
            };
            match f.actor_match {
                Match::Any => {
                    let all: Vec<Id> = groups.into_iter().flatten().collect();
                    c = c.add(in_links(all));
                }
                Match::All => {
                    for g in groups {
                        c = c.add(in_links(g));
                    }
                }
            }
        }
        Ok(Some(Plan {
            select,
            cond: c,
            days,
            on_links,
        }))
    }

    /// The actor constraints as groups of ids (one group per id or name:
    /// a name may name several actors). `None` when nothing can match.
    async fn actor_groups(&self, f: &EventFilter) -> StoreResult<Option<Vec<Vec<Id>>>> {
        let mut groups: Vec<Vec<Id>> = f.actor_ids.iter().map(|id| vec![*id]).collect();
        if !f.actors.is_empty() {
            let keys: Vec<String> = f.actors.iter().map(|a| normalize_name(a)).collect();
            let found = self.actor_ids_by_normalized(&keys).await?;
            for k in keys {
                groups.push(found.get(&k).cloned().unwrap_or_default());
            }
        }
        let any_empty = groups.iter().any(Vec::is_empty);
        let all_empty = groups.iter().all(Vec::is_empty);
        let impossible = match f.actor_match {
            Match::All => any_empty,
            Match::Any => !groups.is_empty() && all_empty,
        };
        if impossible {
            return Ok(None);
        }
        groups.retain(|g| !g.is_empty());
        Ok(Some(groups))
    }

    /// On PostgreSQL, the same overlap as a range condition that the GiST
    /// index of migration 3 answers (the plain day conditions stay, so both
    /// backends return the same rows).
    pub(super) fn span_overlap(&self, from: Option<i32>, to: Option<i32>) -> Option<Condition> {
        self.is_postgres().then(|| {
            Condition::all().add(Expr::cust_with_values(
                "int4range(start_day, end_day, '[]') && int4range($1, $2, '[]')",
                [sea_orm::Value::Int(from), sea_orm::Value::Int(to)],
            ))
        })
    }

    fn text_condition(&self, text: &str) -> Condition {
        if self.is_postgres() {
            // Same expression as the GIN index of the core migration.
            Condition::all().add(Expr::cust_with_values(
                "to_tsvector('simple', title || ' ' || coalesce(summary, '')) @@ plainto_tsquery('simple', $1)",
                [text.to_string()],
            ))
        } else {
            // SQLite fallback: every word appears in the title or summary,
            // as a literal (LIKE's wildcards escaped). One flat AND of
            // `domain::MAX_TEXT_TERMS` words at most, checked by the API.
            let mut c = Condition::all();
            for word in text.split_whitespace() {
                let pat = like_contains(word);
                c = c.add(Expr::cust_with_values(
                    "(lower(title) LIKE lower(?) ESCAPE '\\' OR lower(coalesce(summary, '')) LIKE lower(?) ESCAPE '\\')",
                    [pat.clone(), pat],
                ));
            }
            c
        }
    }
}

/// A LIKE pattern matching `s` anywhere, literally: `\`, `%` and `_` in `s`
/// are escaped (use with `ESCAPE '\'`).
pub(super) fn like_contains(s: &str) -> String {
    let mut p = String::with_capacity(s.len() + 2);
    p.push('%');
    for ch in s.chars() {
        if matches!(ch, '\\' | '%' | '_') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

/// A filter ready to run: the select (events, joined with one actor's
/// links on the actor-timeline path), its condition, and which table's
/// day columns to filter, sort and page on.
pub(super) struct Plan {
    pub(super) select: sea_orm::Select<event::Entity>,
    pub(super) cond: Condition,
    pub(super) days: Days,
    /// Every condition is on the `event_actor` row (dates, status, actor):
    /// counts can skip the events table.
    on_links: bool,
}

/// Where a plan reads the sort key `(start_day, end_day, event id)` from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Days {
    /// The event row.
    Event,
    /// The joined `event_actor` row (equal by trigger; indexed per actor).
    Link,
}

impl Days {
    fn col(self, event: event::Column, link: &'static str) -> Expr {
        match self {
            Days::Event => Expr::col((event::Entity, event)),
            Days::Link => Expr::col((event_actor::Entity, sea_orm::sea_query::Alias::new(link))),
        }
    }

    pub(super) fn start(self) -> Expr {
        self.col(event::Column::StartDay, "start_day")
    }

    pub(super) fn end(self) -> Expr {
        self.col(event::Column::EndDay, "end_day")
    }

    pub(super) fn id(self) -> Expr {
        self.col(event::Column::Id, "event_id")
    }

    fn status(self) -> Expr {
        self.col(event::Column::Status, "status")
    }
}

/// Rows strictly after `c` in ascending (or, with `desc`, descending) order.
pub(super) fn keyset(days: Days, c: Cursor, desc: bool) -> Condition {
    let (start, end, id) = (days.start(), days.end(), days.id());
    match c {
        Cursor::Date(s, e, i) => {
            let lhs = Expr::tuple([start, end, id]);
            let rhs = Expr::tuple([Expr::val(s), Expr::val(e), Expr::val(i)]);
            Condition::all().add(if desc { lhs.lt(rhs) } else { lhs.gt(rhs) })
        }
        Cursor::Created(i) => Condition::all().add(if desc { id.lt(i) } else { id.gt(i) }),
    }
}

fn to_mention(m: mention::Model) -> Mention {
    Mention {
        id: m.id,
        event_id: m.event_id,
        article_id: m.article_id,
        sentence: m.sentence,
        span: (m.span_start, m.span_end),
        when_text: m.when_text,
        when_span: m.when_start.zip(m.when_end),
    }
}

fn non_empty(s: &str, what: &str) -> StoreResult<String> {
    let t = s.trim();
    if t.is_empty() {
        Err(StoreError::Invalid(format!("{what} must not be empty")))
    } else {
        Ok(t.to_string())
    }
}

/// Loads an event inside `txn`, or `NotFound`.
pub(super) async fn load_event(txn: &DatabaseTransaction, id: Id) -> StoreResult<Event> {
    let m = event::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("event {id}")))?;
    to_event(m)
}

/// The actor links of one event inside `txn`.
pub(super) async fn links_in(
    txn: &DatabaseTransaction,
    id: Id,
) -> StoreResult<Vec<(Id, ActorRole)>> {
    Ok(event_actor::Entity::find()
        .filter(event_actor::Column::EventId.eq(id))
        .order_by_asc(event_actor::Column::ActorId)
        .all(txn)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.actor_id,
                ActorRole::parse(&r.role).unwrap_or(ActorRole::Mentioned),
            )
        })
        .collect())
}

/// Applies a patch inside `txn` and records the difference as `action`;
/// also says whether anything recorded changed.
pub(super) async fn update_in(
    txn: &DatabaseTransaction,
    id: Id,
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
            bury(txn, id, "rejected", None).await?;
        }
    }
    changed(&mut am, rev);
    let m = am.update(txn).await?;
    if let Some(actors) = &patch.actors {
        replace_links(txn, id, actors).await?;
    }
    let ev = to_event(m)?;
    let after = snapshot_in(txn, &ev).await?;
    let changed = record_diff(txn, id, change, action, &before, &after).await?;
    Ok((ev, changed))
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
    link_actors(txn, m.id, &new.actors).await?;
    let ev = to_event(m)?;
    let snap = snapshot(&ev, &new.actors);
    record(txn, ev.id, change, action, None, Some(snap)).await?;
    Ok(ev)
}

/// The row of a new event, without its id.
fn event_row(new: &NewEvent) -> StoreResult<event::ActiveModel> {
    check_confidence(new.confidence)?;
    let now = Utc::now();
    let mut am = event::ActiveModel {
        title: Set(non_empty(&new.title, "title")?),
        summary: Set(new.summary.clone()),
        kind: Set(new.kind.as_str().to_string()),
        confidence: Set(new.confidence),
        status: Set(new.status.as_str().to_string()),
        created_at: Set(now),
        updated_at: Set(now),
        rev: Set(0),
        // The database sets it (migration 6's triggers).
        change_seq: Set(0),
        ..Default::default()
    };
    set_date(&mut am, &new.date);
    set_quantity(&mut am, &new.quantity);
    set_quantities(&mut am, &new.quantities);
    Ok(am)
}

/// Marks the event row of `am` (at revision `rev`) changed: the next
/// content revision and a new `updated_at`, which incremental exports and
/// stored export documents go by.
pub(super) fn changed(am: &mut event::ActiveModel, rev: i64) {
    am.rev = Set(rev + 1);
    am.updated_at = Set(Utc::now());
}

/// Marks the events matching `cond` changed (see [`changed`]), for changes
/// made beside their rows: a mention added, moved or removed, an actor
/// renamed.
pub(super) async fn bump<C: sea_orm::ConnectionTrait>(c: &C, cond: Condition) -> StoreResult<()> {
    event::Entity::update_many()
        .col_expr(event::Column::Rev, Expr::col(event::Column::Rev).add(1))
        .col_expr(event::Column::UpdatedAt, Expr::val(Utc::now()))
        .filter(cond)
        .exec(c)
        .await?;
    Ok(())
}

/// Marks one event changed (see [`bump`]).
pub(super) async fn bump_event<C: sea_orm::ConnectionTrait>(c: &C, id: Id) -> StoreResult<()> {
    bump(c, Condition::all().add(event::Column::Id.eq(id))).await
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
    use sea_orm::{ConnectionTrait, DbBackend, Statement, TryIntoModel};
    if txn.get_database_backend() != DbBackend::Postgres || news.len() < 2 {
        super::insert_chunked(txn, also).await?;
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
    super::insert_chunked(txn, rows.clone()).await?;
    let links: Vec<event_actor::ActiveModel> = ids
        .iter()
        .zip(news)
        .flat_map(|(id, new)| {
            strongest_roles(&new.actors)
                .into_iter()
                .map(|(actor_id, role)| event_actor::ActiveModel {
                    event_id: Set(*id),
                    actor_id: Set(actor_id),
                    role: Set(role.as_str().to_string()),
                })
        })
        .collect();
    super::insert_chunked(txn, links).await?;
    let mut events = Vec::with_capacity(news.len());
    let mut revisions = also;
    for (row, new) in rows.into_iter().zip(news) {
        let ev = to_event(row.try_into_model()?)?;
        let snap = snapshot(&ev, &new.actors);
        revisions.push(revision_row(ev.id, change, action, None, Some(snap)));
        events.push(ev);
    }
    super::insert_chunked(txn, revisions).await?;
    Ok(events)
}

/// One role per actor: when an actor is listed twice the strongest role
/// (agent, target, mentioned) wins.
fn strongest_roles(actors: &[(Id, ActorRole)]) -> BTreeMap<Id, ActorRole> {
    let mut roles: BTreeMap<Id, ActorRole> = BTreeMap::new();
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
    event_id: Id,
    actors: &[(Id, ActorRole)],
) -> StoreResult<()> {
    event_actor::Entity::delete_many()
        .filter(event_actor::Column::EventId.eq(event_id))
        .exec(txn)
        .await?;
    link_actors(txn, event_id, actors).await
}

/// Links actors to an event; every actor must exist. One role per actor
/// (see [`strongest_roles`]).
async fn link_actors(
    txn: &DatabaseTransaction,
    event_id: Id,
    actors: &[(Id, ActorRole)],
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
        .into_tuple::<Id>()
        .all(txn)
        .await?;
    let missing = roles.keys().find(|id| !known.contains(id)).unwrap_or(&0);
    Err(StoreError::NotFound(format!("actor {missing}")))
}
