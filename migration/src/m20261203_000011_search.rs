//! Arabic-aware full-text search over events, their mention sentences and
//! articles. The text is normalized by `tarikh::domain::search` before it
//! is stored (folding and clitics), so:
//!
//! - `event_search (event_id, body)`: an event's title and summary;
//!   `article_search (article_id, body)`: an article's title and body
//!   (tables of their own, so reading an event or an article never reads
//!   its search text, and filling them never touches `event`'s change
//!   triggers); `mention.search_text`: the sentence;
//! - PostgreSQL: the `tarikh` text search configuration stems ASCII words
//!   with the English Snowball stemmer and every other word with the
//!   Arabic one (no stop words, like the SQLite side), and GIN indexes
//!   answer `to_tsvector('tarikh', …) @@ plainto_tsquery('tarikh', …)`;
//!   the `simple` index of the core migration goes;
//! - SQLite: the same Snowball stemmers run in Rust and the stems are
//!   indexed by FTS5 tables (`event_fts`, `mention_fts`, `article_fts`)
//!   over the three, kept in step by triggers.
//!
//! Rows written before this migration are filled by the store when it
//! migrates (`search_pending` holds one row until that is done).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &[&str] = &[
    "CREATE TEXT SEARCH DICTIONARY tarikh_english (TEMPLATE = snowball, Language = english)",
    "CREATE TEXT SEARCH DICTIONARY tarikh_arabic (TEMPLATE = snowball, Language = arabic)",
    "CREATE TEXT SEARCH CONFIGURATION tarikh (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION tarikh ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH tarikh_english",
    "ALTER TEXT SEARCH CONFIGURATION tarikh ALTER MAPPING FOR word, hword, hword_part WITH tarikh_arabic",
    "CREATE TABLE event_search (event_id bigint PRIMARY KEY REFERENCES event (id) ON DELETE CASCADE, body text NOT NULL)",
    "CREATE TABLE article_search (article_id bigint PRIMARY KEY REFERENCES article (id) ON DELETE CASCADE, body text NOT NULL)",
    "ALTER TABLE mention ADD COLUMN search_text text",
    "CREATE INDEX ix_event_search ON event_search USING GIN (to_tsvector('tarikh', body))",
    "CREATE INDEX ix_article_search ON article_search USING GIN (to_tsvector('tarikh', body))",
    "CREATE INDEX ix_mention_search ON mention USING GIN (to_tsvector('tarikh', coalesce(search_text, '')))",
    "DROP INDEX IF EXISTS ix_event_fts",
    "CREATE TABLE search_pending (id integer PRIMARY KEY)",
    "INSERT INTO search_pending VALUES (1)",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP TABLE IF EXISTS search_pending",
    "DROP INDEX IF EXISTS ix_mention_search",
    "ALTER TABLE mention DROP COLUMN IF EXISTS search_text",
    "DROP TABLE IF EXISTS article_search",
    "DROP TABLE IF EXISTS event_search",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS tarikh",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS tarikh_arabic",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS tarikh_english",
    "CREATE INDEX ix_event_fts ON event USING GIN (to_tsvector('simple', title || ' ' || coalesce(summary, '')))",
];

const SQLITE_UP: &[&str] = &[
    "CREATE TABLE event_search (event_id INTEGER PRIMARY KEY REFERENCES event (id) ON DELETE CASCADE, body TEXT NOT NULL)",
    "CREATE TABLE article_search (article_id INTEGER PRIMARY KEY REFERENCES article (id) ON DELETE CASCADE, body TEXT NOT NULL)",
    "ALTER TABLE mention ADD COLUMN search_text TEXT",
    "CREATE VIRTUAL TABLE event_fts USING fts5(body, content = 'event_search', content_rowid = 'event_id', tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE article_fts USING fts5(body, content = 'article_search', content_rowid = 'article_id', tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE mention_fts USING fts5(search_text, content = 'mention', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 0')",
    // Existing mentions enter the index (with no text yet), so the update
    // that fills their text later removes what is there.
    "INSERT INTO mention_fts (mention_fts) VALUES ('rebuild')",
    "CREATE TRIGGER event_fts_ins AFTER INSERT ON event_search BEGIN \
     INSERT INTO event_fts (rowid, body) VALUES (new.event_id, new.body); END",
    "CREATE TRIGGER event_fts_del AFTER DELETE ON event_search BEGIN \
     INSERT INTO event_fts (event_fts, rowid, body) VALUES ('delete', old.event_id, old.body); END",
    "CREATE TRIGGER event_fts_upd AFTER UPDATE ON event_search BEGIN \
     INSERT INTO event_fts (event_fts, rowid, body) VALUES ('delete', old.event_id, old.body); \
     INSERT INTO event_fts (rowid, body) VALUES (new.event_id, new.body); END",
    "CREATE TRIGGER article_fts_ins AFTER INSERT ON article_search BEGIN \
     INSERT INTO article_fts (rowid, body) VALUES (new.article_id, new.body); END",
    "CREATE TRIGGER article_fts_del AFTER DELETE ON article_search BEGIN \
     INSERT INTO article_fts (article_fts, rowid, body) VALUES ('delete', old.article_id, old.body); END",
    "CREATE TRIGGER mention_fts_ins AFTER INSERT ON mention BEGIN \
     INSERT INTO mention_fts (rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER mention_fts_del AFTER DELETE ON mention BEGIN \
     INSERT INTO mention_fts (mention_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER mention_fts_upd AFTER UPDATE OF search_text ON mention BEGIN \
     INSERT INTO mention_fts (mention_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); \
     INSERT INTO mention_fts (rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TABLE search_pending (id INTEGER PRIMARY KEY)",
    "INSERT INTO search_pending VALUES (1)",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TABLE IF EXISTS search_pending",
    "DROP TRIGGER IF EXISTS mention_fts_upd",
    "DROP TRIGGER IF EXISTS mention_fts_del",
    "DROP TRIGGER IF EXISTS mention_fts_ins",
    "DROP TABLE IF EXISTS mention_fts",
    "DROP TABLE IF EXISTS article_fts",
    "DROP TABLE IF EXISTS event_fts",
    "DROP TABLE IF EXISTS article_search",
    "DROP TABLE IF EXISTS event_search",
    "ALTER TABLE mention DROP COLUMN search_text",
];

async fn run(m: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let db = m.get_connection();
    for s in statements {
        db.execute_unprepared(s).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        match m.get_database_backend() {
            DatabaseBackend::Postgres => run(m, POSTGRES_UP).await,
            _ => run(m, SQLITE_UP).await,
        }
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        match m.get_database_backend() {
            DatabaseBackend::Postgres => run(m, POSTGRES_DOWN).await,
            _ => run(m, SQLITE_DOWN).await,
        }
    }
}
