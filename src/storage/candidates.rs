//! The stored events an article's extracted events could be reports of
//! (deduplication candidates), fetched once per article with their actor
//! links and evidence; `domain::dedup` decides among them.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::convert::to_event;
use super::entities::{event, event_actor, mention};
use super::{Store, StoreResult};
use crate::domain::dedup::{self, DedupView};
use crate::domain::{ActorId, ActorRole, ArticleId, EventId, EventKind, EventStatus, Id};

/// Most events whose candidates one statement asks for.
const UNION_CHUNK: usize = 100;

/// Most candidates looked at for one new event.
const MAX_CANDIDATES: u64 = 50;

/// The condition on stored events that `new` could be a report of: a
/// compatible kind, overlapping days, not rejected, a shared actor when it
/// names any (`dedup::score` decides among them).
fn candidate_condition(store: &Store, new: &DedupView) -> Condition {
    let (s, e) = new.date.day_numbers();
    let kinds: Vec<&str> = if new.kind == EventKind::Other {
        EventKind::ALL.iter().map(|k| k.as_str()).collect()
    } else {
        vec![new.kind.as_str(), EventKind::Other.as_str()]
    };
    let mut c = Condition::all()
        .add(event::Column::Kind.is_in(kinds))
        .add(event::Column::StartDay.lte(e))
        .add(event::Column::EndDay.gte(s))
        .add(event::Column::Status.ne(EventStatus::Rejected.as_str()));
    if let Some(span) = store.span_overlap(Some(s), Some(e)) {
        c = c.add(span);
    }
    if !new.actors.is_empty() {
        c = c.add(
            event::Column::Id.in_subquery(
                Query::select()
                    .column(event_actor::Column::EventId)
                    .from(event_actor::Entity)
                    .cond_where(store.id_in(event_actor::Column::ActorId, &new.actors))
                    .to_owned(),
            ),
        );
    }
    c
}

/// The actor links and the evidence of events `ids` in one statement:
/// rows `(k, event_id, n, o, t)`, `k` 0 for a link (`n` the actor, `t` its
/// role) and 1 for a mention (`n` its article, `t` its sentence), links
/// in actor order and mentions in id order (`o`).
fn links_and_evidence(store: &Store, ids: &[EventId]) -> sea_orm::sea_query::SelectStatement {
    use event_actor::Column as L;
    use sea_orm::sea_query::{Alias, UnionType};
    let mut q = Query::select()
        .expr_as(Expr::val(0i64), Alias::new("k"))
        .to_owned();
    for (column, name) in [
        (L::EventId, "event_id"),
        (L::ActorId, "n"),
        (L::ActorId, "o"),
        (L::Role, "t"),
    ] {
        q.expr_as(Expr::col((event_actor::Entity, column)), Alias::new(name));
    }
    q.from(event_actor::Entity)
        .cond_where(store.id_in(L::EventId, ids));
    q.union(
        UnionType::All,
        Query::select()
            .expr(Expr::val(1i64))
            .column((mention::Entity, mention::Column::EventId))
            .column((mention::Entity, mention::Column::ArticleId))
            .column((mention::Entity, mention::Column::Id))
            .column((mention::Entity, mention::Column::Sentence))
            .from(mention::Entity)
            .cond_where(store.id_in(mention::Column::EventId, ids))
            .to_owned(),
    );
    q.order_by(Alias::new("k"), sea_orm::Order::Asc)
        .order_by(Alias::new("o"), sea_orm::Order::Asc);
    q
}

/// The dedup candidates of every event of an article in one statement:
/// a `UNION ALL` of each event's own query (its candidates, newest first,
/// at most [`MAX_CANDIDATES`], planned as it would be alone), each row
/// with `for_event`, the event's index; none for an article without events.
fn candidate_union(
    store: &Store,
    news: &[DedupView],
    first: usize,
) -> Option<sea_orm::sea_query::SelectStatement> {
    use sea_orm::sea_query::{Alias, Asterisk, UnionType};
    use sea_orm::QueryTrait;
    let mut union: Option<sea_orm::sea_query::SelectStatement> = None;
    for (i, new) in (first..).zip(news) {
        let mut one = event::Entity::find()
            .filter(candidate_condition(store, new))
            .order_by_desc(event::Column::Id)
            .limit(MAX_CANDIDATES)
            .into_query();
        one.expr_as(Expr::val(i as i64), Alias::new("for_event"));
        let branch = Query::select()
            .column(Asterisk)
            .from_subquery(one, Alias::new(format!("c{i}")))
            .to_owned();
        union = Some(match union {
            None => branch,
            Some(mut u) => {
                u.union(UnionType::All, branch);
                u
            }
        });
    }
    union
}

