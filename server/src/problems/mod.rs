//! Problems and rectification (问题清单与整改): an approved inspection's
//! findings become problems with deadlines; a supervisor edits and issues
//! them in a numbered notice (整改通知书), records the centre's feedback
//! (整改反馈), escalates, and a follow-up visit (复查) closes them (销号).
//! The ledger (整改台账) counts them per county (docs/supervision.md).

pub mod exports;
pub mod followup;
pub mod notice_page;
pub mod photo_routes;
pub mod routes;
pub mod service;
pub mod store;

pub use service::{ProblemError, Problems};

use crate::accounts::Accounts;
use crate::photos::Photos;
use axum::extract::FromRef;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;

pub fn router<S>(photo_bytes: usize) -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Problems>: FromRef<S>,
    Arc<Photos>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    routes::router().merge(photo_routes::router(photo_bytes))
}
