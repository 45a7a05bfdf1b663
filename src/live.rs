//! The change feed behind GraphQL subscriptions: one task per server reads
//! every committed change of an event from the store, once, and hands it
//! to every subscriber through a bounded broadcast buffer; each subscriber
//! matches it against its own filter in memory (`domain::live`).
//!
//! - Wake-ups: on PostgreSQL, `NOTIFY tarikh_changes` sent by the
//!   database's triggers when any process commits a write (so a `tarikh
//!   ingest` elsewhere, or another server, reaches every subscriber), and a
//!   look every [`FeedConfig::fallback`] in case a notification was lost
//!   while the listener reconnected. On SQLite, the feed asks the change
//!   counter every [`FeedConfig::poll`] (a one-row read), which also sees
//!   other processes' writes, and at once when this process has written
//!   ([`Feed::changed`]).
//! - Exactly once: a read takes a sync token first and reads what was
//!   written since the previous token; rows read twice (tokens are
//!   conservative) are recognised by their revision and skipped.
//! - Bounded: the buffer holds [`FeedConfig::capacity`] changes; a
//!   subscriber that falls further behind is told so and ended (it
//!   resumes with `events(filter: {changedSince})`), never buffered for.
//! - Generation ([`Feed::generation`]): a number that moves whenever the
//!   store may have changed, for caches of answers: at once after this
//!   process writes, on PostgreSQL when a notification arrives (from any
//!   table the API reads, migration 13) or the listener was lost, on
//!   SQLite when its change counter or `PRAGMA data_version` (any commit
//!   by another connection, whatever the table) moves.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, Notify};
use tokio_util::task::AbortOnDropHandle;

use crate::domain::live::{ChangeKind, LiveChange, LiveState};
use crate::domain::{EventId, EventStatus, Id, SyncToken};
use crate::storage::{ChangeListener, Store, StoreResult, Written};

/// How the feed reads and buffers.
#[derive(Debug, Clone, Copy)]
pub struct FeedConfig {
    /// Changes buffered for subscribers (TARIKH_SUBSCRIPTION_BUFFER).
    pub capacity: usize,
    /// How often SQLite's change counter is read.
    pub poll: Duration,
    /// How often PostgreSQL's feed looks without a notification.
    pub fallback: Duration,
}

impl Default for FeedConfig {
    fn default() -> Self {
        FeedConfig {
            capacity: 1024,
            poll: Duration::from_millis(50),
            fallback: Duration::from_secs(1),
        }
    }
}

/// Rows read per statement.
const PAGE: u64 = 500;

/// The feed: cheap to clone; its task ends when the last clone is dropped.
#[derive(Clone)]
pub struct Feed {
    tx: broadcast::Sender<Arc<LiveChange>>,
    sent: Arc<AtomicU64>,
    generation: Arc<AtomicU64>,
    wake: Arc<Notify>,
    _task: Arc<AbortOnDropHandle<()>>,
}

impl std::fmt::Debug for Feed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Feed")
            .field("subscribers", &self.tx.receiver_count())
            .finish()
    }
}

impl Feed {
    /// Starts reading changes committed from now on.
    pub async fn start(store: Store, config: FeedConfig) -> StoreResult<Feed> {
        let (tx, _) = broadcast::channel(config.capacity.max(1));
        let sent = Arc::new(AtomicU64::new(0));
        let generation = Arc::new(AtomicU64::new(0));
        let wake = Arc::new(Notify::new());
        let reader = Reader::new(store, tx.clone(), sent.clone(), generation.clone()).await?;
        let task = tokio::spawn(reader.run(config, wake.clone()));
        Ok(Feed {
            tx,
            sent,
            generation,
            wake,
            _task: Arc::new(AbortOnDropHandle::new(task)),
        })
    }

