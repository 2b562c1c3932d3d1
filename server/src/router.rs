//! The whole HTTP application: every feature's routes, the OpenAPI
//! document made from them, the dashboard's page, and the layers every
//! request passes (body limits and timeouts, the cross-site guard, one
//! trace line, panics caught, errors as JSON, security headers).

use crate::http::{guard, openapi, ui};
use crate::state::AppState;
use crate::{
    accounts, analysis, catalog, db, exemplars, inspections, operators, photos, plans, problems, publication,
    reporting, stats, sync,
};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use utoipa_axum::router::OpenApiRouter;

pub fn router(state: AppState) -> Router {
    let limits = &state.config.limits;
    let json_limit = axum::extract::DefaultBodyLimit::max(limits.json_body_bytes);
    let https = state.config.secure_cookies();
    // A request body may pause this long between parts before it is dropped
    // (a 2G link stalls for seconds, not for a minute).
    let body_idle = std::time::Duration::from_secs(limits.body_idle_secs.max(1));
    let (api, mut doc) = api_router(&state).split_for_parts();
    utoipa::Modify::modify(&openapi::CommonAnswers, &mut doc);
    let doc = std::sync::Arc::new(doc);
    let router = Router::new()
        .merge(api)
        .route("/api/openapi.json", axum::routing::get(move || openapi::openapi_json(doc.clone())))
        .merge(ui::router(state.config.ui_dir.as_deref()))
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
pub fn api_router(state: &AppState) -> OpenApiRouter<AppState> {
    let limits = &state.config.limits;
    OpenApiRouter::with_openapi(<openapi::ApiDoc as utoipa::OpenApi>::openapi())
        .merge(db::health::router())
        .merge(accounts::router())
        .merge(sync::router(limits.sync_body_bytes))
        .merge(photos::router(limits.patch_bytes))
        .merge(catalog::router(limits))
        .merge(inspections::router())
        .merge(stats::router())
        .merge(plans::router())
        .merge(problems::router(usize::try_from(limits.photo_bytes).unwrap_or(usize::MAX)))
        .merge(publication::router())
        .merge(reporting::router())
        .merge(analysis::router())
        .merge(exemplars::router())
        .merge(operators::routes::router(usize::try_from(limits.photo_bytes).unwrap_or(usize::MAX)))
}
