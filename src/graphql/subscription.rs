//! Subscriptions: every committed change of the events a filter matches
//! (`eventChanges`), from the server's change feed ([`crate::live`]).

use std::sync::Arc;

use async_graphql::{Context, Enum, ErrorExtensions, Object, Subscription, ID};
use futures::Stream;
use tokio::sync::broadcast::error::RecvError;

use super::cohorts::Tap;
use super::errors::{bad_input, coded, store as store_error};
use super::types::{Event, EventFilter};
use crate::domain::live::{self, LiveChange, LiveFilter};
use crate::domain::SyncToken;
use crate::live::{just_rejected, Feed};
use crate::storage::Store;

/// The subscription root.
pub struct SubscriptionRoot;

/// What happened to an event.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ChangeKind {
    /// It was stored.
    Created,
    /// What it shows changed: fields, actors, sources, or its status
    /// (a rejected event is an update with status REJECTED).
    Updated,
    /// It was deleted.
    Deleted,
    /// It was merged into another event (`mergedInto`).
    Merged,
}

impl From<live::ChangeKind> for ChangeKind {
    fn from(k: live::ChangeKind) -> Self {
        match k {
            live::ChangeKind::Created => ChangeKind::Created,
            live::ChangeKind::Updated => ChangeKind::Updated,
            live::ChangeKind::Deleted => ChangeKind::Deleted,
            live::ChangeKind::Merged => ChangeKind::Merged,
        }
    }
}

/// One committed change of an event.
pub struct EventChange(Arc<LiveChange>);

/// One committed change of an event, as a subscriber receives it.
#[Object]
impl EventChange {
    /// What happened.
    async fn change(&self) -> ChangeKind {
        self.0.change.into()
    }
    /// The event it happened to.
    async fn event_id(&self) -> ID {
        ID(self.0.event_id.to_string())
    }
    /// The event as it is now; null once deleted or merged.
    async fn event(&self) -> Option<Event> {
        self.0.event.clone().map(Event)
    }
    /// The event it was merged into (MERGED only).
    async fn merged_into(&self) -> Option<ID> {
        self.0.merged_into.map(|id| ID(id.to_string()))
    }
    /// `events(filter: {changedSince: syncToken})` returns this change and
    /// every later one: after a lost connection, pass the last token
    /// received to catch up without missing anything, then subscribe again.
    async fn sync_token(&self) -> String {
        self.0.sync_token.to_string()
    }
}

/// A subscription that fell further behind than the server buffers.
pub const SUBSCRIPTION_BEHIND: &str = "SUBSCRIPTION_BEHIND";

/// How [`SUBSCRIPTION_BEHIND`] appears in a server message: a JSON
/// string cannot hold it unescaped, so only the error's code matches.
pub const SUBSCRIPTION_BEHIND_IN_JSON: &str = r#""code":"SUBSCRIPTION_BEHIND""#;

/// Live changes, over WebSocket at `/graphql` (`graphql-transport-ws`,
/// or `graphql-ws` for older clients).
#[Subscription]
impl SubscriptionRoot {
    /// Every change committed from now on to an event the filter matches,
    /// in commit order: created, updated (including rejected), deleted and
    /// merged events (those two matched on their last state). Actor names
    /// are looked up when the subscription starts; `changedSince`,
    /// `updatedSince` and `articleId` are refused. A subscriber that falls
    /// more than the server's buffer behind gets a `SUBSCRIPTION_BEHIND`
    /// error carrying the `syncToken` to catch up from, and the
    /// subscription ends.
    async fn event_changes(
        &self,
        ctx: &Context<'_>,
        filter: Option<EventFilter>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<EventChange>>> {
        let feed = ctx.data::<Feed>()?.clone();
        let store = ctx.data::<Store>()?;
        let f = filter.unwrap_or_default().to_domain()?;
        let groups = store.actors_named_by(&f).await.map_err(store_error)?;
        let live = LiveFilter::new(&f, groups).map_err(bad_input)?;
        // Listening before the token is taken: nothing falls between.
        let rx = feed.subscribe();
        let resume = store.sync_token().await.map_err(store_error)?;
        // A cohort's leader says how far it has read (`cohorts`).
        let tap = ctx.data_opt::<Tap>().cloned();
        if let Some(t) = &tap {
            t.set(resume);
        }
        let state = Some((rx, live, resume, tap));
        Ok(futures::stream::unfold(state, |state| async move {
            let (mut rx, live, mut resume, tap) = state?;
            loop {
                match rx.recv().await {
                    Ok(c) => {
                        resume = resume.max(c.sync_token);
                        if let Some(t) = &tap {
                            t.set(resume);
                        }
                        if live.matches(&c.state, just_rejected(&c)) {
                            return Some((Ok(EventChange(c)), Some((rx, live, resume, tap))));
                        }
                    }
                    Err(RecvError::Lagged(n)) => return Some((Err(behind(n, resume)), None)),
                    Err(RecvError::Closed) => return None,
                }
            }
        }))
    }
}

/// [`SUBSCRIPTION_BEHIND`], with the token to catch up from.
pub(super) fn behind(missed: u64, resume: SyncToken) -> async_graphql::Error {
    coded(
        SUBSCRIPTION_BEHIND,
        format!(
            "this subscription fell {missed} changes behind the server's buffer and was ended: \
             read what it missed with events(filter: {{changedSince: \"{resume}\"}}), then \
             subscribe again"
        ),
    )
    .extend_with(|_, e| e.set("syncToken", resume.to_string()))
}

/// Checks a document a client sends over WebSocket before it runs: the
/// limits of every request ([`super::limits`]), and that it only
/// subscribes (queries and mutations go through `POST /graphql`, with its
/// deadline and rate limits). A document that does not parse is left for
/// async-graphql to report.
pub fn check_ws_document(query: &str) -> Result<(), String> {
    use async_graphql::parser::types::OperationType;
    let mut batch = async_graphql::BatchRequest::Single(async_graphql::Request::new(query));
    super::limits::check_batch(&mut batch)?;
    let async_graphql::BatchRequest::Single(r) = &mut batch else {
        return Ok(());
    };
    let Ok(doc) = r.parsed_query() else {
        return Ok(());
    };
    if doc
        .operations
        .iter()
        .any(|(_, op)| op.node.ty != OperationType::Subscription)
    {
        return Err(
            "only subscriptions go over WebSocket: send queries and mutations \
                    with POST /graphql"
                .into(),
        );
    }
    Ok(())
}
