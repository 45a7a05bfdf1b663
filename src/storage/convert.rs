//! Conversions between the entities and the domain's records: rows read
//! into records (refusing values no valid write makes), records checked and
//! written into rows. Every other storage module converts through these.

use chrono::Utc;
use sea_orm::{DbBackend, Set};
use sha2::{Digest, Sha256};

use super::entities::{
    actor, actor_alias, article, article_search, event, event_search, mention, tombstone,
};
use super::{StoreError, StoreResult};
use crate::domain::search;
use crate::domain::{
    from_day_number, Actor, ActorId, ActorKind, Alias, Article, ArticleId, Calendar, Count,
    DateModifier, Event, EventDate, EventId, EventKind, EventStatus, Mention, MentionId, NewEvent,
    NewMention, Precision, Quantity, Tombstone,
};

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
        id: EventId(m.id),
        kind: EventKind::parse(&m.kind).ok_or_else(|| corrupt("kind"))?,
        status: EventStatus::parse(&m.status).ok_or_else(|| corrupt("status"))?,
        date: EventDate {
            start,
            end,
            precision,
            approximate: m.approximate,
            modifier,
            calendar: Calendar::parse(&m.calendar).ok_or_else(|| corrupt("calendar"))?,
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
    am.calendar = Set(d.calendar.as_str().to_string());
}

pub(super) fn set_quantities(am: &mut event::ActiveModel, qs: &[Count]) {
    // an empty list is stored as NULL; a list of numbers and strings always serializes
    am.quantities = Set(if qs.is_empty() {
        None
    } else {
        serde_json::to_string(qs).ok()
    });
}

pub(super) fn set_quantity(am: &mut event::ActiveModel, q: &Option<Quantity>) {
    am.quantity_value = Set(q.as_ref().map(|q| q.value));
    am.quantity_unit = Set(q.as_ref().map(|q| q.unit.clone()));
}

pub(super) fn check_confidence(c: f64) -> StoreResult<()> {
    if (0.0..=1.0).contains(&c) {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "confidence must be between 0 and 1, got {c}"
        )))
    }
}

pub(super) fn to_mention(m: mention::Model) -> Mention {
    Mention {
        id: MentionId(m.id),
        event_id: EventId(m.event_id),
        article_id: ArticleId(m.article_id),
        sentence: m.sentence,
        span: (m.span_start, m.span_end),
        when_text: m.when_text,
        when_span: m.when_start.zip(m.when_end),
    }
}

pub(super) fn non_empty(s: &str, what: &str) -> StoreResult<String> {
    let t = s.trim();
    if t.is_empty() {
        Err(StoreError::Invalid(format!("{what} must not be empty")))
    } else {
        Ok(t.to_string())
    }
}

/// The row of a new event, without its id.
pub(super) fn event_row(new: &NewEvent) -> StoreResult<event::ActiveModel> {
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
        created_seq: Set(0),
        ..Default::default()
    };
    set_date(&mut am, &new.date);
    set_quantity(&mut am, &new.quantity);
    set_quantities(&mut am, &new.quantities);
    Ok(am)
}

pub(super) fn to_tombstone(t: tombstone::Model) -> Tombstone {
    Tombstone {
        id: t.id,
        event_id: EventId(t.event_id),
        reason: t.reason,
        merged_into: t.merged_into.map(EventId),
        at: t.at,
    }
}

pub(super) fn to_actor(m: actor::Model) -> Actor {
    Actor {
        id: ActorId(m.id),
        kind: ActorKind::parse(&m.kind).unwrap_or(ActorKind::Other),
        name: m.name,
        name_ar: m.name_ar,
        wikidata: m.wikidata,
        status: m.status,
    }
}

pub(super) fn to_alias(m: actor_alias::Model) -> Alias {
    Alias {
        actor_id: ActorId(m.actor_id),
        alias: m.alias,
        lang: m.lang,
        normalized: m.normalized,
    }
}

/// A Wikidata item id: Q followed by digits.
pub(super) fn check_wikidata(q: &Option<String>) -> StoreResult<Option<String>> {
    match q.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(q)
            if q.len() > 1 && q.starts_with('Q') && q[1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            Ok(Some(q.to_string()))
        }
        Some(q) => Err(StoreError::Invalid(format!(
            "wikidata must be an item id like Q30, got {q:?}"
        ))),
    }
}

pub(super) fn to_article(m: article::Model) -> Article {
    Article {
        id: ArticleId(m.id),
        url: m.url,
        title: m.title,
        outlet: m.outlet,
        language: m.language,
        published_on: m.published_on,
        body: m.body,
        content_hash: m.content_hash,
        ingested_at: m.ingested_at,
    }
}

/// The content hash that identifies an article body (SHA-256, hex).
pub fn content_hash(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `text` as `backend` stores it for search: the normalized words, which
/// PostgreSQL stems itself (its `tarikh` configuration), or their stems for
/// SQLite's FTS5 (migration 11).
pub(super) fn search_text(backend: DbBackend, text: &str) -> String {
    match backend {
        DbBackend::Postgres => search::index_form(text),
        _ => search::stemmed_form(text),
    }
}

/// The searched text of an event: its title and summary.
pub(super) fn event_search_row(
    backend: DbBackend,
    id: EventId,
    title: &str,
    summary: Option<&str>,
) -> event_search::ActiveModel {
    let text = format!("{title}\n{}", summary.unwrap_or_default());
    event_search::ActiveModel {
        event_id: Set(id.0),
        body: Set(search_text(backend, &text)),
    }
}

/// The searched text of an article: its title and body.
pub(super) fn article_search_row(
    backend: DbBackend,
    id: i64,
    title: Option<&str>,
    body: &str,
) -> article_search::ActiveModel {
    let text = format!("{}\n{body}", title.unwrap_or_default());
    article_search::ActiveModel {
        article_id: Set(id),
        body: Set(search_text(backend, &text)),
    }
}

pub(super) fn mention_row(
    backend: DbBackend,
    event_id: EventId,
    m: &NewMention,
) -> mention::ActiveModel {
    mention::ActiveModel {
        search_text: Set(Some(search_text(backend, &m.sentence))),
        event_id: Set(event_id.0),
        article_id: Set(m.article_id.0),
        sentence: Set(m.sentence.clone()),
        span_start: Set(m.span.0),
        span_end: Set(m.span.1),
        when_text: Set(m.when_text.clone()),
        when_start: Set(m.when_span.map(|s| s.0)),
        when_end: Set(m.when_span.map(|s| s.1)),
        ..Default::default()
    }
}

/// Typed ids bind as the `BIGINT` they are stored as, so queries take them
/// as they are (`Column::Id.eq(id)`, `is_in(ids)`).
macro_rules! id_values {
    ($($id:ty),*) => {$(
        impl From<$id> for sea_orm::Value {
            fn from(id: $id) -> Self {
                sea_orm::Value::BigInt(Some(id.0))
            }
        }
    )*};
}
id_values!(EventId, ActorId, ArticleId, MentionId);