    /// A new subscriber: every change from now on, until it falls more
    /// than the buffer behind.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<LiveChange>> {
        self.tx.subscribe()
    }

    /// Subscribers now.
    pub fn subscribers(&self) -> usize {
        self.tx.receiver_count()
    }

    /// Tells the feed that this process has committed a write, so that on
    /// SQLite it reads now rather than at its next look (PostgreSQL's
    /// notifications already do); the generation moves at once.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.wake.notify_one();
    }

    /// The store's generation: equal readings mean nothing was written
    /// between them that the feed has learnt of (this process's writes at
    /// once, other processes' when their notification arrives or at the
    /// next look). An answer computed after a reading is current while
    /// the generation still reads the same.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Changes sent to subscribers since the feed started.
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }
}

/// The feed's task state.
struct Reader {
    store: Store,
    tx: broadcast::Sender<Arc<LiveChange>>,
    /// Changes sent, for [`Feed::sent`].
    count: Arc<AtomicU64>,
    /// [`Feed::generation`].
    generation: Arc<AtomicU64>,
    /// Everything written before it was sent.
    token: SyncToken,
    /// Events sent at a revision, with the write number they had then,
    /// kept while a read can still return them again.
    sent: HashMap<EventId, (i64, i64)>,
    /// Tombstones sent, with their write numbers, likewise.
    buried: HashMap<Id, i64>,
    /// SQLite: the change counter last seen.
    counter: Option<i64>,
    /// SQLite: `PRAGMA data_version` last seen.
    version: Option<i64>,
}

impl Reader {
    async fn new(
        store: Store,
        tx: broadcast::Sender<Arc<LiveChange>>,
        count: Arc<AtomicU64>,
        generation: Arc<AtomicU64>,
    ) -> StoreResult<Reader> {
        let token = store.sync_token().await?;
        let counter = store.last_write_number().await?;
        let version = store.data_version().await?;
        Ok(Reader {
            store,
            tx,
            count,
            generation,
            token,
            sent: HashMap::new(),
            buried: HashMap::new(),
            counter,
            version,
        })
    }

