//! The supervisor dashboard's page and assets, from the built UI
//! (`config.ui_dir`, normally `ui/dist`): `dashboard.html` at `/`, its
//! hashed assets under `/assets`. Nothing else in the directory is served.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// Only the page's own scripts; photos arrive as same-origin images.
const CSP: &str = "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; \
                   script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
}

pub fn router<S: Clone + Send + Sync + 'static>(ui_dir: Option<&std::path::Path>) -> Router<S> {
    let Some(dir) = ui_dir else { return Router::new() };
    let page = ServeFile::new(dir.join("dashboard.html"));
    Router::new()
        .route_service("/", page.clone())
        .route_service("/dashboard.html", page)
        .nest_service("/assets", ServeDir::new(dir.join("assets")))
        .layer(header_layer(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::REFERRER_POLICY, "same-origin"))
}
