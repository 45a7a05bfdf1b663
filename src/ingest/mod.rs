//! Ingestion use case: articles from files (or GraphQL) through the
//! extractor into the store. Extraction runs in parallel on all cores;
//! each article is written in one transaction (see
//! `storage::Store::ingest_article`), so a killed run loses nothing already
//! written and a rerun completes the work (stored articles are skipped).

mod source;

use std::collections::HashMap;
use std::time::Instant;

use futures::StreamExt;
use rayon::prelude::*;
use serde::Deserialize;

pub use source::{read_sources, SourceError, SourceItem, SourceOptions};

use crate::domain::{
    parse_date, ActorRef, ArticleId, Change, IngestEvent, IngestOutcome, NewArticle, NewMention,
    PreparedArticle,
};
use crate::export::DocBatches;
use crate::extract::{extract, gazetteer, ExtractedEvent, Lang};
use crate::storage::{Store, StoreError};

/// Largest article body accepted (bytes).
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// An article as files and the API give it.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct RawArticle {
    pub url: Option<String>,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub language: Option<String>,
    /// Publication day, YYYY-MM-DD.
    pub published: Option<String>,
    pub body: Option<String>,
}

/// Why an article was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ArticleError {
    #[error("missing publication date (`published`, YYYY-MM-DD)")]
    MissingDate,
    #[error("{0}")]
    BadDate(String),
    #[error("empty body")]
    EmptyBody,
    #[error("body of {0} bytes is over the limit of {MAX_BODY_BYTES}")]
    TooLarge(usize),
    #[error("language must be ar, en or auto, got {0:?}")]
    BadLanguage(String),
}

/// Checks an article and runs the extractor over it. Pure and CPU-bound.
pub fn prepare(raw: &RawArticle) -> Result<PreparedArticle, ArticleError> {
    let body = raw.body.clone().unwrap_or_default();
    if body.trim().is_empty() {
        return Err(ArticleError::EmptyBody);
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(ArticleError::TooLarge(body.len()));
    }
    let published = raw
        .published
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .ok_or(ArticleError::MissingDate)?;
    let published = parse_date(published).map_err(|e| ArticleError::BadDate(e.to_string()))?;
    let language = raw
        .language
        .as_deref()
        .map(|l| l.trim().to_ascii_lowercase())
        .filter(|l| !l.is_empty());
    let lang: Lang = match language.as_deref() {
        None => Lang::Auto,
        Some(l) => l
            .parse()
            .map_err(|_| ArticleError::BadLanguage(l.to_string()))?,
    };
    let x = extract(&body, published, lang);
    let mut actors: Vec<ActorRef> = vec![];
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut events = Vec::with_capacity(x.events.len());
    for e in &x.events {
        let mut links = vec![];
        for a in &e.actors {
            let i = *index.entry(a.name.clone()).or_insert_with(|| {
                actors.push(actor_ref(a));
                actors.len() - 1
            });
            links.push((i, a.role));
        }
        events.push(ingest_event(e, links));
    }
    Ok(PreparedArticle {
        article: NewArticle {
            url: raw.url.clone(),
            title: raw.title.clone(),
            outlet: raw.outlet.clone(),
            language,
            published_on: Some(published),
            body,
        },
        actors,
        events,
    })
}

fn actor_ref(a: &crate::extract::ExtractedActor) -> ActorRef {
    let mut aliases: Vec<(String, Option<String>)> = vec![];
    let (en, ar) = match gazetteer().lookup(&a.name).filter(|_| a.known) {
        Some(g) => (g.aliases_en.clone(), g.aliases_ar.clone()),
        None => (a.aliases_en.clone(), a.aliases_ar.clone()),
    };
    aliases.extend(en.into_iter().map(|s| (s, Some("en".to_string()))));
    aliases.extend(ar.into_iter().map(|s| (s, Some("ar".to_string()))));
    aliases.push((a.text.clone(), None));
    ActorRef {
        name: a.name.clone(),
        name_ar: a.name_ar.clone(),
        kind: a.kind,
        wikidata: a.wikidata.clone(),
        aliases,
        proposed: !a.known,
    }
}

fn ingest_event(e: &ExtractedEvent, actors: Vec<(usize, crate::domain::ActorRole)>) -> IngestEvent {
    IngestEvent {
        title: e.title.clone(),
        kind: e.kind,
        date: e.date.clone(),
        quantity: e.quantity.clone(),
        quantities: e
            .quantities
            .iter()
            .map(|q| crate::domain::Count {
                value: q.value,
                unit: q.unit.to_string(),
                qualifier: q.qualifier.and_then(crate::domain::Qualifier::parse),
            })
            .collect(),
        confidence: e.confidence,
        actors,
        places: e
            .places
            .iter()
            .map(|p| (crate::domain::PlaceId(p.id), p.role))
            .collect(),
        mention: NewMention {
            article_id: ArticleId(0),
            sentence: e.evidence.clone(),
            span: (e.evidence_span[0] as i32, e.evidence_span[1] as i32),
            when_text: e.when_text.clone(),
            when_span: e.when_span.map(|s| (s[0] as i32, s[1] as i32)),
        },
    }
}

