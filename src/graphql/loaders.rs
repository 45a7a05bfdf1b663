//! Batched loads for nested lists: one SQL statement per kind of nested
//! list per request, whatever the page size.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};

use super::errors::store;
use crate::domain::{Actor, ActorRole, Alias, Article, Id, Mention};
use crate::storage::{Store, StoreError};

type Shared = Arc<String>;

fn shared(e: StoreError) -> Shared {
    // Log once here; clients get the coded message built in `Loaders`.
    let msg = store(e).message;
    Arc::new(msg)
}

macro_rules! loader {
    ($name:ident, $value:ty, |$store:ident, $keys:ident| $body:expr) => {
        /// A batch loader (see the module doc).
        pub struct $name(Store);

        impl Loader<Id> for $name {
            type Value = $value;
            type Error = Shared;

            async fn load(&self, $keys: &[Id]) -> Result<HashMap<Id, $value>, Shared> {
                let $store = &self.0;
                $body.map_err(shared)
            }
        }
    };
}

loader!(EventActorsLoader, Vec<(Id, ActorRole)>, |s, keys| s
    .event_actor_links(keys)
    .await);
loader!(MentionsLoader, Vec<Mention>, |s, keys| s
    .mentions_of_events(keys)
    .await);
loader!(AliasesLoader, Vec<Alias>, |s, keys| s
    .aliases_of_actors(keys)
    .await);
loader!(ActorLoader, Actor, |s, keys| s
    .actors_by_ids(keys)
    .await
    .map(|v| v.into_iter().map(|a| (a.id, a)).collect()));
loader!(ArticleLoader, Article, |s, keys| s
    .articles_by_ids(keys)
    .await
    .map(|v| v.into_iter().map(|a| (a.id, a)).collect()));

/// The loaders of one schema. They keep no cache, so answers are never stale;
/// they only batch the loads that one request (or concurrent ones) makes.
pub struct Loaders {
    event_actors: DataLoader<EventActorsLoader>,
    mentions: DataLoader<MentionsLoader>,
    aliases: DataLoader<AliasesLoader>,
    actors: DataLoader<ActorLoader>,
    articles: DataLoader<ArticleLoader>,
}

fn internal(e: Shared) -> async_graphql::Error {
    super::errors::coded(super::errors::INTERNAL, e.as_str())
}

impl Loaders {
    /// Loaders over `store`.
    pub fn new(store: &Store) -> Loaders {
        Loaders {
            event_actors: DataLoader::new(EventActorsLoader(store.clone()), tokio::spawn),
            mentions: DataLoader::new(MentionsLoader(store.clone()), tokio::spawn),
            aliases: DataLoader::new(AliasesLoader(store.clone()), tokio::spawn),
            actors: DataLoader::new(ActorLoader(store.clone()), tokio::spawn),
            articles: DataLoader::new(ArticleLoader(store.clone()), tokio::spawn),
        }
    }

    /// Actor links of an event.
    pub async fn event_actors(&self, event: Id) -> async_graphql::Result<Vec<(Id, ActorRole)>> {
        Ok(self
            .event_actors
            .load_one(event)
            .await
            .map_err(internal)?
            .unwrap_or_default())
    }

    /// Mentions of an event.
    pub async fn mentions(&self, event: Id) -> async_graphql::Result<Vec<Mention>> {
        Ok(self
            .mentions
            .load_one(event)
            .await
            .map_err(internal)?
            .unwrap_or_default())
    }

    /// Aliases of an actor.
    pub async fn aliases(&self, actor: Id) -> async_graphql::Result<Vec<Alias>> {
        Ok(self
            .aliases
            .load_one(actor)
            .await
            .map_err(internal)?
            .unwrap_or_default())
    }

    /// Actors by id.
    pub async fn actors(&self, ids: &[Id]) -> async_graphql::Result<HashMap<Id, Actor>> {
        self.actors
            .load_many(ids.iter().copied())
            .await
            .map_err(internal)
    }

    /// An article by id.
    pub async fn article(&self, id: Id) -> async_graphql::Result<Option<Article>> {
        self.articles.load_one(id).await.map_err(internal)
    }
}
