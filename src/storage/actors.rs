//! Actors and their aliases.

use std::collections::HashMap;

use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};

use super::convert::{check_wikidata, to_actor, to_alias};
use super::entities::{actor, actor_alias, event, event_actor};
use super::error::classify;
use super::query::like_contains;
use super::txn::{insert_actor, insert_aliases, raise_revisions};
use super::{Store, StoreError, StoreResult};
use crate::domain::{normalize_name, Actor, ActorId, ActorPatch, Alias, Id, NewActor};

impl Store {
    /// Creates an actor; its name and Arabic name become aliases too.
    pub async fn create_actor(&self, new: &NewActor) -> StoreResult<Actor> {
        let _writer = self.write_lock().await;
        let txn = self.db.begin().await?;
        let a = insert_actor(&txn, new).await?;
        txn.commit().await?;
        Ok(a)
    }

    /// Adds a spelling to an actor (a no-op when it normalizes to a known one).
    pub async fn add_actor_alias(
        &self,
        actor_id: ActorId,
        alias: &str,
        lang: Option<&str>,
    ) -> StoreResult<Actor> {
        let _writer = self.write_lock().await;
        let txn = self.db.begin().await?;
        let a = actor::Entity::find_by_id(actor_id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("actor {actor_id}")))?;
        insert_aliases(
            &txn,
            actor_id,
            &[(alias.to_string(), lang.map(str::to_string))],
        )
        .await?;
        txn.commit().await?;
        Ok(to_actor(a))
    }

    /// Changes an actor; a new name or Arabic name is added as an alias
    /// (old spellings stay findable).
    pub async fn update_actor(&self, id: ActorId, patch: &ActorPatch) -> StoreResult<Actor> {
        let _writer = self.write_lock().await;
        let txn = self.db.begin().await?;
        let m = actor::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("actor {id}")))?;
        let mut am = m.into_active_model();
        let mut new_aliases = vec![];
        if let Some(n) = &patch.name {
            let n = n.trim();
            if n.is_empty() {
                return Err(StoreError::Invalid("name must not be empty".into()));
            }
            am.name = Set(n.to_string());
            new_aliases.push((n.to_string(), Some("en".to_string())));
        }
        if let Some(n) = &patch.name_ar {
            am.name_ar = Set(n.clone());
            if let Some(n) = n {
                new_aliases.push((n.clone(), Some("ar".to_string())));
            }
        }
        if let Some(k) = patch.kind {
            am.kind = Set(k.as_str().to_string());
        }
        if let Some(q) = &patch.wikidata {
            am.wikidata = Set(check_wikidata(q)?);
        }
        let m = am
            .update(&txn)
            .await
            .map_err(|e| classify(e, "an actor with that wikidata id"))?;
        insert_aliases(&txn, id, &new_aliases).await?;
        // Exports show an event's actors by name, kind and Wikidata id:
        // their events changed too.
        let visible = patch.name.is_some()
            || patch.name_ar.is_some()
            || patch.kind.is_some()
            || patch.wikidata.is_some();
        if visible {
            let links = Query::select()
                .column(event_actor::Column::EventId)
                .from(event_actor::Entity)
                .and_where(event_actor::Column::ActorId.eq(id))
                .to_owned();
            let cond = Condition::all().add(event::Column::Id.in_subquery(links));
            raise_revisions(&txn, cond).await?;
        }
        txn.commit().await?;
        Ok(to_actor(m))
    }

    /// Actors by id; unknown ids are left out.
    pub async fn actors_by_ids(&self, ids: &[ActorId]) -> StoreResult<Vec<Actor>> {
        Ok(self
            .rows_by_ids::<actor::Entity, _>(actor::Column::Id, ids)
            .await?
            .into_iter()
            .map(to_actor)
            .collect())
    }

    /// Aliases of many actors: actor id → aliases, one statement.
    pub async fn aliases_of_actors(
        &self,
        ids: &[ActorId],
    ) -> StoreResult<HashMap<ActorId, Vec<Alias>>> {
        let mut out: HashMap<ActorId, Vec<Alias>> = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let rows = actor_alias::Entity::find()
            .filter(self.id_in(actor_alias::Column::ActorId, ids))
            .order_by_asc(actor_alias::Column::Id)
            .all(&self.db)
            .await?;
        for r in rows {
            out.entry(ActorId(r.actor_id))
                .or_default()
                .push(to_alias(r));
        }
        Ok(out)
    }

    /// Actors ordered by id after `after`, optionally those with an alias
    /// containing `search` (normalized); `limit + 1` rows tell whether more follow.
    pub async fn actors_page(
        &self,
        search: Option<&str>,
        after: Option<ActorId>,
        limit: u64,
    ) -> StoreResult<(Vec<Actor>, bool)> {
        let mut cond = Condition::all();
        if let Some(a) = after {
            cond = cond.add(actor::Column::Id.gt(a));
        }
        if let Some(s) = search.map(normalize_name).filter(|s| !s.is_empty()) {
            let pat = sea_orm::sea_query::LikeExpr::new(like_contains(&s)).escape('\\');
            cond = cond.add(
                actor::Column::Id.in_subquery(
                    Query::select()
                        .column(actor_alias::Column::ActorId)
                        .from(actor_alias::Entity)
                        .and_where(actor_alias::Column::Normalized.like(pat))
                        .to_owned(),
                ),
            );
        }
        let rows = actor::Entity::find()
            .filter(cond)
            .order_by_asc(actor::Column::Id)
            .limit(limit + 1)
            .all(&self.db)
            .await?;
        let more = rows.len() as u64 > limit;
        Ok((
            rows.into_iter()
                .take(limit as usize)
                .map(to_actor)
                .collect(),
            more,
        ))
    }

    /// Actor ids by normalized alias: key → ids, one statement.
    pub async fn actor_ids_by_normalized(
        &self,
        keys: &[String],
    ) -> StoreResult<HashMap<String, Vec<ActorId>>> {
        let mut out: HashMap<String, Vec<ActorId>> = HashMap::new();
        if keys.is_empty() {
            return Ok(out);
        }
        let rows = actor_alias::Entity::find()
            .select_only()
            .column(actor_alias::Column::Normalized)
            .column(actor_alias::Column::ActorId)
            .filter(actor_alias::Column::Normalized.is_in(keys.iter().cloned()))
            .distinct()
            .into_tuple::<(String, Id)>()
            .all(&self.db)
            .await?;
        for (k, id) in rows {
            out.entry(k).or_default().push(ActorId(id));
        }
        Ok(out)
    }
}
