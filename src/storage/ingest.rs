//! Writing one extracted article: one transaction for the article, its
//! actors, events, mentions, merges and revisions (all or nothing).

use std::collections::HashMap;

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait, TryInsertResult,
};

use super::candidates::Candidates;
use super::convert::{article_search_row, content_hash, mention_row, to_article, to_event};
use super::entities::{actor, actor_alias, article, article_search, event, mention, revision};
use super::error::classify;
use super::txn::{
    create_many_in, delete_event_in, insert_actor, insert_chunked, link_places, links_in,
    load_event, raise_revision, snapshot_in, source_change_revisions, update_in,
};
use super::{Store, StoreError, StoreResult};
use crate::domain::dedup::{self, DedupView, Report};
use crate::domain::{
    normalize_name, ActorId, ActorRef, ActorRole, Article, ArticleId, Change, EventId, EventKind,
    EventPatch, EventStatus, Id, IngestEvent, IngestOutcome, NewActor, NewEvent, NewMention,
    PlaceId, PlaceRole, PreparedArticle, ReextractOutcome, ACTOR_ACTIVE, ACTOR_PROPOSED,
};

impl Store {
    /// The stored article with this body or url, if any.
    pub async fn find_article(
        &self,
        body: &str,
        url: Option<&str>,
    ) -> StoreResult<Option<Article>> {
        let mut c = Condition::any().add(article::Column::ContentHash.eq(content_hash(body)));
        if let Some(u) = url.filter(|u| !u.trim().is_empty()) {
            c = c.add(article::Column::Url.eq(u));
        }
        Ok(article::Entity::find()
            .filter(c)
            .one(&self.db)
            .await?
            .map(to_article))
    }

    /// How many mentions (pieces of evidence) are stored.
    pub async fn mention_count(&self) -> StoreResult<u64> {
        Ok(mention::Entity::find().count(&self.db).await?)
    }

    /// The outcome for an article that is already stored (same body or
    /// url): nothing changes.
    async fn already_stored(&self, p: &PreparedArticle) -> StoreResult<Option<IngestOutcome>> {
        let Some(article) = self
            .find_article(&p.article.body, p.article.url.as_deref())
            .await?
        else {
            return Ok(None);
        };
        let merged = self.events_of_article(article.id).await?;
        Ok(Some(IngestOutcome {
            article,
            new: false,
            created: vec![],
            merged,
        }))
    }

    /// Event ids with a mention in an article.
    pub async fn events_of_article(&self, article_id: ArticleId) -> StoreResult<Vec<EventId>> {
        let mut ids: Vec<i64> = mention::Entity::find()
            .select_only()
            .column(mention::Column::EventId)
            .filter(mention::Column::ArticleId.eq(article_id))
            .into_tuple::<Id>()
            .all(&self.db)
            .await?;
        ids.sort_unstable();
        ids.dedup();
        Ok(ids.into_iter().map(EventId).collect())
    }

    /// Stores an article with its extracted events in one transaction:
    /// known actors are reused, new ones created (proposed ones with status
    /// `proposed`), and an event that matches a stored one (see
    /// `domain::dedup`) becomes a new mention of it. Idempotent: an article
    /// already stored (same body or url) changes nothing.
    pub async fn ingest_article(
        &self,
        p: &PreparedArticle,
        change: &Change,
    ) -> StoreResult<IngestOutcome> {
        let published = p
            .article
            .published_on
            .ok_or_else(|| StoreError::Invalid("article publication date is required".into()))?;
        if p.article.body.trim().is_empty() {
            return Err(StoreError::Invalid("article body must not be empty".into()));
        }
        let _writer = self.write_lock().await;
        let txn = self.db.begin().await?;
        // The article first, doing nothing when its body or url is stored
        // (by an earlier run or a concurrent writer): one statement whether
        // it is new or not, and no advisory lock held while it runs.
        let art = article::ActiveModel {
            url: Set(p.article.url.clone().filter(|u| !u.trim().is_empty())),
            title: Set(p.article.title.clone()),
            outlet: Set(p.article.outlet.clone()),
            language: Set(p.article.language.clone()),
            published_on: Set(published),
            body: Set(p.article.body.clone()),
            content_hash: Set(content_hash(&p.article.body)),
            ingested_at: Set(chrono::Utc::now()),
            ..Default::default()
        };
        let inserted = article::Entity::insert(art)
            .on_conflict(OnConflict::new().do_nothing().to_owned())
            .try_insert()
            .exec_with_returning(&txn)
            .await;
        let art = match inserted {
            Ok(TryInsertResult::Inserted(a)) => a,
            Err(e) if !matches!(e, sea_orm::DbErr::RecordNotFound(_)) => {
                return Err(classify(e, "an article with that url or body"));
            }
            // No row came back: the conflict did nothing.
            _ => {
                drop(txn);
                return self.already_stored(p).await?.ok_or_else(|| {
                    StoreError::Invalid("an article with that url or body already exists".into())
                });
            }
        };
        if self.is_postgres() {
            lock_for(&txn, p).await?;
        }
        let backend = txn.get_database_backend();
        // Not read back: the text is as long as the body.
        let row = article_search_row(backend, art.id, art.title.as_deref(), &art.body);
        article_search::Entity::insert(row)
            .exec_without_returning(&txn)
            .await?;
        let actor_ids = resolve_actors(self, &txn, &p.actors).await?;
        let mut out = IngestOutcome {
            article: to_article(art.clone()),
            new: true,
            created: vec![],
            merged: vec![],
        };
        let mut placer =
            Placer::new(self, &txn, change, ArticleId(art.id), actor_ids, &p.events).await?;
        for (i, e) in p.events.iter().enumerate() {
            placer.place(i, e, &mut out).await?;
        }
        placer.finish(&mut out).await?;
        txn.commit().await?;
        Ok(out)
    }
}

