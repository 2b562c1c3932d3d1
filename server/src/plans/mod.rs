//! Inspection plans and the random draw (双随机): a supervisor plans a
//! quarter's checks for a region, the draw picks the centres and the
//! inspectors reproducibly (docs/supervision.md), and confirming the plan
//! turns its tasks into assignments.

pub mod routes;
pub mod service;
pub mod store;

pub use service::{PlanError, Plans};

use crate::accounts::Accounts;
use axum::extract::FromRef;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Plans>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    routes::router()
}
