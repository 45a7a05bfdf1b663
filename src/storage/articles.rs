//! Articles: the sources events cite.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};

use super::convert::{article_search_row, content_hash, to_article};
use super::entities::{article, article_search};
use super::error::classify;
use super::query::search_expr;
use super::{Store, StoreError, StoreResult};
use crate::domain::{Article, ArticleId, ArticleRef, Id, NewArticle};

/// Citation columns of an article: id, url, title, outlet, publication day.
type RefRow = (
    Id,
    Option<String>,
    Option<String>,
    Option<String>,
    chrono::NaiveDate,
);

impl Store {
    /// Stores an article; a duplicate url or body is refused.
    pub async fn create_article(&self, new: &NewArticle) -> StoreResult<Article> {
        if new.body.trim().is_empty() {
            return Err(StoreError::Invalid("article body must not be empty".into()));
        }
        let published = new
            .published_on
            .ok_or_else(|| StoreError::Invalid("article publication date is required".into()))?;
        let _writer = self.write_lock().await;
        let txn = self.db.begin().await?;
        let m = article::ActiveModel {
            url: Set(new.url.clone().filter(|u| !u.trim().is_empty())),
            title: Set(new.title.clone()),
            outlet: Set(new.outlet.clone()),
            language: Set(new.language.clone()),
            published_on: Set(published),
            body: Set(new.body.clone()),
            content_hash: Set(content_hash(&new.body)),
            ingested_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| classify(e, "an article with that url or body"))?;
        let backend = txn.get_database_backend();
        let row = article_search_row(backend, m.id, m.title.as_deref(), &m.body);
        article_search::Entity::insert(row)
            .exec_without_returning(&txn)
            .await?;
        txn.commit().await?;
        Ok(to_article(m))
    }

    /// Articles by id; unknown ids are left out.
    pub async fn articles_by_ids(&self, ids: &[ArticleId]) -> StoreResult<Vec<Article>> {
        Ok(self
            .rows_by_ids::<article::Entity, _>(article::Column::Id, ids)
            .await?
            .into_iter()
            .map(to_article)
            .collect())
    }

    /// Citation fields of articles by id (bodies are not read).
    pub async fn article_refs(&self, ids: &[ArticleId]) -> StoreResult<Vec<ArticleRef>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let rows: Vec<RefRow> = article::Entity::find()
            .select_only()
            .column(article::Column::Id)
            .column(article::Column::Url)
            .column(article::Column::Title)
            .column(article::Column::Outlet)
            .column(article::Column::PublishedOn)
            .filter(self.id_in(article::Column::Id, ids))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, url, title, outlet, published_on)| ArticleRef {
                id: ArticleId(id),
                url,
                title,
                outlet,
                published_on,
            })
            .collect())
    }

    /// Articles ordered by id after `after`, those holding every word of
    /// `search` when given (`domain::search`, migration 11); `limit + 1`
    /// rows tell whether more follow.
    pub async fn articles_page(
        &self,
        search: Option<&str>,
        after: Option<ArticleId>,
        limit: u64,
    ) -> StoreResult<(Vec<Article>, bool)> {
        let mut q = article::Entity::find();
        if let Some(a) = after {
            q = q.filter(article::Column::Id.gt(a));
        }
        if let Some(text) = search {
            q = q.filter(search_expr(
                self.is_postgres(),
                text,
                "article.id IN (SELECT article_id FROM article_search \
                 WHERE to_tsvector('tarikh', body) @@ plainto_tsquery('tarikh', $1))",
                "article.id IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ?)",
                1,
            ));
        }
        let rows = q
            .order_by_asc(article::Column::Id)
            .limit(limit + 1)
            .all(&self.db)
            .await?;
        let more = rows.len() as u64 > limit;
        Ok((
            rows.into_iter()
                .take(limit as usize)
                .map(to_article)
                .collect(),
            more,
        ))
    }
}
