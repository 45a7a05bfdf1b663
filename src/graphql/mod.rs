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
pub mod root;
pub mod scalars;
pub mod subscription;
pub mod types;

use async_graphql::{BatchRequest, BatchResponse, ErrorExtensions, Response, Schema, ServerError};

pub use auth::{Bearer, WriteTokens};
pub use cohorts::{SharedSubscriptions, Sharing};

use crate::live::Feed;
use crate::storage::Store;

/// The schema type.
pub type TarikhSchema = Schema<root::Query, mutation::MutationRoot, subscription::SubscriptionRoot>;

/// Deepest query accepted.
pub const MAX_DEPTH: usize = 12;
/// Largest query complexity accepted (a page counts its size times its fields).
pub const MAX_COMPLEXITY: usize = 60_000;

/// Builds the schema over a store; `feed` serves subscriptions. It has
/// no extensions: one with a `resolve` hook would run for every field of
/// every response. What used to be extensions is done around it: root
/// fields take turns in [`root::Query`], and the HTTP layer wakes the
/// export documents' refresher and the change feed after a request that
/// holds a mutation. The schema that serves subscriptions over WebSocket
/// is built the same way: each change a subscriber receives is executed
/// once for it, so every layer around a field counts.
pub fn build_schema(store: Store, tokens: WriteTokens, feed: Feed) -> TarikhSchema {
    Schema::build(
        root::Query(query::QueryRoot),
        mutation::MutationRoot,
        subscription::SubscriptionRoot,
    )
    .data(store)
    .data(tokens)
    .data(feed)
    .limit_depth(MAX_DEPTH)
    .limit_complexity(MAX_COMPLEXITY)
    .limit_directives(MAX_DIRECTIVES)
    .finish()
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

/// Attaches what one request needs: its caller's bearer token, fresh
/// per-request loaders, and the turns its root fields take.
pub fn prepare(request: BatchRequest, store: &Store, bearer: Bearer) -> BatchRequest {
    request
        .data(bearer)
        .data(loaders::Loaders::new(store))
        .data(std::sync::Arc::new(root::RootTurns::default()))
}

/// The schema's SDL, as committed in `schema/schema.graphql`.
pub fn sdl() -> String {
    Schema::build(
        root::Query(query::QueryRoot),
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
