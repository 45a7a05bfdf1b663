//! The API and ingestion over real databases: every test runs on a fresh
//! PostgreSQL database and, where it says so, on a fresh SQLite file too,
//! behind the real HTTP server or through the real binary. One binary,
//! modules by concern.

#[macro_use]
mod common;
mod helpers;

mod cache;
mod export;
mod hardening;
mod ingest;
mod input_props;
mod live;
mod places;
mod queries;
mod search;
mod server;
mod sync;
