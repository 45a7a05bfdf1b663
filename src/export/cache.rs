//! The document cache: each event's document stored beside it at its
//! content revision and [`DOC_VERSION`], made in batches on tasks beside
//! the caller. A document is served only while both match, so it is never
//! out of date; losing it costs only speed.

use crate::domain::EventId;
use crate::domain::SyncToken;
use crate::storage::{NewDoc, Store, StoreError};

use super::document::{rows_of, Doc};
use super::{DOC_VERSION, PAGE};

/// Makes the documents of events `ids` from their rows, with the
/// revisions they were made at (events gone meanwhile are left out).
pub async fn make_docs(store: &Store, ids: &[EventId]) -> Result<Vec<NewDoc>, StoreError> {
    let events = store.events_by_ids(ids).await?;
    Ok(rows_of(store, events)
        .await?
        .iter()
        .map(|r| (r.event.id, r.event.rev, Doc::of(r).json()))
        .collect())
}

/// Makes and stores the documents of events `ids` (after ingestion, or
/// for `tarikh refresh-docs`).
pub async fn refresh_docs(store: &Store, ids: &[EventId]) -> Result<usize, StoreError> {
    let docs = make_docs(store, ids).await?;
    store.store_docs(&docs, DOC_VERSION).await?;
    Ok(docs.len())
}

/// Makes and stores every missing or out-of-date document (of the events
/// written after sync token `changed_since` was taken, when given), a page at a time, the
/// next page found while the last is made; `progress` gets the running
/// count. Returns how many were made.
pub async fn refresh_stale_docs(
    store: &Store,
    changed_since: Option<SyncToken>,
    mut progress: impl FnMut(usize),
) -> Result<usize, StoreError> {
    let mut docs = DocBatches::new(store);
    let (mut after, mut made) = (None, 0);
    loop {
        let ids = store
            .stale_docs(changed_since, after, PAGE, DOC_VERSION)
            .await?;
        let Some(last) = ids.last() else { break };
        after = Some(*last);
        made += docs.add(ids).await?;
        progress(made);
    }
    made += docs.finish().await?;
    progress(made);
    Ok(made)
}

/// Makes and stores the documents of events as they come, [`PAGE`] at a
/// time on tasks beside the caller, two batches in flight: when the next
/// batch is full before the oldest is done, the caller waits for it, so
/// memory stays flat however far the documents fall behind. An event
/// added again after a later change gets its document made again after it
/// (a document made from an older state is never served: see
/// [`Store::store_docs`]).
pub struct DocBatches {
    store: Store,
    ids: Vec<EventId>,
    tasks: std::collections::VecDeque<tokio::task::JoinHandle<Result<usize, StoreError>>>,
}

/// Batches a [`DocBatches`] makes at once.
const IN_FLIGHT: usize = 2;

impl DocBatches {
    /// Nothing pending yet.
    pub fn new(store: &Store) -> DocBatches {
        DocBatches {
            store: store.clone(),
            ids: vec![],
            tasks: Default::default(),
        }
    }

    /// Adds events; with a full batch, waits for the oldest in flight if
    /// need be and starts this one. Returns how many documents the batches
    /// waited for made.
    pub async fn add(
        &mut self,
        ids: impl IntoIterator<Item = EventId>,
    ) -> Result<usize, StoreError> {
        self.ids.extend(ids);
        if self.ids.len() < PAGE as usize {
            return Ok(0);
        }
        self.start().await
    }

    /// Starts what is pending and waits for everything: how many documents
    /// the batches not reported yet made.
    pub async fn finish(mut self) -> Result<usize, StoreError> {
        let mut made = self.start().await?;
        while !self.tasks.is_empty() {
            made += self.wait_oldest().await?;
        }
        Ok(made)
    }

    async fn start(&mut self) -> Result<usize, StoreError> {
        let mut ids = std::mem::take(&mut self.ids);
        ids.sort_unstable();
        ids.dedup();
        let done = if self.tasks.len() >= IN_FLIGHT {
            self.wait_oldest().await
        } else {
            Ok(0)
        };
        if !ids.is_empty() {
            let store = self.store.clone();
            self.tasks.push_back(tokio::spawn(
                async move { refresh_docs(&store, &ids).await },
            ));
        }
        done
    }

    async fn wait_oldest(&mut self) -> Result<usize, StoreError> {
        match self.tasks.pop_front() {
            None => Ok(0),
            Some(t) => t
                .await
                .map_err(|e| StoreError::Invalid(format!("refresh task failed: {e}")))?,
        }
    }
}

/// Stores the documents an export had to make, one batch at a time on its
/// own task beside the export. A batch made while the previous one is
/// still being written is not stored (a later export or `tarikh
/// refresh-docs` makes it again): the cache never holds an export up.
/// Storing is an optimization; a failure (a read-only role, an event
/// deleted meanwhile) is logged and costs only speed.
#[derive(Default)]
pub(super) struct DocWriter(Option<tokio::task::JoinHandle<()>>);

impl DocWriter {
    pub(super) fn offer(&mut self, store: &Store, docs: Vec<NewDoc>) {
        if self.0.as_ref().is_some_and(|h| !h.is_finished()) {
            return;
        }
        let store = store.clone();
        self.0 = Some(tokio::spawn(async move {
            if let Err(e) = store.store_docs(&docs, DOC_VERSION).await {
                tracing::warn!(error = %e, "export documents not stored");
            }
        }));
    }

    /// Waits for the batch being stored, if any.
    pub(super) async fn finish(&mut self) {
        if let Some(h) = self.0.take() {
            let _ = h.await;
        }
    }
}