/// Days per dedup lock bucket.
const LOCK_BUCKET_DAYS: i32 = 32;

/// An event spanning more buckets than this takes the global lock exclusively.
const MAX_LOCK_BUCKETS: i32 = 16;

/// PostgreSQL: lets several articles be written at once without two
/// transactions creating the same event. Every article takes, in one
/// statement and one sorted order (so no deadlock), transaction-scoped
/// advisory locks on the (date bucket, kind) pairs its events could be
/// deduplicated against: its own kind and `other`, or every kind for an
/// `other` event (see `best_match`). An event too wide for buckets takes
/// the global key exclusively, which every other article holds shared.
/// Actor names are locked later, and only for actors to be created
/// (`resolve_actors`), always after these keys.
async fn lock_for(txn: &DatabaseTransaction, p: &PreparedArticle) -> StoreResult<()> {
    let kinds = EventKind::ALL.len() as i64;
    let other = kind_index(EventKind::Other);
    let mut keys: Vec<i64> = vec![];
    let mut wide = false;
    for e in &p.events {
        let (s, en) = e.date.day_numbers();
        let (a, b) = (
            s.div_euclid(LOCK_BUCKET_DAYS),
            en.div_euclid(LOCK_BUCKET_DAYS),
        );
        if b - a > MAX_LOCK_BUCKETS {
            wide = true;
            continue;
        }
        let ks: Vec<i64> = if e.kind == EventKind::Other {
            (0..kinds).collect()
        } else {
            vec![kind_index(e.kind), other]
        };
        for bucket in a..=b {
            keys.extend(ks.iter().map(|k| (1i64 << 40) + bucket as i64 * kinds + k));
        }
    }
    keys.sort_unstable();
    keys.dedup();
    keys.insert(0, 0);
    advisory_locks(txn, &keys, wide).await
}

fn kind_index(k: EventKind) -> i64 {
    EventKind::ALL.iter().position(|x| *x == k).unwrap_or(0) as i64
}

/// Takes the transaction-scoped advisory locks `keys` in their order, in
/// one statement; key 0 (the global key) shared unless `exclusive_global`.
async fn advisory_locks(
    txn: &DatabaseTransaction,
    keys: &[i64],
    exclusive_global: bool,
) -> StoreResult<()> {
    use sea_orm::{ConnectionTrait, Statement};
    if keys.is_empty() {
        return Ok(());
    }
    let array = format!(
        "{{{}}}",
        keys.iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    txn.execute_raw(Statement::from_sql_and_values(
        sea_orm::DbBackend::Postgres,
        "SELECT count(CASE WHEN t.k = 0 AND NOT $2 \
         THEN pg_advisory_xact_lock_shared(t.k)::text \
         ELSE pg_advisory_xact_lock(t.k)::text END) \
         FROM unnest($1::text::int8[]) WITH ORDINALITY AS t(k, n)",
        [array.into(), exclusive_global.into()],
    ))
    .await?;
    Ok(())
}

/// The lock key of an actor name (see `lock_for`).
fn actor_key(name: &str) -> i64 {
    let h = normalize_name(name)
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
        });
    (2i64 << 40) + (h % (1 << 39)) as i64
}

