//! Read-side building blocks: keyset cursors, the plan of an event list
//! (which day bounds and order), and the conditions they make.

use base64::Engine;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ExprTrait};

use sea_orm::sea_query::{Alias, Query};

use super::entities::{event, event_actor, event_place, tombstone};
use super::{Store, StoreError, StoreResult};
use crate::domain::place::filter_ids;
use crate::domain::{
    day_number, DateMatch, Event, EventFilter, EventOrder, EventStatus, Id, SyncToken,
};

/// A position in a sorted event list; opaque to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    /// Date orders: start day, end day, id.
    Date(i32, i32, Id),
    /// Creation orders: id.
    Created(Id),
    /// Relevance: the rank's `f64` bits (ranks are never negative, so the
    /// bits order like the numbers), id.
    Rank(u64, Id),
}

impl Cursor {
    /// The cursor of `e` in `order`; for relevance, whose rank the event
    /// does not hold, see [`EventPage::ranks`].
    pub fn of(e: &Event, order: EventOrder) -> Cursor {
        match order {
            EventOrder::Relevance => Cursor::Rank(0, e.id.0),
            EventOrder::DateAsc | EventOrder::DateDesc => {
                let (s, en) = e.date.day_numbers();
                Cursor::Date(s, en, e.id.0)
            }
            EventOrder::CreatedAsc | EventOrder::CreatedDesc => Cursor::Created(e.id.0),
        }
    }

    /// The opaque string form.
    pub fn encode(&self) -> String {
        let raw = match self {
            Cursor::Date(s, e, id) => format!("d:{s}:{e}:{id}"),
            Cursor::Created(id) => format!("c:{id}"),
            Cursor::Rank(bits, id) => format!("r:{bits}:{id}"),
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
            ["r", bits, id] => {
                let bits: u64 = bits.parse().ok()?;
                let rank = f64::from_bits(bits);
                (rank.is_finite() && rank >= 0.0).then_some(())?;
                Cursor::Rank(bits, id.parse().ok()?)
            }
            _ => return None,
        };
        let fits = matches!(
            (c, order),
            (Cursor::Date(..), EventOrder::DateAsc | EventOrder::DateDesc)
                | (
                    Cursor::Created(_),
                    EventOrder::CreatedAsc | EventOrder::CreatedDesc
                )
                | (Cursor::Rank(..), EventOrder::Relevance)
        );
        fits.then_some(c)
    }
}

/// One page of events in the order asked for, and whether more follow.
#[derive(Debug, Clone)]
pub struct EventPage {
    pub events: Vec<Event>,
    pub has_more: bool,
    /// In relevance order, each event's rank (its cursor); empty otherwise.
    pub ranks: Vec<f64>,
}

/// A full-text condition (migration 11): `postgres` SQL binding the
/// normalized words of `text` as `$1`…`$n`, or `sqlite` SQL binding its FTS5
/// query at each of `n` `?`. A text without words matches nothing.
pub(super) fn search_expr(
    is_postgres: bool,
    text: &str,
    postgres: &'static str,
    sqlite: &'static str,
    n: usize,
) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::Expr;
    let (words, sql) = if is_postgres {
        (crate::domain::search::index_form(text), postgres)
    } else {
        (fts_query(text), sqlite)
    };
    if words.is_empty() {
        return Expr::cust("1 = 0");
    }
    Expr::cust_with_values(sql, std::iter::repeat_n(words, n))
}

/// How well an event matches `text` (relevance order, migration 11): the
/// rank of its best-matching document among its title and summary and its
/// mention sentences, never negative. PostgreSQL's `ts_rank` and SQLite's
/// BM25 (negated: FTS5 scores better matches lower) do not give the same
/// numbers, only the same idea.
pub(super) fn rank_expr(is_postgres: bool, text: &str) -> sea_orm::sea_query::SimpleExpr {
    search_expr(
        is_postgres,
        text,
        "GREATEST(\
         coalesce((SELECT ts_rank(to_tsvector('tarikh', s.body), plainto_tsquery('tarikh', $1)) \
                   FROM event_search s WHERE s.event_id = event.id), 0), \
         coalesce((SELECT max(ts_rank(to_tsvector('tarikh', coalesce(m.search_text, '')), \
                                      plainto_tsquery('tarikh', $2))) \
                   FROM mention m WHERE m.event_id = event.id), 0))::float8",
        "max(\
         coalesce((SELECT -bm25(event_fts) FROM event_fts \
                   WHERE event_fts MATCH ? AND rowid = event.id), 0), \
         coalesce((SELECT -bm25(mention_fts) FROM mention_fts \
                   WHERE mention_fts MATCH ? AND rowid IN (SELECT id FROM mention WHERE event_id = event.id) \
                   ORDER BY bm25(mention_fts) LIMIT 1), 0))",
        2,
    )
}

