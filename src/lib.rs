//! Tarikh: a timeline and chronology database. News articles go in; dated
//! events come out, each with an honest date interval and its precision,
//! its actors (one actor whatever the spelling), quantities, and the exact
//! sentence of every article that reported it.
//!
//! # Architecture
//!
//! Layers, with dependencies pointing one way only (down this list):
//!
//! | module | role | may use |
//! |---|---|---|
//! | [`cli`], `main.rs` | argument parsing (clap), wiring, exit codes; `main` is a thin shell over [`cli::main`] | everything below |
//! | [`http`] | actix-web: routes, body limit, CORS, bearer token hand-off, per-client rate and concurrency limits, request deadlines, the GraphQL threads, the response cache for repeated anonymous queries with ETags ([`http::cache`]), subscriptions over WebSocket with their limits ([`http::ws`]), health, metrics, streaming export endpoints (typed queries read from the query string), graceful shutdown | `graphql`, use cases; of `storage` only the [`storage::Store`] handle (its health, pool figures and sync token) |
//! | [`graphql`] | async-graphql schema: types, filters, connections, loaders, subscriptions (`eventChanges`) shared by identical subscribers, error codes, the limits every request is measured against before it runs, waking the export documents' refresher after mutations | use cases, `storage`, `domain` |
//! | [`ingest`], [`export`], [`live`], [`demo`] (use cases) | where extraction meets storage: files to events (parallel extraction, one transaction per article; [`ingest::IngestError`]), re-extraction of stored articles, streaming exports by concern (query, document, encode, cache, refresher, stream; [`export::ExportError`]), the change feed behind subscriptions and the store's generation that keeps cached answers current ([`live::Feed`]), the demo timeline | `extract`, `storage`, `domain`; `ingest` uses `export` to make the documents of what it wrote |
//! | [`storage`] | SeaORM entities, migrations, queries on PostgreSQL and SQLite, as a one-way chain: building blocks (`entities`, `error`, `convert`, `query`, `txn`) under whole operations (`events`, `history`, `actors`, `articles`, `docs`, `ingest`, `search`) that never use each other; [`storage::StoreError`] | `domain`, `migration` |
//! | [`extract`] | text to events: pure, deterministic | `domain` |
//! | [`domain`] | shared vocabulary and pure policy: dates with precision, EDTF, labels, the Hijri calendar beside the Gregorian ([`domain::hijri`]), kinds, the one normalization of search text for indexes and queries ([`domain::search`]), records, name normalization, ingestion's input and outcome types, deduplication and the merge decision ([`domain::dedup`]), which live changes a filter matches ([`domain::live`]) | nothing of ours |
//!
//! # Invariants
//!
//! - `domain` and `extract` are pure: no I/O, no clock, no database, no web
//!   framework. Extraction never fails: it returns results plus diagnostics;
//!   the reference date is an argument.
//! - `storage` is the only module that imports `sea_orm`; entities never
//!   leave it. It takes and returns `domain` records, plus three read
//!   models of its own ([`storage::Cursor`], [`storage::EventPage`],
//!   [`storage::DocRow`]). Which stored event an extracted one merges
//!   into, and what the merged event keeps, is decided in
//!   [`domain::dedup`]; storage only fetches the candidates and writes.
//! - `clap` lives in `cli`; each layer has its own error enum
//!   (`thiserror`): [`storage::StoreError`] (constraints told by name),
//!   [`ingest::IngestError`], [`export::ExportError`]; GraphQL errors carry
//!   a code ([`graphql::errors`]).
//! - `graphql` never imports actix; its types wrap `domain` records, not
//!   entities. `http` is the only home of actix.
//! - Rows are named by typed ids ([`domain::EventId`], [`domain::ActorId`],
//!   [`domain::ArticleId`], [`domain::MentionId`]): an actor id cannot be
//!   passed where an event id is meant. They serialize as bare numbers, and
//!   storage binds them as the `BIGINT` they are stored as.
//! - Dates are inclusive day intervals stored as sortable integer day
//!   numbers ([`domain::day_number`]), so ordering and range filters are
//!   right for any year, BCE included, on both backends.
//! - One normalization function ([`domain::normalize_name`]) is used both to
//!   store aliases and to look names up.
//! - Lists page with keyset cursors on the sort key (never OFFSET); nested
//!   lists are fetched in one statement per kind per page, so statements
//!   per request do not grow with the page size.
//! - Every GraphQL error carries `extensions.code`; database details are
//!   logged, never sent to clients.
//! - No request can make unbounded work: a document is measured (nesting,
//!   fields with fragments expanded, root fields, batch size) before
//!   async-graphql parses it again or validates it ([`graphql::limits`]);
//!   filters are capped ([`domain::EventFilter::check_limits`]); dates are
//!   years −9999 to 9999 everywhere ([`domain::check_range`]), so date
//!   arithmetic cannot overflow; the server's statements have a time
//!   limit and its queries a deadline; clients have rates and shares.
//!   `tests/tidy.rs` keeps `src/` free of panicking calls and unchecked
//!   date arithmetic, and checks these layer rules, the storage chain and
//!   the house rules of CONTRIBUTING.md.
//! - A landed migration is never edited: changes are new migrations.
//! - On PostgreSQL, each `event_actor` row carries a copy of its event's
//!   days and status, kept equal by database triggers (migration 4), so
//!   one actor's timeline is an index range and its histogram an
//!   index-only scan; no Rust code writes those columns.
//! - Every change to an event writes a revision (who, when, why, fields
//!   before and after); deleted and merged events leave tombstones.
//!   Re-extraction never rewrites `confirmed` or `rejected` events.
//! - Writes of one article are one transaction: all of its events,
//!   mentions, actors and links, or nothing.
//! - Every write that changes what an export shows of an event (its row,
//!   actor links, mentions, or its actors' names and Wikidata ids)
//!   increases the event's content revision `rev` and `updated_at` in the
//!   same transaction. A stored export document serves only while its
//!   revision and format ([`export::DOC_VERSION`]) match, so it is never
//!   out of date; it is a cache (stored compressed; one that does not
//!   unpack is made again by the export that reads it), and losing it
//!   costs only speed. Writers
//!   keep it warm: ingestion makes the documents of what it wrote, and a
//!   refresher behind the GraphQL mutations ([`export::DocRefresher`]) those of
//!   the events they changed, without holding the mutation up.
//! - The database itself numbers every write of an event or tombstone
//!   (`change_seq`, migration 6's triggers), and a sync token is taken
//!   before a read: `changedSince` then misses no write, whatever order
//!   writers commit in. No write path sets `change_seq` by hand.
//! - Subscriptions read the store once per change, not once per
//!   subscriber: one feed per server ([`live::Feed`]) reads what was
//!   written since its last sync token (woken by PostgreSQL's `NOTIFY`
//!   from migration 9's triggers, so other processes' writes count; on
//!   SQLite by watching the change counter) and broadcasts it through a
//!   bounded buffer; each subscriber matches it in memory
//!   ([`domain::live::LiveFilter`]). A subscriber that falls behind the
//!   buffer is ended, never buffered for. Identical subscriptions are
//!   executed once per change for all of them
//!   ([`graphql::cohorts`]), so nothing a subscription returns may depend
//!   on its connection.

pub mod cli;
pub mod demo;
pub mod domain;
pub mod export;
pub mod extract;
pub mod graphql;
pub mod http;
pub mod ingest;
pub mod live;
pub mod storage;
