//! Records as the rest of the program sees them (storage maps its entities
//! to these; GraphQL and exports map these to their own shapes).

use chrono::{DateTime, NaiveDate, Utc};

use super::{
    ActorKind, ActorRole, BBox, Count, EventDate, EventKind, EventStatus, Near, PlaceRole,
    Precision, Quantity,
};

/// Row identifier of a table without a typed id of its own (revisions,
/// tombstones).
pub type Id = i64;

/// Declares a typed row identifier: an `i64` that cannot be mixed up with
/// the id of another table. Serialized as the bare number.
macro_rules! row_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }
    };
}

row_id!(
    /// The id of an event.
    EventId
);
row_id!(
    /// The id of an actor.
    ActorId
);
row_id!(
    /// The id of an article.
    ArticleId
);
row_id!(
    /// The id of a mention (one event's evidence in one article).
    MentionId
);
row_id!(
    /// The id of a place: its GeoNames id, or an id of `tools/places/*.tsv`.
    PlaceId
);

/// A stored news article.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub id: ArticleId,
    pub url: Option<String>,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub language: Option<String>,
    pub published_on: NaiveDate,
    pub body: String,
    pub content_hash: String,
    pub ingested_at: DateTime<Utc>,
}

/// What a citation needs of an article (no body).
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleRef {
    pub id: ArticleId,
    pub url: Option<String>,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub published_on: NaiveDate,
}

/// An article to store.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewArticle {
    pub url: Option<String>,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub language: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub body: String,
}

/// A dated event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: EventId,
    pub title: String,
    pub summary: Option<String>,
    pub kind: EventKind,
    pub date: EventDate,
    pub quantity: Option<Quantity>,
    /// Every count the extractor read ("12 killed and 40 wounded").
    pub quantities: Vec<Count>,
    pub confidence: f64,
    pub status: EventStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Content revision: increased by every change to what the event
    /// shows (fields, actors and their names, sources), so a copy made at
    /// one revision is known to be current while the numbers match.
    pub rev: i64,
}

/// An event to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub title: String,
    pub summary: Option<String>,
    pub kind: EventKind,
    pub date: EventDate,
    pub quantity: Option<Quantity>,
    pub quantities: Vec<Count>,
    pub confidence: f64,
    pub status: EventStatus,
    pub actors: Vec<(ActorId, ActorRole)>,
    /// Where it happened (gazetteer ids, `data/places.json`).
    pub places: Vec<(PlaceId, PlaceRole)>,
}

/// A partial change to an event; `None` leaves a field as it is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventPatch {
    pub title: Option<String>,
    /// `Some(None)` clears the summary.
    pub summary: Option<Option<String>>,
    pub kind: Option<EventKind>,
    pub date: Option<EventDate>,
    /// `Some(None)` clears the quantity.
    pub quantity: Option<Option<Quantity>>,
    /// Replaces every count when present.
    pub quantities: Option<Vec<Count>>,
    pub confidence: Option<f64>,
    pub status: Option<EventStatus>,
    /// Replaces the whole actor list when present.
    pub actors: Option<Vec<(ActorId, ActorRole)>>,
    /// Replaces every place when present.
    pub places: Option<Vec<(PlaceId, PlaceRole)>>,
}

/// The evidence of an event in an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub id: MentionId,
    pub event_id: EventId,
    pub article_id: ArticleId,
    pub sentence: String,
    /// `[start, end)` in Unicode code points of the article body.
    pub span: (i32, i32),
    pub when_text: Option<String>,
    pub when_span: Option<(i32, i32)>,
}

/// How many distinct articles these mentions come from: an event's
/// `sourceCount`.
pub fn source_count<'a>(mentions: impl IntoIterator<Item = &'a Mention>) -> usize {
    let ids: std::collections::BTreeSet<ArticleId> =
        mentions.into_iter().map(|m| m.article_id).collect();
    ids.len()
}

/// A mention to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMention {
    pub article_id: ArticleId,
    pub sentence: String,
    pub span: (i32, i32),
    pub when_text: Option<String>,
    pub when_span: Option<(i32, i32)>,
}

/// Whether an actor was curated or proposed by the extractor.
pub const ACTOR_ACTIVE: &str = "active";
/// Status of an actor proposed by the extractor and not yet reviewed.
pub const ACTOR_PROPOSED: &str = "proposed";

/// Someone or something that takes part in events.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub id: ActorId,
    pub name: String,
    pub name_ar: Option<String>,
    pub kind: ActorKind,
    pub wikidata: Option<String>,
    pub status: String,
}

/// One spelling of an actor's name.
#[derive(Debug, Clone, PartialEq)]
pub struct Alias {
    pub actor_id: ActorId,
    pub alias: String,
    pub lang: Option<String>,
    pub normalized: String,
}

/// An actor to store; its name and Arabic name are stored as aliases too.
#[derive(Debug, Clone, PartialEq)]
pub struct NewActor {
    pub name: String,
    pub name_ar: Option<String>,
    pub kind: ActorKind,
    pub wikidata: Option<String>,
    pub status: String,
    pub aliases: Vec<(String, Option<String>)>,
}

/// A partial change to an actor.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ActorPatch {
    pub name: Option<String>,
    pub name_ar: Option<Option<String>>,
    pub kind: Option<ActorKind>,
    pub wikidata: Option<Option<String>>,
}

