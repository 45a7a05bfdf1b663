//! Export documents (migrations 5 and 7): each event's export line as of one
//! content revision (`event.rev`) in one document format version. Storage
//! keeps them opaque; the export use case builds them and names the
//! current format. A document counts only while its revision and version
//! match, so a change that increases the revision makes it stale in the
//! same transaction, with no list of documents to forget to delete.
//! Documents are stored compressed (migration 7: one LZ4 block each, its
//! length before it), so an export reads and ships a third fewer bytes;
//! callers see text.

use std::sync::atomic::Ordering;

use futures::StreamExt;
use sea_orm::sea_query::{CaseStatement, Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait, SelectGetableTuple, Selector, Set, TransactionTrait,
};

use super::entities::{event, event_doc};
use super::query::{keyset, Cursor};
use super::txn::INSERT_CHUNK;
use super::{Store, StoreError, StoreResult};
use crate::domain::{EventFilter, EventId, Id, SyncToken};

/// One event of an export: its place in date order and its stored
/// document when that is current.
#[derive(Debug, Clone)]
pub struct DocRow {
    pub id: EventId,
    pub start_day: i32,
    pub end_day: i32,
    /// The stored document, if made at the event's revision in the
    /// version asked for.
    pub doc: Option<String>,
}

/// The joined document was made at the event's revision in format
/// `version`.
fn current(version: i32) -> Expr {
    Expr::col((event_doc::Entity, event_doc::Column::Rev))
        .equals((event::Entity, event::Column::Rev))
        .and(Expr::col((event_doc::Entity, event_doc::Column::Version)).eq(version))
}

/// A document to store: event id, the revision it was made at, the text.
pub type NewDoc = (EventId, i64, String);

/// A document as stored: its length (4 bytes, little-endian), then its
/// text as one LZ4 block.
fn pack(doc: &str) -> Vec<u8> {
    lz4_flex::compress_prepend_size(doc.as_bytes())
}

/// A stored document's text, or none when it does not unpack to exactly
/// its recorded length of UTF-8 (it is then made again from the rows,
/// like a stale one). A length LZ4 cannot reach from the block (over 255
/// times it) is refused before anything is allocated; a block cut short
/// decodes to less than its length and is refused too. LZ4 blocks carry
/// no checksum: damage that still decodes to the right length of UTF-8
/// goes unseen, as it did when documents were stored as text.
fn unpack(packed: &[u8]) -> Option<String> {
    let (len, block) = packed.split_first_chunk::<4>()?;
    let len = u32::from_le_bytes(*len) as usize;
    if len > block.len().saturating_mul(255) {
        return None;
    }
    let text = lz4_flex::block::decompress(block, len).ok()?;
    if text.len() != len {
        return None;
    }
    String::from_utf8(text).ok()
}

/// How long a streaming export waits for its reader to take a batch
/// before it gives up (the client's download then ends short).
const STALLED_READER: std::time::Duration = std::time::Duration::from_secs(30);

