//! The registry with its latest results (台账), the quarterly statistics of
//! the policy (附件4, 附件5), charts, exports, and the quarters a region has
//! reported (上报).

pub mod exports;
pub mod registry_routes;
pub mod routes;
pub mod service;
pub mod store;
pub mod tables;

pub use service::{Stats, StatsError};

use crate::accounts::Accounts;
use crate::http::ApiError;
use axum::extract::FromRef;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;

impl From<StatsError> for ApiError {
    fn from(e: StatsError) -> Self {
        match e {
            StatsError::Forbidden => ApiError::forbidden(),
            StatsError::NeedProvince | StatsError::BadQuarter(_) => ApiError::BadRequest(e.to_string()),
            StatsError::TooMany(_) => ApiError::TooLarge(e.to_string()),
            StatsError::NotFound(what) => ApiError::NotFound(what.into()),
            StatsError::AlreadyReported(_) => ApiError::Conflict(e.to_string()),
            StatsError::Store(e) => e.into(),
            StatsError::Internal(m) => ApiError::Internal(m),
        }
    }
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Stats>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new().merge(routes::router()).merge(registry_routes::router())
}
