//! Search text of rows written before migration 11: filled once, in
//! batches, when the store migrates. `search_pending` holds a row until
//! every event, mention and article has its text, so a run cut short is
//! finished by the next one.

use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
    TransactionTrait,
};

use super::convert::{article_search_row, event_search_row, search_text};
use super::entities::{article, article_search, event, event_search, mention};
use super::txn::insert_chunked;
use super::{Store, StoreResult};
use crate::domain::EventId;

/// Rows filled at a time (one statement, or one transaction of updates).
const BATCH: u64 = 500;

impl Store {
    /// Fills the search text of rows that have none, if migration 11 left
    /// that pending.
    pub(super) async fn fill_search(&self) -> StoreResult<()> {
        let db = &self.long;
        let backend = db.get_database_backend();
        let pending = db
            .query_one_raw(Statement::from_string(
                backend,
                "SELECT id FROM search_pending LIMIT 1",
            ))
            .await?;
        if pending.is_none() {
            return Ok(());
        }
        // One writer at a time on SQLite, as every write of the store.
        let _writer = self.write_lock().await;
        in_batches(
            db,
            async || {
                event::Entity::find()
                    .select_only()
                    .columns([
                        event::Column::Id,
                        event::Column::Title,
                        event::Column::Summary,
                    ])
                    .filter(
                        event::Column::Id.not_in_subquery(
                            Query::select()
                                .column(event_search::Column::EventId)
                                .from(event_search::Entity)
                                .to_owned(),
                        ),
                    )
                    .order_by_asc(event::Column::Id)
                    .limit(BATCH)
                    .into_tuple::<(i64, String, Option<String>)>()
                    .all(db)
                    .await
            },
            |(id, title, summary)| {
                event_search_row(backend, EventId(*id), title, summary.as_deref())
            },
        )
        .await?;
        loop {
            let rows: Vec<(i64, String)> = mention::Entity::find()
                .select_only()
                .columns([mention::Column::Id, mention::Column::Sentence])
                .filter(mention::Column::SearchText.is_null())
                .order_by_asc(mention::Column::Id)
                .limit(BATCH)
                .into_tuple()
                .all(db)
                .await?;
            if rows.is_empty() {
                break;
            }
            let txn = db.begin().await?;
            for (id, sentence) in &rows {
                mention::Entity::update_many()
                    .col_expr(
                        mention::Column::SearchText,
                        Expr::value(search_text(backend, sentence)),
                    )
                    .filter(mention::Column::Id.eq(*id))
                    .exec(&txn)
                    .await?;
            }
            txn.commit().await?;
        }
        in_batches(
            db,
            async || {
                article::Entity::find()
                    .select_only()
                    .columns([
                        article::Column::Id,
                        article::Column::Title,
                        article::Column::Body,
                    ])
                    .filter(
                        article::Column::Id.not_in_subquery(
                            Query::select()
                                .column(article_search::Column::ArticleId)
                                .from(article_search::Entity)
                                .to_owned(),
                        ),
                    )
                    .order_by_asc(article::Column::Id)
                    // Bodies are long: fewer at a time.
                    .limit(BATCH / 10)
                    .into_tuple::<(i64, Option<String>, String)>()
                    .all(db)
                    .await
            },
            |(id, title, body)| article_search_row(backend, *id, title.as_deref(), body),
        )
        .await?;
        db.execute_unprepared("DELETE FROM search_pending").await?;
        Ok(())
    }
}

/// Writes the rows `make` builds from each batch `fetch` reads, one
/// multi-row insert a batch, until a batch comes back empty (`fetch` reads
/// the rows that have none yet, so each pass moves on).
async fn in_batches<T, A, C>(
    db: &C,
    fetch: impl AsyncFn() -> Result<Vec<T>, sea_orm::DbErr>,
    make: impl Fn(&T) -> A,
) -> StoreResult<()>
where
    A: sea_orm::ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    loop {
        let rows = fetch().await?;
        if rows.is_empty() {
            return Ok(());
        }
        insert_chunked(db, rows.iter().map(&make).collect()).await?;
    }
}
