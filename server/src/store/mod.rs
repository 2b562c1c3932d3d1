//! Storage behind traits, so a deployment that outgrows one machine can move
//! to PostgreSQL without touching the domain code. The methods are blocking;
//! handlers call them from `spawn_blocking`. A write returns only after its
//! transaction is committed.

pub mod conformance;
mod model;
pub mod sqlite;

pub use model::*;

use automerge::{ActorId, ChangeHash};
use std::collections::BTreeSet;
use xuncha_core::{Centre, CentreStatus, DocumentId, Region};

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
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Documents and assignments (with their sequence numbers) that changed
/// after a cursor, and the current sequence.
#[derive(Debug, Clone, Default)]
pub struct Changed {
    pub docs: Vec<(DocumentId, u64)>,
    pub assignments: Vec<(Assignment, u64)>,
    pub seq: u64,
}

/// A device and the heads it declared per document in one round.
pub type DeviceHeads = (i64, Vec<(DocumentId, Vec<ChangeHash>)>);

pub trait UserStore {
    fn create_user(&self, user: NewUser, now: i64) -> StoreResult<User>;
    /// The user and their password hash.
    fn user_by_name(&self, username: &str) -> StoreResult<Option<(User, String)>>;
    fn set_user_disabled(&self, username: &str, disabled: bool) -> StoreResult<bool>;
    /// Also ends the user's sessions and, with `revoke_devices`, revokes their devices.
    fn set_password(&self, username: &str, password_hash: &str, revoke_devices: bool) -> StoreResult<bool>;
    fn list_users(&self, scope: &Scope) -> StoreResult<Vec<User>>;
    fn create_device(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &[u8; 32],
        actors: &[ActorId],
        now: i64,
    ) -> StoreResult<Device>;
    /// A device that is not revoked, and its user.
    fn device_by_token(&self, token_hash: &[u8; 32]) -> StoreResult<Option<(Device, User)>>;
    fn device(&self, id: i64) -> StoreResult<Option<Device>>;
    fn devices_of(&self, user_id: i64) -> StoreResult<Vec<Device>>;
    fn revoke_device(&self, id: i64, now: i64) -> StoreResult<bool>;
    fn create_session(&self, user_id: i64, token_hash: &[u8; 32], expires_at: i64) -> StoreResult<()>;
    fn session_user(&self, token_hash: &[u8; 32], now: i64) -> StoreResult<Option<User>>;
    fn delete_session(&self, token_hash: &[u8; 32]) -> StoreResult<()>;
    /// Remembers a browser the user signed in from (its newest few are kept).
    fn remember_client(&self, user_id: i64, token_hash: &[u8; 32], now: i64) -> StoreResult<()>;
    /// The user a remembered browser belongs to.
    fn known_client(&self, token_hash: &[u8; 32]) -> StoreResult<Option<i64>>;
}

pub trait CatalogStore {
    /// Inserts or replaces all the centres in one transaction.
    fn upsert_centres(&self, centres: &[Centre], now: i64) -> StoreResult<usize>;
    fn centre(&self, code: &str) -> StoreResult<Option<Centre>>;
    /// False when that id and version exist already.
    fn put_variant(&self, variant: &VariantRow) -> StoreResult<bool>;
    fn variants(&self) -> StoreResult<Vec<VariantRow>>;
    /// The document inspectors of this centre and quarter were assigned to.
    fn assigned_doc(&self, centre_code: &str, quarter: &str) -> StoreResult<Option<DocumentId>>;
    /// Creates `new_doc` (when given) and assigns each inspector to it.
    fn create_assignments(
        &self,
        new_doc: Option<DocWrite>,
        doc: DocumentId,
        inspectors: &[String],
        assigned_by: &str,
        now: i64,
    ) -> StoreResult<Vec<Assignment>>;
    fn cancel_assignment(&self, id: i64) -> StoreResult<bool>;
    fn assignment(&self, id: i64) -> StoreResult<Option<Assignment>>;
    fn list_assignments(
        &self,
        scope: &Scope,
        inspector: Option<&str>,
        quarter: Option<&str>,
    ) -> StoreResult<Vec<Assignment>>;
}

