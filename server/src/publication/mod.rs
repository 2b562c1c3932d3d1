//! Publication (一公开): the results of random-inspection plans, published
//! by administrators as frozen snapshots with corrections as new versions,
//! readable by anyone as pages and a JSON feed (docs/supervision.md).

pub mod page;
pub mod routes;
pub mod service;
pub mod store;

pub use service::{PublicationError, Publications};

use crate::accounts::Accounts;
use axum::extract::FromRef;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Publications>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    routes::router()
}
