//! The GraphQL schema: queries over events, actors and articles, with
//! date-range and actor filters, and token-protected mutations. Knows
//! nothing of HTTP (no actix here) and nothing of SeaORM: it talks to
//! `storage::Store` in `domain` records.

pub mod auth;
pub mod cohorts;
pub mod dates;
pub mod errors;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod places;
pub mod query;
pub mod scalars;
pub mod subscription;
pub mod types;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextResolve,
    ResolveInfo,
};
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{
    BatchRequest, BatchResponse, ErrorExtensions, Response, Schema, ServerError, ServerResult,
    Value, Variables,
};

pub use auth::{Bearer, WriteTokens};
pub use cohorts::{SharedSubscriptions, Sharing};

use crate::export::DocRefresher;
use crate::live::Feed;
use crate::storage::Store;

/// The schema type.
pub type TarikhSchema =
    Schema<query::QueryRoot, mutation::MutationRoot, subscription::SubscriptionRoot>;

/// Deepest query accepted.
pub const MAX_DEPTH: usize = 12;
/// Largest query complexity accepted (a page counts its size times its fields).
pub const MAX_COMPLEXITY: usize = 60_000;

/// Builds the schema over a store; `refresher` is woken after every request
/// that holds a mutation, to keep the export documents current; `feed`
/// serves subscriptions, and is woken likewise (it need not wait for its
/// next look to see this process's writes).
pub fn build_schema(
    store: Store,
    tokens: WriteTokens,
    refresher: DocRefresher,
    feed: Feed,
) -> TarikhSchema {
    builder(store, tokens, feed.clone())
        .extension(WakeAfterWrites { refresher, feed })
        .extension(RootTurns)
        .finish()
}

/// The schema that serves subscriptions over WebSocket: the same types,
/// data and limits as [`build_schema`]'s, without its per-request
/// extensions (they watch mutations and root fields of queries, and a
/// subscription has neither); each change a subscriber receives is
/// executed once for it, so every layer around a field counts.
pub fn build_subscription_schema(store: Store, tokens: WriteTokens, feed: Feed) -> TarikhSchema {
    builder(store, tokens, feed).finish()
}

/// The types, data and limits every schema has.
fn builder(
    store: Store,
    tokens: WriteTokens,
    feed: Feed,
) -> async_graphql::SchemaBuilder<
    query::QueryRoot,
    mutation::MutationRoot,
    subscription::SubscriptionRoot,
> {
    Schema::build(
        query::QueryRoot,
        mutation::MutationRoot,
        subscription::SubscriptionRoot,
    )
    .data(store)
    .data(tokens)
    .data(feed)
    .limit_depth(MAX_DEPTH)
    .limit_complexity(MAX_COMPLEXITY)
    .limit_directives(MAX_DIRECTIVES)
}

/// Most directives on one field or fragment.
pub const MAX_DIRECTIVES: usize = 8;

/// Runs a batch (or a single request) within [`limits`]: a batch or
/// request over a limit is refused whole (one error), before anything is
/// parsed twice or expanded; the requests of a batch run one after the
/// other, so a batch holds no more than one request does. Every error
/// gets its code.
pub async fn execute(schema: &TarikhSchema, mut batch: BatchRequest) -> BatchResponse {
    match limits::check_batch(&mut batch) {
        Ok(_) => execute_checked(schema, batch).await,
        Err(message) => refused(&message),
    }
}

/// The answer to a request or batch refused before it ran: one error.
pub fn refused(message: &str) -> BatchResponse {
    let e = ServerError::new(message.to_string(), None);
    BatchResponse::Single(with_codes(Response::from_errors(vec![e])))
}

/// Runs a batch that [`limits::check_batch`] accepted (its documents are
/// parsed already), one request after the other.
pub async fn execute_checked(schema: &TarikhSchema, batch: BatchRequest) -> BatchResponse {
    match batch {
        BatchRequest::Single(r) => BatchResponse::Single(with_codes(schema.execute(r).await)),
        BatchRequest::Batch(rs) => {
            let mut out = Vec::with_capacity(rs.len());
            for r in rs {
                out.push(with_codes(schema.execute(r).await));
            }
            BatchResponse::Batch(out)
        }
    }
}

/// Lets at most [`limits::ROOT_FIELDS_AT_ONCE`] root fields of a request
/// run at once (each with everything below it), so that one request with
/// many aliases holds a few database connections, not the pool.
struct RootTurns;

impl ExtensionFactory for RootTurns {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RootTurnsRequest(tokio::sync::Semaphore::new(
            limits::ROOT_FIELDS_AT_ONCE,
        )))
    }
}

struct RootTurnsRequest(tokio::sync::Semaphore);

#[async_graphql::async_trait::async_trait]
impl Extension for RootTurnsRequest {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if info.path_node.parent.is_some() {
            return next.run(ctx, info).await;
        }
        // The semaphore lives as long as the request and is never closed.
        let _turn = self.0.acquire().await.ok();
        next.run(ctx, info).await
    }
}

/// Wakes the export documents' refresher and the change feed after every
/// request that holds a mutation, once it has run (its writes committed),
/// whatever it wrote: both find the events by their change numbers.
struct WakeAfterWrites {
    refresher: DocRefresher,
    feed: Feed,
}

impl ExtensionFactory for WakeAfterWrites {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(WakeRequest {
            refresher: self.refresher.clone(),
            feed: self.feed.clone(),
            writes: AtomicBool::new(false),
        })
    }
}

struct WakeRequest {
    refresher: DocRefresher,
    feed: Feed,
    writes: AtomicBool,
}

#[async_graphql::async_trait::async_trait]
impl Extension for WakeRequest {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let writes = doc
            .operations
            .iter()
            .any(|(_, op)| op.node.ty == OperationType::Mutation);
        self.writes.store(writes, Ordering::Relaxed);
        Ok(doc)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let resp = next.run(ctx, operation_name).await;
        if self.writes.load(Ordering::Relaxed) {
            self.refresher.changed();
            self.feed.changed();
        }
        resp
    }
}

/// Attaches what one request needs: its caller's bearer token and fresh
/// per-request loaders.
pub fn prepare(request: BatchRequest, store: &Store, bearer: Bearer) -> BatchRequest {
    request.data(bearer).data(loaders::Loaders::new(store))
}

/// The schema's SDL, as committed in `schema/schema.graphql`.
pub fn sdl() -> String {
    Schema::build(
        query::QueryRoot,
        mutation::MutationRoot,
        subscription::SubscriptionRoot,
    )
    .finish()
    .sdl()
}

/// Gives every error an `extensions.code`: resolver errors carry their own;
/// the rest (parse, validation, limits, bad argument values) are the
/// client's and get `BAD_USER_INPUT`.
pub fn with_codes(mut resp: Response) -> Response {
    for e in &mut resp.errors {
        let has_code = e
            .extensions
            .as_ref()
            .is_some_and(|x| x.get("code").is_some());
        if !has_code {
            let coded = async_graphql::Error::new(e.message.clone())
                .extend_with(|_, x| x.set("code", errors::BAD_USER_INPUT));
            e.extensions = coded.extensions;
        }
    }
    resp
}