/// The stored events an article's events could duplicate, fetched once
/// for the whole article: one statement for every event's candidates (a
/// `UNION ALL` of the per-event queries, each planned as before) and one
/// for their actors and evidence. Exact for the whole article because
/// its own events, created or merged into while it is placed, can never
/// be what a later event of it merges into (`dedup::score` refuses two
/// reports of one article; [`Candidates::reported`] keeps that true).
#[derive(Default)]
pub(super) struct Candidates {
    /// Per event of the article: its candidates, newest first.
    of: Vec<Vec<EventId>>,
    views: HashMap<EventId, DedupView>,
    /// Each candidate's revision when fetched and its actor links then.
    links: HashMap<EventId, (i64, Vec<(ActorId, ActorRole)>)>,
}

impl Candidates {
    pub(super) async fn fetch(
        store: &Store,
        txn: &DatabaseTransaction,
        news: &[DedupView],
    ) -> StoreResult<Candidates> {
        use sea_orm::{ConnectionTrait, FromQueryResult};
        let mut of: Vec<Vec<EventId>> = vec![vec![]; news.len()];
        let mut models: HashMap<EventId, event::Model> = HashMap::new();
        // SQLite takes at most 500 terms in a compound SELECT, and both
        // backends a bounded number of bound values: a long article's
        // events are asked for in several statements.
        for (n, chunk) in news.chunks(UNION_CHUNK).enumerate() {
            let Some(union) = candidate_union(store, chunk, n * UNION_CHUNK) else {
                continue;
            };
            let rows = txn
                .query_all_raw(txn.get_database_backend().build(&union))
                .await?;
            for row in rows {
                let i: i64 = row.try_get("", "for_event")?;
                let m = event::Model::from_query_result(&row, "")?;
                if let Some(list) = of.get_mut(i as usize) {
                    list.push(EventId(m.id));
                }
                models.insert(EventId(m.id), m);
            }
        }
        if models.is_empty() {
            return Ok(Candidates {
                of,
                ..Default::default()
            });
        }
        let ids: Vec<EventId> = models.keys().copied().collect();
        if store.is_postgres() {
            // Every statement from here to the article's commit finds rows
            // by id (lists of ids, primary keys), where the generic plan is
            // an index scan whatever the ids, but PostgreSQL keeps planning
            // each execution anew (an id list bound as one value looks
            // costlier in a generic plan): planning was a fifth of its
            // time in an ingest. The candidate query above needs its
            // custom plan (5× faster at 100,000 events), so it runs first.
            txn.execute_unprepared("SET LOCAL plan_cache_mode = force_generic_plan")
                .await?;
        }
        let mut links: HashMap<EventId, (i64, Vec<(ActorId, ActorRole)>)> = models
            .values()
            .map(|m| (EventId(m.id), (m.rev, vec![])))
            .collect();
        let mut evidence: HashMap<EventId, (Vec<String>, Vec<ArticleId>)> = HashMap::new();
        for row in txn
            .query_all_raw(
                txn.get_database_backend()
                    .build(&links_and_evidence(store, &ids)),
            )
            .await?
        {
            let event_id: Id = row.try_get("", "event_id")?;
            let n: Id = row.try_get("", "n")?;
            let t: String = row.try_get("", "t")?;
            if row.try_get::<i64>("", "k")? == 0 {
                if let Some((_, l)) = links.get_mut(&EventId(event_id)) {
                    l.push((
                        ActorId(n),
                        ActorRole::parse(&t).unwrap_or(ActorRole::Mentioned),
                    ));
                }
            } else {
                let e = evidence.entry(EventId(event_id)).or_default();
                e.0.push(t);
                e.1.push(ArticleId(n));
            }
        }
        let mut views = HashMap::with_capacity(models.len());
        for (id, m) in models {
            let ev = to_event(m)?;
            let (sentences, articles) = evidence.remove(&id).unwrap_or_default();
            views.insert(
                id,
                DedupView {
                    kind: ev.kind,
                    date: ev.date,
                    actors: links
                        .get(&id)
                        .map(|(_, l)| l.iter().map(|(a, _)| *a).collect())
                        .unwrap_or_default(),
                    quantity: ev.quantity,
                    sentences,
                    articles,
                },
            );
        }
        Ok(Candidates { of, views, links })
    }

    /// The actor links of candidate `id` as fetched, if it is still at
    /// revision `rev` (every change to its links moves the revision).
    pub(super) fn links(&self, id: EventId, rev: i64) -> Option<&[(ActorId, ActorRole)]> {
        match self.links.get(&id) {
            Some((r, l)) if *r == rev => Some(l),
            _ => None,
        }
    }

    /// The stored event that event `i` of the article (seen as `new`)
    /// duplicates, if any: the best score, the newest on a tie.
    pub(super) fn best(&self, i: usize, new: &DedupView) -> Option<EventId> {
        let candidates = self.of.get(i).into_iter().flatten();
        dedup::best_candidate(
            new,
            candidates.filter_map(|id| self.views.get(id).map(|v| (*id, v))),
        )
    }

    /// `article` now reports `target` (it was merged into).
    pub(super) fn reported(&mut self, target: EventId, article: ArticleId) {
        if let Some(v) = self.views.get_mut(&target) {
            v.articles.push(article);
        }
    }
}
