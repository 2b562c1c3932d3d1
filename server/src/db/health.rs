//! `GET /healthz`: liveness and database reachability.

use super::Store;
use crate::http::{ApiResult, blocking};
use axum::Json;
use axum::extract::{FromRef, State};
use serde::Serialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub schema: i64,
    pub seq: u64,
}

/// Liveness and database reachability.
#[utoipa::path(get, path = "/healthz", tag = "health", security(), responses((status = 200, body = Health)))]
pub async fn health(State(store): State<Arc<dyn Store>>) -> ApiResult<Json<Health>> {
    let seq = blocking(move || Ok(store.current_seq()?)).await?;
    Ok(Json(Health { status: "ok", schema: super::sqlite::schema_version(), seq }))
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<dyn Store>: FromRef<S>,
{
    OpenApiRouter::new().routes(routes!(health))
}