/// How an event interval is compared with the filter window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateMatch {
    /// The interval meets `[from, to]`.
    #[default]
    Overlaps,
    /// The interval lies inside `[from, to]`.
    Within,
}

/// Whether every actor group must match or any one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Match {
    #[default]
    Any,
    All,
}

/// Which events to return: the core of the API and of exports.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub date_match: DateMatch,
    pub actor_ids: Vec<ActorId>,
    /// Names or aliases in any language, normalized on lookup.
    pub actors: Vec<String>,
    pub actor_match: Match,
    /// Only links in this role count for the actor constraint ("events in
    /// which ISIS is the agent"); needs actors or actor ids.
    pub actor_role: Option<ActorRole>,
    pub kinds: Vec<EventKind>,
    pub text: Option<String>,
    pub article_id: Option<ArticleId>,
    /// Empty means every status except `rejected`.
    pub status: Vec<EventStatus>,
    pub min_precision: Option<Precision>,
    pub updated_since: Option<DateTime<Utc>>,
    /// Events written (created or changed) after a sync token was taken.
    pub changed_since: Option<SyncToken>,
    /// Places by name or alias in any language (or id): an event matches
    /// when one of its places is one of them or lies inside one.
    pub places: Vec<String>,
    /// Events with a place whose point lies in the circle.
    pub near: Option<Near>,
    /// Events with a place whose point lies in the box.
    pub bbox: Option<BBox>,
}

/// Most places one filter may name.
pub const MAX_FILTER_PLACES: usize = 20;

/// Most actors (names and ids together) one filter may name: each is a
/// lookup and, with `actorMatch: ALL`, a join.
pub const MAX_FILTER_ACTORS: usize = 20;
/// Most entries in one filter's list of kinds or of statuses.
pub const MAX_FILTER_VALUES: usize = 32;
/// Most words a text search may have.
pub const MAX_TEXT_TERMS: usize = 16;
/// Longest text search or name accepted, in characters.
pub const MAX_SEARCH_CHARS: usize = 256;

impl EventFilter {
    /// Refuses a filter over the limits above (what a client can make one
    /// query cost), saying which limit.
    pub fn check_limits(&self) -> Result<(), String> {
        let actors = self.actors.len() + self.actor_ids.len();
        if self.actor_role.is_some() && actors == 0 {
            return Err("actorRole restricts the actor filter: name actors or actorIds too".into());
        }
        if self.places.len() > MAX_FILTER_PLACES {
            return Err(format!(
                "a filter names at most {MAX_FILTER_PLACES} places, got {}",
                self.places.len()
            ));
        }
        if let Some(p) = self
            .places
            .iter()
            .find(|p| p.chars().count() > MAX_SEARCH_CHARS)
        {
            return Err(format!(
                "a place name has at most {MAX_SEARCH_CHARS} characters, got {}",
                p.chars().count()
            ));
        }
        if actors > MAX_FILTER_ACTORS {
            return Err(format!(
                "a filter names at most {MAX_FILTER_ACTORS} actors, got {actors}"
            ));
        }
        if let Some(a) = self
            .actors
            .iter()
            .find(|a| a.chars().count() > MAX_SEARCH_CHARS)
        {
            return Err(format!(
                "an actor name has at most {MAX_SEARCH_CHARS} characters, got {}",
                a.chars().count()
            ));
        }
        for (what, n) in [("kinds", self.kinds.len()), ("statuses", self.status.len())] {
            if n > MAX_FILTER_VALUES {
                return Err(format!(
                    "a filter lists at most {MAX_FILTER_VALUES} {what}, got {n}"
                ));
            }
        }
        if let Some(t) = &self.text {
            check_search(t)?;
        }
        Ok(())
    }
}

/// Refuses a search text over [`MAX_SEARCH_CHARS`] characters or
/// [`MAX_TEXT_TERMS`] words.
pub fn check_search(text: &str) -> Result<(), String> {
    let chars = text.chars().count();
    if chars > MAX_SEARCH_CHARS {
        return Err(format!(
            "a search text has at most {MAX_SEARCH_CHARS} characters, got {chars}"
        ));
    }
    let words = text.split_whitespace().count();
    if words > MAX_TEXT_TERMS {
        return Err(format!(
            "a search text has at most {MAX_TEXT_TERMS} words, got {words}"
        ));
    }
    Ok(())
}

/// A point to sync from, taken from the store before a read
/// (`Store::sync_token`): every write the read could not see has a change
/// number at least the token's, so passing the token back as
/// `changedSince` next time returns everything written since, whatever
/// the order writers committed in. Writes seen already may come again
/// (at least once: apply them by id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SyncToken(pub i64);

impl SyncToken {
    /// Reads a token as the store gave it (a decimal number).
    pub fn parse(s: &str) -> Result<SyncToken, String> {
        match s.trim().parse::<i64>() {
            Ok(n) if n >= 0 => Ok(SyncToken(n)),
            _ => Err(format!(
                "a sync token is the number a previous sync gave, got {s:?}"
            )),
        }
    }
}

impl std::fmt::Display for SyncToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Sort orders with a keyset each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EventOrder {
    /// By start day, then end day, then id.
    #[default]
    DateAsc,
    DateDesc,
    /// By id: the order events were created in.
    CreatedAsc,
    CreatedDesc,
    /// Best match of the text filter first, then by id (needs `text`).
    Relevance,
}

/// Histogram bucket sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    Day,
    Week,
    Month,
    Year,
}
