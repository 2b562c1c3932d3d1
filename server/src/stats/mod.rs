//! The registry with its latest results (台账), the quarterly statistics of
//! the policy (附件4, 附件5), charts, exports, and the quarters a region has
//! reported (上报).

pub mod exports;
pub mod registry_routes;
pub mod routes;
pub mod store;
pub mod tables;

use crate::accounts::Accounts;
use crate::catalog::store::CatalogStore;
use crate::config::Limits;
use crate::inspections::store::DocStore;
use axum::extract::FromRef;
use std::sync::Arc;
use store::StatsStore;
use utoipa_axum::router::OpenApiRouter;

/// What the statistics' routes read: the statistics store, and the
/// inspections and centres they are computed from.
pub struct Stats {
    pub store: Arc<dyn StatsStore>,
    pub docs: Arc<dyn DocStore>,
    pub catalog: Arc<dyn CatalogStore>,
    pub limits: Limits,
}

impl std::fmt::Debug for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stats").finish_non_exhaustive()
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
