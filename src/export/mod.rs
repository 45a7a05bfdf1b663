//! Export use case: every matching event in the order of a keyset (start
//! day, end day, id), streamed from one statement in batches, so memory
//! stays flat whatever the size, the rows come from one snapshot, and a job
//! can resume after the last row it saw (`after` = that row's cursor).
//! Formats: NDJSON (the full event), CSV (RFC 4180 with a header), EDTF CSV
//! (id, EDTF, title, kind, actors) and TimelineJS 3 JSON.
//!
//! Every format is rendered from one [`Doc`] per event, whose JSON text
//! (the NDJSON line) is stored beside the event at its content revision.
//! The statement reads the date-ordered events with their documents; only
//! events whose document is missing or stale (changed since, or made by a
//! build with another [`DOC_VERSION`]) are read with their actors, mentions
//! and articles, a batch at a time, and their new documents are stored for
//! the next export. Ingestion stores the documents of what it wrote.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Datelike;
use futures::Stream;
use serde::{Deserialize, Serialize};

use crate::domain::{
    format_date, parse_date, Actor, ActorRole, ArticleRef, Count, Event, EventFilter, EventOrder,
    Id, Mention, Precision, Quantity, SyncToken, Tombstone,
};
use crate::storage::{Cursor, DocRow, NewDoc, Store, StoreError};

mod params;
pub use params::{filter_from_pairs, tombstone_params, TombstoneParams};

/// Events per batch: rows read ahead, documents made and stored together.
pub const PAGE: u64 = 1000;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object a line: the full event.
    Ndjson,
    /// RFC 4180 CSV with a header.
    Csv,
    /// The JSON that TimelineJS 3 loads.
    Timelinejs,
    /// CSV of id, EDTF date, title, kind, actors.
    EdtfCsv,
}

impl Format {
    /// The HTTP content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Ndjson => "application/x-ndjson; charset=utf-8",
            Format::Csv | Format::EdtfCsv => "text/csv; charset=utf-8",
            Format::Timelinejs => "application/json; charset=utf-8",
        }
    }
}

/// Version of the stored document format: bump it whenever an event's
/// NDJSON line changes (its fields, labels, EDTF, number formats), so that
/// documents stored by an older build are made again instead of served.
/// The test `export_doc_format_is_pinned` fails when the line changes.
pub const DOC_VERSION: i32 = 2;

/// An actor of a row with its role.
pub type ActorLink = (Arc<Actor>, ActorRole);

/// An event with everything an export shows, as read from the store
/// (actors and articles are shared between the rows of a page, not copied).
#[derive(Debug, Clone)]
pub struct Row {
    pub event: Event,
    pub actors: Vec<ActorLink>,
    pub sources: Vec<(Mention, Option<Arc<ArticleRef>>)>,
}

/// Reads `events` with their actors and sources: four statements whatever
/// their number.
async fn rows_of(store: &Store, events: Vec<Event>) -> Result<Vec<Row>, StoreError> {
    let ids: Vec<Id> = events.iter().map(|e| e.id).collect();
    // Actors and sources are two independent chains: fetch them at once.
    let actors_chain = async {
        let links = store.event_actor_links(&ids).await?;
        let actor_ids: Vec<Id> = links.values().flatten().map(|(a, _)| *a).collect();
        let actors: HashMap<Id, Arc<Actor>> = store
            .actors_by_ids(&actor_ids)
            .await?
            .into_iter()
            .map(|a| (a.id, Arc::new(a)))
            .collect();
        Ok::<_, StoreError>((links, actors))
    };
    let sources_chain = async {
        let mentions = store.mentions_of_events(&ids).await?;
        let article_ids: Vec<Id> = mentions.values().flatten().map(|m| m.article_id).collect();
        let articles: HashMap<Id, Arc<ArticleRef>> = store
            .article_refs(&article_ids)
            .await?
            .into_iter()
            .map(|a| (a.id, Arc::new(a)))
            .collect();
        Ok::<_, StoreError>((mentions, articles))
    };
    let (a, b) = futures::join!(actors_chain, sources_chain);
    let ((mut links, actors), (mut mentions, articles)) = (a?, b?);
    Ok(events
        .into_iter()
        .map(|e| {
            let actors = links
                .remove(&e.id)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(a, r)| actors.get(&a).map(|x| (x.clone(), r)))
                .collect();
            let sources = mentions
                .remove(&e.id)
                .unwrap_or_default()
                .into_iter()
                .map(|m| {
                    let a = articles.get(&m.article_id).cloned();
                    (m, a)
                })
                .collect();
            Row {
                event: e,
                actors,
                sources,
            }
        })
        .collect())
}

