//! The export streams: every matching event a batch of lines at a time
//! (stored documents, missing ones made on the way), encoded in a format;
//! and the tombstone feed.

use std::collections::HashMap;

use futures::Stream;

use crate::domain::{EventFilter, EventId, SyncToken};
use crate::storage::{Cursor, DocRow, Store, StoreError};

use super::cache::{make_docs, DocWriter};
use super::encode::{tombstone_line, Encoder};
use super::query::TombstoneSpan;
use super::{ExportError, Format, DOC_VERSION, PAGE};

/// One exported event: its id and its document's JSON text (the NDJSON
/// line without its newline).
#[derive(Debug, Clone)]
pub struct Line {
    pub id: EventId,
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
    let stale: Vec<EventId> = rows
        .iter()
        .filter(|r| r.doc.is_none())
        .map(|r| r.id)
        .collect();
    let mut made: HashMap<EventId, String> = HashMap::new();
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
) -> impl Stream<Item = Result<(String, usize), ExportError>> {
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
    params: TombstoneSpan,
) -> impl Stream<Item = Result<(String, usize), ExportError>> {
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
                Err(e) => Some((Err(e.into()), None)),
            }
        }
    })
}
