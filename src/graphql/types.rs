//! GraphQL types. They wrap `domain` records; they are not SeaORM entities.

use std::sync::Arc;

use async_graphql::{ComplexObject, Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

pub use super::dates::{EventDate, HijriDay, HijriSpan};
use super::errors::{bad_input, store};
use super::loaders::{Loaders, Wanted};
use super::scalars::Date;
use crate::domain;
use crate::domain::{ActorId, EventId};

/// Declares a GraphQL enum mirroring the `domain` enum of the same name.
macro_rules! mirror_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq, Debug)]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl From<$name> for domain::$name {
            fn from(x: $name) -> Self { match x { $($name::$v => domain::$name::$v),+ } }
        }

        impl From<domain::$name> for $name {
            fn from(x: domain::$name) -> Self { match x { $(domain::$name::$v => $name::$v),+ } }
        }
    };
}
pub(crate) use mirror_enum;

mirror_enum! {
    /// What kind of thing happened.
    EventKind {
        /// Something was said: a declaration, a claim, an announcement.
        Statement,
        /// An armed attack or strike.
        Attack,
        /// An organization, alliance or state was founded.
        Founding,
        /// Forces or parties withdrew.
        Withdrawal,
        /// Forces were deployed.
        Deployment,
        /// An agreement, deal or treaty.
        Agreement,
        /// Talks or negotiation rounds.
        Negotiation,
        /// A meeting or summit.
        Meeting,
        /// An election or vote.
        Election,
        /// A death or killing.
        Death,
        /// An arrest or detention.
        Arrest,
        /// A media or agency report.
        Report,
        /// Anything else.
        Other,
    }
}

mirror_enum! {
    /// Curation state of an event.
    EventStatus {
        /// Proposed by the extractor, not yet reviewed.
        Extracted,
        /// Confirmed by a person; re-extraction never overwrites it.
        Confirmed,
        /// Rejected by a person; hidden unless asked for by status.
        Rejected,
    }
}

mirror_enum! {
    /// How precisely the source named the date, finest first.
    Precision {
        /// A single day.
        Day,
        /// A week (seven days).
        Week,
        /// A calendar month.
        Month,
        /// A quarter of a year.
        Quarter,
        /// A season (three months: spring from March, summer June, autumn September, winter December).
        Season,
        /// A calendar year.
        Year,
        /// A decade (2010–2019).
        Decade,
        /// A century (2001–2100).
        Century,
    }
}

mirror_enum! {
    /// Qualifies the named period.
    DateModifier {
        /// Early in the period ("early 2014", "مطلع 2014").
        Start,
        /// The middle of the period.
        Mid,
        /// Late in the period ("late December 2023", "نهاية 2023").
        End,
        /// Before the period.
        Before,
        /// After the period.
        After,
    }
}

mirror_enum! {
    /// The calendar a source dated an event in.
    Calendar {
        /// The Gregorian calendar.
        Gregorian,
        /// The Hijri calendar (Umm al-Qura).
        Hijri,
    }
}

mirror_enum! {
    /// The calendars a date label is written in.
    CalendarView {
        /// Gregorian only: "11 March 2024".
        Gregorian,
        /// Hijri only: "1 Ramadan 1445 AH" (Gregorian where there is no Hijri reading).
        Hijri,
        /// Both, the event's own calendar first: "11 March 2024 (1 Ramadan 1445 AH)".
        Both,
    }
}

mirror_enum! {
    /// What kind of actor.
    ActorKind {
        /// A sovereign state.
        State,
        /// A government, ministry or agency.
        GovernmentBody,
        /// A state's armed forces or one of their branches.
        ArmedForce,
        /// A non-state armed group.
        ArmedGroup,
        /// A political party or movement.
        Party,
        /// An international organization.
        InternationalOrg,
        /// An alliance or coalition.
        Alliance,
        /// A person.
        Person,
        /// A news outlet or agency.
        Media,
        /// Anything else.
        Other,
    }
}

mirror_enum! {
    /// The part an actor plays in an event.
    ActorRole {
        /// Did it.
        Agent,
        /// Had it done to them.
        Target,
        /// Was named.
        Mentioned,
    }
}

mirror_enum! {
    /// How an event's interval is compared with `[from, to]`.
    #[derive(Default)]
    DateMatch {
        /// The interval meets the window.
        #[default]
        Overlaps,
        /// The interval lies inside the window.
        Within,
    }
}