    /// The store may have changed: see [`Feed::generation`].
    fn moved(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    async fn run(mut self, config: FeedConfig, wake: Arc<Notify>) {
        let mut listener: Option<ChangeListener> = None;
        let mut failing = false;
        loop {
            if self.store.notifies() {
                if listener.is_none() {
                    listener = match self.store.change_listener().await {
                        Ok(l) => l,
                        Err(e) => {
                            tracing::warn!(error = %e, "change feed cannot listen: looking every second");
                            None
                        }
                    };
                    // Anything committed before the listener was up.
                    self.moved();
                    self.read_logged(&mut failing).await;
                }
                let woken = match listener.as_mut() {
                    Some(l) => tokio::time::timeout(config.fallback, l.next()).await,
                    None => {
                        tokio::time::sleep(config.fallback).await;
                        Ok(Ok(Written::Events))
                    }
                };
                match woken {
                    Ok(Ok(Written::Other)) => {
                        // Nothing for subscribers.
                        self.moved();
                        continue;
                    }
                    // Events written, or no listener (a look in the dark).
                    Ok(Ok(Written::Events)) => self.moved(),
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "change listener lost");
                        self.moved();
                        listener = None;
                    }
                    Err(_) => {}
                }
            } else {
                tokio::select! {
                    _ = tokio::time::sleep(config.poll) => {}
                    _ = wake.notified() => {}
                }
                match self.store.data_version().await {
                    Ok(v) if v != self.version => {
                        self.version = v;
                        self.moved();
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "data version"),
                }
                match self.store.last_write_number().await {
                    Ok(c) if c == self.counter => continue,
                    Ok(c) => {
                        self.counter = c;
                        self.moved();
                    }
                    Err(e) => tracing::warn!(error = %e, "change counter"),
                }
            }
            self.read_logged(&mut failing).await;
        }
    }

    /// [`Reader::read`], logging a failure once until it reads again (the
    /// token stays, so nothing is lost: the next wake-up reads it all).
    async fn read_logged(&mut self, failing: &mut bool) {
        match self.read().await {
            Ok(()) => *failing = false,
            Err(e) if !*failing => {
                *failing = true;
                tracing::error!(error = %e, "change feed cannot read: retrying");
            }
            Err(_) => {}
        }
    }

    /// Sends everything written since the last read.
    async fn read(&mut self) -> StoreResult<()> {
        if self.tx.receiver_count() == 0 {
            // Nobody listens: nothing to read, and later subscribers only
            // want what comes after them. On SQLite the token follows from
            // the counter just read, with no statement of the API's pool.
            self.token = match self.counter {
                Some(c) => SyncToken(c + 1),
                None => self.store.quiet_sync_token().await?,
            };
            self.sent.clear();
            self.buried.clear();
            return Ok(());
        }
        let next = self.store.sync_token().await?;
        let token = self.token;
        let mut after = None;
        loop {
            let rows = self.store.changed_events(token, after, PAGE).await?;
            let Some(last) = rows.last() else { break };
            after = Some(last.event.id);
            let full = rows.len() as u64 == PAGE;
            let ids: Vec<EventId> = rows.iter().map(|r| r.event.id).collect();
            let mut links = self.store.event_actor_links(&ids).await?;
            let mut places = self.store.event_place_links(&ids).await?;
            for row in rows {
                let id = row.event.id;
                let seen = self.sent.get(&id).copied();
                if seen.is_some_and(|(rev, _)| rev >= row.event.rev) {
                    continue;
                }
                let change = if seen.is_none() && row.created_seq >= token.0 {
                    ChangeKind::Created
                } else {
                    ChangeKind::Updated
                };
                self.sent.insert(id, (row.event.rev, row.change_seq));
                let actors = links.remove(&id).unwrap_or_default();
                let state = LiveState::of(&row.event, &actors).with_places(
                    places
                        .remove(&id)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(p, _)| p.0),
                );
                self.send(LiveChange {
                    change,
                    event_id: id,
                    event: Some(Arc::new(row.event)),
                    state,
                    merged_into: None,
                    sync_token: token,
                });
            }
            if !full {
                break;
            }
        }
        let mut after = None;
        loop {
            let tombs = self.store.changed_tombstones(token, after, PAGE).await?;
            let Some((last, _)) = tombs.last() else { break };
            after = Some(last.id);
            let full = tombs.len() as u64 == PAGE;
            // A rejected event stays: its update is the change.
            let gone: Vec<_> = tombs
                .into_iter()
                .filter(|(t, _)| t.reason != "rejected" && !self.buried.contains_key(&t.id))
                .collect();
            let ids: Vec<EventId> = gone.iter().map(|(t, _)| t.event_id).collect();
            let mut last_states = self.store.last_snapshots(&ids).await?;
            for (t, seq) in gone {
                self.buried.insert(t.id, seq);
                self.sent.remove(&t.event_id);
                let Some(state) = last_states
                    .remove(&t.event_id)
                    .and_then(|v| LiveState::from_snapshot(&v))
                else {
                    tracing::warn!(event = %t.event_id, "no last state for a removed event");
                    continue;
                };
                self.send(LiveChange {
                    change: if t.merged_into.is_some() {
                        ChangeKind::Merged
                    } else {
                        ChangeKind::Deleted
                    },
                    event_id: t.event_id,
                    event: None,
                    state,
                    merged_into: t.merged_into,
                    sync_token: token,
                });
            }
            if !full {
                break;
            }
        }
        // What the next read cannot return again needs no memory.
        self.sent.retain(|_, (_, seq)| *seq >= next.0);
        self.buried.retain(|_, seq| *seq >= next.0);
        self.token = next;
        Ok(())
    }

    fn send(&self, change: LiveChange) {
        // An error means nobody listens any more: nothing to do.
        let _ = self.tx.send(Arc::new(change));
        self.count.fetch_add(1, Ordering::Relaxed);
    }
}

/// Whether a filter should ignore the status of `c`'s event: an event
/// that has just been rejected, so that a default filter (which hides
/// rejected events) hears it leave.
pub fn just_rejected(c: &LiveChange) -> bool {
    c.change == ChangeKind::Updated && c.state.status == EventStatus::Rejected
}
