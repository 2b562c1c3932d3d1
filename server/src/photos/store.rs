//! What photos store: one row per photo and the inspections it is granted
//! to. The bytes themselves are in the blob store (`photos::bytes`).

use crate::storage::StoreResult;
use xuncha_core::DocumentId;

pub trait PhotoStore: Send + Sync {
    fn blob(&self, sha256: &str) -> StoreResult<Option<BlobRow>>;
    /// Records an uploaded photo and grants it to `grants`, in one transaction.
    fn insert_blob(&self, blob: &BlobRow, grants: &[DocumentId]) -> StoreResult<()>;
    /// Grants a stored photo to more inspections.
    fn grant_blob(&self, sha256: &str, docs: &[DocumentId]) -> StoreResult<()>;
    /// Inspections whose documents record this photo (anyone may write such a record).
    fn docs_referencing(&self, sha256: &str) -> StoreResult<Vec<DocumentId>>;
    /// Inspections the photo is granted to: their readers may read it.
    fn docs_granted(&self, sha256: &str) -> StoreResult<Vec<DocumentId>>;
}

#[derive(Debug, Clone, PartialEq)]
pub struct BlobRow {
    pub sha256: String,
    pub bytes: u64,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub uploaded_by: String,
    pub created_at: i64,
}
