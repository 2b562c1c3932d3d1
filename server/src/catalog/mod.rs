//! The catalogue: the registered centres (台账, imported from CSV) and the
//! evaluation templates (评价指标体系) with their provincial variants.

pub mod centre_routes;
pub mod import;
pub mod store;
pub mod template_routes;
pub mod templates;

use crate::accounts::Accounts;
use crate::config::Limits;
use axum::extract::FromRef;
use std::sync::Arc;
use store::CatalogStore;
use templates::Templates;
use utoipa_axum::router::OpenApiRouter;

/// What the catalogue's routes work with: its store and the templates
/// known in memory (shared with inspections, which score against them).
pub struct Catalog {
    pub store: Arc<dyn CatalogStore>,
    pub templates: Arc<Templates>,
    pub limits: Limits,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").finish_non_exhaustive()
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
