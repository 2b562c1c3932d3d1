//! Inspections: the documents devices sync, scored on every change; the
//! supervisor's review (written into the document by the server's actor);
//! assignments (考核任务) that create an inspection and share it among the
//! inspectors of one centre and quarter.

pub mod assign;
pub mod assignment_routes;
pub mod cache;
pub mod migrate;
pub mod migrate_routes;
pub mod routes;
pub mod service;
pub mod store;

pub use service::{ApprovalListener, Inspections};

use crate::accounts::Accounts;
use crate::storage::StoreError;
use axum::extract::FromRef;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;

#[derive(Debug, thiserror::Error)]
pub enum InspectionError {
    /// No such inspection, or one the caller may not read: one answer.
    #[error("inspection not found")]
    NotFound,
    #[error("{0} not found")]
    Missing(&'static str),
    #[error("this is outside your role or region")]
    Forbidden,
    #[error("nobody has signed this inspection off yet: it is reviewed once submitted")]
    NotSigned,
    #[error("{0}")]
    Invalid(String),
    #[error("stored document damaged: {0}")]
    Damaged(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Inspections>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new().merge(routes::router()).merge(assignment_routes::router()).merge(migrate_routes::router())
}
