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
    /// A page link (`after=`, `before=`) that is not one of this list in
    /// this order.
    #[error("this page link belongs to another list or order: start again from the first page")]
    BadCursor,
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

/// Which rows a page holds: the `per_page` rows from page number `page`
/// (counted from the first row: fine near the start of a list), or the
/// rows just after or just before a row the client holds (keyset paging:
/// page 1,000 costs what page 1 costs, however long the list). `page` is
/// then only the number the client shows.
#[derive(Debug, Clone, PartialEq)]
pub struct PageReq {
    pub page: u32,
    pub per_page: u32,
    pub seek: Seek,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Seek {
    #[default]
    Number,
    After(Cursor),
    Before(Cursor),
}

impl PageReq {
    /// Page number `page`, counted from the first row.
    pub fn new(page: u32, per_page: u32) -> Self {
        Self { page, per_page, seek: Seek::Number }
    }

    /// How many rows to skip: none when the page is found by its cursor.
    pub fn offset(&self) -> i64 {
        match self.seek {
            Seek::Number => i64::from(self.page.saturating_sub(1)) * i64::from(self.per_page),
            Seek::After(_) | Seek::Before(_) => 0,
        }
    }
}

/// One key of a row's place in a sorted list.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum CursorKey {
    Int(i64),
    Real(f64),
    Text(String),
}

/// A row's place in a sorted list: its sort keys, last the row's own id.
/// Clients hold it as an opaque token (`next`, `prev`, `after=`, `before=`).
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor(pub Vec<CursorKey>);

/// Longest token a client may send back.
pub const MAX_CURSOR: usize = 1_024;

impl Cursor {
    pub fn encode(&self) -> String {
        use base64::Engine;
        let json = serde_json::to_vec(&self.0).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    /// The cursor of a token, or `None` when it is not one.
    pub fn decode(token: &str) -> Option<Self> {
        use base64::Engine;
        if token.len() > MAX_CURSOR {
            return None;
        }
        let json = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token).ok()?;
        let keys: Vec<CursorKey> = serde_json::from_slice(&json).ok()?;
        (!keys.is_empty() && keys.len() <= 8).then_some(Self(keys))
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Rows matching, counted up to `MAX_COUNT`; `total_exact` is false
    /// when there are more.
    pub total: u64,
    pub total_exact: bool,
    pub page: u32,
    pub per_page: u32,
    /// Token of the page after this one (`after=`), if any.
    pub next: Option<String>,
    /// Token of the page before this one (`before=`), if any.
    pub prev: Option<String>,
}

impl<T> Page<T> {
    /// The same page with each item made into another.
    pub fn map<U>(mut self, f: impl FnMut(T) -> U) -> Page<U> {
        let items = std::mem::take(&mut self.items).into_iter().map(f).collect();
        self.with_items(items)
    }

    /// The same page holding `items` (this page's, made into another kind).
    pub fn with_items<U>(self, items: Vec<U>) -> Page<U> {
        let Page { total, total_exact, page, per_page, next, prev, .. } = self;
        Page { items, total, total_exact, page, per_page, next, prev }
    }
}

/// Rows read one chunk at a time (a streamed export), and where the
/// next chunk starts: `None` after the last.
#[derive(Debug, Clone)]
pub struct Chunk<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
}

/// Rows a list counts at most: counting a whole country's inspections to
/// print "page 1 of 40,000" would cost more than the page itself.
pub const MAX_COUNT: u64 = 10_000;
