//! What every storage trait shares: the backend-neutral error and paging.
//! Each feature declares its own storage trait beside its service
//! (`accounts::store`, `catalog::store`, …); `db` holds the backends that
//! implement them all. Nothing here names a backend.

use serde::Serialize;

/// What any storage backend may answer; nothing in it names a backend's
/// own error type, so domain code handles every backend alike.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backend failed (I/O, a constraint, a lost connection); the text
    /// is the backend's own and is logged, not shown.
    #[error("database error: {0}")]
    Backend(String),
    #[error("{0} already exists")]
    Exists(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error(
        "the database was written by a newer Xuncha (schema {found}, this build knows {known}); upgrade the server"
    )]
    NewerSchema { found: i64, known: i64 },
    #[error("could not prepare the database: {0}")]
    Migration(String),
    #[error("the transaction did not commit: {0}")]
    Commit(String),
    #[error("the database writer has stopped")]
    WriterGone,
    /// Another server instance changed this record between our read and
    /// our write (PostgreSQL with several instances); nothing was written
    /// and the caller may try again.
    #[error("{0} changed on another server at the same moment; try again")]
    Conflict(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// What one server instance tells the others that share its store, so
/// their caches do not outlive what they cache. A store only one instance
/// uses (SQLite) needs none of it: its methods then do nothing.
pub trait SharedEvents: Send + Sync {
    /// Tells the other instances that sign-in state changed (a device
    /// revoked, a session ended, a user disabled or given a new password).
    fn publish_auth_change(&self) -> StoreResult<()>;
    /// Calls `on_change` whenever another instance publishes a change, and
    /// whenever one may have been missed (the connection it listens on was
    /// lost), until the process ends.
    fn on_auth_change(&self, on_change: std::sync::Arc<dyn Fn() + Send + Sync>) -> StoreResult<()>;
}

/// Milliseconds since the Unix epoch: the server's one clock.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[derive(Debug, Clone, Copy)]
pub struct PageReq {
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}
