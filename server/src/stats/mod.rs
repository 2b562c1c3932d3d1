//! The registry with its latest results (台账), the quarterly statistics of
//! the policy (附件4, 附件5), charts, exports, and the quarters a region has
//! reported (上报).

pub mod exports;
pub mod norms;
pub mod registry_routes;
pub mod routes;
pub mod service;
pub mod store;
pub mod tables;

pub use service::{Stats, StatsError};

use crate::accounts::Accounts;
use axum::extract::FromRef;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Stats>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new().merge(routes::router()).merge(registry_routes::router())
}
