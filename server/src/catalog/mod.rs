//! The catalogue: the registered centres (台账, imported from CSV) and the
//! evaluation templates (评价指标体系) with their provincial variants.

pub mod centre_routes;
pub mod communities;
pub mod csv_check;
pub mod import;
pub mod service;
pub mod store;
pub mod template_routes;
pub mod templates;

pub use service::{Catalog, CatalogError};

use crate::accounts::Accounts;
use crate::config::Limits;
use axum::extract::FromRef;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;

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
