//! Photo uploads: resumable (tus-like: HEAD tells the committed offset,
//! PATCH appends at it), content-addressed (the name is the SHA-256 of the
//! bytes, verified at the end), re-decoded with limits, with the server's own
//! thumbnail. Bytes live on the filesystem by hash; a part is acknowledged
//! only after it is fsynced.

use crate::docs::{rescore, with_doc};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{BlobRow, User};
use std::io::{Seek, SeekFrom, Write};
use std::path::PathBuf;
use xuncha_core::DocumentId;
use xuncha_core::photo::{PhotoLimits, decode, sha256_hex, thumbnail_of};

pub fn check_sha(sha: &str) -> Result<(), ApiError> {
    if sha.len() == 64 && sha.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        Ok(())
    } else {
        Err(ApiError::BadRequest("a photo is named by the lowercase hex SHA-256 of its bytes".into()))
    }
}

pub fn photo_path(state: &AppState, sha: &str) -> PathBuf {
    let dir = sha.get(..2).unwrap_or("00");
    state.config.blob_dir().join(dir).join(sha)
}

pub fn thumb_path(state: &AppState, sha: &str) -> PathBuf {
    state.config.blob_dir().join("thumbs").join(format!("{sha}.jpg"))
}

fn partial_path(state: &AppState, device: i64, sha: &str) -> PathBuf {
    state.config.blob_dir().join("partial").join(format!("{device}-{sha}"))
}

pub use crate::inflight::UploadsInFlight;

pub fn begin_upload(
    uploads: &std::sync::Arc<UploadsInFlight>,
    device: i64,
    sha: &str,
) -> Result<crate::inflight::InFlightGuard<(i64, String)>, ApiError> {
    uploads.begin((device, sha.to_owned())).ok_or_else(|| {
        ApiError::Conflict("another part of this photo is being written; ask HEAD for the offset".into())
    })
}

/// Where an upload stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadState {
    pub offset: u64,
    pub complete: bool,
}

/// Only photos an inspection of the uploader records may be uploaded.
pub fn check_may_upload(state: &AppState, user: &User, sha: &str) -> Result<(), ApiError> {
    for doc in state.store.docs_referencing(sha)? {
        if state.store.is_member(&doc, &user.username)? {
            return Ok(());
        }
    }
    Err(ApiError::Forbidden("no inspection of yours records this photo; sync the inspection first".into()))
}

/// Where this device's upload of `sha` stands. A photo the server holds
/// already is complete for a user who may read it through an inspection
/// they work on (it is then granted to their other inspections recording
/// it); anyone else must deliver the bytes, as proof they have them.
pub fn upload_state(state: &AppState, device: i64, user: &User, sha: &str) -> Result<UploadState, ApiError> {
    if let Some(b) = state.store.blob(sha)? {
        let granted = state.store.docs_granted(sha)?;
        if member_of_any(state, user, &granted)? {
            grant_to_members(state, user, sha, &granted)?;
            return Ok(UploadState { offset: b.bytes, complete: true });
        }
    }
    let offset = std::fs::metadata(partial_path(state, device, sha)).map(|m| m.len()).unwrap_or(0);
    Ok(UploadState { offset, complete: false })
}