/// The actor links of an extracted event, by resolved actor id.
fn links_of(e: &IngestEvent, actor_ids: &[ActorId]) -> Vec<(ActorId, ActorRole)> {
    let mut links: Vec<(ActorId, ActorRole)> = e
        .actors
        .iter()
        .filter_map(|(i, r)| actor_ids.get(*i).map(|id| (*id, *r)))
        .collect();
    links.sort();
    links.dedup_by_key(|(a, _)| *a);
    links
}

/// An extracted event as deduplication sees it, with its actor links and
/// its mention in the article.
fn view_of(
    e: &IngestEvent,
    actor_ids: &[ActorId],
    article_id: ArticleId,
) -> (Vec<(ActorId, ActorRole)>, NewMention, DedupView) {
    let links = links_of(e, actor_ids);
    let mut m = e.mention.clone();
    m.article_id = article_id;
    let view = DedupView {
        kind: e.kind,
        date: e.date.clone(),
        actors: links.iter().map(|(a, _)| *a).collect(),
        quantity: e.quantity.clone(),
        sentences: vec![m.sentence.clone()],
        articles: vec![article_id],
    };
    (links, m, view)
}

/// Places the extracted events of one article inside its transaction:
/// each becomes a new mention of the stored event it duplicates, or a new
/// event, created with the others at the end ([`Placer::finish`]).
struct Placer<'a> {
    store: &'a Store,
    txn: &'a DatabaseTransaction,
    change: &'a Change,
    article_id: ArticleId,
    actor_ids: Vec<ActorId>,
    candidates: Candidates,
    pending: Vec<(NewEvent, NewMention)>,
    merges: Vec<Merge>,
    /// The places of merged reports, added to their targets.
    merge_places: Vec<(EventId, PlaceId, PlaceRole)>,
}

/// An extracted event placed as a new report of stored event `target`,
/// written with the others at the article's end.
struct Merge {
    target: EventId,
    report: Report,
    mention: NewMention,
}

impl<'a> Placer<'a> {
    async fn new(
        store: &'a Store,
        txn: &'a DatabaseTransaction,
        change: &'a Change,
        article_id: ArticleId,
        actor_ids: Vec<ActorId>,
        events: &[IngestEvent],
    ) -> StoreResult<Placer<'a>> {
        let views: Vec<DedupView> = events
            .iter()
            .map(|e| view_of(e, &actor_ids, article_id).2)
            .collect();
        let candidates = Candidates::fetch(store, txn, &views).await?;
        Ok(Placer {
            store,
            txn,
            change,
            article_id,
            actor_ids,
            candidates,
            pending: vec![],
            merges: vec![],
            merge_places: vec![],
        })
    }

    /// Places event `i` of the article (`e`): decides only; [`Placer::finish`]
    /// writes.
    async fn place(
        &mut self,
        i: usize,
        e: &IngestEvent,
        out: &mut IngestOutcome,
    ) -> StoreResult<()> {
        let (links, m, view) = view_of(e, &self.actor_ids, self.article_id);
        match self.candidates.best(i, &view) {
            Some(target) => {
                self.candidates.reported(target, self.article_id);
                if !out.merged.contains(&target) {
                    out.merged.push(target);
                }
                self.merge_places
                    .extend(e.places.iter().map(|(p, r)| (target, *p, *r)));
                self.merges.push(Merge {
                    target,
                    report: Report {
                        kind: e.kind,
                        date: e.date.clone(),
                        title: e.title.clone(),
                        confidence: e.confidence.clamp(0.0, 1.0),
                        links,
                    },
                    mention: m,
                });
            }
            None => self.pending.push((
                NewEvent {
                    title: e.title.clone(),
                    summary: None,
                    kind: e.kind,
                    date: e.date.clone(),
                    quantity: e.quantity.clone(),
                    quantities: e.quantities.clone(),
                    confidence: e.confidence.clamp(0.0, 1.0),
                    status: EventStatus::Extracted,
                    actors: links,
                    places: e.places.clone(),
                },
                m,
            )),
        }
        Ok(())
    }

    /// Writes what `place` decided: the merges (see [`merge_all`]), then
    /// the new events, with every mention in one statement and the merges'
    /// revisions without fields in the new events' revision insert.
    async fn finish(self, out: &mut IngestOutcome) -> StoreResult<()> {
        let (mentions, revisions) = merge_all(
            self.store,
            self.txn,
            &self.candidates,
            &self.merges,
            self.change,
            self.article_id,
        )
        .await?;
        // Extracted places go to extracted events only: a curated event's
        // places are a person's.
        let targets: Vec<EventId> = self.merge_places.iter().map(|(e, ..)| *e).collect();
        let open: Vec<i64> = if targets.is_empty() {
            vec![]
        } else {
            event::Entity::find()
                .select_only()
                .column(event::Column::Id)
                .filter(self.store.id_in(event::Column::Id, &targets))
                .filter(event::Column::Status.eq(EventStatus::Extracted.as_str()))
                .into_tuple()
                .all(self.txn)
                .await?
        };
        let places: Vec<_> = self
            .merge_places
            .iter()
            .filter(|(e, ..)| open.contains(&e.0))
            .copied()
            .collect();
        link_places(self.txn, &places).await?;
        create_pending(
            self.txn,
            self.pending,
            mentions,
            revisions,
            self.change,
            out,
        )
        .await
    }
}