mirror_enum! {
    /// Whether any or all actors must take part.
    #[derive(Default)]
    Match {
        /// At least one of the actors.
        #[default]
        Any,
        /// Every one of the actors.
        All,
    }
}

mirror_enum! {
    /// Event sort orders; each pages with a keyset cursor.
    EventOrder {
        /// Earliest first (start day, end day, id).
        DateAsc,
        /// Latest first.
        DateDesc,
        /// In the order they were stored.
        CreatedAsc,
        /// Most recently stored first.
        CreatedDesc,
        /// Best match of `filter.text` first (PostgreSQL's `ts_rank`, SQLite's BM25, over the event's title and summary and its best-matching source sentence), then by id; needs `filter.text`.
        Relevance,
    }
}

mirror_enum! {
    /// Histogram bucket sizes.
    Bucket {
        /// One bucket per day.
        Day,
        /// ISO weeks, Monday to Sunday.
        Week,
        /// Calendar months.
        Month,
        /// Calendar years.
        Year,
    }
}

/// Which events to return. Every condition given must hold.
#[derive(InputObject, Default, Clone, Debug)]
pub struct EventFilter {
    /// First day of the window (inclusive).
    pub from: Option<Date>,
    /// Last day of the window (inclusive).
    pub to: Option<Date>,
    /// OVERLAPS: the event's interval meets the window; WITHIN: it lies inside it.
    #[graphql(default_with = "DateMatch::Overlaps")]
    pub date_match: DateMatch,
    /// Actors by id.
    pub actor_ids: Option<Vec<ID>>,
    /// Actors by name or alias in any language and spelling ("داعش", "ISIS").
    pub actors: Option<Vec<String>>,
    /// ANY: at least one of the actors; ALL: every one.
    #[graphql(default_with = "Match::Any")]
    pub actor_match: Match,
    /// Only links in this role count for `actors`/`actorIds`: AGENT gives the
    /// events the actors did, TARGET those done to them. Needs actors.
    pub actor_role: Option<ActorRole>,
    /// Only these kinds.
    pub kinds: Option<Vec<EventKind>>,
    /// Words that must all appear in the title or summary.
    pub text: Option<String>,
    /// Only events with a mention in this article.
    pub article_id: Option<ID>,
    /// Only these statuses; by default every status except REJECTED.
    pub status: Option<Vec<EventStatus>>,
    /// Only events dated at least this precisely (MONTH keeps DAY, WEEK and MONTH).
    pub min_precision: Option<Precision>,
    /// Only events changed after this time (a write stamped before a sync
    /// but committed after it can fall behind; `changedSince` cannot).
    pub updated_since: Option<DateTime<Utc>>,
    /// Only events written after this sync token was taken (`syncToken`,
    /// read before the previous sync): exact incremental sync.
    pub changed_since: Option<String>,
    /// Places by id, name or alias in any language ("Syria", "سوريا",
    /// "Deir al-Zour"): events with a place that is one of them or inside
    /// one (a filter on Syria finds an event in Deir ez-Zor).
    pub places: Option<Vec<String>>,
    /// Events with a place whose point lies in this circle.
    pub near: Option<super::places::NearInput>,
    /// Events with a place whose point lies in this box.
    pub bbox: Option<super::places::BBoxInput>,
}

/// Reads a sync token argument.
pub fn parse_token(s: &str) -> async_graphql::Result<domain::SyncToken> {
    domain::SyncToken::parse(s).map_err(bad_input)
}

/// Parses an ID into a row id.
pub fn parse_id<T: std::str::FromStr>(id: &ID, what: &str) -> async_graphql::Result<T> {
    id.parse::<T>()
        .map_err(|_| bad_input(format!("invalid {what} id {:?}", id.as_str())))
}