/// Makes the documents of events `ids` from their rows, with the
/// revisions they were made at (events gone meanwhile are left out).
pub async fn make_docs(store: &Store, ids: &[Id]) -> Result<Vec<NewDoc>, StoreError> {
    let events = store.events_by_ids(ids).await?;
    Ok(rows_of(store, events)
        .await?
        .iter()
        .map(|r| (r.event.id, r.event.rev, Doc::of(r).json()))
        .collect())
}

/// Makes and stores the documents of events `ids` (after ingestion, or
/// for `tarikh refresh-docs`).
pub async fn refresh_docs(store: &Store, ids: &[Id]) -> Result<usize, StoreError> {
    let docs = make_docs(store, ids).await?;
    store.store_docs(&docs, DOC_VERSION).await?;
    Ok(docs.len())
}

/// Makes and stores every missing or out-of-date document (of the events
/// written after sync token `changed_since` was taken, when given), a page at a time, the
/// next page found while the last is made; `progress` gets the running
/// count. Returns how many were made.
pub async fn refresh_stale_docs(
    store: &Store,
    changed_since: Option<SyncToken>,
    mut progress: impl FnMut(usize),
) -> Result<usize, StoreError> {
    let mut docs = DocRefresh::new(store);
    let (mut after, mut made) = (None, 0);
    loop {
        let ids = store
            .stale_docs(changed_since, after, PAGE, DOC_VERSION)
            .await?;
        let Some(last) = ids.last() else { break };
        after = Some(*last);
        made += docs.add(ids).await?;
        progress(made);
    }
    made += docs.finish().await?;
    progress(made);
    Ok(made)
}

/// Makes and stores the documents of events as they come, [`PAGE`] at a
/// time on tasks beside the caller, two batches in flight: when the next
/// batch is full before the oldest is done, the caller waits for it, so
/// memory stays flat however far the documents fall behind. An event
/// added again after a later change gets its document made again after it
/// (a document made from an older state is never served: see
/// [`Store::store_docs`]).
pub struct DocRefresh {
    store: Store,
    ids: Vec<Id>,
    tasks: std::collections::VecDeque<tokio::task::JoinHandle<Result<usize, StoreError>>>,
}

/// Batches a [`DocRefresh`] makes at once.
const IN_FLIGHT: usize = 2;

impl DocRefresh {
    /// Nothing pending yet.
    pub fn new(store: &Store) -> DocRefresh {
        DocRefresh {
            store: store.clone(),
            ids: vec![],
            tasks: Default::default(),
        }
    }

    /// Adds events; with a full batch, waits for the oldest in flight if
    /// need be and starts this one. Returns how many documents the batches
    /// waited for made.
    pub async fn add(&mut self, ids: impl IntoIterator<Item = Id>) -> Result<usize, StoreError> {
        self.ids.extend(ids);
        if self.ids.len() < PAGE as usize {
            return Ok(0);
        }
        self.start().await
    }

    /// Starts what is pending and waits for everything: how many documents
    /// the batches not reported yet made.
    pub async fn finish(mut self) -> Result<usize, StoreError> {
        let mut made = self.start().await?;
        while !self.tasks.is_empty() {
            made += self.wait_oldest().await?;
        }
        Ok(made)
    }

