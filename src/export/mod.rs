//! Export use case: every matching event, streamed in pages over a keyset
//! (start day, end day, id), so memory stays flat whatever the size and a
//! job can resume after the last row it saw (`after` = that row's cursor).
//! Formats: NDJSON (the full event), CSV (RFC 4180 with a header), EDTF CSV
//! (id, EDTF, title, kind, actors) and TimelineJS 3 JSON.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Utc};
use futures::Stream;
use serde::Serialize;

use crate::domain::{
    format_date, parse_date, Actor, ActorRole, ArticleRef, Event, EventFilter, EventKind,
    EventOrder, EventStatus, Id, Mention, Precision, Tombstone,
};
use crate::storage::{Cursor, Store, StoreError};

/// Rows fetched per page.
pub const PAGE: u64 = 1000;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
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

/// An actor of a row with its role.
pub type ActorLink = (Arc<Actor>, ActorRole);

/// An event with everything an export shows (actors and articles are
/// shared between the rows of a page, not copied).
#[derive(Debug, Clone)]
pub struct Row {
    pub event: Event,
    pub actors: Vec<ActorLink>,
    pub sources: Vec<(Mention, Option<Arc<ArticleRef>>)>,
    pub cursor: String,
}

/// Loads one page of rows after `cursor`: four statements whatever the page size.
pub async fn page(
    store: &Store,
    filter: &EventFilter,
    cursor: Option<Cursor>,
    limit: u64,
) -> Result<(Vec<Row>, bool), StoreError> {
    let p = store
        .events_page(filter, EventOrder::DateAsc, cursor, limit, false)
        .await?;
    let ids: Vec<Id> = p.events.iter().map(|e| e.id).collect();
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
    let rows = p
        .events
        .into_iter()
        .map(|e| {
            let cursor = Cursor::of(&e, EventOrder::DateAsc).encode();
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
                cursor,
            }
        })
        .collect();
    Ok((rows, p.has_more))
}

type PageResult = Result<(Vec<Row>, bool), StoreError>;

/// Every matching event after `cursor`, page by page. The next page is
/// fetched (on the runtime) while the caller writes the current one.
pub fn rows(
    store: Store,
    filter: EventFilter,
    cursor: Option<Cursor>,
) -> impl Stream<Item = Result<Vec<Row>, StoreError>> {
    let fetch = move |cursor: Option<Cursor>| -> tokio::task::JoinHandle<PageResult> {
        let (store, filter) = (store.clone(), filter.clone());
        tokio::spawn(async move { page(&store, &filter, cursor, PAGE).await })
    };
    let first = fetch(cursor);
    futures::stream::unfold(Some(first), move |state| {
        let fetch = fetch.clone();
        async move {
            let handle = state?;
            let fetched = match handle.await {
                Ok(r) => r,
                Err(e) => Err(StoreError::Invalid(format!("export task failed: {e}"))),
            };
            match fetched {
                Err(e) => Some((Err(e), None)),
                Ok((rows, more)) => {
                    if rows.is_empty() {
                        return None;
                    }
                    let next = rows
                        .last()
                        .filter(|_| more)
                        .map(|r| fetch(Some(Cursor::of(&r.event, EventOrder::DateAsc))));
                    Some((Ok(rows), next))
                }
            }
        }
    })
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
    let pages = rows(store, filter, cursor).map(move |page| {
        page.map(|rows| {
            let text: String = rows.iter().map(|r| enc.row(r)).collect();
            (text, rows.len())
        })
    });
    futures::stream::once(async move { Ok((header, 0)) })
        .chain(pages)
        .chain(futures::stream::once(async move { Ok((footer, 0)) }))
}

