//! Where photo bytes live: an object store under content-addressed keys
//! (`ab/abcdef…` for a photo, `thumbs/abcdef….jpg` for the server's
//! thumbnail). The default is the local filesystem with every write fsynced
//! before it returns, so an acknowledged photo survives a power cut; an
//! S3-protocol store is the same trait. Unfinished uploads are staged on
//! local disk beside it (`partial/`), because an object store cannot append.

use super::PhotoError;
use axum::body::{Body, Bytes};
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

impl PhotoBytes {
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
}