impl EventFilter {
    /// The domain filter.
    pub fn to_domain(&self) -> async_graphql::Result<domain::EventFilter> {
        let from = self.from.map(|d| d.0);
        let to = self.to.map(|d| d.0);
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(bad_input("`from` is after `to`"));
            }
        }
        let actors: Vec<String> = self.actors.clone().unwrap_or_default();
        if actors.iter().any(|a| domain::normalize_name(a).is_empty()) {
            return Err(bad_input("an actor name must not be empty"));
        }
        let f = domain::EventFilter {
            from,
            to,
            date_match: self.date_match.into(),
            actor_ids: self
                .actor_ids
                .iter()
                .flatten()
                .map(|id| parse_id(id, "actor"))
                .collect::<Result<_, _>>()?,
            actors,
            actor_match: self.actor_match.into(),
            actor_role: self.actor_role.map(Into::into),
            kinds: self.kinds.iter().flatten().map(|k| (*k).into()).collect(),
            text: self.text.clone(),
            article_id: self
                .article_id
                .as_ref()
                .map(|id| parse_id(id, "article"))
                .transpose()?,
            status: self.status.iter().flatten().map(|s| (*s).into()).collect(),
            min_precision: self.min_precision.map(Into::into),
            updated_since: self.updated_since,
            changed_since: self.changed_since.as_deref().map(parse_token).transpose()?,
            places: self.places.clone().unwrap_or_default(),
            near: self.near.map(|n| n.to_domain()).transpose()?,
            bbox: self.bbox.map(|b| b.to_domain()).transpose()?,
        };
        f.check_limits().map_err(bad_input)?;
        if f.places
            .iter()
            .any(|p| domain::normalize_name(p).is_empty())
        {
            return Err(bad_input("a place name must not be empty"));
        }
        Ok(f)
    }
}

mirror_enum! {
    /// How a count was qualified.
    Qualifier {
        /// "at least 12", "ما لا يقل عن".
        AtLeast,
        /// "more than 40", "أكثر من".
        MoreThan,
        /// "about 2,500", "nearly", "نحو".
        About,
        /// "up to 300".
        AtMost,
    }
}

/// One count of an event: "at least 12 killed".
#[derive(SimpleObject, Clone)]
pub struct Count {
    /// The number.
    pub value: f64,
    /// What is counted: killed, wounded, attacks, troops, votes, operations,
    /// members, displaced, detained, people, percent.
    pub unit: String,
    /// "at least", "more than", "about", "up to"; null when the text gave the number plainly.
    pub qualifier: Option<Qualifier>,
}

/// A measured amount.
#[derive(SimpleObject, Clone)]
pub struct Quantity {
    /// The number.
    pub value: f64,
    /// What is counted ("attacks", "soldiers").
    pub unit: String,
}

/// Information about pagination in a connection.
#[derive(SimpleObject, Clone, Default)]
pub struct PageInfo {
    /// More items follow the last edge.
    pub has_next_page: bool,
    /// More items precede the first edge.
    pub has_previous_page: bool,
    /// Cursor of the first edge.
    pub start_cursor: Option<String>,
    /// Cursor of the last edge.
    pub end_cursor: Option<String>,
}

impl PageInfo {
    /// The page info of a page with these edge cursors.
    pub fn new(cursors: &[&str], has_next_page: bool, has_previous_page: bool) -> PageInfo {
        PageInfo {
            has_next_page,
            has_previous_page,
            start_cursor: cursors.first().map(|c| c.to_string()),
            end_cursor: cursors.last().map(|c| c.to_string()),
        }
    }
}

/// A dated event.
pub struct Event(pub Arc<domain::Event>);

impl From<domain::Event> for Event {
    fn from(e: domain::Event) -> Self {
        Event(Arc::new(e))
    }
}

