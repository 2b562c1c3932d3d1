//! 标杆样板 (三(四), 三(五), 三(七)): nominate a model centre with its case
//! write-up, publicise it, recognise it, and flag a recognised centre that
//! later fails for re-evaluation (docs/supervision.md).

pub mod page;
pub mod routes;
pub mod service;
pub mod store;

pub use service::{ExemplarError, Exemplars};

use crate::accounts::Accounts;
use axum::extract::FromRef;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Exemplars>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    routes::router()
}
