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

/// One lane per device for work that takes a processor permit outside a
/// sync round (decoding a photo's last part): a device's decodes run one
/// after another, so it holds at most one permit for them however many
/// uploads it runs at once. Devices share a fixed number of lanes by id,
/// so the table never grows; two devices on one lane wait for each other.
#[derive(Debug)]
pub struct DeviceLanes(Vec<Arc<tokio::sync::Mutex<()>>>);

impl DeviceLanes {
    pub fn new(lanes: usize) -> Self {
        Self((0..lanes.max(1)).map(|_| Arc::new(tokio::sync::Mutex::new(()))).collect())
    }

    pub async fn enter(&self, device: i64) -> tokio::sync::OwnedMutexGuard<()> {
        let n = i64::try_from(self.0.len()).unwrap_or(1);
        let i = usize::try_from(device.rem_euclid(n)).unwrap_or(0);
        match self.0.get(i).or(self.0.first()) {
            Some(lane) => lane.clone().lock_owned().await,
            None => Arc::new(tokio::sync::Mutex::new(())).lock_owned().await,
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

    #[tokio::test]
    async fn a_device_waits_for_its_own_lane_only() {
        let lanes = DeviceLanes::new(4);
        let held = lanes.enter(5).await;
        assert!(lanes.0[1].try_lock().is_err(), "device 5 is on lane 1");
        let other = tokio::time::timeout(std::time::Duration::from_secs(5), lanes.enter(6)).await;
        assert!(other.is_ok(), "device 6 does not wait for device 5");
        drop(held);
        assert!(lanes.0[1].try_lock().is_ok());
    }
}
