//! One router per resource. Handlers parse, check access and delegate.

pub mod assignments;
pub mod blobs;
pub mod centres;
pub mod health;
pub mod inspections;
pub mod registry;
pub mod session;
pub mod stats;
pub mod sync;
pub mod templates;
pub mod ui;
pub mod users;

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::PageReq;
use axum::Router;
use serde::Deserialize;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};

pub fn router(state: AppState) -> Router {
    let json_limit = axum::extract::DefaultBodyLimit::max(state.config.limits.json_body_bytes);
    Router::new()
        .merge(health::router())
        .merge(session::router())
        .merge(sync::router(&state))
        .merge(blobs::router(&state))
        .merge(centres::router(&state))
        .merge(templates::router(&state))
        .merge(assignments::router())
        .merge(inspections::router())
        .merge(users::router())
        .merge(registry::router())
        .merge(stats::router())
        .route("/api/openapi.json", axum::routing::get(crate::openapi::openapi_json))
        .merge(ui::router(&state))
        .layer(json_limit)
        // One line per request at info: method, path, status, latency (no headers, so no tokens).
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(tracing::Level::INFO))
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(CatchPanicLayer::new())
        .with_state(state)
}

/// `?page=&per_page=` with bounds.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::IntoParams)]
pub struct Paging {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

pub const MAX_PER_PAGE: u32 = 200;

impl Paging {
    pub fn get(self) -> Result<PageReq, ApiError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(50);
        if page == 0 || page > 1_000_000 || per_page == 0 || per_page > MAX_PER_PAGE {
            return Err(ApiError::BadRequest(format!("page starts at 1; per_page is 1 to {MAX_PER_PAGE}")));
        }
        Ok(PageReq { page, per_page })
    }
}

/// Runs blocking store work off the async threads.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await?
}

pub fn doc_id(s: &str) -> Result<xuncha_core::DocumentId, ApiError> {
    s.parse().map_err(|e: xuncha_core::doc_id::BadDocumentId| ApiError::BadRequest(e.to_string()))
}