impl Store {
    /// Every event matching `filter` strictly after `cursor`, in ascending
    /// date order, each with its current document (made at the event's
    /// revision in format `version`) or none, in batches of `batch` rows.
    /// One statement, read as it streams on its own task (one snapshot for
    /// the whole export, no per-page restarts), at most two batches ahead
    /// of the receiver: memory stays flat whatever the size. The task ends
    /// when the receiver is dropped. It holds a connection throughout, so
    /// only a quarter of the pool streams at once; later exports wait.
    pub fn doc_stream(
        &self,
        filter: EventFilter,
        cursor: Option<Cursor>,
        batch: usize,
        version: i32,
    ) -> tokio::sync::mpsc::Receiver<StoreResult<Vec<DocRow>>> {
        let (tx, rx) = tokio::sync::mpsc::channel(2);
        let store = self.clone();
        tokio::spawn(async move {
            let read = async {
                // Waiting for a turn ends when the reader goes away.
                store.streams_waiting.fetch_add(1, Ordering::SeqCst);
                let turn = tokio::select! {
                    turn = store.streams.acquire() => turn.ok(),
                    _ = tx.closed() => None,
                };
                store.streams_waiting.fetch_sub(1, Ordering::SeqCst);
                let Some(_turn) = turn else {
                    return Ok(());
                };
                let Some(q) = store.doc_select(&filter, cursor, version).await? else {
                    return Ok(());
                };
                let txn = store.doc_reads().await?;
                let mut rows = q.stream(&txn).await?;
                let mut buf = Vec::with_capacity(batch);
                while let Some(row) = rows.next().await {
                    let (id, start_day, end_day, doc) = row?;
                    buf.push(DocRow {
                        id: EventId(id),
                        start_day,
                        end_day,
                        doc: doc.as_deref().and_then(unpack),
                    });
                    if buf.len() >= batch {
                        let full = std::mem::replace(&mut buf, Vec::with_capacity(batch));
                        // A reader that takes nothing for this long is let
                        // go, with its connection and its turn.
                        match tokio::time::timeout(STALLED_READER, tx.send(Ok(full))).await {
                            Ok(Ok(())) => {}
                            Ok(Err(_)) => return Ok(()),
                            Err(_) => {
                                tracing::warn!("export reader stalled: stream closed");
                                return Ok(());
                            }
                        }
                    }
                }
                if !buf.is_empty() {
                    let _ = tx.send(Ok(buf)).await;
                }
                drop(rows);
                txn.commit().await?;
                Ok::<_, StoreError>(())
            };
            if let Err(e) = read.await {
                let _ = tx.send(Err(e)).await;
            }
        });
        rx
    }

    /// A transaction for statements that join the document table. Their
    /// plan may be made while the table is empty (just migrated, or
    /// cleared) and analyzed so; the planner then scans it whole for every
    /// event while the documents being made fill it (quadratic: an export
    /// of 100,000 events once took 450 s). Index lookups by primary key are
    /// right at any size, so PostgreSQL is told to use them.
    async fn doc_reads(&self) -> StoreResult<sea_orm::DatabaseTransaction> {
        let txn = self.long.begin().await?;
        if self.is_postgres() {
            txn.execute_unprepared("SET LOCAL enable_seqscan = off")
                .await?;
        }
        Ok(txn)
    }

    /// The statement of [`Store::doc_stream`]: `(id, start day, end day,
    /// current document)` in date order; `None` when the filter can match
    /// nothing.
    async fn doc_select(
        &self,
        filter: &EventFilter,
        cursor: Option<Cursor>,
        version: i32,
    ) -> StoreResult<Option<Selector<SelectGetableTuple<(Id, i32, i32, Option<Vec<u8>>)>>>> {
        let resume_at = match cursor {
            Some(Cursor::Date(start, ..)) => Some(start),
            _ => None,
        };
        let Some(plan) = self.plan(filter, resume_at).await? else {
            return Ok(None);
        };
        let mut cond = plan.cond;
        if let Some(c) = cursor {
            cond = cond.add(keyset(plan.days, c, false));
        }
        let doc: Expr = CaseStatement::new()
            .case(
                current(version),
                Expr::col((event_doc::Entity, event_doc::Column::Doc)),
            )
            .into();
        let days = plan.days;
        Ok(Some(
            plan.select
                .select_only()
                .column_as(days.id(), "id")
                .column_as(days.start(), "start_day")
                .column_as(days.end(), "end_day")
                .column_as(doc, "doc")
                .join(JoinType::LeftJoin, event_doc::Relation::Event.def().rev())
                .filter(cond)
                .order_by_asc(days.start())
                .order_by_asc(days.end())
                .order_by_asc(days.id())
                .into_tuple(),
        ))
    }

