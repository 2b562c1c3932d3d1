//! Photo uploads: resumable (tus-like: HEAD tells the committed offset,
//! PATCH appends at it), content-addressed (the name is the SHA-256 of the
//! bytes, verified at the end), re-decoded with limits, with the server's own
//! thumbnail. Parts are staged in the photo store (`bytes`), one object
//! each, and acknowledged once stored (fsynced on the local filesystem), so
//! any server instance can take the next part; a complete photo is
//! verified, then stored under its hash.

use super::PhotoError;
use super::bytes::PhotoBytes;
use super::store::{BlobRow, PhotoStore};
use crate::accounts::store::User;
use crate::config::Limits;
use crate::inflight::{DeviceLanes, InFlight, InFlightGuard};
use crate::inspections::Inspections;
use std::sync::Arc;
use xuncha_core::DocumentId;
use xuncha_core::photo::{PhotoFormat, PhotoLimits, decode, sha256_hex, thumbnail_of};

/// The photos service: owns the photo rows, the bytes' folder, the uploads
/// in flight and the per-device decode lanes.
pub struct Photos {
    store: Arc<dyn PhotoStore>,
    pub(super) inspections: Arc<Inspections>,
    pub(super) bytes: PhotoBytes,
    pub(super) limits: Limits,
    uploads: Arc<InFlight<(i64, String)>>,
    /// Photo decodes of one device run one at a time.
    pub(super) decodes: DeviceLanes,
    /// The processor permits shared with sync rounds.
    pub(super) cpu: Arc<tokio::sync::Semaphore>,
}

impl std::fmt::Debug for Photos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Photos").finish_non_exhaustive()
    }
}

impl Photos {
    pub fn new(
        store: Arc<dyn PhotoStore>,
        inspections: Arc<Inspections>,
        bytes: PhotoBytes,
        limits: Limits,
        cpu: Arc<tokio::sync::Semaphore>,
    ) -> Self {
        let (uploads, decodes) = (Arc::default(), DeviceLanes::new(64));
        Self { store, inspections, bytes, limits, uploads, decodes, cpu }
    }

    /// Removes unfinished uploads nobody resumed for [`PARTIAL_MAX_AGE`],
    /// now and every six hours while the server runs.
    pub async fn sweep_stale_uploads(self: Arc<Self>) {
        loop {
            match self.bytes.remove_stale_parts(PARTIAL_MAX_AGE).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(parts = n, "stale upload parts removed"),
                Err(e) => tracing::warn!(%e, "stale upload parts could not be removed"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(6 * 3600)).await;
        }
    }

    pub fn store(&self) -> &dyn PhotoStore {
        self.store.as_ref()
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }
}

pub fn check_sha(sha: &str) -> Result<(), PhotoError> {
    if sha.len() == 64 && sha.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        Ok(())
    } else {
        Err(PhotoError::BadRequest("a photo is named by the lowercase hex SHA-256 of its bytes".into()))
    }
}

/// Runs the photo store's async call from the blocking thread the
/// photo routes work on.
fn on_store<T>(f: impl std::future::Future<Output = Result<T, PhotoError>>) -> Result<T, PhotoError> {
    tokio::runtime::Handle::current().block_on(f)
}

pub fn begin_upload(state: &Photos, device: i64, sha: &str) -> Result<InFlightGuard<(i64, String)>, PhotoError> {
    state.uploads.begin((device, sha.to_owned())).ok_or_else(|| {
        PhotoError::Conflict("another part of this photo is being written; ask HEAD for the offset".into())
    })
}

/// Where an upload stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadState {
    pub offset: u64,
    pub complete: bool,
}

/// Only photos an inspection of the uploader records may be uploaded.
pub fn check_may_upload(state: &Photos, user: &User, sha: &str) -> Result<(), PhotoError> {
    for doc in state.store.docs_referencing(sha)? {
        if state.inspections.store().is_member(&doc, &user.username)? {
            return Ok(());
        }
    }
    Err(PhotoError::Forbidden("no inspection of yours records this photo; sync the inspection first".into()))
}