/// An FTS5 query holding every stemmed word of `text` (SQLite, migration
/// 11): each word a quoted string, so no word is read as FTS5 syntax.
/// Empty when `text` has no words.
fn fts_query(text: &str) -> String {
    crate::domain::search::stemmed_form(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
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
    pub(super) on_links: bool,
    /// On PostgreSQL, when every condition is on `event_place` rows
    /// (places, dates, status): that condition, so histograms read the
    /// place links alone.
    pub(super) on_place_links: Option<Condition>,
}

/// Where a plan reads the sort key `(start_day, end_day, event id)` from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Days {
    /// The event row.
    Event,
    /// The joined `event_actor` row (equal by trigger; indexed per actor).
    Link,
    /// An `event_place` row (PostgreSQL: equal by trigger; indexed per place).
    PlaceLink,
}

impl Days {
    fn col(self, event: event::Column, link: &'static str) -> Expr {
        match self {
            Days::Event => Expr::col((event::Entity, event)),
            Days::Link => Expr::col((event_actor::Entity, Alias::new(link))),
            Days::PlaceLink => Expr::col((event_place::Entity, Alias::new(link))),
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

    pub(super) fn status(self) -> Expr {
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
        // Relevance pages compare ranks in `events_page`.
        Cursor::Rank(..) => Condition::all(),
    }
}

/// A page of tombstones in id order: written at `since` or later (by
/// time), at or after sync token `changed_since`, after tombstone
/// `after`, at most `limit`.
pub(super) fn tombstone_page(
    since: Option<chrono::DateTime<chrono::Utc>>,
    changed_since: Option<SyncToken>,
    after: Option<Id>,
    limit: u64,
) -> sea_orm::Select<tombstone::Entity> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    let mut c = Condition::all();
    if let Some(s) = since {
        c = c.add(tombstone::Column::At.gt(s));
    }
    if let Some(t) = changed_since {
        c = c.add(tombstone::Column::ChangeSeq.gte(t.0));
    }
    if let Some(a) = after {
        c = c.add(tombstone::Column::Id.gt(a));
    }
    tombstone::Entity::find()
        .filter(c)
        .order_by_asc(tombstone::Column::Id)
        .limit(limit)
}

/// The places of a filter as conditions: on the link rows (`event_place`),
/// and on events (those with such a link).
pub(super) struct PlaceConds {
    pub(super) links: Condition,
    pub(super) events: Condition,
}

/// The conditions of a filter's places, or `Ok(None)` when the filter has
/// none; `Err` for a name that names no place; `Ok(Some(None))`: the
/// places match nothing (an empty box). On PostgreSQL the link rows carry
/// their event's days and status (migration 12), so the window and the
/// statuses are tested there too: the links read are an index range.
pub(super) fn place_conditions(
    store: &Store,
    f: &EventFilter,
) -> StoreResult<Option<Option<PlaceConds>>> {
    let Some(ids) = filter_ids(f).map_err(StoreError::Invalid)? else {
        return Ok(None);
    };
    if ids.is_empty() {
        return Ok(Some(None));
    }
    let mut links = store.id_in(event_place::Column::PlaceId, &ids);
    if store.is_postgres() {
        let col = |c: &str| Expr::col((event_place::Entity, Alias::new(c)));
        let (from, to) = (f.from.map(day_number), f.to.map(day_number));
        let (low, high) = match f.date_match {
            DateMatch::Overlaps => ("end_day", "start_day"),
            DateMatch::Within => ("start_day", "end_day"),
        };
        if let Some(from) = from {
            links = links.add(col(low).gte(from));
        }
        if let Some(to) = to {
            links = links.add(col(high).lte(to));
        }
        links = links.add(if f.status.is_empty() {
            col("status").ne(EventStatus::Rejected.as_str())
        } else {
            col("status").is_in(f.status.iter().map(|s| s.as_str()))
        });
    }
    let q = Query::select()
        .column(event_place::Column::EventId)
        .from(event_place::Entity)
        .cond_where(links.clone())
        .to_owned();
    Ok(Some(Some(PlaceConds {
        links,
        events: Condition::all().add(event::Column::Id.in_subquery(q)),
    })))
}
