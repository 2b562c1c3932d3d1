//! The documents in memory and their per-document locks.

use super::store::DocMeta;
use automerge::AutoCommit;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};
use xuncha_core::DocumentId;
use xuncha_core::ingest::Prior;

/// A document in memory, as committed.
#[derive(Debug)]
pub struct LoadedDoc {
    pub doc: AutoCommit,
    pub meta: DocMeta,
    /// Changes stored since the last snapshot.
    pub pending: usize,
    /// The document as last read, kept so a device's round reads again only
    /// what it touched; used only while its heads are the document's.
    pub prior: Option<Prior>,
}

pub type Slot = Arc<AsyncMutex<Option<LoadedDoc>>>;
pub type SlotGuard = OwnedMutexGuard<Option<LoadedDoc>>;

/// Per-document locks, holding the document once loaded. Bounded: slots
/// nobody holds are dropped when the map grows past its capacity.
#[derive(Debug)]
pub struct DocCache {
    slots: Mutex<HashMap<DocumentId, Slot>>,
    capacity: usize,
}

impl DocCache {
    pub fn new(capacity: usize) -> Self {
        Self { slots: Mutex::new(HashMap::new()), capacity: capacity.max(1) }
    }

    pub async fn lock(&self, doc: DocumentId) -> SlotGuard {
        let slot = {
            let mut map = self.slots.lock().unwrap_or_else(|p| p.into_inner());
            if map.len() >= self.capacity && !map.contains_key(&doc) {
                map.retain(|_, s| Arc::strong_count(s) > 1);
            }
            map.entry(doc).or_default().clone()
        };
        slot.lock_owned().await
    }
}
