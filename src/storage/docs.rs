//! Export documents (migration 5): each event's export line as of one
//! content revision (`event.rev`) in one document format version. Storage
//! keeps them opaque text; the export use case builds them and names the
//! current format. A document counts only while its revision and version
//! match, so a change that increases the revision makes it stale in the
//! same transaction, with no list of documents to forget to delete.

use sea_orm::sea_query::{CaseStatement, Expr, OnConflict};
use sea_orm::{
    ColumnTrait, EntityTrait, ExprTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait, Set,
};

use super::entities::{event, event_doc};
use super::events::{keyset, Cursor};
use super::{Store, StoreResult};
use crate::domain::{EventFilter, Id};

/// One event of an export page: its place in date order and its stored
/// document when that is current.
#[derive(Debug, Clone)]
pub struct DocRow {
    pub id: Id,
    pub start_day: i32,
    pub end_day: i32,
    /// The stored document, if made at the event's revision in the
    /// version asked for.
    pub doc: Option<String>,
}

impl DocRow {
    /// The keyset cursor of this row (date order).
    pub fn cursor(&self) -> Cursor {
        Cursor::Date(self.start_day, self.end_day, self.id)
    }
}

/// A document to store: event id, the revision it was made at, the text.
pub type NewDoc = (Id, i64, String);

impl Store {
    /// One page of the events matching `filter` in ascending date order,
    /// strictly after `cursor`: each with its current document (made at
    /// the event's revision in format `version`) or none; and whether
    /// more follow. One statement: the events' date-ordered range with the
    /// document table joined by primary key.
    pub async fn doc_page(
        &self,
        filter: &EventFilter,
        cursor: Option<Cursor>,
        limit: u64,
        version: i32,
    ) -> StoreResult<(Vec<DocRow>, bool)> {
        let resume_at = match cursor {
            Some(Cursor::Date(start, ..)) => Some(start),
            _ => None,
        };
        let Some(plan) = self.plan(filter, resume_at).await? else {
            return Ok((vec![], false));
        };
        let mut cond = plan.cond;
        if let Some(c) = cursor {
            cond = cond.add(keyset(plan.days, c, false));
        }
        let current = Expr::col((event_doc::Entity, event_doc::Column::Rev))
            .equals((event::Entity, event::Column::Rev))
            .and(Expr::col((event_doc::Entity, event_doc::Column::Version)).eq(version));
        let doc: Expr = CaseStatement::new()
            .case(
                current,
                Expr::col((event_doc::Entity, event_doc::Column::Doc)),
            )
            .into();
        let days = plan.days;
        let rows: Vec<(Id, i32, i32, Option<String>)> = plan
            .select
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
            .limit(limit + 1)
            .into_tuple()
            .all(&self.db)
            .await?;
        let more = rows.len() as u64 > limit;
        let rows = rows
            .into_iter()
            .take(limit as usize)
            .map(|(id, start_day, end_day, doc)| DocRow {
                id,
                start_day,
                end_day,
                doc,
            })
            .collect();
        Ok((rows, more))
    }

    /// Stores documents in format `version`, one statement. A stored
    /// document is replaced only by one of a later revision or another
    /// version, so a slow writer cannot put back an older one.
    pub async fn store_docs(&self, docs: &[NewDoc], version: i32) -> StoreResult<()> {
        if docs.is_empty() {
            return Ok(());
        }
        let rows = docs.iter().map(|(id, rev, doc)| event_doc::ActiveModel {
            event_id: Set(*id),
            rev: Set(*rev),
            version: Set(version),
            doc: Set(doc.clone()),
        });
        let _writer = self.write_lock().await;
        let newer = Expr::col((event_doc::Entity, event_doc::Column::Rev))
            .lt(Expr::cust("excluded.rev"))
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
        Ok(())
    }

    /// Up to `limit` ids of events, ascending after `after`, whose document
    /// is missing or not current for format `version`.
    pub async fn stale_docs(
        &self,
        after: Option<Id>,
        limit: u64,
        version: i32,
    ) -> StoreResult<Vec<Id>> {
        let current = Expr::col((event_doc::Entity, event_doc::Column::Rev))
            .equals((event::Entity, event::Column::Rev))
            .and(Expr::col((event_doc::Entity, event_doc::Column::Version)).eq(version));
        let mut q = event::Entity::find()
            .select_only()
            .column(event::Column::Id)
            .join(JoinType::LeftJoin, event_doc::Relation::Event.def().rev())
            .filter(current.not().or(event_doc::Column::EventId.is_null()));
        if let Some(a) = after {
            q = q.filter(event::Column::Id.gt(a));
        }
        Ok(q.order_by_asc(event::Column::Id)
            .limit(limit)
            .into_tuple()
            .all(&self.db)
            .await?)
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
