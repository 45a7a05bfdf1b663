//! The write side: every mutation needs a write token.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, ID};

use super::auth::require_writer;
use super::errors::{bad_input, store};
use super::scalars::Date;
use super::types::*;
use crate::domain::{self, ActorId, Change, ACTOR_ACTIVE};
use crate::storage::Store;

/// One spelling of a name.
#[derive(InputObject)]
pub struct AliasInput {
    /// As written.
    pub alias: String,
    /// Language code ("ar", "en").
    pub lang: Option<String>,
}

/// A new actor.
#[derive(InputObject)]
pub struct ActorInput {
    /// Canonical English name.
    pub name: String,
    /// Arabic name.
    pub name_ar: Option<String>,
    /// What kind of actor.
    pub kind: ActorKind,
    /// Wikidata item id ("Q30").
    pub wikidata: Option<String>,
    /// Other spellings, in any language.
    pub aliases: Option<Vec<AliasInput>>,
}

/// Changes to an actor; omitted fields stay, null clears optional ones.
#[derive(InputObject)]
pub struct ActorPatch {
    /// Canonical English name (the old one stays as an alias).
    pub name: Option<String>,
    /// Arabic name.
    pub name_ar: MaybeUndefined<String>,
    /// What kind of actor.
    pub kind: Option<ActorKind>,
    /// Wikidata item id.
    pub wikidata: MaybeUndefined<String>,
}

/// A date as an interval with its precision.
#[derive(InputObject)]
pub struct EventDateInput {
    /// First day.
    pub start: Date,
    /// Last day; defaults to the end of the period that `start` and
    /// `precision` name (2014-09-01 with MONTH ends 2014-09-30).
    pub end: Option<Date>,
    /// How precisely the source named the date.
    pub precision: Precision,
    /// The source hedged.
    #[graphql(default)]
    pub approximate: bool,
    /// Early, mid, late, before or after the period.
    pub modifier: Option<DateModifier>,
    /// The calendar the source used (labels show it first); the days are Gregorian either way.
    #[graphql(default_with = "Calendar::Gregorian")]
    pub calendar: Calendar,
}

impl EventDateInput {
    fn to_domain(&self) -> async_graphql::Result<domain::EventDate> {
        domain::EventDate::new(
            self.start.0,
            self.end.map(|d| d.0),
            self.precision.into(),
            self.approximate,
            self.modifier.map(Into::into),
        )
        .map(|d| d.in_calendar(self.calendar.into()))
        .map_err(|e| bad_input(e.to_string()))
    }
}

/// An actor's part in a new event.
#[derive(InputObject)]
pub struct EventActorInput {
    /// The actor.
    pub actor_id: ID,
    /// Its part.
    #[graphql(default_with = "ActorRole::Mentioned")]
    pub role: ActorRole,
}

/// A measured amount.
#[derive(InputObject)]
pub struct QuantityInput {
    /// The number.
    pub value: f64,
    /// What is counted.
    pub unit: String,
}

impl QuantityInput {
    fn to_domain(&self) -> async_graphql::Result<domain::Quantity> {
        if !self.value.is_finite() || self.unit.trim().is_empty() {
            return Err(bad_input("a quantity needs a finite value and a unit"));
        }
        Ok(domain::Quantity {
            value: self.value,
            unit: self.unit.trim().to_string(),
        })
    }
}

/// A new event.
#[derive(InputObject)]
pub struct EventInput {
    /// Short title.
    pub title: String,
    /// One-sentence summary.
    pub summary: Option<String>,
    /// What kind of thing happened.
    pub kind: EventKind,
    /// When.
    pub date: EventDateInput,
    /// Who took part.
    pub actors: Option<Vec<EventActorInput>>,
    /// Where it happened.
    pub places: Option<Vec<super::places::EventPlaceInput>>,
    /// A measured amount.
    pub quantity: Option<QuantityInput>,
    /// How sure, from 0 to 1 (default 1 for events entered by people).
    pub confidence: Option<f64>,
    /// Curation state (default CONFIRMED for events entered by people).
    pub status: Option<EventStatus>,
}

/// Changes to an event; omitted fields stay, null clears optional ones.
#[derive(InputObject)]
pub struct EventPatch {
    /// Short title.
    pub title: Option<String>,
    /// One-sentence summary.
    pub summary: MaybeUndefined<String>,
    /// What kind of thing happened.
    pub kind: Option<EventKind>,
    /// When.
    pub date: Option<EventDateInput>,
    /// Replaces the actor list.
    pub actors: Option<Vec<EventActorInput>>,
    /// Replaces the places.
    pub places: Option<Vec<super::places::EventPlaceInput>>,
    /// A measured amount.
    pub quantity: MaybeUndefined<QuantityInput>,
    /// How sure, from 0 to 1.
    pub confidence: Option<f64>,
    /// Curation state.
    pub status: Option<EventStatus>,
}

