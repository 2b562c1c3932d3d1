//! The catalogue: the registered centres (台账, imported from CSV) and the
//! evaluation templates (评价指标体系) with their provincial variants.

pub mod centre_routes;
pub mod import;
pub mod service;
pub mod store;
pub mod template_routes;
pub mod templates;

pub use service::{Catalog, CatalogError};

use crate::accounts::Accounts;
use crate::config::Limits;
use crate::http::ApiError;
use axum::extract::FromRef;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;

impl From<CatalogError> for ApiError {
    fn from(e: CatalogError) -> Self {
        match e {
            CatalogError::Forbidden(m) => ApiError::Forbidden(m),
            CatalogError::NotFound(what) => ApiError::NotFound(what.into()),
            CatalogError::BadRows(_) | CatalogError::Invalid(_) => ApiError::Invalid(e.to_string()),
            CatalogError::BadRequest(m) => ApiError::BadRequest(m),
            CatalogError::Conflict(m) => ApiError::Conflict(m),
            CatalogError::Store(e) => e.into(),
            CatalogError::Internal(m) => ApiError::Internal(m),
        }
    }
}

pub fn router<S>(limits: &Limits) -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Catalog>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new()
        .merge(centre_routes::router(limits.upload_body_bytes))
        .merge(template_routes::router(limits.upload_body_bytes))
}
