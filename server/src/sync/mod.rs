//! Sync: one round per request (DESIGN.md, "one request per document
//! round"), CBOR over HTTP, checked and committed by the inspections service.

pub mod routes;
pub mod service;

pub use service::SyncService;

use crate::accounts::Accounts;
use crate::http::ApiError;
use crate::inspections::InspectionError;
use crate::storage::StoreError;
use axum::extract::FromRef;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;

/// Why a whole round was refused (a refused document is not an error: it
/// is a `DocStatus::Refused` in the reply).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0}")]
    TooLarge(String),
    #[error("a document appears twice in one sync request")]
    Duplicate,
    #[error("only inspectors' devices sync inspections")]
    NotInspector,
    #[error("another sync of this device is running; retry when it ends")]
    Busy,
    #[error(transparent)]
    Inspection(#[from] InspectionError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

impl From<SyncError> for ApiError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::TooLarge(m) => ApiError::TooLarge(m),
            SyncError::Duplicate => ApiError::BadRequest(e.to_string()),
            SyncError::NotInspector => ApiError::Forbidden(e.to_string()),
            SyncError::Busy => ApiError::Busy(e.to_string()),
            SyncError::Inspection(e) => e.into(),
            SyncError::Store(e) => e.into(),
            SyncError::Internal(m) => ApiError::Internal(m),
        }
    }
}

pub fn router<S>(sync_body_bytes: usize) -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<SyncService>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    routes::router(sync_body_bytes)
}
