//! What every handler shares.

use crate::config::Config;
use crate::doc_cache::DocCache;
use crate::identity::AuthCache;
use crate::signin::{AccountThrottle, AddressLimiter, PasswordPool};
use crate::store::Store;
use crate::templates::Templates;
use automerge::ActorId;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    pub templates: Arc<Templates>,
    pub docs: Arc<DocCache>,
    /// Sign-in attempts per address.
    pub addresses: Arc<AddressLimiter>,
    /// Delays per account after failed passwords.
    pub accounts: Arc<AccountThrottle>,
    pub auth_cache: Arc<AuthCache>,
    /// Threads of their own for argon2 (19 MiB and tens of milliseconds each).
    pub passwords: PasswordPool,
    /// Permits for processor-bound work (checking and scoring rounds): one per core.
    pub cpu: Arc<tokio::sync::Semaphore>,
    /// The server's own Automerge actor: it writes reviews and creates assigned inspections.
    pub server_actor: ActorId,
    pub uploads: Arc<crate::inflight::UploadsInFlight>,
    /// Devices with a sync round running: one at a time each, so one device
    /// holds at most one processor permit and cannot crowd out the others.
    pub rounds: Arc<crate::inflight::InFlight<i64>>,
    /// Photo decodes of one device run one at a time.
    pub decodes: Arc<crate::inflight::DeviceLanes>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("config", &self.config).finish_non_exhaustive()
    }
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, config: Config) -> Result<Self, crate::store::StoreError> {
        let templates = Templates::load(store.as_ref())?;
        let server_actor = store.server_actor()?;
        let limits = &config.limits;
        Ok(Self {
            docs: Arc::new(DocCache::new(limits.doc_cache)),
            addresses: Arc::new(AddressLimiter::new(
                limits.login_attempts_per_address,
                std::time::Duration::from_secs(limits.login_window_secs),
            )),
            accounts: Arc::new(AccountThrottle::new(
                limits.login_failures,
                std::time::Duration::from_secs(limits.login_window_secs),
            )),
            cpu: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map(std::num::NonZero::get).unwrap_or(2),
            )),
            passwords: PasswordPool::new(2, 32),
            auth_cache: Arc::new(AuthCache::new(std::time::Duration::from_secs(10))),
            store,
            templates: Arc::new(templates),
            config: Arc::new(config),
            server_actor,
            uploads: Arc::default(),
            rounds: Arc::default(),
            decodes: Arc::new(crate::inflight::DeviceLanes::new(64)),
        })
    }
}
