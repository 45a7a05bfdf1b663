//! Subscriptions that share their work: identical subscriptions (the same
//! document, operation and variables) form a cohort, whose one leader runs
//! the subscription and hands every result to all its members.
//!
//! A thousand dashboards showing the same view cost the server one
//! execution of each change, not a thousand: each member only copies the
//! result and sends it. What stays per member is its place in the cohort's
//! buffer: a member that falls [`Sharing::buffer`] results behind the
//! others gets `SUBSCRIPTION_BEHIND` with the `syncToken` to catch up
//! from, as a subscription behind the change feed does, and ends; a
//! result leaves the buffer once every member has taken it.
//!
//! Memory is bounded: at most [`Sharing::cohorts`] cohorts run, each
//! holding at most its buffer of results (while a member lags); a
//! subscription that would start one more runs on its own, as if
//! unshared, reading the change feed's buffer that all subscribers share.
//!
//! Sharing is sound because nothing a subscription returns depends on who
//! asked: the connection data every WebSocket carries is the same
//! (`http::ws`), and a subscription's filter is in its document and
//! variables. Actor names in a filter are looked up when the cohort
//! starts.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

use async_graphql::{Data, Executor, Request, Response, Value};
use futures::stream::BoxStream;
use futures::StreamExt;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio_util::task::AbortOnDropHandle;

use super::subscription;
use super::TarikhSchema;
use crate::domain::SyncToken;
use crate::live::Feed;

/// Where a cohort's leader says how far it has read the change feed: the
/// sync token a member resumes from if it falls behind. The subscription
/// resolver sets it when it finds it in the request's data.
#[derive(Clone)]
pub struct Tap(Arc<[AtomicI64; 2]>);

/// A tap that has not been set yet.
const UNSET: i64 = i64::MIN;

impl Tap {
    fn new() -> Tap {
        Tap(Arc::new([AtomicI64::new(UNSET), AtomicI64::new(UNSET)]))
    }

    /// The leader has read the feed up to `token`; the first call says
    /// where it started.
    pub fn set(&self, token: SyncToken) {
        let _ = self.0[0].compare_exchange(UNSET, token.0, Ordering::AcqRel, Ordering::Acquire);
        self.0[1].store(token.0, Ordering::Release);
    }

    /// Where the leader started reading; `None` until it listens.
    fn start(&self) -> Option<SyncToken> {
        read(&self.0[0])
    }

    /// How far the leader has read.
    fn now(&self) -> Option<SyncToken> {
        read(&self.0[1])
    }
}

fn read(a: &AtomicI64) -> Option<SyncToken> {
    match a.load(Ordering::Acquire) {
        UNSET => None,
        t => Some(SyncToken(t)),
    }
}

/// What a cohort's leader sends its members.
type Item = Arc<Step>;

// Always behind an `Arc`: its size is paid once per result.
#[allow(clippy::large_enum_variant)]
enum Step {
    /// A result, with the token members resume from; `last` when the
    /// subscription ends with it.
    Result {
        response: Response,
        token: SyncToken,
        last: bool,
    },
    /// The subscription ended.
    End,
}

/// The cohorts running, by what their members asked for.
type Hub = Mutex<HashMap<String, (u64, Weak<Cohort>)>>;

/// Runs subscriptions in cohorts: an [`Executor`] for async-graphql's
/// WebSocket protocols. Cheap to clone.
#[derive(Clone)]
pub struct SharedSubscriptions {
    schema: TarikhSchema,
    hub: Arc<Hub>,
    next_id: Arc<AtomicU64>,
    sharing: Sharing,
}

/// How many subscriptions share, and how far a member may lag.
#[derive(Debug, Clone, Copy)]
pub struct Sharing {
    /// Cohorts at most; beyond, subscriptions run on their own.
    pub cohorts: usize,
    /// Results a cohort buffers for its slowest member.
    pub buffer: usize,
}

impl Default for Sharing {
    fn default() -> Self {
        Sharing {
            cohorts: 256,
            buffer: 64,
        }
    }
}

struct Cohort {
    tx: broadcast::Sender<Item>,
    tap: Tap,
    _leader: AbortOnDropHandle<()>,
}

impl SharedSubscriptions {
    /// Cohorts over `schema`.
    pub fn new(schema: TarikhSchema, sharing: Sharing) -> SharedSubscriptions {
        SharedSubscriptions {
            schema,
            hub: Arc::default(),
            next_id: Arc::default(),
            sharing: Sharing {
                cohorts: sharing.cohorts,
                buffer: sharing.buffer.max(1),
            },
        }
    }

    /// Subscriptions receiving changes now: the members of every cohort
    /// whose leader listens to the change feed, and the subscriptions
    /// running on their own.
    pub fn subscribers(&self) -> usize {
        let listening = self.schema.data::<Feed>().map_or(0, Feed::subscribers);
        let hub = self.hub.lock().unwrap_or_else(|e| e.into_inner());
        let (leaders, members) = hub
            .values()
            .filter_map(|(_, c)| c.upgrade())
            .filter(|c| c.tap.start().is_some())
            .fold((0, 0), |(l, m), c| (l + 1, m + c.tx.receiver_count()));
        listening.saturating_sub(leaders) + members
    }