fn actor_links(
    list: &[EventActorInput],
) -> async_graphql::Result<Vec<(ActorId, domain::ActorRole)>> {
    list.iter()
        .map(|a| Ok((parse_id(&a.actor_id, "actor")?, a.role.into())))
        .collect()
}

fn maybe<T, U>(
    m: &MaybeUndefined<T>,
    f: impl Fn(&T) -> async_graphql::Result<U>,
) -> async_graphql::Result<Option<Option<U>>> {
    Ok(match m {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(f(v)?)),
    })
}

/// An article to ingest.
#[derive(InputObject)]
pub struct ArticleInput {
    /// Where it was published (unique when given).
    pub url: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// The outlet.
    pub outlet: Option<String>,
    /// Language code: ar, en or auto (default auto).
    pub language: Option<String>,
    /// Publication day; relative dates resolve against it.
    pub published: Date,
    /// Full text.
    pub body: String,
}

/// What ingesting an article did.
#[derive(async_graphql::SimpleObject)]
pub struct IngestResult {
    /// The stored article (the existing one when it was already stored).
    pub article: Article,
    /// False when the article was already stored: nothing changed.
    pub new: bool,
    /// The events it is evidence of.
    pub events: Vec<Event>,
}

/// Mutations.
pub struct MutationRoot;

/// Writes: each needs `Authorization: Bearer <token>` matching one of TARIKH_WRITE_TOKENS.
#[Object]
impl MutationRoot {
    /// Creates an actor; its name and Arabic name become aliases.
    async fn create_actor(
        &self,
        ctx: &Context<'_>,
        input: ActorInput,
    ) -> async_graphql::Result<Actor> {
        require_writer(ctx)?;
        let new = domain::NewActor {
            name: input.name,
            name_ar: input.name_ar,
            kind: input.kind.into(),
            wikidata: input.wikidata,
            status: ACTOR_ACTIVE.to_string(),
            aliases: input
                .aliases
                .unwrap_or_default()
                .into_iter()
                .map(|a| (a.alias, a.lang))
                .collect(),
        };
        let st = ctx.data::<Store>()?;
        Ok(Actor(st.create_actor(&new).await.map_err(store)?))
    }

    /// Adds a spelling to an actor.
    async fn add_actor_alias(
        &self,
        ctx: &Context<'_>,
        actor_id: ID,
        alias: String,
        lang: Option<String>,
    ) -> async_graphql::Result<Actor> {
        require_writer(ctx)?;
        let id = parse_id(&actor_id, "actor")?;
        let st = ctx.data::<Store>()?;
        Ok(Actor(
            st.add_actor_alias(id, &alias, lang.as_deref())
                .await
                .map_err(store)?,
        ))
    }

    /// Changes an actor.
    async fn update_actor(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: ActorPatch,
    ) -> async_graphql::Result<Actor> {
        require_writer(ctx)?;
        let id = parse_id(&id, "actor")?;
        let patch = domain::ActorPatch {
            name: input.name,
            name_ar: maybe(&input.name_ar, |s| Ok(s.clone()))?,
            kind: input.kind.map(Into::into),
            wikidata: maybe(&input.wikidata, |s| Ok(s.clone()))?,
        };
        let st = ctx.data::<Store>()?;
        Ok(Actor(st.update_actor(id, &patch).await.map_err(store)?))
    }

    /// Creates an event (recorded as its first revision).
    async fn create_event(
        &self,
        ctx: &Context<'_>,
        input: EventInput,
    ) -> async_graphql::Result<Event> {
        let change = writer_change(ctx, None)?;
        let quantity = input.quantity.as_ref().map(|q| q.to_domain()).transpose()?;
        let new = domain::NewEvent {
            title: input.title,
            summary: input.summary,
            kind: input.kind.into(),
            date: input.date.to_domain()?,
            quantities: quantity
                .iter()
                .map(|q| domain::Count {
                    value: q.value,
                    unit: q.unit.clone(),
                    qualifier: None,
                })
                .collect(),
            quantity,
            confidence: input.confidence.unwrap_or(1.0),
            status: input
                .status
                .map(Into::into)
                .unwrap_or(domain::EventStatus::Confirmed),
            actors: actor_links(input.actors.as_deref().unwrap_or_default())?,
            places: super::places::place_links(input.places.as_deref().unwrap_or_default())?,
        };
        let st = ctx.data::<Store>()?;
        Ok(Event::from(
            st.create_event(&new, &change).await.map_err(store)?,
        ))
    }

