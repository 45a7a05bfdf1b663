//! Export use case: every matching event in the order of a keyset (start
//! day, end day, id), streamed from one statement in batches, so memory
//! stays flat whatever the size, the rows come from one snapshot, and a job
//! can resume after the last row it saw (`after` = that row's cursor).
//! Formats: NDJSON (the full event), CSV (RFC 4180 with a header), EDTF CSV
//! (id, EDTF, title, kind, actors) and TimelineJS 3 JSON.
//!
//! By concern:
//! - [`query`]: what a client asks for ([`ExportQuery`], [`TombstoneQuery`]),
//!   checked into a filter and a cursor;
//! - [`document`]: the document of one event ([`Doc`], the NDJSON line),
//!   made from its rows; every format is rendered from it;
//! - [`encode`]: the formats ([`Encoder`]);
//! - [`cache`]: documents stored beside their events at their content
//!   revision, made in batches ([`DocBatches`]) and stored by exports;
//! - [`refresher`]: the background task that keeps documents current
//!   behind the API's writes ([`DocRefresher`]);
//! - [`stream`]: the export and tombstone streams.
//!
//! The statement reads the date-ordered events with their documents; only
//! events whose document is missing or stale (changed since, or made by a
//! build with another [`DOC_VERSION`]) are read with their actors, mentions
//! and articles, a batch at a time, and their new documents are stored for
//! the next export. Ingestion stores the documents of what it wrote.

pub mod cache;
pub mod document;
pub mod encode;
pub mod query;
pub mod refresher;
pub mod stream;

use crate::storage::StoreError;

pub use cache::{make_docs, refresh_docs, refresh_stale_docs, DocBatches};
pub use document::{ActorLink, Doc, Row};
pub use encode::{tombstone_line, Encoder};
pub use query::{ExportQuery, TombstoneQuery, TombstoneSpan};
pub use refresher::DocRefresher;
pub use stream::{encoded, lines, sync_token_for, tombstone_pages, Line};

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
    /// A GeoJSON FeatureCollection (RFC 7946): one point feature per event
    /// and place, events without a place left out.
    Geojson,
}

impl Format {
    /// The HTTP content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Ndjson => "application/x-ndjson; charset=utf-8",
            Format::Csv | Format::EdtfCsv => "text/csv; charset=utf-8",
            Format::Timelinejs => "application/json; charset=utf-8",
            Format::Geojson => "application/geo+json; charset=utf-8",
        }
    }
}

/// Version of the stored document format: bump it whenever an event's
/// NDJSON line changes (its fields, labels, EDTF, number formats), so that
/// documents stored by an older build are made again instead of served.
/// The test `export_doc_format_is_pinned` fails when the line changes.
pub const DOC_VERSION: i32 = 4;

/// What can go wrong in an export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The client's query is wrong (a bad parameter, said how).
    #[error("{0}")]
    BadQuery(String),
    /// A stored document does not read back (it never should: this version
    /// wrote it): a server fault, logged, not the client's.
    #[error("stored export document of event {id}: {reason}")]
    BadDocument {
        id: crate::domain::EventId,
        reason: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}