/// Tombstones after `since` (and after tombstone id `after`), oldest
/// first, as NDJSON text, a page at a time, each with its line count.
pub fn tombstone_pages(
    store: Store,
    since: Option<DateTime<Utc>>,
    after: Option<Id>,
) -> impl Stream<Item = Result<(String, usize), StoreError>> {
    futures::stream::unfold(Some(after), move |state| {
        let store = store.clone();
        async move {
            let after = state?;
            match store.tombstones(since, after, PAGE).await {
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

#[derive(Serialize)]
struct NdActor<'a> {
    id: Id,
    name: &'a str,
    name_ar: Option<&'a str>,
    kind: &'a str,
    wikidata: Option<&'a str>,
    role: &'a str,
}

#[derive(Serialize)]
struct NdSource<'a> {
    mention_id: Id,
    article_id: Id,
    url: Option<&'a str>,
    outlet: Option<&'a str>,
    published_on: Option<String>,
    sentence: &'a str,
    span: [i32; 2],
    when_text: Option<&'a str>,
}

fn source_count(r: &Row) -> usize {
    crate::domain::source_count(r.sources.iter().map(|(m, _)| m))
}

#[derive(Serialize)]
struct NdDate {
    start: String,
    end: String,
    precision: &'static str,
    approximate: bool,
    modifier: Option<&'static str>,
    edtf: String,
    label_en: String,
    label_ar: String,
}

#[derive(Serialize)]
struct NdEvent<'a> {
    id: Id,
    cursor: &'a str,
    title: &'a str,
    summary: Option<&'a str>,
    kind: &'static str,
    status: &'static str,
    confidence: f64,
    date: NdDate,
    quantity: Option<&'a crate::domain::Quantity>,
    actors: Vec<NdActor<'a>>,
    sources: Vec<NdSource<'a>>,
    source_count: usize,
    created_at: String,
    updated_at: String,
}

fn ndjson(r: &Row) -> String {
    let e = &r.event;
    let row = NdEvent {
        id: e.id,
        cursor: &r.cursor,
        title: &e.title,
        summary: e.summary.as_deref(),
        kind: e.kind.as_str(),
        status: e.status.as_str(),
        confidence: e.confidence,
        date: NdDate {
            start: format_date(e.date.start),
            end: format_date(e.date.end),
            precision: e.date.precision.as_str(),
            approximate: e.date.approximate,
            modifier: e.date.modifier.map(|m| m.as_str()),
            edtf: e.date.edtf(),
            label_en: e.date.label("en"),
            label_ar: e.date.label("ar"),
        },
        quantity: e.quantity.as_ref(),
        actors: r
            .actors
            .iter()
            .map(|(a, role)| NdActor {
                id: a.id,
                name: &a.name,
                name_ar: a.name_ar.as_deref(),
                kind: a.kind.as_str(),
                wikidata: a.wikidata.as_deref(),
                role: role.as_str(),
            })
            .collect(),
        sources: r
            .sources
            .iter()
            .map(|(m, a)| NdSource {
                mention_id: m.id,
                article_id: m.article_id,
                url: a.as_ref().and_then(|a| a.url.as_deref()),
                outlet: a.as_ref().and_then(|a| a.outlet.as_deref()),
                published_on: a.as_ref().map(|a| format_date(a.published_on)),
                sentence: &m.sentence,
                span: [m.span.0, m.span.1],
                when_text: m.when_text.as_deref(),
            })
            .collect(),
        source_count: source_count(r),
        created_at: e.created_at.to_rfc3339(),
        updated_at: e.updated_at.to_rfc3339(),
    };
    let mut out = serde_json::to_string(&row).unwrap_or_default();
    out.push('\n');
    out
}

fn csv_row(r: &Row) -> String {
    let e = &r.event;
    let join =
        |f: &dyn Fn(&ActorLink) -> String| r.actors.iter().map(f).collect::<Vec<_>>().join("; ");
    let urls: Vec<String> = r
        .sources
        .iter()
        .filter_map(|(_, a)| a.as_ref().and_then(|a| a.url.clone()))
        .collect();
    csv_line(&[
        e.id.to_string(),
        e.title.clone(),
        e.summary.clone().unwrap_or_default(),
        e.kind.as_str().into(),
        e.status.as_str().into(),
        format_date(e.date.start),
        format_date(e.date.end),
        e.date.precision.as_str().into(),
        e.date.approximate.to_string(),
        e.date
            .modifier
            .map(|m| m.as_str().to_string())
            .unwrap_or_default(),
        e.date.edtf(),
        e.date.label("en"),
        e.quantity
            .as_ref()
            .map(|q| q.value.to_string())
            .unwrap_or_default(),
        e.quantity
            .as_ref()
            .map(|q| q.unit.clone())
            .unwrap_or_default(),
        e.confidence.to_string(),
        join(&|(a, _)| a.name.clone()),
        join(&|(a, _)| a.wikidata.clone().unwrap_or_default()),
        source_count(r).to_string(),
        urls.join(" "),
        e.created_at.to_rfc3339(),
        e.updated_at.to_rfc3339(),
        r.cursor.clone(),
    ])
}

fn edtf_row(r: &Row) -> String {
    let e = &r.event;
    let actors: Vec<&str> = r.actors.iter().map(|(a, _)| a.name.as_str()).collect();
    csv_line(&[
        e.id.to_string(),
        e.date.edtf(),
        e.title.clone(),
        e.kind.as_str().into(),
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

fn timeline_row(r: &Row, lang: &str) -> String {
    let e = &r.event;
    let mut text = e.summary.as_deref().map(esc).unwrap_or_default();
    let sources: Vec<String> = r
        .sources
        .iter()
        .map(|(m, a)| match a.as_ref().and_then(|a| a.url.as_deref()) {
            Some(u) => format!("<a href=\"{}\">{}</a>", esc(u), esc(&m.sentence)),
            None => esc(&m.sentence),
        })
        .collect();
    if !sources.is_empty() {
        text.push_str(&format!("<ul><li>{}</li></ul>", sources.join("</li><li>")));
    }
    let group = r
        .actors
        .iter()
        .find(|(_, role)| *role == ActorRole::Agent)
        .or(r.actors.first())
        .map(|(a, _)| {
            if lang == "ar" {
                a.name_ar.clone().unwrap_or(a.name.clone())
            } else {
                a.name.clone()
            }
        });
    let whole = e.date.precision.period_end(e.date.start) == Some(e.date.end);
    let mut v = serde_json::json!({
        "unique_id": format!("event-{}", e.id),
        "start_date": tl_date(e.date.start, e.date.precision),
        "display_date": e.date.label(lang),
        "text": {"headline": esc(&e.title), "text": text},
    });
    if !whole {
        v["end_date"] = tl_date(e.date.end, e.date.precision);
    }
    if let Some(g) = group {
        v["group"] = serde_json::Value::String(g);
    }
    v.to_string()
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

    /// One row.
    pub fn row(&mut self, r: &Row) -> String {
        self.rows += 1;
        match self.format {
            Format::Ndjson => ndjson(r),
            Format::Csv => csv_row(r),
            Format::EdtfCsv => edtf_row(r),
            Format::Timelinejs => {
                let sep = if self.rows > 1 { "," } else { "" };
                format!("{sep}\n{}", timeline_row(r, "en"))
            }
        }
    }

    /// What comes after the last row.
    pub fn footer(&self) -> String {
        match self.format {
            Format::Timelinejs => "\n]}\n".to_string(),
            _ => String::new(),
        }
    }
}

/// Reads the tombstone feed's parameters from query pairs: `since` (RFC
/// 3339) and `after` (the `id` of the last tombstone seen); any other
/// parameter is refused.
pub fn tombstone_params(
    pairs: &[(String, String)],
) -> Result<(Option<DateTime<Utc>>, Option<Id>), String> {
    let (mut since, mut after) = (None, None);
    for (k, v) in pairs {
        match k.as_str() {
            "since" => {
                since = Some(
                    DateTime::parse_from_rfc3339(v.trim())
                        .map_err(|e| format!("since must be RFC 3339 ({e})"))?
                        .with_timezone(&Utc),
                )
            }
            "after" => {
                after = Some(
                    v.trim()
                        .parse::<Id>()
                        .map_err(|_| format!("after must be a tombstone id, got {v:?}"))?,
                )
            }
            other => return Err(format!("unknown parameter {other:?}")),
        }
    }
    Ok((since, after))
}

/// Builds a filter and resume cursor from query pairs: `from`, `to`
/// (YYYY-MM-DD), `actor` (repeatable: name, alias or id), `kind`,
/// `status` (repeatable or comma-separated), `updatedSince` (RFC 3339),
/// `after` (a cursor from a previous export).
pub fn filter_from_pairs(
    pairs: &[(String, String)],
) -> Result<(EventFilter, Option<Cursor>), String> {
    let mut f = EventFilter::default();
    let mut after = None;
    for (k, v) in pairs {
        let v = v.trim();
        let many = || v.split(',').map(str::trim).filter(|s| !s.is_empty());
        match k.as_str() {
            "from" => f.from = Some(parse_date(v).map_err(|e| e.to_string())?),
            "to" => f.to = Some(parse_date(v).map_err(|e| e.to_string())?),
            "actor" => match v.parse::<Id>() {
                Ok(id) => f.actor_ids.push(id),
                Err(_) if !v.is_empty() => f.actors.push(v.to_string()),
                Err(_) => return Err("an actor must not be empty".into()),
            },
            "kind" => {
                for s in many() {
                    f.kinds
                        .push(EventKind::parse(s).ok_or(format!("unknown kind {s:?}"))?);
                }
            }
            "status" => {
                for s in many() {
                    f.status
                        .push(EventStatus::parse(s).ok_or(format!("unknown status {s:?}"))?);
                }
            }
            "updatedSince" | "updated_since" => {
                f.updated_since = Some(
                    DateTime::parse_from_rfc3339(v)
                        .map_err(|e| format!("updatedSince must be RFC 3339 ({e})"))?
                        .with_timezone(&Utc),
                )
            }
            "after" => {
                after = Some(Cursor::decode(v, EventOrder::DateAsc).ok_or("invalid cursor")?);
            }
            other => return Err(format!("unknown parameter {other:?}")),
        }
    }
    if let (Some(a), Some(b)) = (f.from, f.to) {
        if a > b {
            return Err("`from` is after `to`".into());
        }
    }
    Ok((f, after))
}

/// One tombstone as an NDJSON line.
pub fn tombstone_line(t: &Tombstone) -> String {
    format!("{}\n", serde_json::to_string(t).unwrap_or_default())
}
