//! The background refresher: a task that makes the stale documents of
//! events written through the API, so the next export finds them made.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::domain::SyncToken;
use crate::storage::{Store, StoreError};

use super::cache::refresh_stale_docs;

/// Keeps export documents current behind the API's writes (curation:
/// updateEvent, mergeEvents, splitMention, updateActor, …), so the next
/// export finds them made. [`DocRefresher::changed`] wakes a task that makes
/// the stale documents of events written since its previous pass; writes
/// never wait for it, and a burst of writes costs one pass. Each pass
/// takes a sync token before it reads ([`Store::sync_token`]) and the next
/// one starts from it, so no write is missed whatever order writers commit
/// in. Only speed depends on it: a failed pass is logged and its writes
/// looked at again by the next one; an export (or `tarikh refresh-docs`)
/// makes what it has not made yet.
#[derive(Clone)]
pub struct DocRefresher(Arc<Refresher>);

struct Refresher {
    store: Store,
    wake: Arc<tokio::sync::Notify>,
    from: SyncToken,
    task: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// Passes asked for ([`DocRefresher::changed`] calls), and how many of
    /// them the passes that ended covered: equal when it is idle.
    progress: Arc<Progress>,
}

/// How far the refresher is: `asked` by writers, `done` by its task.
struct Progress {
    asked: AtomicU64,
    done: tokio::sync::watch::Sender<u64>,
}

impl DocRefresher {
    /// A refresher for `store` that looks after the writes made since token
    /// `from` (earlier ones are `tarikh refresh-docs`'s job). Its task
    /// starts on the first [`DocRefresher::changed`], on that caller's
    /// runtime, and starts again (from `from`) if that runtime has gone.
    pub fn new(store: &Store, from: SyncToken) -> DocRefresher {
        DocRefresher(Arc::new(Refresher {
            store: store.clone(),
            wake: Arc::new(tokio::sync::Notify::new()),
            from,
            task: std::sync::Mutex::new(None),
            progress: Arc::new(Progress {
                asked: AtomicU64::new(0),
                done: tokio::sync::watch::Sender::new(0),
            }),
        }))
    }

    /// Waits until every pass asked for so far has ended (made its
    /// documents, or failed and logged it): for a caller that needs the
    /// store quiet, such as a test counting a request's statements.
    pub async fn idle(&self) {
        let asked = self.0.progress.asked.load(Ordering::SeqCst);
        let mut done = self.0.progress.done.subscribe();
        let _ = done.wait_for(|d| *d >= asked).await;
    }

    /// Something was committed: a pass will follow.
    pub fn changed(&self) {
        let k = &self.0;
        let mut task = k.task.lock().unwrap_or_else(|p| p.into_inner());
        k.progress.asked.fetch_add(1, Ordering::SeqCst);
        if task.as_ref().is_none_or(|t| t.is_finished()) {
            let (store, wake, progress) = (k.store.clone(), k.wake.clone(), k.progress.clone());
            *task = Some(tokio::spawn(refresh_after_writes(
                store, wake, progress, k.from,
            )));
        }
        k.wake.notify_one();
    }
}

/// The refresher's task: a pass per wake-up over the writes since the last
/// pass that completed.
async fn refresh_after_writes(
    store: Store,
    wake: Arc<tokio::sync::Notify>,
    progress: Arc<Progress>,
    mut since: SyncToken,
) {
    loop {
        wake.notified().await;
        // Every pass asked for until now is covered by this one.
        let covers = progress.asked.load(Ordering::SeqCst);
        let pass = async {
            let next = store.sync_token().await?;
            let made = refresh_stale_docs(&store, Some(since), |_| {}).await?;
            Ok::<_, StoreError>((next, made))
        };
        match pass.await {
            Ok((next, made)) => {
                tracing::debug!(made, "export documents kept current");
                since = next;
            }
            Err(e) => tracing::warn!(error = %e, "export documents not made"),
        }
        progress.done.send_replace(covers);
    }
}