/// Where this device's upload of `sha` stands. A photo the server holds
/// already is complete for a user who may read it through an inspection
/// they work on (it is then granted to their other inspections recording
/// it); anyone else must deliver the bytes, as proof they have them.
pub fn upload_state(state: &Photos, device: i64, user: &User, sha: &str) -> Result<UploadState, PhotoError> {
    if let Some(b) = state.store.blob(sha)? {
        let granted = state.store.docs_granted(sha)?;
        if member_of_any(state, user, &granted)? {
            grant_to_members(state, user, sha, &granted)?;
            return Ok(UploadState { offset: b.bytes, complete: true });
        }
    }
    let offset = on_store(state.bytes.staged_offset(device, sha))?;
    Ok(UploadState { offset, complete: false })
}

fn member_of_any(state: &Photos, user: &User, docs: &[DocumentId]) -> Result<bool, PhotoError> {
    for doc in docs {
        if state.inspections.store().is_member(doc, &user.username)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The inspections recording `sha` that `user` works on, less `except`.
fn members_docs(state: &Photos, user: &User, sha: &str, except: &[DocumentId]) -> Result<Vec<DocumentId>, PhotoError> {
    let mut out = Vec::new();
    for doc in state.store.docs_referencing(sha)? {
        if !except.contains(&doc) && state.inspections.store().is_member(&doc, &user.username)? {
            out.push(doc);
        }
    }
    Ok(out)
}

fn grant_to_members(state: &Photos, user: &User, sha: &str, granted: &[DocumentId]) -> Result<(), PhotoError> {
    let more = members_docs(state, user, sha, granted)?;
    if !more.is_empty() {
        state.store.grant_blob(sha, &more)?;
    }
    Ok(())
}

/// Unfinished uploads older than this are removed at start-up.
pub const PARTIAL_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(14 * 86_400);

/// Appends `body` at `offset` of an upload of `total` bytes; completes it
/// when the last byte arrives.
pub fn append(
    state: &Photos,
    device: i64,
    user: &User,
    sha: &str,
    offset: u64,
    total: u64,
    body: &[u8],
) -> Result<UploadState, PhotoError> {
    let max = state.limits.photo_bytes;
    if total == 0 || total > max {
        return Err(PhotoError::TooLarge(format!("a photo is 1 to {max} bytes; Upload-Length says {total}")));
    }
    let now = upload_state(state, device, user, sha)?;
    if now.complete {
        return Ok(now);
    }
    if offset != now.offset {
        return Err(PhotoError::Conflict(format!("the upload is at offset {}, not {offset}", now.offset)));
    }
    let end = offset.saturating_add(body.len() as u64);
    if end > total {
        return Err(PhotoError::BadRequest(format!("{end} bytes would pass the Upload-Length of {total}")));
    }
    // Checked on every part: all of a device's unfinished uploads together
    // stay under the cap.
    let cap = state.limits.partial_bytes_per_device;
    if on_store(state.bytes.staged_bytes_of_device(device))?.saturating_add(body.len() as u64) > cap {
        return Err(PhotoError::TooLarge(format!(
            "this device has over {cap} bytes of unfinished uploads; finish them first"
        )));
    }
    on_store(state.bytes.put_part(device, sha, offset, body.to_vec()))?;
    if end < total {
        return Ok(UploadState { offset: end, complete: false });
    }
    complete(state, device, user, sha, total)
}

fn complete(state: &Photos, device: i64, user: &User, sha: &str, total: u64) -> Result<UploadState, PhotoError> {
    let Some(bytes) = on_store(state.bytes.assemble(device, sha, total))? else {
        let offset = on_store(state.bytes.staged_offset(device, sha))?;
        return Ok(UploadState { offset, complete: false });
    };
    if sha256_hex(&bytes) != sha {
        // A failed upload starts over; nothing of it is kept.
        on_store(state.bytes.discard(device, sha))?;
        return Err(PhotoError::Invalid("the bytes do not match their SHA-256; upload again".into()));
    }
    // The bytes came from this user: the photo is granted to the inspections
    // they work on that record it (check_may_upload saw at least one).
    let grants = members_docs(state, user, sha, &[])?;
    let accepted = accept(state, user, sha, bytes, &grants);
    on_store(state.bytes.discard(device, sha))?;
    accepted.map(|size| UploadState { offset: size, complete: true })
}

/// Decodes a whole photo within the limits, stores it with the server's
/// thumbnail and records it granted to `grants`. Returns its size.
fn accept(state: &Photos, user: &User, sha: &str, bytes: Vec<u8>, grants: &[DocumentId]) -> Result<u64, PhotoError> {
    // The server's own thumbnails are JPEG whatever the photo's format:
    // `thumbs/<sha>.jpg`, served as image/jpeg to every browser and export.
    let limits = PhotoLimits {
        max_input_bytes: usize::try_from(state.limits.photo_bytes).unwrap_or(usize::MAX),
        format: PhotoFormat::Jpeg,
        ..PhotoLimits::default()
    };
    let image = decode(&bytes, &limits).map_err(|e| PhotoError::Invalid(format!("not an acceptable photo: {e}")))?;
    let (width, height) = (image.width(), image.height());
    let thumb =
        thumbnail_of(image, &limits).map_err(|e| PhotoError::Invalid(format!("not an acceptable photo: {e}")))?;
    let mime = match image::guess_format(&bytes) {
        Ok(image::ImageFormat::Png) => "image/png",
        Ok(image::ImageFormat::WebP) => "image/webp",
        _ => "image/jpeg",
    };
    let size = bytes.len() as u64;
    // Runs on a blocking thread of the runtime (the caller's spawn_blocking).
    on_store(state.bytes.put(sha, bytes, thumb.bytes))?;
    let row = BlobRow {
        sha256: sha.to_owned(),
        bytes: size,
        mime: mime.to_owned(),
        width,
        height,
        uploaded_by: user.username.clone(),
        created_at: crate::storage::now_ms(),
    };
    state.store.insert_blob(&row, grants)?;
    Ok(size)
}

impl Photos {
    /// A photo sent whole from the dashboard (a centre's rectification
    /// evidence), granted to `doc`: whoever may read that inspection may see
    /// it. Returns its SHA-256. Decoding waits for a processor permit.
    pub async fn accept_whole(
        self: &Arc<Self>,
        user: &User,
        bytes: Vec<u8>,
        grants: Vec<DocumentId>,
    ) -> Result<String, PhotoError> {
        let max = self.limits.photo_bytes;
        if bytes.is_empty() || bytes.len() as u64 > max {
            return Err(PhotoError::TooLarge(format!("a photo is 1 to {max} bytes")));
        }
        let _permit = self.cpu.acquire().await.map_err(|e| PhotoError::Storage(e.to_string()))?;
        let (this, user) = (self.clone(), user.clone());
        tokio::task::spawn_blocking(move || {
            let sha = sha256_hex(&bytes);
            match this.store.blob(&sha)? {
                Some(_) => this.store.grant_blob(&sha, &grants)?,
                None => {
                    accept(&this, &user, &sha, bytes, &grants)?;
                }
            }
            Ok(sha)
        })
        .await
        .map_err(|e| PhotoError::Storage(e.to_string()))?
    }
}

impl Photos {
    /// A stored photo and its type, for a reader another feature has
    /// already let through (a centre's ledger photo, read by the centre's
    /// operator or overseers).
    pub async fn stored(&self, sha: &str) -> Result<(axum::body::Body, String), PhotoError> {
        check_sha(sha)?;
        let (store, name) = (self.store.clone(), sha.to_owned());
        let row = tokio::task::spawn_blocking(move || store.blob(&name))
            .await
            .map_err(|e| PhotoError::Storage(e.to_string()))??
            .ok_or(PhotoError::NotFound("photo"))?;
        Ok((self.bytes.photo(sha, None).await?, row.mime))
    }
}

/// The evidence facts of every inspection the photo is granted to changed.
pub async fn rescore_referencing(state: &Photos, sha: &str) -> Result<(), PhotoError> {
    let docs = {
        let (store, sha) = (state.store.clone(), sha.to_owned());
        crate::inspections::service::blocking::<_, PhotoError>(move || Ok(store.docs_granted(&sha)?)).await?
    };
    Ok(state.inspections.rescore_all(docs, "photo_received").await?)
}
