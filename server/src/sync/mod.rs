//! Sync: one round per request (DESIGN.md, "one request per document
//! round"), CBOR over HTTP, checked and committed by the inspections service.

pub mod routes;
pub mod service;

pub use service::SyncService;

use crate::accounts::Accounts;
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

pub fn router<S>(sync_body_bytes: usize) -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<SyncService>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    routes::router(sync_body_bytes)
}
