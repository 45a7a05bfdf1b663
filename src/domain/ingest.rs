//! What ingestion takes and gives: an article with what the extractor
//! found in it (its actors as named, its events with their evidence), and
//! what writing it did. The storage layer writes these; the use cases make
//! and report them.

use super::{
    ActorKind, ActorRole, Article, Count, EventDate, EventId, EventKind, NewArticle, NewMention,
    PlaceId, PlaceRole, Quantity,
};

/// An actor as the extractor names it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActorRef {
    pub name: String,
    pub name_ar: Option<String>,
    pub kind: ActorKind,
    pub wikidata: Option<String>,
    pub aliases: Vec<(String, Option<String>)>,
    /// Not in the gazetteer: created with status `proposed`.
    pub proposed: bool,
}

/// An extracted event with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct IngestEvent {
    pub title: String,
    pub kind: EventKind,
    pub date: EventDate,
    pub quantity: Option<Quantity>,
    pub quantities: Vec<Count>,
    pub confidence: f64,
    /// Indexes into [`PreparedArticle::actors`], with roles.
    pub actors: Vec<(usize, ActorRole)>,
    /// Gazetteer places, with roles.
    pub places: Vec<(PlaceId, PlaceRole)>,
    /// The evidence; its `article_id` is filled in when the article is stored.
    pub mention: NewMention,
}

/// An article and what the extractor found in it.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedArticle {
    pub article: NewArticle,
    pub actors: Vec<ActorRef>,
    pub events: Vec<IngestEvent>,
}

/// What ingesting one article did.
#[derive(Debug, Clone, PartialEq)]
pub struct IngestOutcome {
    pub article: Article,
    /// False when the article was already stored (same body or url): nothing changed.
    pub new: bool,
    /// Events created.
    pub created: Vec<EventId>,
    /// Existing events that got a new mention.
    pub merged: Vec<EventId>,
}

impl IngestOutcome {
    /// Every event this article is evidence of.
    pub fn event_ids(&self) -> Vec<EventId> {
        let mut v: Vec<EventId> = self.created.iter().chain(&self.merged).copied().collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// What re-extracting one article did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReextractOutcome {
    /// Extracted events whose fields changed.
    pub updated: Vec<EventId>,
    /// Confirmed or rejected events left as they were.
    pub kept: Vec<EventId>,
    /// Events created or merged for newly found evidence.
    pub created: Vec<EventId>,
    pub merged: Vec<EventId>,
    /// Extracted events no longer found (deleted, with a tombstone).
    pub removed: Vec<EventId>,
}
