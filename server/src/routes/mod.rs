//! One router per resource. Handlers parse, check access and delegate.

pub mod assignments;
pub mod blobs;
pub mod centres;
pub mod guard;
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
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub fn router(state: AppState) -> Router {
    let json_limit = axum::extract::DefaultBodyLimit::max(state.config.limits.json_body_bytes);
    let https = state.config.secure_cookies();
    // A request body may pause this long between parts before it is dropped
    // (a 2G link stalls for seconds, not for a minute).
    let body_idle = std::time::Duration::from_secs(state.config.limits.body_idle_secs.max(1));
    let (api, mut doc) = api_router(&state).split_for_parts();
    utoipa::Modify::modify(&crate::openapi::CommonAnswers, &mut doc);
    let doc = std::sync::Arc::new(doc);
    let router = Router::new()
        .merge(api)
        .route("/api/openapi.json", axum::routing::get(move || crate::openapi::openapi_json(doc.clone())))
        .merge(ui::router(&state))
        .layer(json_limit)
        .layer(axum::middleware::from_fn(guard::csrf))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(body_idle))
        // One line per request at info: method, matched route, path, status,
        // latency (no headers, so no tokens or cookies).
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<axum::body::Body>| {
                    let route = req.extensions().get::<axum::extract::MatchedPath>().map(|m| m.as_str().to_owned());
                    tracing::info_span!("request", method = %req.method(), route = route.as_deref().unwrap_or("-"),
                        path = req.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::map_response(guard::json_errors))
        .with_state(state);
    guard::security_headers(router, https)
}

/// Every API route, each with its OpenAPI description: a route is served
/// only through `routes!`, so it cannot be served without being documented.
pub fn api_router(state: &AppState) -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::with_openapi(<crate::openapi::ApiDoc as utoipa::OpenApi>::openapi())
        .merge(health::router())
        .merge(session::router())
        .merge(sync::router(state))
        .merge(blobs::router(state))
        .merge(centres::router(state))
        .merge(templates::router(state))
        .merge(assignments::router())
        .merge(inspections::router())
        .merge(users::router())
        .merge(registry::router())
        .merge(stats::router())
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

/// Refuses a body whose `Content-Type` is not `mime` (parameters such as
/// `charset` aside): an upload declares what it is, and a browser form
/// cannot send these types across sites without a preflight.
pub fn require_content_type(headers: &axum::http::HeaderMap, mime: &str) -> Result<(), ApiError> {
    let sent = headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let essence = sent.split(';').next().unwrap_or_default().trim();
    match essence.eq_ignore_ascii_case(mime) {
        true => Ok(()),
        false => Err(ApiError::Unsupported(format!("this upload is `{mime}`, not `{essence}`"))),
    }
}

pub fn doc_id(s: &str) -> Result<xuncha_core::DocumentId, ApiError> {
    s.parse().map_err(|e: xuncha_core::doc_id::BadDocumentId| ApiError::BadRequest(e.to_string()))
}
