//! Events: writes, keyset pages, counts and histograms.

use std::collections::HashMap;

use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, ExprTrait, JoinType, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};

use super::convert::{to_event, to_mention};
use super::entities::{event, event_actor, event_place, mention};
use super::query::{
    keyset, place_conditions, rank_expr, search_expr, Cursor, Days, EventPage, Plan,
};
use super::txn::{
    create_in, delete_event_in, insert_mention, raise_revision, snapshot_in, update_in,
};
use super::{Store, StoreError, StoreResult};
use crate::domain::{
    day_number, normalize_name, ActorId, ActorRole, Change, DateMatch, Event, EventFilter, EventId,
    EventOrder, EventPatch, EventStatus, Match, Mention, NewEvent, NewMention,
};

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
        id: EventId,
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
    pub async fn delete_event(&self, id: EventId, change: &Change) -> StoreResult<bool> {
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
        delete_event_in(&txn, id, before, change, "delete", "deleted", None).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// An event by id, or `NotFound`.
    pub async fn event(&self, id: EventId) -> StoreResult<Event> {
        self.events_by_ids(&[id])
            .await?
            .pop()
            .ok_or_else(|| StoreError::NotFound(format!("event {id}")))
    }

    /// Events by id, in no particular order; unknown ids are left out.
    pub async fn events_by_ids(&self, ids: &[EventId]) -> StoreResult<Vec<Event>> {
        self.rows_by_ids::<event::Entity, _>(event::Column::Id, ids)
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
                ranks: vec![],
            });
        };
        if order == EventOrder::Relevance {
            let text = filter.text.as_deref().unwrap_or_default();
            return self.ranked_page(plan, text, cursor, limit, reverse).await;
        }
        let desc = matches!(order, EventOrder::DateDesc | EventOrder::CreatedDesc) != reverse;
        if let (Some(links), EventOrder::DateAsc | EventOrder::DateDesc) =
            (plan.on_place_links.clone(), order)
        {
            return self.place_link_page(links, cursor, limit, desc).await;
        }
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
        Ok(EventPage {
            events,
            has_more,
            ranks: vec![],
        })
    }

    /// A date-ordered page of the events of some places (PostgreSQL, a
    /// filter of places, dates and statuses only): the page's keys come from
    /// the links' copy of the days, an index range per place, then the
    /// events by id. Two statements, whatever the number of matches.
    async fn place_link_page(
        &self,
        links: Condition,
        cursor: Option<Cursor>,
        limit: u64,
        desc: bool,
    ) -> StoreResult<EventPage> {
        let days = Days::PlaceLink;
        let mut cond = links;
        if let Some(c) = cursor {
            cond = cond.add(keyset(days, c, desc));
        }
        let dir = if desc {
            sea_orm::Order::Desc
        } else {
            sea_orm::Order::Asc
        };
        let keys: Vec<(i64, i32, i32)> = event_place::Entity::find()
            .select_only()
            .column_as(days.id(), "event_id")
            .column_as(days.start(), "start_day")
            .column_as(days.end(), "end_day")
            .distinct()
            .filter(cond)
            .order_by(days.start(), dir.clone())
            .order_by(days.end(), dir.clone())
            .order_by(days.id(), dir)
            .limit(limit + 1)
            .into_tuple()
            .all(&self.db)
            .await?;
        let has_more = keys.len() as u64 > limit;
        let ids: Vec<EventId> = keys
            .iter()
            .take(limit as usize)
            .map(|(id, ..)| EventId(*id))
            .collect();
        let mut found = self.events_by_id_map(&ids).await?;
        Ok(EventPage {
            events: ids.iter().filter_map(|id| found.remove(id)).collect(),
            has_more,
            ranks: vec![],
        })
    }

    /// The events of `ids` by id (one statement), for pages whose order
    /// was decided first.
    async fn events_by_id_map(&self, ids: &[EventId]) -> StoreResult<HashMap<EventId, Event>> {
        Ok(self
            .events_by_ids(ids)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect())
    }

    /// A page in relevance order: best rank first, then id; `reverse`
    /// walks back from the cursor. Two statements: the ranked ids, then
    /// their events.
    async fn ranked_page(
        &self,
        plan: Plan,
        text: &str,
        cursor: Option<Cursor>,
        limit: u64,
        reverse: bool,
    ) -> StoreResult<EventPage> {
        let pg = self.is_postgres();
        let rank = || rank_expr(pg, text);
        let id = plan.days.id();
        let mut cond = plan.cond;
        if let Some(Cursor::Rank(bits, after)) = cursor {
            let r = f64::from_bits(bits);
            let (worse, later) = if reverse {
                (rank().gt(r), id.clone().lt(after))
            } else {
                (rank().lt(r), id.clone().gt(after))
            };
            cond = cond.add(
                Condition::any()
                    .add(worse)
                    .add(Condition::all().add(rank().eq(r)).add(later)),
            );
        }
        let (by_rank, by_id) = if reverse {
            (sea_orm::Order::Asc, sea_orm::Order::Desc)
        } else {
            (sea_orm::Order::Desc, sea_orm::Order::Asc)
        };
        let rows: Vec<(i64, f64)> = plan
            .select
            .filter(cond)
            .select_only()
            .column_as(id.clone(), "id")
            .column_as(rank(), "rank")
            .order_by(rank(), by_rank)
            .order_by(id, by_id)
            .limit(limit + 1)
            .into_tuple()
            .all(&self.db)
            .await?;
        let has_more = rows.len() as u64 > limit;
        let rows = &rows[..rows.len().min(limit as usize)];
        let ids: Vec<EventId> = rows.iter().map(|(id, _)| EventId(*id)).collect();
        let mut found = self.events_by_id_map(&ids).await?;
        let (events, ranks) = rows
            .iter()
            .filter_map(|(id, r)| Some((found.remove(&EventId(*id))?, f64::max(*r, 0.0))))
            .unzip();
        Ok(EventPage {
            events,
            has_more,
            ranks,
        })
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
        if let Some(links) = p.on_place_links {
            // An index-only scan of the places' links (an event linked to
            // two of the places counts once: its links share its days).
            let day = Expr::col((event_place::Entity, Alias::new("start_day")));
            let count = Expr::cust("count(DISTINCT event_place.event_id)");
            return self
                .day_counts(event_place::Entity::find(), day, count, links)
                .await;
        }
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
        event_ids: &[EventId],
    ) -> StoreResult<HashMap<EventId, Vec<(ActorId, ActorRole)>>> {
        let mut out: HashMap<EventId, Vec<(ActorId, ActorRole)>> = HashMap::new();
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
            out.entry(EventId(r.event_id))
                .or_default()
                .push((ActorId(r.actor_id), role));
        }
        Ok(out)
    }

    /// Mentions of many events: event id → mentions, one statement.
    pub async fn mentions_of_events(
        &self,
        event_ids: &[EventId],
    ) -> StoreResult<HashMap<EventId, Vec<Mention>>> {
        let mut out: HashMap<EventId, Vec<Mention>> = HashMap::new();
        if event_ids.is_empty() {
            return Ok(out);
        }
        let rows = mention::Entity::find()
            .filter(self.id_in(mention::Column::EventId, event_ids))
            .order_by_asc(mention::Column::Id)
            .all(&self.db)
            .await?;
        for m in rows {
            out.entry(EventId(m.event_id))
                .or_default()
                .push(to_mention(m));
        }
        Ok(out)
    }

    /// Adds evidence to an event.
    pub async fn add_mention(&self, event_id: EventId, m: &NewMention) -> StoreResult<Mention> {
        let _writer = self.write_lock().await;
        let txn = self.db.begin().await?;
        let m = insert_mention(&txn, event_id, m).await?;
        raise_revision(&txn, event_id).await?;
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
        let places = match place_conditions(self, f)? {
            None => None,
            Some(None) => return Ok(None),
            Some(Some(c)) => Some(c),
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
        let only_dates = f.kinds.is_empty()
            && f.min_precision.is_none()
            && f.updated_since.is_none()
            && f.changed_since.is_none()
            && f.article_id.is_none()
            && f.text.as_deref().is_none_or(|t| t.trim().is_empty())
            && groups.is_empty();
        let on_links = days == Days::Link && only_dates && places.is_none();
        let on_place_links = match &places {
            Some(p) if only_dates && days == Days::Event && self.is_postgres() => {
                Some(p.links.clone())
            }
            _ => None,
        };
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
        if let Some(p) = places {
            c = c.add(p.events);
        }
        if !groups.is_empty() {
            let in_links = |ids: Vec<ActorId>| {
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
                    let all: Vec<ActorId> = groups.into_iter().flatten().collect();
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
            on_place_links,
        }))
    }

    /// The actors a filter names, one group per id or name (a name may
    /// name several actors; a name nobody has gives an empty group).
    pub async fn actors_named_by(&self, f: &EventFilter) -> StoreResult<Vec<Vec<ActorId>>> {
        let mut groups: Vec<Vec<ActorId>> = f.actor_ids.iter().map(|id| vec![*id]).collect();
        if !f.actors.is_empty() {
            let keys: Vec<String> = f.actors.iter().map(|a| normalize_name(a)).collect();
            let found = self.actor_ids_by_normalized(&keys).await?;
            for k in keys {
                groups.push(found.get(&k).cloned().unwrap_or_default());
            }
        }
        Ok(groups)
    }

    /// The actor constraints as groups of ids (one group per id or name:
    /// a name may name several actors). `None` when nothing can match.
    async fn actor_groups(&self, f: &EventFilter) -> StoreResult<Option<Vec<Vec<ActorId>>>> {
        let mut groups = self.actors_named_by(f).await?;
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

    /// Events whose title or summary, or one of whose mention sentences,
    /// holds every word of `text` (after the normalization and stemming of
    /// `domain::search`, migration 11). A text without words matches nothing.
    fn text_condition(&self, text: &str) -> Condition {
        Condition::all().add(search_expr(
            self.is_postgres(),
            text,
            "event.id IN (SELECT event_id FROM event_search \
             WHERE to_tsvector('tarikh', body) @@ plainto_tsquery('tarikh', $1) \
             UNION SELECT event_id FROM mention \
             WHERE to_tsvector('tarikh', coalesce(search_text, '')) @@ plainto_tsquery('tarikh', $2))",
            "event.id IN (SELECT rowid FROM event_fts WHERE event_fts MATCH ? \
             UNION SELECT event_id FROM mention \
             WHERE id IN (SELECT rowid FROM mention_fts WHERE mention_fts MATCH ?))",
            2,
        ))
    }
}
