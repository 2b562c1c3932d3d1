use super::blocking;
use crate::error::ApiResult;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub schema: i64,
    pub seq: u64,
}

/// Liveness and database reachability.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, body = Health)))]
pub async fn health(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    let seq = blocking(move || Ok(state.store.current_seq()?)).await?;
    Ok(Json(Health { status: "ok", schema: crate::store::sqlite::schema_version(), seq }))
}

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(health))
}
