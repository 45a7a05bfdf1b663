//! Batched loads for nested lists: one SQL statement per kind of nested
//! list per request, whatever the page size.
//!
//! A connection prefetches what its selection asks for (actors, aliases,
//! mentions, articles) in one statement each and feeds the per-request
//! cache; the DataLoaders serve the rest (single lookups, mutations). Timing
//! alone cannot promise one batch: async-graphql resolves long lists in
//! slices, and a loader may fire between two slices.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};

use super::errors::store;
use crate::domain::{
    Actor, ActorId, ActorRole, Alias, Article, ArticleId, EventId, Mention, PlaceId, PlaceRole,
    Revision,
};
use crate::storage::{Store, StoreError};

type Shared = Arc<String>;

fn shared(e: StoreError) -> Shared {
    // Log once here; clients get the coded message built in `Loaders`.
    let msg = store(e).message;
    Arc::new(msg)
}

macro_rules! loader {
    ($name:ident, $key:ty, $value:ty, |$store:ident, $keys:ident| $body:expr) => {
        /// A batch loader (see the module doc).
        pub struct $name(Store);

        impl Loader<$key> for $name {
            type Value = $value;
            type Error = Shared;

            async fn load(&self, $keys: &[$key]) -> Result<HashMap<$key, $value>, Shared> {
                let $store = &self.0;
                $body.map_err(shared)
            }
        }
    };
}

loader!(
    EventActorsLoader,
    EventId,
    Vec<(ActorId, ActorRole)>,
    |s, keys| s.event_actor_links(keys).await
);
loader!(
    EventPlacesLoader,
    EventId,
    Vec<(PlaceId, PlaceRole)>,
    |s, keys| s.event_place_links(keys).await
);
loader!(MentionsLoader, EventId, Vec<Mention>, |s, keys| s
    .mentions_of_events(keys)
    .await);
loader!(RevisionsLoader, EventId, Vec<Revision>, |s, keys| s
    .revisions_of(keys)
    .await);
loader!(AliasesLoader, ActorId, Vec<Alias>, |s, keys| s
    .aliases_of_actors(keys)
    .await);
loader!(ActorLoader, ActorId, Actor, |s, keys| s
    .actors_by_ids(keys)
    .await
    .map(|v| v.into_iter().map(|a| (a.id, a)).collect()));
loader!(ArticleLoader, ArticleId, Article, |s, keys| s
    .articles_by_ids(keys)
    .await
    .map(|v| v.into_iter().map(|a| (a.id, a)).collect()));

type Cached<T> = DataLoader<T, HashMapCache>;

/// The loaders of one request, with a cache that lives as long as the
/// request (answers are never stale across requests). Cheap to clone.
#[derive(Clone)]
pub struct Loaders(Arc<LoaderSet>);

impl std::ops::Deref for Loaders {
    type Target = LoaderSet;
    fn deref(&self) -> &LoaderSet {
        &self.0
    }
}

/// The loaders behind [`Loaders`].
pub struct LoaderSet {
    store: Store,
    event_actors: Cached<EventActorsLoader>,
    event_places: Cached<EventPlacesLoader>,
    mentions: Cached<MentionsLoader>,
    revisions: Cached<RevisionsLoader>,
    aliases: Cached<AliasesLoader>,
    actors: Cached<ActorLoader>,
    articles: Cached<ArticleLoader>,
}

/// What a page's selection needs beyond the events themselves.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wanted {
    pub actor_links: bool,
    pub actors: bool,
    pub aliases: bool,
    pub mentions: bool,
    pub articles: bool,
}

fn internal(e: Shared) -> async_graphql::Error {
    super::errors::coded(super::errors::INTERNAL, e.as_str())
}

impl Loaders {
    /// Fresh loaders over `store`, for one request.
    pub fn new(store: &Store) -> Loaders {
        fn cached<K, T: Loader<K>>(l: T) -> Cached<T>
        where
            K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
        {
            DataLoader::with_cache(l, tokio::spawn, HashMapCache::default())
        }
        Loaders(Arc::new(LoaderSet {
            store: store.clone(),
            event_actors: cached(EventActorsLoader(store.clone())),
            event_places: cached(EventPlacesLoader(store.clone())),
            mentions: cached(MentionsLoader(store.clone())),
            revisions: cached(RevisionsLoader(store.clone())),
            aliases: cached(AliasesLoader(store.clone())),
            actors: cached(ActorLoader(store.clone())),
            articles: cached(ArticleLoader(store.clone())),
        }))
    }
}

