//! Where photo bytes live: an object store under content-addressed keys
//! (`ab/abcdef…` for a photo, `thumbs/abcdef….jpg` for the server's
//! thumbnail). The default is the local filesystem with every write fsynced
//! before it returns, so an acknowledged photo survives a power cut; an
//! S3-protocol store (`[photo_store] url = "s3://bucket/prefix"`) is the
//! same trait.
//!
//! Unfinished uploads live in the same store, one object per part
//! (`partial/<device>/<sha>/<offset>`), because an object store cannot
//! append; so an upload begun through one server instance resumes through
//! another. A photo is assembled from its parts and verified against its
//! hash before it is stored under its own key; only then is it visible.

use super::PhotoError;
use axum::body::{Body, Bytes};
use futures_util::TryStreamExt;
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload};
use std::ops::Range;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct PhotoBytes {
    store: Arc<dyn ObjectStore>,
}

fn storage(e: object_store::Error) -> PhotoError {
    match e {
        object_store::Error::NotFound { .. } => PhotoError::NotFound("photo (its bytes are missing)"),
        other => PhotoError::Storage(other.to_string()),
    }
}

fn photo_key(sha: &str) -> Key {
    Key::from(format!("{}/{sha}", sha.get(..2).unwrap_or("00")))
}

fn thumb_key(sha: &str) -> Key {
    Key::from(format!("thumbs/{sha}.jpg"))
}

fn parts_of(device: i64, sha: &str) -> Key {
    Key::from(format!("partial/{device}/{sha}"))
}

fn part_key(device: i64, sha: &str, offset: u64) -> Key {
    // Zero-padded, so the store lists a photo's parts in order.
    Key::from(format!("partial/{device}/{sha}/{offset:020}"))
}

/// A staged part: where it starts, its size, its key.
#[derive(Debug, Clone)]
struct Part {
    offset: u64,
    size: u64,
    key: Key,
}

/// Where the photo store is (`[photo_store]`): unset, the data
/// directory's `blobs/`; else an `object_store` URL (`s3://bucket/prefix`)
/// with its options (`aws_endpoint`, `aws_access_key_id`,
/// `aws_secret_access_key`, `aws_region`, `aws_allow_http`, …).
#[derive(Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PhotoStoreSettings {
    pub url: Option<String>,
    /// Each option as text (`aws_allow_http = true` and `"true"` alike: an
    /// environment variable cannot tell them apart).
    #[serde(deserialize_with = "options_as_text")]
    pub options: std::collections::BTreeMap<String, String>,
}

/// The options hold keys: printed by name only.
impl std::fmt::Debug for PhotoStoreSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&String> = self.options.keys().collect();
        f.debug_struct("PhotoStoreSettings").field("url", &self.url).field("options", &names).finish()
    }
}

fn options_as_text<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<std::collections::BTreeMap<String, String>, D::Error> {
    let raw: std::collections::BTreeMap<String, serde_json::Value> = serde::Deserialize::deserialize(d)?;
    Ok(raw
        .into_iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (k, text)
        })
        .collect())
}

impl PhotoBytes {
    /// The configured store: object storage when `settings.url` names one,
    /// else the folder `local_dir` of this machine.
    pub fn open(settings: &PhotoStoreSettings, local_dir: &std::path::Path) -> Result<Self, PhotoError> {
        let Some(url) = settings.url.as_deref().filter(|u| !u.is_empty()) else { return Self::local(local_dir) };
        let parsed = url::Url::parse(url).map_err(|e| PhotoError::Storage(format!("[photo_store] url: {e}")))?;
        let (store, prefix) = object_store::parse_url_opts(&parsed, settings.options.iter()).map_err(storage)?;
        let store: Arc<dyn ObjectStore> = match prefix.as_ref() {
            "" => Arc::from(store),
            _ => Arc::new(object_store::prefix::PrefixStore::new(store, prefix)),
        };
        Ok(Self::new(store))
    }

