//! Photos (影像资料): resumable uploads from devices, reads for whoever may
//! read an inspection the photo is granted to, and the server's thumbnails.

pub mod bytes;
pub mod routes;
pub mod service;
pub mod store;

pub use service::Photos;

use crate::accounts::Accounts;
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

pub fn router<S>(patch_bytes: usize) -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Photos>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    routes::router(patch_bytes)
}