    async fn start(&mut self) -> Result<usize, StoreError> {
        let mut ids = std::mem::take(&mut self.ids);
        ids.sort_unstable();
        ids.dedup();
        let done = if self.tasks.len() >= IN_FLIGHT {
            self.wait_oldest().await
        } else {
            Ok(0)
        };
        if !ids.is_empty() {
            let store = self.store.clone();
            self.tasks.push_back(tokio::spawn(
                async move { refresh_docs(&store, &ids).await },
            ));
        }
        done
    }

    async fn wait_oldest(&mut self) -> Result<usize, StoreError> {
        match self.tasks.pop_front() {
            None => Ok(0),
            Some(t) => t
                .await
                .map_err(|e| StoreError::Invalid(format!("refresh task failed: {e}")))?,
        }
    }
}

/// Keeps export documents current behind the API's writes (curation:
/// updateEvent, mergeEvents, splitMention, updateActor, …), so the next
/// export finds them made. [`DocKeeper::changed`] wakes a task that makes
/// the stale documents of events written since its previous pass; writes
/// never wait for it, and a burst of writes costs one pass. Each pass
/// takes a sync token before it reads ([`Store::sync_token`]) and the next
/// one starts from it, so no write is missed whatever order writers commit
/// in. Only speed depends on it: a failed pass is logged and its writes
/// looked at again by the next one; an export (or `tarikh refresh-docs`)
/// makes what it has not made yet.
#[derive(Clone)]
pub struct DocKeeper(Arc<Keeper>);

struct Keeper {
    store: Store,
    wake: Arc<tokio::sync::Notify>,
    from: SyncToken,
    task: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl DocKeeper {
    /// A keeper for `store` that looks after the writes made since token
    /// `from` (earlier ones are `tarikh refresh-docs`'s job). Its task
    /// starts on the first [`DocKeeper::changed`], on that caller's
    /// runtime, and starts again (from `from`) if that runtime has gone.
    pub fn new(store: &Store, from: SyncToken) -> DocKeeper {
        DocKeeper(Arc::new(Keeper {
            store: store.clone(),
            wake: Arc::new(tokio::sync::Notify::new()),
            from,
            task: std::sync::Mutex::new(None),
        }))
    }

    /// Something was committed: a pass will follow.
    pub fn changed(&self) {
        let k = &self.0;
        let mut task = k.task.lock().unwrap_or_else(|p| p.into_inner());
        if task.as_ref().is_none_or(|t| t.is_finished()) {
            let (store, wake) = (k.store.clone(), k.wake.clone());
            *task = Some(tokio::spawn(keep_docs(store, wake, k.from)));
        }
        k.wake.notify_one();
    }
}

/// The keeper's task: a pass per wake-up over the writes since the last
/// pass that completed.
async fn keep_docs(store: Store, wake: Arc<tokio::sync::Notify>, mut since: SyncToken) {
    loop {
        wake.notified().await;
        let pass = async {
            let next = store.sync_token().await?;
            let made = refresh_stale_docs(&store, Some(since), |_| {}).await?;
            Ok::<_, StoreError>((next, made))
        };
        match pass.await {
            Ok((next, made)) => {
                tracing::debug!(made, "export documents kept current");
                since = next;
            }
            Err(e) => tracing::warn!(error = %e, "export documents not made"),
        }
    }
}

/// Stores the documents an export had to make, one batch at a time on its
/// own task beside the export. A batch made while the previous one is
/// still being written is not stored (a later export or `tarikh
/// refresh-docs` makes it again): the cache never holds an export up.
/// Storing is an optimization; a failure (a read-only role, an event
/// deleted meanwhile) is logged and costs only speed.
#[derive(Default)]
struct DocWriter(Option<tokio::task::JoinHandle<()>>);

impl DocWriter {
    fn offer(&mut self, store: &Store, docs: Vec<NewDoc>) {
        if self.0.as_ref().is_some_and(|h| !h.is_finished()) {
            return;
        }
        let store = store.clone();
        self.0 = Some(tokio::spawn(async move {
            if let Err(e) = store.store_docs(&docs, DOC_VERSION).await {
                tracing::warn!(error = %e, "export documents not stored");
            }
        }));
    }

