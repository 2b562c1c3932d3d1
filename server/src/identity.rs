//! Who is calling, and the cache of recently checked tokens. Kept apart
//! from `auth` (the extractors, which need the whole application state) so
//! that the state can hold the cache without importing back.

use crate::error::ApiError;
use crate::store::{Device, Role, User};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use xuncha_core::Region;

/// Who is calling: a signed-in user, through a browser session or an enrolled device.
#[derive(Debug, Clone)]
pub struct Auth {
    pub user: User,
    pub device: Option<Device>,
}

/// A call that must come from an enrolled device (sync, photo upload).
#[derive(Debug, Clone)]
pub struct DeviceAuth {
    pub user: User,
    pub device: Device,
}

impl Auth {
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.user.role) { Ok(()) } else { Err(ApiError::forbidden()) }
    }

    /// Supervisors and administrators see their region; inspectors see
    /// only what they work on (checked by the caller through membership).
    pub fn oversees(&self, region: &Region) -> bool {
        matches!(self.user.role, Role::Supervisor | Role::Administrator) && self.user.scope.covers(region)
    }
}

/// Recently checked tokens, so a busy device is not looked up on every
/// round. Entries live `ttl`; revoking a device, signing out or changing a
/// user through the API clears the cache at once, and changes made with the
/// command line (another process) take effect within `ttl`.
#[derive(Debug)]
pub struct AuthCache {
    entries: Mutex<HashMap<[u8; 32], (Auth, Instant)>>,
    ttl: Duration,
}

const AUTH_CACHE_ENTRIES: usize = 10_000;

impl AuthCache {
    pub fn new(ttl: Duration) -> Self {
        Self { entries: Mutex::new(HashMap::new()), ttl }
    }

    pub fn get(&self, hash: &[u8; 32]) -> Option<Auth> {
        let map = self.entries.lock().ok()?;
        let (auth, at) = map.get(hash)?;
        (at.elapsed() < self.ttl).then(|| auth.clone())
    }

    pub fn put(&self, hash: [u8; 32], auth: &Auth) {
        if let Ok(mut map) = self.entries.lock() {
            if map.len() >= AUTH_CACHE_ENTRIES {
                map.clear();
            }
            map.insert(hash, (auth.clone(), Instant::now()));
        }
    }

    pub fn clear(&self) {
        if let Ok(mut map) = self.entries.lock() {
            map.clear();
        }
    }
}