/// Counts for the final summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub read: usize,
    pub ingested: usize,
    pub skipped: usize,
    pub failed: usize,
    pub events_created: usize,
    pub events_merged: usize,
    pub seconds: f64,
    /// Why the run stopped before its end (the database's disk is full),
    /// if it did.
    pub stopped: Option<String>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rate = if self.seconds > 0.0 {
            self.read as f64 / self.seconds
        } else {
            0.0
        };
        write!(
            f,
            "articles read {}, ingested {}, skipped {}, failed {}; events created {}, merged {}; {:.1} s, {:.0} articles/s",
            self.read,
            self.ingested,
            self.skipped,
            self.failed,
            self.events_created,
            self.events_merged,
            self.seconds,
            rate
        )?;
        match &self.stopped {
            Some(why) => write!(f, "; stopped: {why}"),
            None => Ok(()),
        }
    }
}

/// Why one article (or one item of a source) was not ingested.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IngestError {
    /// The source gave no article.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The article was refused.
    #[error(transparent)]
    Article(#[from] ArticleError),
    /// The extractor failed on it (it is built never to).
    #[error("internal error in the extractor")]
    Extractor,
    /// The store refused it: it breaks a rule of the store.
    #[error("{0}")]
    Refused(String),
    /// The store failed: its transaction rolled back, nothing of it was
    /// written, and a rerun retries it.
    #[error("not written: {0}")]
    NotWritten(String),
    /// The database's disk is full: no later article can be written either.
    #[error("not written: {0}")]
    DiskFull(String),
}

/// One problem, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub location: String,
    pub error: IngestError,
}

/// Articles handled per parallel extraction batch.
const BATCH: usize = 256;

type Prepared = (String, Result<PreparedArticle, IngestError>);

/// Runs the extractor over a batch on the rayon pool (all cores), in order,
/// one result per item. The extractor is built never to panic; if it ever
/// did, that article fails with a message instead of taking the batch down.
async fn prepare_batch(chunk: Vec<SourceItem>) -> Vec<Prepared> {
    let locations: Vec<String> = chunk.iter().map(|i| i.location.clone()).collect();
    let (tx, rx) = tokio::sync::oneshot::channel();
    rayon::spawn(move || {
        let prepared: Vec<Prepared> = chunk
            .into_par_iter()
            .map(|item| {
                let r = match &item.article {
                    Ok(raw) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        prepare(raw).map_err(IngestError::from)
                    }))
                    .unwrap_or(Err(IngestError::Extractor)),
                    Err(e) => Err(e.clone().into()),
                };
                (item.location, r)
            })
            .collect();
        let _ = tx.send(prepared);
    });
    rx.await.unwrap_or_else(|_| {
        locations
            .into_iter()
            .map(|l| (l, Err(IngestError::Extractor)))
            .collect()
    })
}

/// Writes one prepared article (its own transaction).
async fn write(
    store: Store,
    change: Change,
    (location, r): Prepared,
) -> (String, Result<IngestOutcome, IngestError>) {
    let r = match r {
        Err(e) => Err(e),
        Ok(p) => store
            .ingest_article(&p, &change)
            .await
            .map_err(|e| match e {
                StoreError::DiskFull(_) => IngestError::DiskFull(e.to_string()),
                StoreError::NotFound(_) | StoreError::Invalid(_) => {
                    IngestError::Refused(e.to_string())
                }
                StoreError::Db(_)
                | StoreError::Corrupt(_)
                | StoreError::Timeout(_)
                | StoreError::Busy(_)
                | StoreError::Unavailable(_) => {
                    // The transaction rolled back: nothing of this
                    // article was written; a rerun retries it.
                    tracing::warn!(error = %e, "article not written");
                    IngestError::NotWritten(e.to_string())
                }
            }),
    };
    (location, r)
}