    /// Waits for the batch being stored, if any.
    async fn finish(&mut self) {
        if let Some(h) = self.0.take() {
            let _ = h.await;
        }
    }
}

/// One exported event: its id and its document's JSON text (the NDJSON
/// line without its newline).
#[derive(Debug, Clone)]
pub struct Line {
    pub id: Id,
    pub json: String,
}

/// The lines of one batch of rows: their stored documents, and for rows
/// without a current one a document made now (five statements for the
/// batch) and offered to `writer`.
async fn lines_of(
    store: &Store,
    rows: Vec<DocRow>,
    writer: &mut DocWriter,
) -> Result<Vec<Line>, StoreError> {
    let stale: Vec<Id> = rows
        .iter()
        .filter(|r| r.doc.is_none())
        .map(|r| r.id)
        .collect();
    let mut made: HashMap<Id, String> = HashMap::new();
    if !stale.is_empty() {
        let docs = make_docs(store, &stale).await?;
        made = docs.iter().map(|(id, _, d)| (*id, d.clone())).collect();
        writer.offer(store, docs);
    }
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            // An event deleted since the rows were read has no document.
            let json = r.doc.or_else(|| made.remove(&r.id))?;
            Some(Line { id: r.id, json })
        })
        .collect())
}

/// Every matching event after `cursor`, a batch of up to [`PAGE`] lines
/// at a time. The rows come from one statement read on its own task a
/// couple of batches ahead ([`Store::doc_stream`]) while the caller
/// writes the current batch.
pub fn lines(
    store: Store,
    filter: EventFilter,
    cursor: Option<Cursor>,
) -> impl Stream<Item = Result<Vec<Line>, StoreError>> {
    let rx = store.doc_stream(filter, cursor, PAGE as usize, DOC_VERSION);
    futures::stream::unfold(Some((rx, DocWriter::default())), move |state| {
        let store = store.clone();
        async move {
            let (mut rx, mut writer) = state?;
            match rx.recv().await {
                None => {
                    writer.finish().await;
                    None
                }
                Some(Err(e)) => Some((Err(e), None)),
                Some(Ok(rows)) => {
                    let lines = lines_of(&store, rows, &mut writer).await;
                    let next = lines.is_ok().then_some((rx, writer));
                    Some((lines, next))
                }
            }
        }
    })
}

/// The sync token to give with an export or tombstone feed about to read:
/// taken before the read starts, so the next sync passes it back and
/// misses nothing. None for a resumed one (`after`): its read skips what
/// came before the cursor, so the token of the export it resumes is the
/// one to keep.
pub async fn sync_token_for(store: &Store, resumed: bool) -> Result<Option<SyncToken>, StoreError> {
    if resumed {
        return Ok(None);
    }
    store.sync_token().await.map(Some)
}

/// The whole export as text: the header, then each page of rows, then the
/// footer, each chunk with the number of rows in it.
pub fn encoded(
    store: Store,
    filter: EventFilter,
    cursor: Option<Cursor>,
    format: Format,
) -> impl Stream<Item = Result<(String, usize), StoreError>> {
    use futures::StreamExt;
    let mut enc = Encoder::new(format);
    let (header, footer) = (enc.header(), enc.footer());
    let pages = lines(store, filter, cursor).map(move |page| {
        let lines = page?;
        let mut text = String::new();
        for l in &lines {
            text.push_str(&enc.row(l)?);
        }
        Ok((text, lines.len()))
    });
    futures::stream::once(async move { Ok((header, 0)) })
        .chain(pages)
        .chain(futures::stream::once(async move { Ok((footer, 0)) }))
}

