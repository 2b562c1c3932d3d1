//! The quarterly report chain (填报 → 审核 → 上报, 商服贸函〔2018〕157号
//! 三(六)): counties fill and submit their tables, cities review and
//! consolidate, the province consolidates and reports to the ministry.
//! Submitted versions are frozen; corrections are new versions; each step
//! records who and when (docs/reporting.md).

pub mod deadlines;
pub mod level;
pub mod official;
pub mod routes;
pub mod service;
pub mod snapshot;
pub mod store;

pub use service::{ReportError, Reports};

use crate::accounts::Accounts;
use axum::extract::FromRef;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Reports>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    routes::router()
}