/// Creates the events `place` left for the end of the article, all at
/// once, and inserts their mentions with `rows` and their creation
/// revisions with `revisions` (both the merges'). (They
/// cannot be what a later event of the same article merges into:
/// `dedup::score` never merges two reports of one article.)
async fn create_pending(
    txn: &DatabaseTransaction,
    pending: Vec<(NewEvent, NewMention)>,
    mut rows: Vec<mention::ActiveModel>,
    revisions: Vec<revision::ActiveModel>,
    change: &Change,
    out: &mut IngestOutcome,
) -> StoreResult<()> {
    let (news, mentions): (Vec<NewEvent>, Vec<NewMention>) = pending.into_iter().unzip();
    let created = create_many_in(txn, &news, revisions, change, "create").await?;
    rows.extend(
        created
            .iter()
            .zip(&mentions)
            .map(|(ev, m)| mention_row(txn.get_database_backend(), ev.id, m)),
    );
    insert_chunked(txn, rows)
        .await
        .map_err(|e| classify(e, "mention"))?;
    out.created.extend(created.iter().map(|e| e.id));
    Ok(())
}

impl Store {
    /// Article ids after `after`, at most `limit`, ascending.
    pub async fn article_ids(
        &self,
        after: Option<ArticleId>,
        limit: u64,
    ) -> StoreResult<Vec<ArticleId>> {
        let mut q = article::Entity::find()
            .select_only()
            .column(article::Column::Id);
        if let Some(a) = after {
            q = q.filter(article::Column::Id.gt(a));
        }
        Ok(q.order_by_asc(article::Column::Id)
            .limit(limit)
            .into_tuple::<i64>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(ArticleId)
            .collect())
    }