fn member_of_any(state: &AppState, user: &User, docs: &[DocumentId]) -> Result<bool, ApiError> {
    for doc in docs {
        if state.store.is_member(doc, &user.username)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The inspections recording `sha` that `user` works on, less `except`.
fn members_docs(state: &AppState, user: &User, sha: &str, except: &[DocumentId]) -> Result<Vec<DocumentId>, ApiError> {
    let mut out = Vec::new();
    for doc in state.store.docs_referencing(sha)? {
        if !except.contains(&doc) && state.store.is_member(&doc, &user.username)? {
            out.push(doc);
        }
    }
    Ok(out)
}

fn grant_to_members(state: &AppState, user: &User, sha: &str, granted: &[DocumentId]) -> Result<(), ApiError> {
    let more = members_docs(state, user, sha, granted)?;
    if !more.is_empty() {
        state.store.grant_blob(sha, &more)?;
    }
    Ok(())
}

/// Unfinished uploads older than this are removed at start-up.
pub const PARTIAL_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(14 * 86_400);

fn partial_bytes(dir: &std::path::Path, device: i64) -> u64 {
    let prefix = format!("{device}-");
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// Removes unfinished uploads nobody has resumed for [`PARTIAL_MAX_AGE`].
pub fn remove_stale_partials(blob_dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(blob_dir.join("partial")) else { return };
    for e in entries.filter_map(Result::ok) {
        let stale = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > PARTIAL_MAX_AGE);
        if stale {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn io(e: std::io::Error) -> ApiError {
    ApiError::Internal(format!("blob storage: {e}"))
}

/// Appends `body` at `offset` of an upload of `total` bytes; completes it
/// when the last byte arrives.
pub fn append(
    state: &AppState,
    device: i64,
    user: &User,
    sha: &str,
    offset: u64,
    total: u64,
    body: &[u8],
) -> Result<UploadState, ApiError> {
    let max = state.config.limits.photo_bytes;
    if total == 0 || total > max {
        return Err(ApiError::TooLarge(format!("a photo is 1 to {max} bytes; Upload-Length says {total}")));
    }
    let now = upload_state(state, device, user, sha)?;
    if now.complete {
        return Ok(now);
    }
    if offset != now.offset {
        return Err(ApiError::Conflict(format!("the upload is at offset {}, not {offset}", now.offset)));
    }
    let end = offset.saturating_add(body.len() as u64);
    if end > total {
        return Err(ApiError::BadRequest(format!("{end} bytes would pass the Upload-Length of {total}")));
    }
    let path = partial_path(state, device, sha);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
        // Checked on every part: an upload may grow past its declared
        // length only by being refused, and all of a device's unfinished
        // uploads together stay under the cap.
        let cap = state.config.limits.partial_bytes_per_device;
        if partial_bytes(dir, device).saturating_add(body.len() as u64) > cap {
            return Err(ApiError::TooLarge(format!(
                "this device has over {cap} bytes of unfinished uploads; finish them first"
            )));
        }
    }
    let mut file =
        std::fs::OpenOptions::new().create(true).append(false).write(true).truncate(false).open(&path).map_err(io)?;
    file.seek(SeekFrom::Start(offset)).map_err(io)?;
    file.write_all(body).map_err(io)?;
    file.sync_data().map_err(io)?;
    drop(file);
    if end < total {
        return Ok(UploadState { offset: end, complete: false });
    }
    complete(state, user, sha, &path)
}

fn complete(state: &AppState, user: &User, sha: &str, partial: &PathBuf) -> Result<UploadState, ApiError> {
    let bytes = std::fs::read(partial).map_err(io)?;
    let refuse = |e: ApiError| {
        // A failed upload starts over; nothing of it is kept.
        let _ = std::fs::remove_file(partial);
        Err(e)
    };
    if sha256_hex(&bytes) != sha {
        return refuse(ApiError::Invalid("the bytes do not match their SHA-256; upload again".into()));
    }
    let limits = PhotoLimits {
        max_input_bytes: usize::try_from(state.config.limits.photo_bytes).unwrap_or(usize::MAX),
        ..PhotoLimits::default()
    };
    let (width, height, thumb) = match decode(&bytes, &limits) {
        Ok(image) => (image.width(), image.height(), thumbnail_of(image, &limits)),
        Err(e) => return refuse(ApiError::Invalid(format!("not an acceptable photo: {e}"))),
    };
    let thumb = match thumb {
        Ok(t) => t,
        Err(e) => return refuse(ApiError::Invalid(format!("not an acceptable photo: {e}"))),
    };
    let mime = match image::guess_format(&bytes) {
        Ok(image::ImageFormat::Png) => "image/png",
        Ok(image::ImageFormat::WebP) => "image/webp",
        _ => "image/jpeg",
    };
    let thumb_file = thumb_path(state, sha);
    let final_path = photo_path(state, sha);
    for p in [&thumb_file, &final_path] {
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
    }
    write_durably(&thumb_file, &thumb.bytes)?;
    std::fs::rename(partial, &final_path).map_err(io)?;
    if let Some(dir) = final_path.parent() {
        std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
    }
    // The bytes came from this user: the photo is granted to the inspections
    // they work on that record it (check_may_upload saw at least one).
    let grants = members_docs(state, user, sha, &[])?;
    let row = BlobRow {
        sha256: sha.to_owned(),
        bytes: bytes.len() as u64,
        mime: mime.to_owned(),
        width,
        height,
        uploaded_by: user.username.clone(),
        created_at: crate::now_ms(),
    };
    state.store.insert_blob(&row, &grants)?;
    Ok(UploadState { offset: bytes.len() as u64, complete: true })
}

/// Writes through a temporary file of its own (two devices may complete
/// the same photo at once) renamed over `path` once synced.
fn write_durably(path: &std::path::Path, bytes: &[u8]) -> Result<(), ApiError> {
    let dir = path.parent().ok_or_else(|| ApiError::Internal("blob path without a folder".into()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// The evidence facts of every inspection the photo is granted to changed.
pub async fn rescore_referencing(state: &AppState, sha: &str) -> Result<(), ApiError> {
    let docs = {
        let (st, sha) = (state.clone(), sha.to_owned());
        tokio::task::spawn_blocking(move || st.store.docs_granted(&sha)).await??
    };
    for doc in docs {
        with_doc(state, doc, |st, slot| rescore(st, slot, "photo_received")).await?;
    }
    Ok(())
}