    /// Changes an event; the fields before and after are kept as a revision,
    /// with who (the token's name), when and `note`.
    async fn update_event(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: EventPatch,
        note: Option<String>,
    ) -> async_graphql::Result<Event> {
        let change = writer_change(ctx, note)?;
        let id = parse_id(&id, "event")?;
        let quantity = maybe(&input.quantity, |q| q.to_domain())?;
        // a curated quantity replaces the extracted counts (or clears them)
        let quantities = quantity.as_ref().map(|q| {
            q.iter()
                .map(|q| domain::Count {
                    value: q.value,
                    unit: q.unit.clone(),
                    qualifier: None,
                })
                .collect()
        });
        let patch = domain::EventPatch {
            title: input.title,
            summary: maybe(&input.summary, |s| Ok(s.clone()))?,
            kind: input.kind.map(Into::into),
            date: input.date.as_ref().map(|d| d.to_domain()).transpose()?,
            quantity,
            quantities,
            confidence: input.confidence,
            status: input.status.map(Into::into),
            actors: input.actors.as_deref().map(actor_links).transpose()?,
            places: input
                .places
                .as_deref()
                .map(super::places::place_links)
                .transpose()?,
        };
        let st = ctx.data::<Store>()?;
        Ok(Event::from(
            st.update_event(id, &patch, &change).await.map_err(store)?,
        ))
    }

    /// Deletes an event with its mentions; false when there was none. Its
    /// history stays, and a tombstone tells export jobs.
    async fn delete_event(
        &self,
        ctx: &Context<'_>,
        id: ID,
        note: Option<String>,
    ) -> async_graphql::Result<bool> {
        let change = writer_change(ctx, note)?;
        let id = parse_id(&id, "event")?;
        let st = ctx.data::<Store>()?;
        st.delete_event(id, &change).await.map_err(store)
    }

    /// Merges events of one kind into the first: mentions and actors move to
    /// it, the narrowest date wins, the others become tombstones. Recorded.
    async fn merge_events(
        &self,
        ctx: &Context<'_>,
        ids: Vec<ID>,
        note: Option<String>,
    ) -> async_graphql::Result<Event> {
        let change = writer_change(ctx, note)?;
        let ids = ids
            .iter()
            .map(|i| parse_id(i, "event"))
            .collect::<Result<Vec<_>, _>>()?;
        let st = ctx.data::<Store>()?;
        Ok(Event::from(
            st.merge_events(&ids, &change).await.map_err(store)?,
        ))
    }

    /// Moves a mention out of its event into a new event (undoes a wrong
    /// merge); returns the new event. Recorded on both.
    async fn split_mention(
        &self,
        ctx: &Context<'_>,
        mention_id: ID,
        note: Option<String>,
    ) -> async_graphql::Result<Event> {
        let change = writer_change(ctx, note)?;
        let id = parse_id(&mention_id, "mention")?;
        let st = ctx.data::<Store>()?;
        Ok(Event::from(
            st.split_mention(id, &change).await.map_err(store)?,
        ))
    }

    /// Stores an article and the events extracted from it (same semantics as
    /// `tarikh ingest`: idempotent, one transaction, cross-source merging).
    async fn ingest_article(
        &self,
        ctx: &Context<'_>,
        input: ArticleInput,
    ) -> async_graphql::Result<IngestResult> {
        let change = writer_change(ctx, Some("ingestArticle".into()))?;
        let raw = crate::ingest::RawArticle {
            url: input.url,
            title: input.title,
            outlet: input.outlet,
            language: input.language,
            published: Some(domain::format_date(input.published.0)),
            body: Some(input.body),
        };
        // Extraction is CPU work: keep it off the request thread.
        let prepared = tokio::task::spawn_blocking(move || crate::ingest::prepare(&raw))
            .await
            .map_err(|e| {
                super::errors::coded(super::errors::INTERNAL, format!("extraction failed: {e}"))
            })?
            .map_err(|e| bad_input(e.to_string()))?;
        let st = ctx.data::<Store>()?;
        let out = st.ingest_article(&prepared, &change).await.map_err(store)?;
        if out.new {
            // As `tarikh ingest` does: exports find the documents current.
            // Only speed depends on it, so a failure is logged, not returned.
            let made = crate::export::refresh_docs(st, &out.event_ids()).await;
            if let Err(e) = made {
                tracing::warn!(error = %e, "export documents not made");
            }
        }
        let events = st.events_by_ids(&out.event_ids()).await.map_err(store)?;
        Ok(IngestResult {
            article: Article(out.article),
            new: out.new,
            events: events.into_iter().map(Event::from).collect(),
        })
    }
}

/// The change a write records: the writer's token name (FORBIDDEN without
/// a valid token) and the caller's note.
fn writer_change(ctx: &Context<'_>, note: Option<String>) -> async_graphql::Result<Change> {
    Ok(Change {
        by: require_writer(ctx)?,
        note,
    })
}