    /// Applies a new extraction of a stored article in one transaction:
    /// `extracted` events follow the new extraction (recorded as
    /// `reextract` revisions); `confirmed` and `rejected` events are never
    /// rewritten; evidence no longer found removes extracted events that
    /// have no other source.
    pub async fn reextract_article(
        &self,
        article_id: ArticleId,
        p: &PreparedArticle,
        change: &Change,
    ) -> StoreResult<ReextractOutcome> {
        let _writer = self.write_lock().await;
        let txn = self.db.begin().await?;
        if self.is_postgres() {
            lock_for(&txn, p).await?;
        }
        let actor_ids = resolve_actors(self, &txn, &p.actors).await?;
        let mut old: Vec<mention::Model> = mention::Entity::find()
            .filter(mention::Column::ArticleId.eq(article_id))
            .order_by_asc(mention::Column::Id)
            .all(&txn)
            .await?;
        let mut res = ReextractOutcome::default();
        let mut placer =
            Placer::new(self, &txn, change, article_id, actor_ids.clone(), &p.events).await?;
        let mut out = IngestOutcome {
            article: self
                .articles_by_ids(&[article_id])
                .await?
                .pop()
                .ok_or_else(|| StoreError::NotFound(format!("article {article_id}")))?,
            new: false,
            created: vec![],
            merged: vec![],
        };
        for (n, e) in p.events.iter().enumerate() {
            let (s, en) = (e.mention.span.0, e.mention.span.1);
            let hit = old.iter().position(|m| m.span_start < en && s < m.span_end);
            let Some(i) = hit else {
                placer.place(n, e, &mut out).await?;
                continue;
            };
            let m = old.remove(i);
            let ev = load_event(&txn, EventId(m.event_id)).await?;
            let other_sources = mention::Entity::find()
                .filter(mention::Column::EventId.eq(ev.id))
                .filter(mention::Column::ArticleId.ne(article_id))
                .count(&txn)
                .await?;
            // Curated events, and events other articles also report, keep
            // their fields: one article's new reading must not undo the rest.
            if ev.status != EventStatus::Extracted || other_sources > 0 {
                res.kept.push(ev.id);
                continue;
            }
            let links = links_of(e, &actor_ids);
            let patch = EventPatch {
                title: Some(e.title.clone()),
                kind: Some(e.kind),
                date: Some(e.date.clone()),
                quantity: Some(e.quantity.clone()),
                quantities: Some(e.quantities.clone()),
                actors: Some(links),
                places: Some(e.places.clone()),
                ..Default::default()
            };
            let (_, changed) = update_in(&txn, ev.id, &patch, change, "reextract").await?;
            if changed {
                res.updated.push(ev.id);
            }
            let mut am = sea_orm::IntoActiveModel::into_active_model(m);
            am.sentence = Set(e.mention.sentence.clone());
            am.span_start = Set(s);
            am.span_end = Set(en);
            am.when_text = Set(e.mention.when_text.clone());
            am.when_start = Set(e.mention.when_span.map(|w| w.0));
            am.when_end = Set(e.mention.when_span.map(|w| w.1));
            am.update(&txn).await?;
        }
        placer.finish(&mut out).await?;
        for m in old {
            let ev = load_event(&txn, EventId(m.event_id)).await?;
            if ev.status != EventStatus::Extracted {
                res.kept.push(ev.id);
                continue;
            }
            let event_id = EventId(m.event_id);
            mention::Entity::delete_by_id(m.id).exec(&txn).await?;
            raise_revision(&txn, event_id).await?;
            let left = mention::Entity::find()
                .filter(mention::Column::EventId.eq(event_id))
                .count(&txn)
                .await?;
            if left == 0 {
                let before = snapshot_in(&txn, &ev).await?;
                delete_event_in(&txn, event_id, before, change, "reextract", "deleted", None)
                    .await?;
                res.removed.push(event_id);
            }
        }
        txn.commit().await?;
        res.created = out.created;
        res.merged = out.merged;
        Ok(res)
    }
}

/// The stored actors of `refs`, in two statements: by Wikidata id, then
/// by canonical name among aliases (the actor whose own name it is first,
/// then the oldest).
async fn find_actors(
    txn: &DatabaseTransaction,
    refs: &[ActorRef],
) -> StoreResult<Vec<Option<ActorId>>> {
    let qs: Vec<&str> = refs.iter().filter_map(|a| a.wikidata.as_deref()).collect();
    let by_q: HashMap<String, Id> = if qs.is_empty() {
        HashMap::new()
    } else {
        actor::Entity::find()
            .select_only()
            .column(actor::Column::Wikidata)
            .column(actor::Column::Id)
            .filter(actor::Column::Wikidata.is_in(qs))
            .into_tuple::<(String, Id)>()
            .all(txn)
            .await?
            .into_iter()
            .collect()
    };
    let keys: Vec<String> = refs.iter().map(|a| normalize_name(&a.name)).collect();
    let need: Vec<&str> = refs
        .iter()
        .zip(&keys)
        .filter(|(a, _)| a.wikidata.as_ref().is_none_or(|q| !by_q.contains_key(q)))
        .map(|(_, k)| k.as_str())
        .collect();
    let hits: Vec<(String, Id, String)> = if need.is_empty() {
        vec![]
    } else {
        actor_alias::Entity::find()
            .select_only()
            .column(actor_alias::Column::Normalized)
            .column(actor::Column::Id)
            .column(actor::Column::Name)
            .join(
                sea_orm::JoinType::InnerJoin,
                actor_alias::Entity::belongs_to(actor::Entity)
                    .from(actor_alias::Column::ActorId)
                    .to(actor::Column::Id)
                    .into(),
            )
            .filter(actor_alias::Column::Normalized.is_in(need))
            .order_by_asc(actor::Column::Id)
            .into_tuple()
            .all(txn)
            .await?
    };
    Ok(refs
        .iter()
        .zip(&keys)
        .map(|(a, key)| {
            if let Some(id) = a.wikidata.as_ref().and_then(|q| by_q.get(q)) {
                return Some(ActorId(*id));
            }
            let mut of_key = hits.iter().filter(|(k, _, _)| k == key);
            of_key
                .clone()
                .find(|(_, _, n)| normalize_name(n) == *key)
                .or_else(|| of_key.next())
                .map(|(_, id, _)| ActorId(*id))
        })
        .collect())
}

