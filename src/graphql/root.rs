//! The query root as served: [`QueryRoot`] whose root fields take turns,
//! so that one request with many aliases holds at most
//! [`limits::ROOT_FIELDS_AT_ONCE`] database connections, not the pool.
//!
//! The turn is taken around each root field's whole resolution (its
//! nested fields and their loaders included). It is done in the root's
//! own `resolve_field` rather than by an async-graphql extension: any
//! extension with a `resolve` hook runs for every field of every
//! response (two boxed futures and a registry lookup per field), which
//! was a measurable share of a 50-event page's CPU.

use std::borrow::Cow;

use async_graphql::registry::Registry;
use async_graphql::resolver_utils::{resolve_container, ContainerType};
use async_graphql::{
    parser::types::Field, Context, ContextSelectionSet, ObjectType, OutputType, Positioned,
    ServerResult, Value,
};

use super::limits;
use super::query::QueryRoot;

/// The turns of one request (request data, added by
/// [`super::prepare`]); a request without them (an in-process caller)
/// runs its root fields without limit.
pub struct RootTurns(tokio::sync::Semaphore);

impl Default for RootTurns {
    fn default() -> Self {
        RootTurns(tokio::sync::Semaphore::new(limits::ROOT_FIELDS_AT_ONCE))
    }
}

/// [`QueryRoot`] with turns; the same type to clients (same name, same
/// fields).
pub struct Query(pub QueryRoot);

impl ContainerType for Query {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        // The semaphore lives as long as the request and is never closed.
        let _turn = match ctx.data_opt::<std::sync::Arc<RootTurns>>() {
            Some(t) => t.0.acquire().await.ok(),
            None => None,
        };
        self.0.resolve_field(ctx).await
    }
}

impl OutputType for Query {
    fn type_name() -> Cow<'static, str> {
        QueryRoot::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        QueryRoot::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        resolve_container(ctx, self).await
    }
}

impl ObjectType for Query {}