    /// Stores documents in format `version`, one statement per 500. A stored
    /// document is replaced only by one of the same or a later revision, or
    /// another version, so a slow writer cannot put back an older one (one
    /// of the same revision is the same text, or mends a damaged one).
    pub async fn store_docs(&self, docs: &[NewDoc], version: i32) -> StoreResult<()> {
        if docs.is_empty() {
            return Ok(());
        }
        let _writer = self.write_lock().await;
        for chunk in docs.chunks(INSERT_CHUNK) {
            let rows = chunk.iter().map(|(id, rev, doc)| event_doc::ActiveModel {
                event_id: Set(id.0),
                rev: Set(*rev),
                version: Set(version),
                doc: Set(pack(doc)),
            });
            let newer = Expr::col((event_doc::Entity, event_doc::Column::Rev))
                .lte(Expr::cust("excluded.rev"))
                .or(Expr::col((event_doc::Entity, event_doc::Column::Version))
                    .ne(Expr::cust("excluded.version")));
            event_doc::Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::column(event_doc::Column::EventId)
                        .update_columns([
                            event_doc::Column::Rev,
                            event_doc::Column::Version,
                            event_doc::Column::Doc,
                        ])
                        .action_and_where(newer)
                        .to_owned(),
                )
                .exec_without_returning(&self.db)
                .await?;
        }
        Ok(())
    }

    /// Up to `limit` ids of events, ascending after `after`, whose document
    /// is missing or not current for format `version`; with `changed_since`,
    /// only events written after that sync token was taken (found by their
    /// change number's index, so a recent window costs little).
    pub async fn stale_docs(
        &self,
        changed_since: Option<SyncToken>,
        after: Option<EventId>,
        limit: u64,
        version: i32,
    ) -> StoreResult<Vec<EventId>> {
        let mut q = event::Entity::find()
            .select_only()
            .column(event::Column::Id)
            .join(JoinType::LeftJoin, event_doc::Relation::Event.def().rev())
            .filter(
                current(version)
                    .not()
                    .or(event_doc::Column::EventId.is_null()),
            );
        if let Some(a) = after {
            q = q.filter(event::Column::Id.gt(a));
        }
        if let Some(t) = changed_since {
            q = q.filter(event::Column::ChangeSeq.gte(t.0));
        }
        let txn = self.doc_reads().await?;
        let ids: Vec<i64> = q
            .order_by_asc(event::Column::Id)
            .limit(limit)
            .into_tuple()
            .all(&txn)
            .await?;
        txn.commit().await?;
        Ok(ids.into_iter().map(EventId).collect())
    }

    /// Drops every stored document (exports then build them again);
    /// returns how many there were.
    pub async fn clear_docs(&self) -> StoreResult<u64> {
        Ok(event_doc::Entity::delete_many()
            .exec(&self.db)
            .await?
            .rows_affected)
    }
}

#[cfg(test)]
mod tests {
    use super::{pack, unpack};

    #[test]
    fn documents_unpack_to_what_was_packed() {
        let doc = r#"{"id":7,"title":"تأسيس التحالف الدولي","actors":[]}"#.repeat(20);
        let packed = pack(&doc);
        assert!(packed.len() < doc.len() / 2, "{} bytes", packed.len());
        assert_eq!(unpack(&packed).as_deref(), Some(doc.as_str()));
        assert_eq!(unpack(&pack("")).as_deref(), Some(""));
    }

    #[test]
    fn damaged_documents_unpack_to_none() {
        let mut packed = pack(&"word ".repeat(100));
        // A length no block of this size can reach: refused, not allocated.
        assert_eq!(unpack(b"\xff\xff\xff\x7fabc"), None);
        assert_eq!(unpack(b"ab"), None);
        packed.truncate(packed.len() - 3);
        assert_eq!(unpack(&packed), None);
        // A length larger than the block decodes to: refused, not cut.
        let mut longer = pack("a line of export text");
        let len = u32::from_le_bytes(longer[..4].try_into().unwrap()) + 1;
        longer[..4].copy_from_slice(&len.to_le_bytes());
        assert_eq!(unpack(&longer), None);
        // Bytes that are not UTF-8.
        assert_eq!(
            unpack(&lz4_flex::compress_prepend_size(&[0xff, 0xfe])),
            None
        );
    }
}