/// The ids of `refs`: stored actors are found without locking; the
/// missing ones are created one by one under their name locks (PostgreSQL),
/// each looked up again first in case a concurrent writer created it.
async fn resolve_actors(
    store: &Store,
    txn: &DatabaseTransaction,
    refs: &[ActorRef],
) -> StoreResult<Vec<ActorId>> {
    let mut ids = find_actors(txn, refs).await?;
    let missing: Vec<usize> = (0..refs.len()).filter(|&i| ids[i].is_none()).collect();
    if missing.is_empty() {
        return Ok(ids.into_iter().flatten().collect());
    }
    if store.is_postgres() {
        let mut keys: Vec<i64> = missing.iter().map(|&i| actor_key(&refs[i].name)).collect();
        keys.sort_unstable();
        keys.dedup();
        advisory_locks(txn, &keys, false).await?;
    }
    for i in missing {
        ids[i] = Some(resolve_actor(txn, &refs[i]).await?);
    }
    Ok(ids.into_iter().flatten().collect())
}

/// Finds (by Wikidata id, then by canonical name among aliases) or creates an actor.
async fn resolve_actor(txn: &DatabaseTransaction, a: &ActorRef) -> StoreResult<ActorId> {
    if let Some(id) = find_actors(txn, std::slice::from_ref(a)).await?[0] {
        return Ok(id);
    }
    let created = insert_actor(
        txn,
        &NewActor {
            name: a.name.clone(),
            name_ar: a.name_ar.clone(),
            kind: a.kind,
            wikidata: a.wikidata.clone(),
            status: if a.proposed {
                ACTOR_PROPOSED
            } else {
                ACTOR_ACTIVE
            }
            .to_string(),
            aliases: a.aliases.clone(),
        },
    )
    .await?;
    Ok(created.id)
}

/// Applies an article's merges: locks their targets (one statement, in id
/// order), and for each an `extracted` target takes the narrower date
/// (and the title that comes with it, see `dedup::takes_title`), the
/// higher confidence, a
/// specific kind and the new actors (recorded as a merge, with the fields
/// before and after); curated targets, and extracted ones with nothing to
/// change, get a revision without fields and a new revision mark (the
/// marks made here, one statement for all). Confirmed and rejected
/// events are never rewritten by extraction. The actor links seen when
/// candidates were fetched serve when the target's revision has not
/// moved since. Returns the merges' mentions and those revisions, for the
/// caller to insert with the new events' own.
async fn merge_all(
    store: &Store,
    txn: &DatabaseTransaction,
    candidates: &Candidates,
    merges: &[Merge],
    change: &Change,
    article_id: ArticleId,
) -> StoreResult<(Vec<mention::ActiveModel>, Vec<revision::ActiveModel>)> {
    if merges.is_empty() {
        return Ok((vec![], vec![]));
    }
    let targets: Vec<EventId> = merges.iter().map(|m| m.target).collect();
    let mut find = event::Entity::find()
        .filter(store.id_in(event::Column::Id, &targets))
        .order_by_asc(event::Column::Id);
    if store.is_postgres() {
        // Serialize changes to the targets between concurrent writers.
        find = find.lock_exclusive();
    }
    let olds: HashMap<EventId, event::Model> = find
        .all(txn)
        .await?
        .into_iter()
        .map(|m| (EventId(m.id), m))
        .collect();
    let mut note = change.clone();
    note.note = Some(format!("new source: article {article_id}"));
    let mut touched = vec![];
    for mg in merges {
        let target = mg.target;
        let old = olds
            .get(&target)
            .ok_or_else(|| StoreError::NotFound(format!("event {target}")))?;
        let rev = old.rev;
        let old = to_event(old.clone())?;
        let patch = if old.status == EventStatus::Extracted {
            let current = match candidates.links(target, rev) {
                Some(links) => links.to_vec(),
                None => links_in(txn, target).await?,
            };
            dedup::merge(&old, &current, &mg.report)
        } else {
            // Curated: extraction adds the source, never changes the fields.
            EventPatch::default()
        };
        if patch != EventPatch::default() {
            update_in(txn, target, &patch, &note, "merge").await?;
        } else {
            touched.push(target);
        }
    }
    let revisions = source_change_revisions(txn, &touched, &note, "merge").await?;
    let mentions = merges
        .iter()
        .map(|mg| mention_row(txn.get_database_backend(), mg.target, &mg.mention))
        .collect();
    Ok((mentions, revisions))
}