/// Tombstones after `since` (and after tombstone id `after`), oldest
/// first, as NDJSON text, a page at a time, each with its line count.
pub fn tombstone_pages(
    store: Store,
    params: TombstoneParams,
) -> impl Stream<Item = Result<(String, usize), StoreError>> {
    futures::stream::unfold(Some(params.after), move |state| {
        let store = store.clone();
        async move {
            let after = state?;
            let page = store.tombstones(params.since, params.changed_since, after, PAGE);
            match page.await {
                Ok(page) if page.is_empty() => None,
                Ok(page) => {
                    let next = page.last().map(|t| t.id);
                    let text: String = page.iter().map(tombstone_line).collect();
                    Some((Ok((text, page.len())), Some(next)))
                }
                Err(e) => Some((Err(e), None)),
            }
        }
    })
}

/// Turns rows into text in one format, piece by piece.
pub struct Encoder {
    format: Format,
    rows: usize,
}

const CSV_HEADER: &[&str] = &[
    "id",
    "title",
    "summary",
    "kind",
    "status",
    "start",
    "end",
    "precision",
    "approximate",
    "modifier",
    "edtf",
    "label",
    "quantity_value",
    "quantity_unit",
    "confidence",
    "actors",
    "actor_wikidata",
    "source_count",
    "source_urls",
    "created_at",
    "updated_at",
    "cursor",
];

const EDTF_HEADER: &[&str] = &["id", "edtf", "title", "kind", "actors"];

fn csv_line(fields: &[String]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(vec![]);
    // Writing to a Vec cannot fail.
    let _ = w.write_record(fields);
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// An actor of an exported event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocActor {
    pub id: Id,
    pub name: String,
    pub name_ar: Option<String>,
    pub kind: String,
    pub wikidata: Option<String>,
    pub role: String,
}

/// A source of an exported event: the sentence and where it was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocSource {
    pub mention_id: Id,
    pub article_id: Id,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub published_on: Option<String>,
    pub sentence: String,
    pub span: [i32; 2],
    pub when_text: Option<String>,
}

/// The date of an exported event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocDate {
    pub start: String,
    pub end: String,
    pub precision: String,
    pub approximate: bool,
    pub modifier: Option<String>,
    pub edtf: String,
    pub label_en: String,
    pub label_ar: String,
}

/// An event as every export format shows it; its JSON text is the NDJSON
/// line (field order included: [`DOC_VERSION`] names this shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Doc {
    pub id: Id,
    pub cursor: String,
    pub title: String,
    pub summary: Option<String>,
    pub kind: String,
    pub status: String,
    pub confidence: f64,
    pub date: DocDate,
    pub quantity: Option<Quantity>,
    /// Every count, `{value, unit, qualifier}` (version 2).
    pub quantities: Vec<Count>,
    pub actors: Vec<DocActor>,
    pub sources: Vec<DocSource>,
    pub source_count: usize,
    pub created_at: String,
    pub updated_at: String,
}