/// Ingests every article of `items`: extraction in parallel a batch ahead
/// of the writes, which run as their own tasks (one transaction per
/// article, `writers` at once: `Store::write_concurrency`, or 1 for a
/// store that depends on nothing but the input's order). Failures are collected,
/// never fatal, except a full disk, which stops the run (`stopped`). `progress` is called after each article with the counts so far.
pub async fn ingest_all(
    store: &Store,
    mut items: impl Iterator<Item = SourceItem>,
    writers: usize,
    mut progress: impl FnMut(&Summary),
    mut on_failure: impl FnMut(&Failure),
) -> Summary {
    let start = Instant::now();
    let mut s = Summary::default();
    let change = Change::by("ingest");
    let chunks = std::iter::from_fn(move || {
        let chunk: Vec<SourceItem> = items.by_ref().take(BATCH).collect();
        (!chunk.is_empty()).then_some(chunk)
    });
    let writes = futures::stream::iter(chunks)
        .map(prepare_batch)
        .buffered(2)
        .flat_map(futures::stream::iter)
        .map(|prepared| {
            let location = prepared.0.clone();
            let task = tokio::spawn(write(store.clone(), change.clone(), prepared));
            async move {
                task.await.unwrap_or_else(|e| {
                    (
                        location,
                        Err(IngestError::NotWritten(format!("task failed: {e}"))),
                    )
                })
            }
        })
        .buffer_unordered(writers.max(1));
    futures::pin_mut!(writes);
    // Exports find the documents of what the run wrote current.
    let mut docs = DocBatches::new(store);
    while let Some((location, r)) = writes.next().await {
        s.read += 1;
        match r {
            Err(error) => {
                s.failed += 1;
                let stop = matches!(error, IngestError::DiskFull(_));
                on_failure(&Failure { location, error });
                if stop {
                    // The articles not written yet are not read: a rerun
                    // once space is freed writes them (stored ones are
                    // skipped).
                    s.stopped =
                        Some("the database's disk is full; free space and run it again".into());
                    s.seconds = start.elapsed().as_secs_f64();
                    progress(&s);
                    return s;
                }
            }
            Ok(out) => {
                count(&mut s, &out);
                if out.new {
                    docs_made(docs.add(out.event_ids()).await);
                }
            }
        }
        s.seconds = start.elapsed().as_secs_f64();
        progress(&s);
    }
    docs_made(docs.finish().await);
    s.seconds = start.elapsed().as_secs_f64();
    s
}

/// Counts for the re-extraction summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReextractSummary {
    pub articles: usize,
    pub failed: usize,
    pub updated: usize,
    pub kept: usize,
    pub new_evidence: usize,
    pub removed: usize,
}

impl std::fmt::Display for ReextractSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "articles re-extracted {}, failed {}; events updated {}, kept (confirmed or rejected) {}, new evidence {}, removed {}",
            self.articles, self.failed, self.updated, self.kept, self.new_evidence, self.removed
        )
    }
}

/// Articles re-extracted per page.
const REEXTRACT_PAGE: u64 = 500;

/// Reruns the extractor over stored articles (every one, or only `only`),
/// a page at a time with extraction in parallel; each article is one
/// transaction (`Store::reextract_article`: confirmed and rejected events
/// are kept). An article the extractor refuses is reported and counted; a
/// database error stops the run, and what was done stays done.
pub async fn reextract_all(
    store: &Store,
    only: Option<ArticleId>,
    mut on_failure: impl FnMut(&Failure),
) -> Result<ReextractSummary, StoreError> {
    let change = Change::by("reextract");
    let mut s = ReextractSummary::default();
    let mut after = None;
    loop {
        let ids = match only {
            Some(id) if after.is_none() => vec![id],
            Some(_) => vec![],
            None => store.article_ids(after, REEXTRACT_PAGE).await?,
        };
        let Some(last) = ids.last() else { break };
        after = Some(*last);
        let articles = store.articles_by_ids(&ids).await?;
        let items: Vec<SourceItem> = articles
            .iter()
            .map(|a| SourceItem {
                location: format!("article {}", a.id),
                article: Ok(RawArticle {
                    url: a.url.clone(),
                    title: a.title.clone(),
                    outlet: a.outlet.clone(),
                    language: a.language.clone(),
                    published: Some(crate::domain::format_date(a.published_on)),
                    body: Some(a.body.clone()),
                }),
            })
            .collect();
        let mut docs = DocBatches::new(store);
        for (a, (location, prepared)) in articles.iter().zip(prepare_batch(items).await) {
            match prepared {
                Err(error) => {
                    s.failed += 1;
                    on_failure(&Failure { location, error });
                }
                Ok(p) => {
                    let r = store.reextract_article(a.id, &p, &change).await?;
                    s.articles += 1;
                    s.updated += r.updated.len();
                    s.kept += r.kept.len();
                    s.new_evidence += r.created.len() + r.merged.len();
                    s.removed += r.removed.len();
                    let written = r.updated.iter().chain(&r.created).chain(&r.merged);
                    docs_made(docs.add(written.copied()).await);
                }
            }
        }
        docs_made(docs.finish().await);
    }
    if let (Some(id), 0, 0) = (only, s.articles, s.failed) {
        return Err(StoreError::NotFound(format!("article {id}")));
    }
    Ok(s)
}

/// Only export speed depends on the documents of what was written: a
/// failure to make them is logged, and the next export makes them.
fn docs_made(r: Result<usize, StoreError>) {
    if let Err(e) = r {
        tracing::warn!(error = %e, "export documents not made");
    }
}

fn count(s: &mut Summary, out: &IngestOutcome) {
    if out.new {
        s.ingested += 1;
        s.events_created += out.created.len();
        s.events_merged += out.merged.len();
    } else {
        s.skipped += 1;
    }
}
