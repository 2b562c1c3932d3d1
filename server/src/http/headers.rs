//! Reading the credentials a request presents. One reading for the auth
//! extractor, sign-out, enrolment's proof and the cross-site guard.

use axum::http::{HeaderMap, header};

/// The browser session's cookie.
pub const SESSION_COOKIE: &str = "xuncha_session";

/// The value of the cookie `name`, if the request carries it.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    let cookies = headers.get(header::COOKIE)?.to_str().ok()?;
    cookies.split(';').find_map(|c| c.trim().strip_prefix(name)?.strip_prefix('=').map(str::to_owned))
}

/// The token of `Authorization: Bearer …`, if the request has that header.
pub fn bearer_header(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    v.strip_prefix("Bearer ").map(|t| t.trim().to_owned())
}

/// The token a request presents: its bearer header when it has an
/// `Authorization` header at all, else the session cookie.
pub fn presented_token(headers: &HeaderMap) -> Option<String> {
    match headers.contains_key(header::AUTHORIZATION) {
        true => bearer_header(headers),
        false => cookie(headers, SESSION_COOKIE),
    }
}
