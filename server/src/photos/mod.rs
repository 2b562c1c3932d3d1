//! Photos (影像资料): resumable uploads from devices, reads for whoever may
//! read an inspection the photo is granted to, and the server's thumbnails.

pub mod bytes;
pub mod routes;
pub mod service;
pub mod store;

pub use service::Photos;

use crate::accounts::Accounts;
use crate::http::ApiError;
use crate::inspections::InspectionError;
use crate::storage::StoreError;
use axum::extract::FromRef;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;

#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Forbidden(String),
    /// No such photo, or one the caller may not read: one answer.
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    Invalid(String),
    #[error("blob storage: {0}")]
    Storage(String),
    #[error(transparent)]
    Inspection(#[from] InspectionError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<PhotoError> for ApiError {
    fn from(e: PhotoError) -> Self {
        match e {
            PhotoError::BadRequest(m) => ApiError::BadRequest(m),
            PhotoError::Forbidden(m) => ApiError::Forbidden(m),
            PhotoError::NotFound(what) => ApiError::NotFound(what.into()),
            PhotoError::Conflict(m) => ApiError::Conflict(m),
            PhotoError::TooLarge(m) => ApiError::TooLarge(m),
            PhotoError::Invalid(m) => ApiError::Invalid(m),
            PhotoError::Storage(_) => ApiError::Internal(e.to_string()),
            PhotoError::Inspection(e) => e.into(),
            PhotoError::Store(e) => e.into(),
        }
    }
}

pub fn router<S>(patch_bytes: usize) -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Photos>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    routes::router(patch_bytes)
}
