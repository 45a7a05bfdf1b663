//! The read side: open to everyone.

use async_graphql::{Context, Object, ID};
use chrono::{Datelike, Days, NaiveDate};

use super::errors::{bad_input, store};
use super::scalars::Date;
use super::types::*;
use crate::domain::{self, from_day_number, last_of_month, ActorId, ArticleId};
use crate::storage::Store;

/// Most buckets one timeline may return.
pub const MAX_BUCKETS: usize = 10_000;

/// Queries.
pub struct QueryRoot;

/// Reads: open to everyone.
#[Object]
impl QueryRoot {
    /// Events matching a filter, as a Relay connection with keyset cursors.
    /// Pages hold 50 events by default and 500 at most.
    #[graphql(complexity = "1 + page_cost(first, last) * child_complexity")]
    #[allow(clippy::too_many_arguments)]
    async fn events(
        &self,
        ctx: &Context<'_>,
        filter: Option<EventFilter>,
        #[graphql(default_with = "EventOrder::DateAsc")] order_by: EventOrder,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<EventConnection> {
        let paging = Paging::new(first, after, last, before)?;
        let f = filter.unwrap_or_default().to_domain()?;
        EventConnection::load(ctx, f, order_by.into(), paging).await
    }

    /// One event; null when no event has this id.
    async fn event(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Event>> {
        let id = parse_id(&id, "event")?;
        let st = ctx.data::<Store>()?;
        Ok(st
            .events_by_ids(&[id])
            .await
            .map_err(store)?
            .pop()
            .map(Event::from))
    }

    /// Actors, optionally those with a name or alias containing `search`
    /// (any language, any spelling), ordered by id.
    #[graphql(complexity = "1 + page_cost(first, None) * child_complexity")]
    async fn actors(
        &self,
        ctx: &Context<'_>,
        search: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<ActorConnection> {
        if let Some(s) = &search {
            domain::check_search(s).map_err(bad_input)?;
        }
        let paging = Paging::new(first, after, None, None)?;
        let after = paging.cursor.as_deref().map(parse_id_cursor).transpose()?;
        let st = ctx.data::<Store>()?;
        let (actors, more) = st
            .actors_page(search.as_deref(), after.map(ActorId), paging.limit)
            .await
            .map_err(store)?;
        let edges: Vec<ActorEdge> = actors
            .into_iter()
            .map(|a| ActorEdge {
                cursor: id_cursor(a.id.0),
                node: Actor(a),
            })
            .collect();
        let cursors: Vec<&str> = edges.iter().map(|e| e.cursor.as_str()).collect();
        Ok(ActorConnection {
            nodes: edges.iter().map(|e| e.node.clone()).collect(),
            page_info: PageInfo::new(&cursors, more, after.is_some()),
            edges,
        })
    }

    /// Places of the gazetteer with a name or alias (any language, any
    /// spelling) a word of which starts with `search`: exact names first,
    /// then countries, regions, and cities by population. At most `first`
    /// (default 20, at most 100).
    #[graphql(complexity = "1 + first.unwrap_or(20).clamp(0, 100) as usize * child_complexity")]
    async fn places(
        &self,
        search: String,
        kind: Option<super::places::PlaceKind>,
        country: Option<String>,
        first: Option<i32>,
    ) -> async_graphql::Result<Vec<super::places::Place>> {
        super::places::search_places(&search, kind, country.as_deref(), first.unwrap_or(20))
    }

    /// One place of the gazetteer; null when no place has this id.
    async fn place(&self, id: ID) -> async_graphql::Result<Option<super::places::Place>> {
        let id: i64 = parse_id(&id, "place")?;
        Ok(domain::place::places().get(id).map(super::places::Place))
    }

    /// One actor; null when no actor has this id.
    async fn actor(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Actor>> {
        let id = parse_id(&id, "actor")?;
        let st = ctx.data::<Store>()?;
        Ok(st
            .actors_by_ids(&[id])
            .await
            .map_err(store)?
            .pop()
            .map(Actor))
    }

    /// Articles, ordered by id; with `search`, those whose title or body holds every word of it (Arabic-aware: any spelling, clitic or inflection of a word; English words stemmed).
    #[graphql(complexity = "1 + page_cost(first, None) * child_complexity")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        search: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<ArticleConnection> {
        if let Some(s) = &search {
            domain::check_search(s).map_err(bad_input)?;
        }
        let paging = Paging::new(first, after, None, None)?;
        let after = paging.cursor.as_deref().map(parse_id_cursor).transpose()?;
        let st = ctx.data::<Store>()?;
        let (articles, more) = st
            .articles_page(search.as_deref(), after.map(ArticleId), paging.limit)
            .await
            .map_err(store)?;
        let edges: Vec<ArticleEdge> = articles
            .into_iter()
            .map(|a| ArticleEdge {
                cursor: id_cursor(a.id.0),
                node: Article(a),
            })
            .collect();
        let cursors: Vec<&str> = edges.iter().map(|e| e.cursor.as_str()).collect();
        Ok(ArticleConnection {
            page_info: PageInfo::new(&cursors, more, after.is_some()),
            edges,
        })
    }

    /// One article; null when no article has this id.
    async fn article(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Article>> {
        let id = parse_id(&id, "article")?;
        let st = ctx.data::<Store>()?;
        Ok(st
            .articles_by_ids(&[id])
            .await
            .map_err(store)?
            .pop()
            .map(Article))
    }

    /// A sync token: read it in its own request before a sync (fields of one
    /// request run concurrently), and pass it as `changedSince` (to `events`
    /// and `tombstones`) in the next one to get everything written
    /// meanwhile, whatever order writers committed in (at least once: a
    /// write may come again; apply tombstones first, then events, by id).
    async fn sync_token(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let st = ctx.data::<Store>()?;
        Ok(st.sync_token().await.map_err(store)?.to_string())
    }

    /// Deleted and merged events since a time or sync token, oldest first:
    /// with `events(filter: {changedSince})` it lets a job mirror the store.
    async fn tombstones(
        &self,
        ctx: &Context<'_>,
        since: Option<chrono::DateTime<chrono::Utc>>,
        changed_since: Option<String>,
        after: Option<ID>,
        #[graphql(default = 500)] first: i32,
    ) -> async_graphql::Result<Vec<Tombstone>> {
        if !(0..=MAX_PAGE).contains(&first) {
            return Err(bad_input(format!("first must be between 0 and {MAX_PAGE}")));
        }
        let after = after
            .as_ref()
            .map(|a| parse_id(a, "tombstone"))
            .transpose()?;
        let changed_since = changed_since.as_deref().map(parse_token).transpose()?;
        let st = ctx.data::<Store>()?;
        Ok(st
            .tombstones(since, changed_since, after, first as u64)
            .await
            .map_err(store)?
            .into_iter()
            .map(|t| Tombstone {
                id: ID(t.id.to_string()),
                event_id: ID(t.event_id.to_string()),
                reason: t.reason,
                merged_into: t.merged_into.map(|m| ID(m.to_string())),
                at: t.at,
            })
            .collect())
    }

    /// A histogram of matching events by the bucket their interval starts
    /// in, with empty buckets filled between `from` (or the first event) and
    /// `to` (or the last event). At most 10,000 buckets. It counts 1,000
    /// towards the complexity limit.
    #[graphql(complexity = 1000)]
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        filter: Option<EventFilter>,
        bucket: Bucket,
    ) -> async_graphql::Result<Vec<TimelineBucket>> {
        let f = filter.unwrap_or_default().to_domain()?;
        let b: domain::Bucket = bucket.into();
        if let (Some(from), Some(to)) = (f.from, f.to) {
            // Refused before the count is asked of the database.
            if buckets_between(from, to, b) > MAX_BUCKETS as i64 {
                return Err(too_many_buckets());
            }
        }
        let st = ctx.data::<Store>()?;
        let days = st.count_by_start_day(&f).await.map_err(store)?;
        histogram(&days, f.from, f.to, b)
    }
}

/// Complexity multiplier of a page.
pub fn page_cost(first: Option<i32>, last: Option<i32>) -> usize {
    first.or(last).unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE) as usize
}

// Bucket bounds use checked arithmetic only: accepted dates are inside the
// supported range, where none of these fails, but stored rows written
// before the range was enforced may be anywhere chrono reaches. At
// chrono's edges a week is cut to the days that exist.

fn bucket_start(d: NaiveDate, b: domain::Bucket) -> NaiveDate {
    match b {
        domain::Bucket::Day => d,
        domain::Bucket::Week => d
            .checked_sub_days(Days::new(d.weekday().num_days_from_monday().into()))
            .unwrap_or(NaiveDate::MIN),
        domain::Bucket::Month => d.with_day(1).unwrap_or(d),
        domain::Bucket::Year => d.with_day(1).and_then(|x| x.with_month(1)).unwrap_or(d),
    }
}

fn bucket_end(start: NaiveDate, b: domain::Bucket) -> NaiveDate {
    match b {
        domain::Bucket::Day => start,
        domain::Bucket::Week => start
            .checked_add_days(Days::new(6))
            .unwrap_or(NaiveDate::MAX),
        domain::Bucket::Month => {
            last_of_month(start.year(), start.month()).unwrap_or(NaiveDate::MAX)
        }
        domain::Bucket::Year => {
            NaiveDate::from_ymd_opt(start.year(), 12, 31).unwrap_or(NaiveDate::MAX)
        }
    }
}

/// How many buckets of kind `b` the days `from` to `to` span (at least).
fn buckets_between(from: NaiveDate, to: NaiveDate, b: domain::Bucket) -> i64 {
    let days = i64::from(to.num_days_from_ce()) - i64::from(from.num_days_from_ce());
    let months = (i64::from(to.year()) * 12 + i64::from(to.month()))
        - (i64::from(from.year()) * 12 + i64::from(from.month()));
    1 + match b {
        domain::Bucket::Day => days,
        domain::Bucket::Week => days / 7,
        domain::Bucket::Month => months,
        domain::Bucket::Year => i64::from(to.year()) - i64::from(from.year()),
    }
}

fn too_many_buckets() -> async_graphql::Error {
    bad_input(format!(
        "the timeline would have more than {MAX_BUCKETS} buckets: narrow `from`/`to` or use a larger bucket"
    ))
}

/// Folds per-day counts into contiguous buckets.
fn histogram(
    days: &[(i32, i64)],
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    b: domain::Bucket,
) -> async_graphql::Result<Vec<TimelineBucket>> {
    let dates: Vec<(NaiveDate, i64)> = days
        .iter()
        .filter_map(|(n, c)| from_day_number(*n).map(|d| (d, *c)))
        .collect();
    // Events that start before `from` (they overlap it) count in the first bucket.
    let first = match (from, dates.first()) {
        (Some(f), _) => f,
        (None, Some((d, _))) => *d,
        (None, None) => return Ok(vec![]),
    };
    let last = match (to, dates.last()) {
        (Some(t), _) => t,
        (None, Some((d, _))) => *d,
        (None, None) => first,
    };
    let mut out: Vec<TimelineBucket> = vec![];
    let mut start = bucket_start(first, b);
    let stop = bucket_start(last.max(first), b);
    let mut it = dates.iter().peekable();
    loop {
        let end = bucket_end(start, b);
        let mut count = 0;
        while let Some((d, c)) = it.peek() {
            if *d <= end {
                count += c;
                it.next();
            } else {
                break;
            }
        }
        out.push(TimelineBucket {
            start: Date(start),
            end: Date(end),
            count,
        });
        if out.len() > MAX_BUCKETS {
            return Err(too_many_buckets());
        }
        if start >= stop {
            break;
        }
        match end.succ_opt() {
            Some(n) => start = n,
            None => break,
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{day_number, parse_date};

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn buckets_fill_gaps_and_count() {
        let days = vec![
            (day_number(d("2024-01-03")), 2),
            (day_number(d("2024-01-30")), 1),
            (day_number(d("2024-03-01")), 4),
        ];
        let h = histogram(&days, None, None, domain::Bucket::Month).unwrap();
        let got: Vec<(String, i64)> = h
            .iter()
            .map(|b| (domain::format_date(b.start.0), b.count))
            .collect();
        assert_eq!(
            got,
            vec![
                ("2024-01-01".to_string(), 3),
                ("2024-02-01".to_string(), 0),
                ("2024-03-01".to_string(), 4)
            ]
        );
        let w = histogram(
            &days,
            Some(d("2024-01-01")),
            Some(d("2024-01-14")),
            domain::Bucket::Week,
        )
        .unwrap();
        assert_eq!(domain::format_date(w[0].start.0), "2024-01-01");
        assert_eq!(w.len(), 2);
        assert!(histogram(
            &days,
            Some(d("1000-01-01")),
            Some(d("2024-01-01")),
            domain::Bucket::Day
        )
        .is_err());
    }
}