/// A dated event with its actors and the sentences that reported it.
#[Object]
impl Event {
    /// Stable identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Short title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// One-sentence summary.
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
    /// What kind of thing happened.
    async fn kind(&self) -> EventKind {
        self.0.kind.into()
    }
    /// When it happened.
    async fn date(&self) -> EventDate {
        EventDate(self.0.date.clone())
    }
    /// Who took part, and how.
    async fn actors(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<EventActor>> {
        let loaders = ctx.data::<Loaders>()?;
        let links = loaders.event_actors(self.0.id).await?;
        let ids: Vec<ActorId> = links.iter().map(|(a, _)| *a).collect();
        let actors = loaders.actors(&ids).await?;
        Ok(links
            .into_iter()
            .filter_map(|(id, role)| {
                actors.get(&id).map(|a| EventActor {
                    actor: Actor(a.clone()),
                    role: role.into(),
                })
            })
            .collect())
    }
    /// Where it happened (or, for a movement, whence and whither).
    async fn places(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::places::EventPlace>> {
        super::places::event_places(ctx, self.0.id).await
    }
    /// The sentences of the articles that reported it.
    async fn mentions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Mention>> {
        let loaders = ctx.data::<Loaders>()?;
        Ok(loaders
            .mentions(self.0.id)
            .await?
            .into_iter()
            .map(Mention)
            .collect())
    }
    /// Every recorded change, oldest first: who, when, why, fields before and after.
    async fn revisions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Revision>> {
        Ok(ctx
            .data::<Loaders>()?
            .revisions(self.0.id)
            .await?
            .into_iter()
            .map(|r| Revision {
                at: r.at,
                by: r.by,
                action: r.action,
                note: r.note,
                before: r.before.map(async_graphql::Json),
                after: r.after.map(async_graphql::Json),
            })
            .collect())
    }
    /// How many distinct articles reported it.
    async fn source_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let mentions = ctx.data::<Loaders>()?.mentions(self.0.id).await?;
        Ok(domain::source_count(&mentions) as i32)
    }
    /// A measured amount, when the source gave one.
    async fn quantity(&self) -> Option<Quantity> {
        self.0.quantity.as_ref().map(|q| Quantity {
            value: q.value,
            unit: q.unit.clone(),
        })
    }
    /// Every count the source gave ("12 killed and 40 wounded"), typed and
    /// qualified; `quantity` is the first of them. A curated `quantity`
    /// replaces them.
    async fn quantities(&self) -> Vec<Count> {
        self.0
            .quantities
            .iter()
            .map(|q| Count {
                value: q.value,
                unit: q.unit.clone(),
                qualifier: q.qualifier.map(Into::into),
            })
            .collect()
    }
    /// How sure the extractor or curator is, from 0 to 1.
    async fn confidence(&self) -> f64 {
        self.0.confidence
    }
    /// Curation state.
    async fn status(&self) -> EventStatus {
        self.0.status.into()
    }
    /// When it was stored.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// An actor's part in an event.
#[derive(SimpleObject)]
pub struct EventActor {
    /// The actor.
    pub actor: Actor,
    /// The part it played.
    pub role: ActorRole,
}

/// Someone or something that takes part in events.
#[derive(Clone)]
pub struct Actor(pub domain::Actor);

/// Someone or something that takes part in events: a state, group, organization or person. One actor whatever the spelling.
#[Object]
impl Actor {
    /// Stable identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Canonical English name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Arabic name.
    async fn name_ar(&self) -> Option<&str> {
        self.0.name_ar.as_deref()
    }
    /// What kind of actor.
    async fn kind(&self) -> ActorKind {
        self.0.kind.into()
    }
    /// Wikidata item id ("Q30").
    async fn wikidata(&self) -> Option<&str> {
        self.0.wikidata.as_deref()
    }
    /// "active", or "proposed" for actors the extractor found and nobody reviewed yet.
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// Every spelling that names this actor.
    async fn aliases(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Alias>> {
        let loaders = ctx.data::<Loaders>()?;
        Ok(loaders
            .aliases(self.0.id)
            .await?
            .into_iter()
            .map(|a| Alias {
                alias: a.alias,
                lang: a.lang,
                normalized: a.normalized,
            })
            .collect())
    }
    /// Events this actor took part in, by date.
    #[graphql(complexity = "1 + super::query::page_cost(first, None) * child_complexity")]
    async fn events(
        &self,
        ctx: &Context<'_>,
        filter: Option<EventFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<EventConnection> {
        let mut f = filter.unwrap_or_default().to_domain()?;
        f.actor_ids.push(self.0.id);
        f.actor_match = domain::Match::All;
        EventConnection::load(
            ctx,
            f,
            domain::EventOrder::DateAsc,
            Paging::new(first, after, None, None)?,
        )
        .await
    }
}

/// One spelling of an actor's name.
#[derive(SimpleObject)]
pub struct Alias {
    /// As written.
    pub alias: String,
    /// Language code ("ar", "en").
    pub lang: Option<String>,
    /// The normalized key used for lookup.
    pub normalized: String,
}

/// The evidence of an event: a sentence of an article.
pub struct Mention(pub domain::Mention);

/// The evidence of an event: a sentence of an article.
#[Object]
impl Mention {
    /// Stable identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The article it comes from.
    async fn article(&self, ctx: &Context<'_>) -> async_graphql::Result<Article> {
        let loaders = ctx.data::<Loaders>()?;
        loaders
            .article(self.0.article_id)
            .await?
            .map(Article)
            .ok_or_else(|| store(crate::storage::StoreError::NotFound("article".into())))
    }
    /// The sentence, exactly as in the article.
    async fn sentence(&self) -> &str {
        &self.0.sentence
    }
    /// `[start, end)` of the sentence in Unicode code points of the article body.
    async fn span(&self) -> Vec<i32> {
        vec![self.0.span.0, self.0.span.1]
    }
    /// The temporal expression that dated the event, if any.
    async fn when_text(&self) -> Option<&str> {
        self.0.when_text.as_deref()
    }
    /// `[start, end)` of the temporal expression in the article body.
    async fn when_span(&self) -> Option<Vec<i32>> {
        self.0.when_span.map(|(s, e)| vec![s, e])
    }
}

/// A news article.
pub struct Article(pub domain::Article);

/// A news article, the source of mentions.
#[Object]
impl Article {
    /// Stable identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Where it was published.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    /// Headline.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
    /// The outlet that published it.
    async fn outlet(&self) -> Option<&str> {
        self.0.outlet.as_deref()
    }
    /// Language code.
    async fn language(&self) -> Option<&str> {
        self.0.language.as_deref()
    }
    /// Publication day; relative dates in the body are resolved against it.
    async fn published_on(&self) -> Date {
        Date(self.0.published_on)
    }
    /// Full text.
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// SHA-256 of the body.
    async fn content_hash(&self) -> &str {
        &self.0.content_hash
    }
    /// When it was stored.
    async fn ingested_at(&self) -> DateTime<Utc> {
        self.0.ingested_at
    }
}

/// Default page size.
pub const DEFAULT_PAGE: i32 = 50;
/// Largest page a client may ask for.
pub const MAX_PAGE: i32 = 500;

/// Validated Relay paging arguments.
#[derive(Debug, Clone)]
pub struct Paging {
    pub limit: u64,
    pub cursor: Option<String>,
    pub backwards: bool,
}

impl Paging {
    /// Checks `first`/`after`/`last`/`before`: one direction at a time, page ≤ 500.
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Paging> {
        if first.is_some() && last.is_some() {
            return Err(bad_input("give `first` or `last`, not both"));
        }
        if after.is_some() && before.is_some() {
            return Err(bad_input("give `after` or `before`, not both"));
        }
        let backwards = last.is_some() || before.is_some();
        if backwards && (first.is_some() || after.is_some()) {
            return Err(bad_input(
                "`last`/`before` page backwards; do not mix them with `first`/`after`",
            ));
        }
        let n = first.or(last).unwrap_or(DEFAULT_PAGE);
        if !(0..=MAX_PAGE).contains(&n) {
            return Err(bad_input(format!(
                "page size must be between 0 and {MAX_PAGE}, got {n}"
            )));
        }
        Ok(Paging {
            limit: n as u64,
            cursor: if backwards { before } else { after },
            backwards,
        })
    }
}

/// An edge in an event connection.
#[derive(SimpleObject)]
pub struct EventEdge {
    /// Opaque keyset cursor.
    pub cursor: String,
    /// The event.
    pub node: Event,
}

/// A page of events.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct EventConnection {
    /// The events with their cursors.
    pub edges: Vec<EventEdge>,
    /// Pagination state.
    pub page_info: PageInfo,
    #[graphql(skip)]
    pub filter: domain::EventFilter,
}

#[ComplexObject]
impl EventConnection {
    /// The events without cursors.
    async fn nodes(&self) -> Vec<Event> {
        self.edges.iter().map(|e| Event(e.node.0.clone())).collect()
    }
    /// How many events match the filter (computed only when selected; it
    /// counts as much as 20 events of the page towards the complexity limit).
    #[graphql(complexity = 20)]
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let store = ctx.data::<crate::storage::Store>()?;
        Ok(store.count_events(&self.filter).await.map_err(store_err)? as i64)
    }
}

/// What the selection under a connection asks of each event.
fn wanted(ctx: &Context<'_>) -> Wanted {
    let la = ctx.look_ahead();
    let any = |path: &[&str]| {
        [la.field("nodes"), la.field("edges").field("node")]
            .into_iter()
            .any(|mut l| {
                for p in path {
                    l = l.field(p);
                }
                l.exists()
            })
    };
    Wanted {
        actor_links: any(&["actors"]),
        actors: any(&["actors", "actor"]),
        aliases: any(&["actors", "actor", "aliases"]),
        mentions: any(&["mentions"]) || any(&["sourceCount"]),
        articles: any(&["mentions", "article"]),
    }
}

fn store_err(e: crate::storage::StoreError) -> async_graphql::Error {
    store(e)
}

impl EventConnection {
    /// Loads one page.
    pub async fn load(
        ctx: &Context<'_>,
        filter: domain::EventFilter,
        order: domain::EventOrder,
        paging: Paging,
    ) -> async_graphql::Result<EventConnection> {
        if order == domain::EventOrder::Relevance
            && filter.text.as_deref().is_none_or(|t| t.trim().is_empty())
        {
            return Err(bad_input("orderBy: RELEVANCE needs filter.text"));
        }
        let st = ctx.data::<crate::storage::Store>()?;
        let cursor = match &paging.cursor {
            None => None,
            Some(c) => Some(
                crate::storage::Cursor::decode(c, order)
                    .ok_or_else(|| bad_input("invalid cursor (was it made for another order?)"))?,
            ),
        };
        let page = st
            .events_page(&filter, order, cursor, paging.limit, paging.backwards)
            .await
            .map_err(store_err)?;
        let mut events = page.events;
        if paging.backwards {
            events.reverse();
        }
        let ids: Vec<EventId> = events.iter().map(|e| e.id).collect();
        ctx.data::<Loaders>()?.prefetch(&ids, wanted(ctx)).await?;
        let mut ranks = page.ranks;
        if paging.backwards {
            ranks.reverse();
        }
        let edges: Vec<EventEdge> = events
            .into_iter()
            .enumerate()
            .map(|(i, e)| EventEdge {
                cursor: match ranks.get(i) {
                    Some(r) => crate::storage::Cursor::Rank(r.to_bits(), e.id.0),
                    None => crate::storage::Cursor::of(&e, order),
                }
                .encode(),
                node: Event::from(e),
            })
            .collect();
        let (has_next_page, has_previous_page) = if paging.backwards {
            (paging.cursor.is_some(), page.has_more)
        } else {
            (page.has_more, paging.cursor.is_some())
        };
        let cursors: Vec<&str> = edges.iter().map(|e| e.cursor.as_str()).collect();
        Ok(EventConnection {
            page_info: PageInfo::new(&cursors, has_next_page, has_previous_page),
            edges,
            filter,
        })
    }
}

/// Encodes an id cursor (actors and articles page by id).
pub fn id_cursor(id: i64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("i:{id}"))
}

/// Decodes an id cursor.
pub fn parse_id_cursor(s: &str) -> async_graphql::Result<i64> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("i:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| bad_input("invalid cursor"))
}

/// An edge in an actor connection.
#[derive(SimpleObject)]
pub struct ActorEdge {
    /// Opaque cursor.
    pub cursor: String,
    /// The actor.
    pub node: Actor,
}

/// A page of actors.
#[derive(SimpleObject)]
pub struct ActorConnection {
    /// The actors with their cursors.
    pub edges: Vec<ActorEdge>,
    /// The actors without cursors.
    pub nodes: Vec<Actor>,
    /// Pagination state.
    pub page_info: PageInfo,
}

/// An edge in an article connection.
#[derive(SimpleObject)]
pub struct ArticleEdge {
    /// Opaque cursor.
    pub cursor: String,
    /// The article.
    pub node: Article,
}

/// A page of articles.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ArticleConnection {
    /// The articles with their cursors.
    pub edges: Vec<ArticleEdge>,
    /// Pagination state.
    pub page_info: PageInfo,
}

