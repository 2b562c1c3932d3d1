//! Work that may run once at a time per key: a device's sync round, one
//! upload's PATCH. A second attempt while the first runs is refused rather
//! than queued, so one client cannot stack up work behind itself.

use std::collections::HashSet;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

#[derive(Debug)]
pub struct InFlight<K: Eq + Hash>(Mutex<HashSet<K>>);

impl<K: Eq + Hash> Default for InFlight<K> {
    fn default() -> Self {
        Self(Mutex::new(HashSet::new()))
    }
}

/// Held while the work runs; the key is free again when it is dropped.
#[derive(Debug)]
pub struct InFlightGuard<K: Eq + Hash> {
    set: Arc<InFlight<K>>,
    key: Option<K>,
}

impl<K: Eq + Hash + Clone> InFlight<K> {
    /// `None` when work for `key` is running already.
    pub fn begin(self: &Arc<Self>, key: K) -> Option<InFlightGuard<K>> {
        let mut set = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        set.insert(key.clone()).then(|| InFlightGuard { set: self.clone(), key: Some(key) })
    }
}

impl<K: Eq + Hash> Drop for InFlightGuard<K> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.set.0.lock().unwrap_or_else(PoisonError::into_inner).remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_busy_until_its_guard_is_dropped() {
        let set = Arc::new(InFlight::default());
        let first = set.begin(1);
        assert!(first.is_some());
        assert!(set.begin(1).is_none());
        assert!(set.begin(2).is_some());
        drop(first);
        assert!(set.begin(1).is_some());
    }
}
