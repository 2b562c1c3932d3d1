//! Where the region is weak (三(五)): the items that lose most points per
//! county and centre type, vetoes by item, county ranking, rectification
//! closure, reporting timeliness and the trend per quarter (docs/analysis.md).

pub mod routes;
pub mod service;
pub mod store;
pub mod tables;

pub use service::{Analyses, AnalysisError};

use crate::accounts::Accounts;
use axum::extract::FromRef;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Analyses>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    routes::router()
}