impl Doc {
    /// The document of a row read from the store.
    pub fn of(r: &Row) -> Doc {
        let e = &r.event;
        Doc {
            id: e.id,
            cursor: Cursor::of(e, EventOrder::DateAsc).encode(),
            title: e.title.clone(),
            summary: e.summary.clone(),
            kind: e.kind.as_str().into(),
            status: e.status.as_str().into(),
            confidence: e.confidence,
            date: DocDate {
                start: format_date(e.date.start),
                end: format_date(e.date.end),
                precision: e.date.precision.as_str().into(),
                approximate: e.date.approximate,
                modifier: e.date.modifier.map(|m| m.as_str().into()),
                edtf: e.date.edtf(),
                label_en: e.date.label("en"),
                label_ar: e.date.label("ar"),
            },
            quantity: e.quantity.clone(),
            quantities: e.quantities.clone(),
            actors: r
                .actors
                .iter()
                .map(|(a, role)| DocActor {
                    id: a.id,
                    name: a.name.clone(),
                    name_ar: a.name_ar.clone(),
                    kind: a.kind.as_str().into(),
                    wikidata: a.wikidata.clone(),
                    role: role.as_str().into(),
                })
                .collect(),
            sources: r
                .sources
                .iter()
                .map(|(m, a)| DocSource {
                    mention_id: m.id,
                    article_id: m.article_id,
                    url: a.as_ref().and_then(|a| a.url.clone()),
                    outlet: a.as_ref().and_then(|a| a.outlet.clone()),
                    published_on: a.as_ref().map(|a| format_date(a.published_on)),
                    sentence: m.sentence.clone(),
                    span: [m.span.0, m.span.1],
                    when_text: m.when_text.clone(),
                })
                .collect(),
            source_count: crate::domain::source_count(r.sources.iter().map(|(m, _)| m)),
            created_at: e.created_at.to_rfc3339(),
            updated_at: e.updated_at.to_rfc3339(),
        }
    }