impl Loaders {
    /// Loaders without a cache, for a subscription: it lives as long as
    /// its connection, and each change it sends must show what is stored
    /// then (a cache would grow, and go stale).
    pub fn uncached(store: &Store) -> Loaders {
        let l = Loaders::new(store);
        l.event_actors.enable_all_cache(false);
        l.event_places.enable_all_cache(false);
        l.mentions.enable_all_cache(false);
        l.revisions.enable_all_cache(false);
        l.aliases.enable_all_cache(false);
        l.actors.enable_all_cache(false);
        l.articles.enable_all_cache(false);
        l
    }
}

impl LoaderSet {
    /// Loads what `wanted` names for the events `ids` in one statement per
    /// kind and primes the cache, so that nested resolvers run no SQL.
    pub async fn prefetch(&self, ids: &[EventId], wanted: Wanted) -> async_graphql::Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        if wanted.actor_links {
            let mut links = self.store.event_actor_links(ids).await.map_err(store)?;
            let actor_ids: Vec<ActorId> = links.values().flatten().map(|(a, _)| *a).collect();
            self.event_actors
                .feed_many(
                    ids.iter()
                        .map(|id| (*id, links.remove(id).unwrap_or_default())),
                )
                .await;
            if wanted.actors && !actor_ids.is_empty() {
                let actors = self.store.actors_by_ids(&actor_ids).await.map_err(store)?;
                let found: Vec<ActorId> = actors.iter().map(|a| a.id).collect();
                self.actors
                    .feed_many(actors.into_iter().map(|a| (a.id, a)))
                    .await;
                if wanted.aliases {
                    let mut al = self.store.aliases_of_actors(&found).await.map_err(store)?;
                    self.aliases
                        .feed_many(
                            found
                                .iter()
                                .map(|id| (*id, al.remove(id).unwrap_or_default())),
                        )
                        .await;
                }
            }
        }
        if wanted.mentions {
            let mut ms = self.store.mentions_of_events(ids).await.map_err(store)?;
            let article_ids: Vec<ArticleId> = ms.values().flatten().map(|m| m.article_id).collect();
            self.mentions
                .feed_many(
                    ids.iter()
                        .map(|id| (*id, ms.remove(id).unwrap_or_default())),
                )
                .await;
            if wanted.articles && !article_ids.is_empty() {
                let arts = self
                    .store
                    .articles_by_ids(&article_ids)
                    .await
                    .map_err(store)?;
                self.articles
                    .feed_many(arts.into_iter().map(|a| (a.id, a)))
                    .await;
            }
        }
        Ok(())
    }

    /// Actor links of an event.
    pub async fn event_actors(
        &self,
        event: EventId,
    ) -> async_graphql::Result<Vec<(ActorId, ActorRole)>> {
        Ok(self
            .event_actors
            .load_one(event)
            .await
            .map_err(internal)?
            .unwrap_or_default())
    }

    /// Places of an event.
    pub async fn event_places(
        &self,
        event: EventId,
    ) -> async_graphql::Result<Vec<(PlaceId, PlaceRole)>> {
        Ok(self
            .event_places
            .load_one(event)
            .await
            .map_err(internal)?
            .unwrap_or_default())
    }

    /// Mentions of an event.
    pub async fn mentions(&self, event: EventId) -> async_graphql::Result<Vec<Mention>> {
        Ok(self
            .mentions
            .load_one(event)
            .await
            .map_err(internal)?
            .unwrap_or_default())
    }

    /// Recorded changes of an event, oldest first.
    pub async fn revisions(&self, event: EventId) -> async_graphql::Result<Vec<Revision>> {
        Ok(self
            .revisions
            .load_one(event)
            .await
            .map_err(internal)?
            .unwrap_or_default())
    }

    /// Aliases of an actor.
    pub async fn aliases(&self, actor: ActorId) -> async_graphql::Result<Vec<Alias>> {
        Ok(self
            .aliases
            .load_one(actor)
            .await
            .map_err(internal)?
            .unwrap_or_default())
    }

    /// Actors by id.
    pub async fn actors(&self, ids: &[ActorId]) -> async_graphql::Result<HashMap<ActorId, Actor>> {
        self.actors
            .load_many(ids.iter().copied())
            .await
            .map_err(internal)
    }

    /// An article by id.
    pub async fn article(&self, id: ArticleId) -> async_graphql::Result<Option<Article>> {
        self.articles.load_one(id).await.map_err(internal)
    }
}
