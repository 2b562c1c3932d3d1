//! What every request and response passes through: the usual security
//! headers on every response, and a cross-site request forgery check on
//! every state-changing request a browser authenticates with the session
//! cookie. `SameSite=Strict` alone is not enough: a page on another port of
//! the same host is the same *site*, and its forms carry the cookie.

use super::ApiError;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::set_header::SetResponseHeaderLayer;

/// Refuses a cookie-authenticated state-changing request that cannot show
/// it came from a page of this server's own origin.
pub async fn csrf(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if let Err(why) = check_origin(req.headers()) {
        tracing::warn!(method = %req.method(), path = req.uri().path(), reason = why, "cross-site request refused");
        return ApiError::CrossSite(format!("{why}; state-changing requests come from the dashboard's own pages"))
            .into_response();
    }
    next.run(req).await
}

/// Requests with a bearer token (devices, scripts) cannot be forged by a
/// page: a browser never adds that header on its own. Everything else that
/// a browser sends must be same-origin by `Sec-Fetch-Site` or, in browsers
/// without it, by `Origin` against `Host`; a request carrying the session
/// cookie with neither is refused.
fn check_origin(h: &HeaderMap) -> Result<(), &'static str> {
    if h.contains_key(header::AUTHORIZATION) {
        return Ok(());
    }
    let text = |name: &HeaderName| h.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text(&HeaderName::from_static("sec-fetch-site")) {
        return match site {
            "same-origin" | "none" => Ok(()),
            _ => Err("the request came from another site or origin"),
        };
    }
    if let Some(origin) = text(&header::ORIGIN) {
        let host = text(&header::HOST).unwrap_or_default();
        let origin_host = origin.split_once("://").map_or("", |(_, rest)| rest);
        return match !host.is_empty() && origin_host.eq_ignore_ascii_case(host) {
            true => Ok(()),
            false => Err("the request's Origin is not this server"),
        };
    }
    match super::headers::cookie(h, super::headers::SESSION_COOKIE).is_some() {
        true => Err("a request with the session cookie must say where it came from (Origin)"),
        false => Ok(()),
    }
}

fn set(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// The security headers every response carries (a route may set its own,
/// as the dashboard page does with its content security policy).
pub fn security_headers<S: Clone + Send + Sync + 'static>(router: axum::Router<S>, https: bool) -> axum::Router<S> {
    let router = router
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
        .layer(set(header::REFERRER_POLICY, "same-origin"))
        .layer(set(header::CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'"))
        .layer(set(HeaderName::from_static("cross-origin-opener-policy"), "same-origin"))
        .layer(set(HeaderName::from_static("cross-origin-resource-policy"), "same-origin"))
        .layer(set(HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()"));
    match https {
        true => router.layer(set(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000")),
        false => router,
    }
}

/// Makes every error response `{code, message}` JSON, whoever wrote it:
/// the router's 404 and 405, an extractor's rejection (a bad query string
/// or path parameter, a missing content type), a body limit, a panic.
pub async fn json_errors(res: Response) -> Response {
    use super::{ErrorBody, ErrorCode};
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let (parts, body) = res.into_parts();
    // The texts these responses carry are short; anything longer is cut.
    let text = axum::body::to_bytes(body, 4_096).await.map(|b| String::from_utf8_lossy(&b).trim().to_owned());
    let message = match text {
        Ok(t) if !t.is_empty() => t,
        _ => status.canonical_reason().unwrap_or("error").to_lowercase(),
    };
    let mut out = (status, axum::Json(ErrorBody { code: ErrorCode::of_status(status), message })).into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().entry(name).or_insert_with(|| value.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(HeaderName::from_static(k), HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn only_same_origin_browser_requests_pass() {
        assert!(check_origin(&headers(&[("sec-fetch-site", "same-origin")])).is_ok());
        assert!(check_origin(&headers(&[("sec-fetch-site", "same-site"), ("cookie", "xuncha_session=x")])).is_err());
        assert!(check_origin(&headers(&[("sec-fetch-site", "cross-site")])).is_err());
        let same = [("origin", "http://127.0.0.1:8080"), ("host", "127.0.0.1:8080")];
        assert!(check_origin(&headers(&same)).is_ok());
        let other_port = [("origin", "http://127.0.0.1:9999"), ("host", "127.0.0.1:8080")];
        assert!(check_origin(&headers(&other_port)).is_err());
        assert!(check_origin(&headers(&[("cookie", "xuncha_session=x")])).is_err());
        assert!(check_origin(&headers(&[("authorization", "Bearer xd_1"), ("sec-fetch-site", "cross-site")])).is_ok());
        assert!(check_origin(&headers(&[])).is_ok(), "a script without a cookie forges nothing");
    }
}