    /// The JSON text (one line).
    pub fn json(&self) -> String {
        // Plain data with string keys: serialization cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

fn csv_row(d: &Doc) -> String {
    let join =
        |f: &dyn Fn(&DocActor) -> String| d.actors.iter().map(f).collect::<Vec<_>>().join("; ");
    let urls: Vec<&str> = d.sources.iter().filter_map(|s| s.url.as_deref()).collect();
    csv_line(&[
        d.id.to_string(),
        d.title.clone(),
        d.summary.clone().unwrap_or_default(),
        d.kind.clone(),
        d.status.clone(),
        d.date.start.clone(),
        d.date.end.clone(),
        d.date.precision.clone(),
        d.date.approximate.to_string(),
        d.date.modifier.clone().unwrap_or_default(),
        d.date.edtf.clone(),
        d.date.label_en.clone(),
        d.quantity
            .as_ref()
            .map(|q| q.value.to_string())
            .unwrap_or_default(),
        d.quantity
            .as_ref()
            .map(|q| q.unit.clone())
            .unwrap_or_default(),
        d.confidence.to_string(),
        join(&|a| a.name.clone()),
        join(&|a| a.wikidata.clone().unwrap_or_default()),
        d.source_count.to_string(),
        urls.join(" "),
        d.created_at.clone(),
        d.updated_at.clone(),
        d.cursor.clone(),
    ])
}

fn edtf_row(d: &Doc) -> String {
    let actors: Vec<&str> = d.actors.iter().map(|a| a.name.as_str()).collect();
    csv_line(&[
        d.id.to_string(),
        d.date.edtf.clone(),
        d.title.clone(),
        d.kind.clone(),
        actors.join("; "),
    ])
}

/// A TimelineJS date: only the parts the precision knows; years are
/// historical (no year zero: 44 BCE is -44).
fn tl_date(d: chrono::NaiveDate, p: Precision) -> serde_json::Value {
    let y = d.year();
    let year = if y <= 0 { y - 1 } else { y };
    match p {
        Precision::Day | Precision::Week => {
            serde_json::json!({"year": year, "month": d.month(), "day": d.day()})
        }
        Precision::Month | Precision::Quarter | Precision::Season => {
            serde_json::json!({"year": year, "month": d.month()})
        }
        _ => serde_json::json!({"year": year}),
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn timeline_row(d: &Doc, lang: &str) -> Result<String, String> {
    let day = |s: &str| parse_date(s).map_err(|e| e.to_string());
    let (start, end) = (day(&d.date.start)?, day(&d.date.end)?);
    let precision = Precision::parse(&d.date.precision)
        .ok_or_else(|| format!("unknown precision {:?}", d.date.precision))?;
    let mut text = d.summary.as_deref().map(esc).unwrap_or_default();
    let sources: Vec<String> = d
        .sources
        .iter()
        .map(|s| match s.url.as_deref() {
            Some(u) => format!("<a href=\"{}\">{}</a>", esc(u), esc(&s.sentence)),
            None => esc(&s.sentence),
        })
        .collect();
    if !sources.is_empty() {
        text.push_str(&format!("<ul><li>{}</li></ul>", sources.join("</li><li>")));
    }
    let group = d
        .actors
        .iter()
        .find(|a| a.role == ActorRole::Agent.as_str())
        .or(d.actors.first())
        .map(|a| {
            if lang == "ar" {
                a.name_ar.clone().unwrap_or(a.name.clone())
            } else {
                a.name.clone()
            }
        });
    let whole = precision.period_end(start) == Some(end);
    let label = if lang == "ar" {
        &d.date.label_ar
    } else {
        &d.date.label_en
    };
    let mut v = serde_json::json!({
        "unique_id": format!("event-{}", d.id),
        "start_date": tl_date(start, precision),
        "display_date": label,
        "text": {"headline": esc(&d.title), "text": text},
    });
    if !whole {
        v["end_date"] = tl_date(end, precision);
    }
    if let Some(g) = group {
        v["group"] = serde_json::Value::String(g);
    }
    Ok(v.to_string())
}

impl Encoder {
    /// An encoder for `format`.
    pub fn new(format: Format) -> Encoder {
        Encoder { format, rows: 0 }
    }

    /// What comes before the first row.
    pub fn header(&self) -> String {
        match self.format {
            Format::Ndjson => String::new(),
            Format::Csv => csv_line(&CSV_HEADER.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
            Format::EdtfCsv => csv_line(&EDTF_HEADER.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
            Format::Timelinejs => {
                "{\"title\":{\"text\":{\"headline\":\"Tarikh\",\"text\":\"Exported events\"}},\"events\":[".to_string()
            }
        }
    }

    /// One event. NDJSON is the document's text as it is; the other
    /// formats read it back first. A document that does not read back (it
    /// never should: it was written by this version) is an error, not a
    /// wrong row.
    pub fn row(&mut self, line: &Line) -> Result<String, StoreError> {
        if self.format == Format::Ndjson {
            self.rows += 1;
            let mut out = String::with_capacity(line.json.len() + 1);
            out.push_str(&line.json);
            out.push('\n');
            return Ok(out);
        }
        let unreadable = |e: String| {
            let id = line.id;
            StoreError::corrupt(format!("stored export document of event {id}: {e}"))
        };
        let d: Doc = serde_json::from_str(&line.json).map_err(|e| unreadable(e.to_string()))?;
        self.rows += 1;
        Ok(match self.format {
            Format::Ndjson | Format::Csv => csv_row(&d),
            Format::EdtfCsv => edtf_row(&d),
            Format::Timelinejs => {
                let sep = if self.rows > 1 { "," } else { "" };
                format!("{sep}\n{}", timeline_row(&d, "en").map_err(unreadable)?)
            }
        })
    }

    /// What comes after the last row.
    pub fn footer(&self) -> String {
        match self.format {
            Format::Timelinejs => "\n]}\n".to_string(),
            _ => String::new(),
        }
    }
}

/// One tombstone as an NDJSON line.
pub fn tombstone_line(t: &Tombstone) -> String {
    format!("{}\n", serde_json::to_string(t).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ActorKind, EventDate, EventKind, EventStatus, Qualifier};
    use chrono::{NaiveDate, TimeZone, Utc};

    fn row() -> Row {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let at = Utc.with_ymd_and_hms(2024, 3, 15, 8, 30, 0).unwrap();
        let actor = Actor {
            id: 7,
            name: "Example State".into(),
            name_ar: Some("دولة المثال".into()),
            kind: ActorKind::State,
            wikidata: Some("Q42".into()),
            status: "active".into(),
        };
        let article = ArticleRef {
            id: 3,
            url: Some("https://t.example/a".into()),
            title: None,
            outlet: Some("Test Wire".into()),
            published_on: day(2024, 3, 15),
        };
        Row {
            event: Event {
                id: 11,
                title: "Talks \"resume\"".into(),
                summary: None,
                kind: EventKind::Meeting,
                date: EventDate {
                    start: day(2014, 9, 1),
                    end: day(2014, 9, 30),
                    precision: Precision::Month,
                    approximate: true,
                    modifier: None,
                },
                quantity: Some(Quantity {
                    value: 61.0,
                    unit: "attacks".into(),
                }),
                quantities: vec![Count {
                    value: 61.0,
                    unit: "attacks".into(),
                    qualifier: Some(Qualifier::AtLeast),
                }],
                confidence: 0.85,
                status: EventStatus::Extracted,
                created_at: at,
                updated_at: at,
                rev: 2,
            },
            actors: vec![(Arc::new(actor), ActorRole::Agent)],
            sources: vec![(
                Mention {
                    id: 5,
                    event_id: 11,
                    article_id: 3,
                    sentence: "Talks resumed in September 2014.".into(),
                    span: (0, 32),
                    when_text: Some("September 2014".into()),
                    when_span: Some((16, 30)),
                },
                Some(Arc::new(article)),
            )],
        }
    }

    /// The stored documents' format: when this line changes, bump
    /// `DOC_VERSION` (documents stored by older builds are then made
    /// again) and update the expected text.
    #[test]
    fn export_doc_format_is_pinned() {
        assert_eq!(DOC_VERSION, 2, "update the expected line with the version");
        let expected = r#"{"id":11,"cursor":"ZDo3MzU0Nzc6NzM1NTA2OjEx","title":"Talks \"resume\"","summary":null,"kind":"meeting","status":"extracted","confidence":0.85,"date":{"start":"2014-09-01","end":"2014-09-30","precision":"month","approximate":true,"modifier":null,"edtf":"2014-09~","label_en":"September 2014 (approx.)","label_ar":"أيلول/سبتمبر 2014 (تقريبًا)"},"quantity":{"value":61.0,"unit":"attacks"},"quantities":[{"value":61.0,"unit":"attacks","qualifier":"at_least"}],"actors":[{"id":7,"name":"Example State","name_ar":"دولة المثال","kind":"state","wikidata":"Q42","role":"agent"}],"sources":[{"mention_id":5,"article_id":3,"url":"https://t.example/a","outlet":"Test Wire","published_on":"2024-03-15","sentence":"Talks resumed in September 2014.","span":[0,32],"when_text":"September 2014"}],"source_count":1,"created_at":"2024-03-15T08:30:00+00:00","updated_at":"2024-03-15T08:30:00+00:00"}"#;
        assert_eq!(Doc::of(&row()).json(), expected);
    }

    /// Every format reads the document back to the same fields.
    #[test]
    fn doc_reads_back() {
        let d = Doc::of(&row());
        let back: Doc = serde_json::from_str(&d.json()).unwrap();
        assert_eq!(back, d);
        let line = Line {
            id: 11,
            json: d.json(),
        };
        let mut enc = Encoder::new(Format::Timelinejs);
        let t = enc.row(&line).unwrap();
        let v: serde_json::Value = serde_json::from_str(t.trim()).unwrap();
        assert_eq!(
            v["start_date"],
            serde_json::json!({"year": 2014, "month": 9})
        );
        assert!(v.get("end_date").is_none());
        assert_eq!(v["group"], "Example State");
        let bad = Line {
            id: 11,
            json: "{".into(),
        };
        assert!(Encoder::new(Format::Csv).row(&bad).is_err());
    }
}