    /// Photos in a folder of this machine, every write fsynced.
    pub fn local(dir: &std::path::Path) -> Result<Self, PhotoError> {
        std::fs::create_dir_all(dir).map_err(|e| PhotoError::Storage(e.to_string()))?;
        let fs = LocalFileSystem::new_with_prefix(dir).map_err(storage)?.with_fsync(true);
        Ok(Self::new(Arc::new(fs)))
    }

    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        Self { store }
    }

    /// Stores a photo and its thumbnail: the thumbnail first, so a stored
    /// photo always has one. Content-addressed, so two devices completing
    /// the same photo at once write the same bytes.
    pub async fn put(&self, sha: &str, photo: Vec<u8>, thumbnail: Vec<u8>) -> Result<(), PhotoError> {
        self.store.put(&thumb_key(sha), PutPayload::from(thumbnail)).await.map_err(storage)?;
        self.store.put(&photo_key(sha), PutPayload::from(photo)).await.map_err(storage)?;
        Ok(())
    }

    /// The photo's bytes, or the part `range` asks for, streamed from the
    /// store rather than held in memory per request.
    pub async fn photo(&self, sha: &str, range: Option<Range<u64>>) -> Result<Body, PhotoError> {
        let options = GetOptions { range: range.map(GetRange::Bounded), ..GetOptions::default() };
        let found = self.store.get_opts(&photo_key(sha), options).await.map_err(storage)?;
        Ok(Body::from_stream(found.into_stream()))
    }

    pub async fn thumbnail(&self, sha: &str) -> Result<Bytes, PhotoError> {
        self.store.get(&thumb_key(sha)).await.map_err(storage)?.bytes().await.map_err(storage)
    }

    /// The staged parts of an upload, in order of offset.
    async fn parts(&self, device: i64, sha: &str) -> Result<Vec<Part>, PhotoError> {
        let listed: Vec<object_store::ObjectMeta> =
            self.store.list(Some(&parts_of(device, sha))).try_collect().await.map_err(storage)?;
        let mut parts: Vec<Part> = listed
            .into_iter()
            .filter_map(|m| {
                let offset = m.location.filename()?.parse().ok()?;
                Some(Part { offset, size: m.size, key: m.location })
            })
            .collect();
        parts.sort_by_key(|p| p.offset);
        Ok(parts)
    }

    /// How many bytes of the upload are staged without a gap from the start.
    pub async fn staged_offset(&self, device: i64, sha: &str) -> Result<u64, PhotoError> {
        let mut end = 0;
        for p in self.parts(device, sha).await? {
            if p.offset > end {
                break;
            }
            end = end.max(p.offset.saturating_add(p.size));
        }
        Ok(end)
    }

    /// The bytes of all a device's unfinished uploads.
    pub async fn staged_bytes_of_device(&self, device: i64) -> Result<u64, PhotoError> {
        let prefix = Key::from(format!("partial/{device}"));
        let listed: Vec<object_store::ObjectMeta> =
            self.store.list(Some(&prefix)).try_collect().await.map_err(storage)?;
        Ok(listed.iter().map(|m| m.size).sum())
    }

    /// Stores one part at `offset`; acknowledged once the store has it
    /// (fsynced on the local filesystem).
    pub async fn put_part(&self, device: i64, sha: &str, offset: u64, bytes: Vec<u8>) -> Result<(), PhotoError> {
        self.store.put(&part_key(device, sha, offset), PutPayload::from(bytes)).await.map_err(storage)?;
        Ok(())
    }

    /// The first `total` bytes of a staged upload, or `None` while a part is missing.
    pub async fn assemble(&self, device: i64, sha: &str, total: u64) -> Result<Option<Vec<u8>>, PhotoError> {
        let mut out: Vec<u8> = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
        for p in self.parts(device, sha).await? {
            let have = out.len() as u64;
            if have >= total {
                break;
            }
            if p.offset > have {
                return Ok(None);
            }
            if p.offset.saturating_add(p.size) <= have {
                continue;
            }
            let bytes = self.store.get(&p.key).await.map_err(storage)?.bytes().await.map_err(storage)?;
            let skip = usize::try_from(have - p.offset).unwrap_or(usize::MAX);
            let want = usize::try_from(total - have).unwrap_or(usize::MAX);
            out.extend(bytes.iter().skip(skip).take(want));
        }
        Ok((out.len() as u64 == total).then_some(out))
    }

    /// Removes every staged part of an upload.
    pub async fn discard(&self, device: i64, sha: &str) -> Result<(), PhotoError> {
        for p in self.parts(device, sha).await? {
            self.store.delete(&p.key).await.map_err(storage)?;
        }
        Ok(())
    }

    /// Removes staged parts nobody has touched for `max_age` (uploads given
    /// up on). Returns how many were removed.
    pub async fn remove_stale_parts(&self, max_age: std::time::Duration) -> Result<usize, PhotoError> {
        let cutoff = chrono_cutoff(max_age);
        let listed: Vec<object_store::ObjectMeta> =
            self.store.list(Some(&Key::from("partial"))).try_collect().await.map_err(storage)?;
        let mut removed = 0;
        for m in listed.into_iter().filter(|m| m.last_modified.timestamp_millis() < cutoff) {
            self.store.delete(&m.location).await.map_err(storage)?;
            removed += 1;
        }
        Ok(removed)
    }
}

/// The instant `max_age` ago, in milliseconds since the epoch.
fn chrono_cutoff(max_age: std::time::Duration) -> i64 {
    crate::storage::now_ms().saturating_sub(i64::try_from(max_age.as_millis()).unwrap_or(i64::MAX))
}

impl PhotoBytes {
    /// Copies every photo and thumbnail into `to` (moving a deployment to
    /// object storage): what `to` holds already at the same size is kept,
    /// each photo's bytes are checked against the hash it is named by, and
    /// the two stores are compared at the end. Unfinished uploads stay
    /// behind (devices resume them from the start). Returns the objects copied.
    pub async fn copy_to(&self, to: &PhotoBytes) -> Result<(usize, usize), PhotoError> {
        let listed: Vec<object_store::ObjectMeta> = self.store.list(None).try_collect().await.map_err(storage)?;
        let (mut copied, mut kept) = (0, 0);
        for m in listed.iter().filter(|m| !m.location.as_ref().starts_with("partial/")) {
            if to.store.head(&m.location).await.is_ok_and(|there| there.size == m.size) {
                kept += 1;
                continue;
            }
            let bytes = self.store.get(&m.location).await.map_err(storage)?.bytes().await.map_err(storage)?;
            let is_photo = !m.location.as_ref().starts_with("thumbs/");
            if is_photo && m.location.filename() != Some(xuncha_core::photo::sha256_hex(&bytes).as_str()) {
                return Err(PhotoError::Invalid(format!("{} does not hold the bytes its name says", m.location)));
            }
            to.store.put(&m.location, PutPayload::from(bytes)).await.map_err(storage)?;
            copied += 1;
        }
        Ok((copied, kept))
    }
}