    /// Cohorts running now.
    pub fn cohorts(&self) -> usize {
        let hub = self.hub.lock().unwrap_or_else(|e| e.into_inner());
        hub.values().filter(|(_, c)| c.strong_count() > 0).count()
    }

    /// Joins the cohort for `request`, starting it if there is none;
    /// gives the request back when no cohort may start.
    fn join(&self, request: Request, session: Option<Arc<Data>>) -> Joined {
        let key = key_of(&request);
        let mut hub = self.hub.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(cohort) = hub.get(&key).and_then(|(_, c)| c.upgrade()) {
            let rx = cohort.tx.subscribe();
            let resume = cohort.tap.now();
            return Joined::Cohort(cohort, Member { rx, resume });
        }
        // Forget the cohorts that ended before counting them.
        if hub.len() >= self.sharing.cohorts {
            hub.retain(|_, (_, c)| c.strong_count() > 0);
            if hub.len() >= self.sharing.cohorts {
                return Joined::Alone(Box::new((request, session)));
            }
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = broadcast::channel(self.sharing.buffer);
        let tap = Tap::new();
        let leader = tokio::spawn(lead(
            self.schema.clone(),
            request.data(tap.clone()),
            session,
            tx.clone(),
            tap.clone(),
            (self.hub.clone(), key.clone(), id),
        ));
        let cohort = Arc::new(Cohort {
            tx,
            tap,
            _leader: AbortOnDropHandle::new(leader),
        });
        hub.insert(key, (id, Arc::downgrade(&cohort)));
        Joined::Cohort(cohort, Member { rx, resume: None })
    }
}

/// What identical subscriptions share: document, operation, variables
/// and extensions.
fn key_of(r: &Request) -> String {
    let extensions: std::collections::BTreeMap<_, _> = r.extensions.iter().collect();
    serde_json::to_string(&(&r.query, &r.operation_name, &r.variables, extensions))
        .unwrap_or_default()
}

/// The leader: runs the subscription once and sends every result to the
/// cohort. A result without data (the subscription failed, or fell behind
/// the change feed) ends it: the cohort leaves the hub first, so that a
/// later subscriber starts afresh rather than joining one that is over,
/// and its members end after it.
async fn lead(
    schema: TarikhSchema,
    request: Request,
    session: Option<Arc<Data>>,
    tx: broadcast::Sender<Item>,
    tap: Tap,
    (hub, key, id): (Arc<Hub>, String, u64),
) {
    let leave = || {
        let mut hub = hub.lock().unwrap_or_else(|e| e.into_inner());
        if hub.get(&key).is_some_and(|(i, _)| *i == id) {
            hub.remove(&key);
        }
    };
    let mut results = Executor::execute_stream(&schema, request, session);
    while let Some(response) = results.next().await {
        let last = response.data == Value::Null && !response.errors.is_empty();
        if last {
            leave();
        }
        let token = tap.now().unwrap_or(SyncToken(0));
        // An error means no member is left: the cohort is being dropped.
        let _ = tx.send(Arc::new(Step::Result {
            response,
            token,
            last,
        }));
        if last {
            return;
        }
    }
    leave();
    let _ = tx.send(Arc::new(Step::End));
}

/// Where a subscription runs.
enum Joined {
    /// In a cohort.
    Cohort(Arc<Cohort>, Member),
    /// On its own: no cohort may start.
    Alone(Box<(Request, Option<Arc<Data>>)>),
}

/// A member's place in its cohort.
struct Member {
    rx: broadcast::Receiver<Item>,
    /// The token to resume from: the leader's when the member joined,
    /// then that of each result it took.
    resume: Option<SyncToken>,
}

impl Executor for SharedSubscriptions {
    async fn execute(&self, request: Request) -> Response {
        self.schema.execute(request).await
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let (cohort, member) = match self.join(request, session_data) {
            Joined::Cohort(cohort, member) => (cohort, member),
            Joined::Alone(r) => return Executor::execute_stream(&self.schema, r.0, r.1),
        };
        futures::stream::unfold(Some((cohort, member)), |state| async move {
            let (cohort, mut m) = state?;
            match m.rx.recv().await {
                Ok(item) => match &*item {
                    Step::Result {
                        response,
                        token,
                        last,
                    } => {
                        m.resume = Some(m.resume.map_or(*token, |t| t.max(*token)));
                        let next = (!*last).then_some((cohort, m));
                        Some((copy(response), next))
                    }
                    Step::End => None,
                },
                Err(RecvError::Lagged(n)) => {
                    // A member that joined before the leader listened
                    // resumes from where the leader started.
                    let resume = m
                        .resume
                        .or_else(|| cohort.tap.start())
                        .unwrap_or(SyncToken(0));
                    Some((behind(n, resume), None))
                }
                Err(RecvError::Closed) => None,
            }
        })
        .boxed()
    }
}

/// A member's own copy of a result.
fn copy(r: &Response) -> Response {
    let mut out = Response::new(r.data.clone());
    out.errors = r.errors.clone();
    out.extensions = r.extensions.clone();
    out
}

/// What a member that fell behind its cohort receives last: what a
/// subscription behind the change feed gets.
fn behind(missed: u64, resume: SyncToken) -> Response {
    let mut e = subscription::behind(missed, resume).into_server_error(Default::default());
    // Not an error of the document: no place in it.
    e.locations.clear();
    Response::from_errors(vec![e])
}
