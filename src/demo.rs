//! The demo (`tarikh serve --demo`): a curated timeline (`data/demo.json`,
//! facts told in our own words, with Arabic and English aliases) and news
//! articles written by us (`data/demo_articles.jsonl`, Arabic and English,
//! the same events told by more than one outlet), which go through the
//! real ingest path, so that events show their sources and the extractor
//! at work. A use case: it writes through `storage` and `ingest`.

use std::collections::HashMap;

use anyhow::{anyhow, Context};
use serde::Deserialize;

use crate::domain::{
    parse_date, ActorKind, ActorRole, Change, DateModifier, EventDate, EventFilter, EventKind,
    EventStatus, NewActor, NewEvent, Precision, Quantity, ACTOR_ACTIVE,
};
use crate::ingest::{RawArticle, SourceError, SourceItem};
use crate::storage::Store;

const DEMO: &str = include_str!("../data/demo.json");
const ARTICLES: &str = include_str!("../data/demo_articles.jsonl");

#[derive(Deserialize)]
struct Demo {
    actors: Vec<DemoActor>,
    events: Vec<DemoEvent>,
}

#[derive(Deserialize)]
struct DemoActor {
    name: String,
    name_ar: Option<String>,
    kind: String,
    wikidata: Option<String>,
    #[serde(default)]
    aliases: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct DemoEvent {
    title: String,
    summary: Option<String>,
    kind: String,
    start: String,
    end: Option<String>,
    precision: String,
    #[serde(default)]
    approximate: bool,
    modifier: Option<String>,
    quantity: Option<Quantity>,
    #[serde(default)]
    actors: Vec<(String, String)>,
}

/// Loads the demo timeline and ingests the demo articles when the store
/// has no events; returns how many events are then stored (0 when the
/// store was not empty).
pub async fn load_if_empty(store: &Store) -> anyhow::Result<usize> {
    let everything = EventFilter {
        status: EventStatus::ALL.to_vec(),
        ..Default::default()
    };
    if store.count_events(&everything).await? > 0 {
        return Ok(0);
    }
    let curated = load_timeline(store).await?;
    let ingested = ingest_articles(store).await?;
    Ok(curated + ingested)
}

/// Ingests the demo articles as `tarikh ingest` would; returns the events
/// created. An article that fails is an error: the demo is ours.
async fn ingest_articles(store: &Store) -> anyhow::Result<usize> {
    let items = ARTICLES
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| SourceItem {
            location: format!("data/demo_articles.jsonl:{}", i + 1),
            article: serde_json::from_str::<RawArticle>(l)
                .map_err(|e| SourceError::Json(e.to_string())),
        })
        .collect::<Vec<_>>();
    let mut failures = vec![];
    let summary = crate::ingest::ingest_all(
        store,
        items.into_iter(),
        1,
        |_| {},
        |f| {
            failures.push(format!("{f:?}"));
        },
    )
    .await;
    if summary.failed > 0 || summary.stopped.is_some() {
        return Err(anyhow!("the demo articles did not all go in: {failures:?}"));
    }
    Ok(summary.events_created)
}

/// Writes the curated demo timeline; returns how many events it wrote.
async fn load_timeline(store: &Store) -> anyhow::Result<usize> {
    let demo: Demo = serde_json::from_str(DEMO).context("data/demo.json is not valid")?;
    let mut ids = HashMap::new();
    for a in &demo.actors {
        let actor = store
            .create_actor(&NewActor {
                name: a.name.clone(),
                name_ar: a.name_ar.clone(),
                kind: ActorKind::parse(&a.kind)
                    .ok_or_else(|| anyhow!("bad actor kind {}", a.kind))?,
                wikidata: a.wikidata.clone(),
                status: ACTOR_ACTIVE.to_string(),
                aliases: a
                    .aliases
                    .iter()
                    .map(|(s, l)| (s.clone(), Some(l.clone())))
                    .collect(),
            })
            .await?;
        ids.insert(a.name.clone(), actor.id);
    }
    for e in &demo.events {
        let bad = |what: &str| anyhow!("demo event {:?}: bad {what}", e.title);
        let date = EventDate::new(
            parse_date(&e.start)?,
            e.end.as_deref().map(parse_date).transpose()?,
            Precision::parse(&e.precision).ok_or_else(|| bad("precision"))?,
            e.approximate,
            match &e.modifier {
                Some(m) => Some(DateModifier::parse(m).ok_or_else(|| bad("modifier"))?),
                None => None,
            },
        )?;
        let mut actors = vec![];
        for (name, role) in &e.actors {
            let id = ids.get(name).ok_or_else(|| bad("actor"))?;
            actors.push((*id, ActorRole::parse(role).ok_or_else(|| bad("role"))?));
        }
        store
            .create_event(
                &NewEvent {
                    title: e.title.clone(),
                    summary: e.summary.clone(),
                    kind: EventKind::parse(&e.kind).ok_or_else(|| bad("kind"))?,
                    date,
                    quantity: e.quantity.clone(),
                    quantities: vec![],
                    confidence: 1.0,
                    status: EventStatus::Confirmed,
                    actors,
                    places: vec![],
                },
                &Change::by("demo"),
            )
            .await?;
    }
    Ok(demo.events.len())
}