pub trait DocStore {
    /// The server's own Automerge actor, created on first use.
    fn server_actor(&self) -> StoreResult<ActorId>;
    fn load_doc(&self, doc: &DocumentId) -> StoreResult<Option<StoredDoc>>;
    fn inspection(&self, doc: &DocumentId) -> StoreResult<Option<InspectionRow>>;
    fn is_member(&self, doc: &DocumentId, username: &str) -> StoreResult<bool>;
    /// Commits every write of one sync round, and the heads the device
    /// declared, in one transaction.
    fn commit_round(&self, writes: Vec<DocWrite>, device_heads: Option<DeviceHeads>, now: i64) -> StoreResult<()>;
    fn device_heads(&self, device_id: i64, doc: &DocumentId) -> StoreResult<Option<Vec<ChangeHash>>>;
    /// What changed for this inspector after `cursor`, read in one
    /// transaction: documents (at most `limit`), assignments, and the
    /// sequence the reading saw.
    ///
    /// The ordering contract every backend keeps (the change feed of the
    /// devices' cursors rests on it): each committed write gets a sequence
    /// number larger than every number a read could have returned before
    /// that write committed. A cursor taken from a read therefore never
    /// skips a write that commits later. (SQLite has one writer, so
    /// commit order is sequence order; a backend with concurrent writers
    /// must give the same guarantee, see `conformance`.)
    fn changed_since(&self, username: &str, cursor: u64, limit: u32) -> StoreResult<Changed>;
    fn current_seq(&self) -> StoreResult<u64>;
    fn list_inspections(&self, filter: &InspectionFilter, page: PageReq) -> StoreResult<Page<InspectionRow>>;
    fn latest_score(&self, doc: &DocumentId) -> StoreResult<Option<ScoreRow>>;
    fn score_history(&self, doc: &DocumentId) -> StoreResult<Vec<ScoreRow>>;
    /// Records a score computed without new changes (e.g. a photo arrived).
    fn add_score(
        &self,
        doc: &DocumentId,
        heads: &[ChangeHash],
        summary: &DocSummary,
        score: &ScoreWrite,
        now: i64,
    ) -> StoreResult<()>;
}

pub trait BlobStore {
    fn blob(&self, sha256: &str) -> StoreResult<Option<BlobRow>>;
    /// Records an uploaded photo and grants it to `grants`, in one transaction.
    fn insert_blob(&self, blob: &BlobRow, grants: &[DocumentId]) -> StoreResult<()>;
    /// Grants a stored photo to more inspections.
    fn grant_blob(&self, sha256: &str, docs: &[DocumentId]) -> StoreResult<()>;
    /// Which of these photos have arrived and are granted to `doc`.
    fn received(&self, doc: &DocumentId, sha256s: &[String]) -> StoreResult<BTreeSet<String>>;
    /// Inspections whose documents record this photo (anyone may write such a record).
    fn docs_referencing(&self, sha256: &str) -> StoreResult<Vec<DocumentId>>;
    /// Inspections the photo is granted to: their readers may read it.
    fn docs_granted(&self, sha256: &str) -> StoreResult<Vec<DocumentId>>;
}

/// What the dashboard's registry, statistics and exports read.
pub trait StatsStore {
    /// A page of centres with their latest signed inspection.
    fn registry(&self, filter: &CentreFilter, page: PageReq) -> StoreResult<Page<RegistryEntry>>;
    /// Every centre matching the filter, at most `limit` (exports, statistics).
    fn registry_all(&self, filter: &CentreFilter, limit: u32) -> StoreResult<Vec<RegistryEntry>>;
    /// Inspections in the scope (one quarter, or all), at most `limit`.
    fn stat_docs(&self, scope: &Scope, quarter: Option<&str>, limit: u32) -> StoreResult<Vec<StatDoc>>;
    /// Every inspection matching the filter, at most `limit` (exports).
    fn inspections_all(&self, filter: &InspectionFilter, limit: u32) -> StoreResult<Vec<InspectionRow>>;
    /// Provinces, cities, counties and townships of the registered centres in the scope.
    fn region_names(&self, scope: &Scope) -> StoreResult<Vec<Region>>;
    fn populations(&self, scope: &Scope) -> StoreResult<Vec<CityPopulation>>;
    /// Each centre's construction status at `at` (ms): the newest recorded
    /// at or before it, else the first recorded (the registry knows nothing older).
    fn statuses_at(&self, scope: &Scope, at: i64) -> StoreResult<std::collections::HashMap<String, CentreStatus>>;
    fn set_populations(&self, rows: &[CityPopulation], now: i64) -> StoreResult<usize>;
    /// Records that a region reported a quarter; false when it had already.
    fn mark_reported(&self, row: &ReportedQuarter) -> StoreResult<bool>;
    /// Reports of regions inside `scope` or containing it.
    fn reported_quarters(&self, scope: &Scope) -> StoreResult<Vec<ReportedQuarter>>;
    /// Whether a region containing the centre reported this quarter.
    fn quarter_reported(&self, centre_code: &str, quarter: &str) -> StoreResult<bool>;
}

/// Compresses a stored report (JSON compresses about fivefold).
pub fn deflate(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing into a Vec cannot fail.
    let _ = e.write_all(bytes);
    e.finish().unwrap_or_default()
}

/// Inflates a stored report; the server wrote it, but it is bounded anyway.
pub fn inflate(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(bytes).take(64 * 1024 * 1024).read_to_end(&mut out).ok()?;
    Some(out)
}

/// Everything the server stores apart from blob bytes.
pub trait Store: UserStore + CatalogStore + DocStore + BlobStore + StatsStore + Send + Sync + 'static {}

impl<T: UserStore + CatalogStore + DocStore + BlobStore + StatsStore + Send + Sync + 'static> Store for T {}