#[ComplexObject]
impl ArticleConnection {
    /// The articles without cursors.
    async fn nodes(&self) -> Vec<Article> {
        self.edges
            .iter()
            .map(|e| Article(e.node.0.clone()))
            .collect()
    }
}

/// One recorded change to an event.
#[derive(SimpleObject)]
pub struct Revision {
    /// When.
    pub at: DateTime<Utc>,
    /// Who: the write token's name, or `ingest` / `reextract` for the machine.
    pub by: String,
    /// create, update, merge, split, reextract or delete.
    pub action: String,
    /// Why, when given.
    pub note: Option<String>,
    /// The changed fields as they were.
    pub before: Option<async_graphql::Json<serde_json::Value>>,
    /// The changed fields as they became.
    pub after: Option<async_graphql::Json<serde_json::Value>>,
}

/// A deleted, merged or rejected event.
#[derive(SimpleObject)]
pub struct Tombstone {
    /// Feed position; pass it as `after` to resume.
    pub id: ID,
    /// The event that is gone.
    pub event_id: ID,
    /// `deleted`, `merged` or `rejected` (rejected events are left out of exports by default).
    pub reason: String,
    /// The event it was merged into.
    pub merged_into: Option<ID>,
    /// When.
    pub at: DateTime<Utc>,
}

/// One bar of a histogram.
#[derive(SimpleObject)]
pub struct TimelineBucket {
    /// First day of the bucket.
    pub start: Date,
    /// Last day of the bucket.
    pub end: Date,
    /// Events whose interval starts in the bucket.
    pub count: i64,
}
