//! Sign-in (browser sessions), device enrolment and revocation.

use super::AccountError;
use super::device_config::DeviceConfig;
use super::passwords::token_hash;
use super::store::User;
use super::{Accounts, Auth, Caller, DeviceAuth};
use crate::http::headers::{SESSION_COOKIE, bearer_header, cookie, presented_token};
use crate::http::{ApiError, ApiResult, ErrorBody};
use automerge::ActorId;
use axum::Json;
use axum::extract::{ConnectInfo, FromRef, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type Service = State<Arc<Accounts>>;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct LoginResponse {
    /// Bearer token; browsers also get it as an HttpOnly cookie.
    pub token: String,
    pub expires_at: i64,
    pub user: User,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct EnrolRequest {
    pub username: String,
    pub password: String,
    pub device_name: String,
    /// The device's Ed25519 public key (64 hex digits), made on the device:
    /// its photo records and positions are signed with the private half.
    /// Omitted by apps before signing.
    #[serde(default)]
    pub public_key: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Enrolment {
    pub device_id: i64,
    /// Shown once; the server keeps only its hash.
    pub token: String,
    /// Hex Automerge actor ids this device must write with.
    pub actors: Vec<String>,
    pub user: User,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeviceView {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub revoked: bool,
    pub actors: Vec<String>,
    /// Whether it signs its evidence (enrolled with a key).
    pub signs_evidence: bool,
}

/// The cookie that marks a browser its user signed in from before.
const KNOWN_COOKIE: &str = "xuncha_known";

#[utoipa::path(post, path = "/api/v1/login", tag = "session", security(), request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    State(accounts): Service,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<LoginRequest>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<Response> {
    let Json(req) = body?;
    let known = cookie(&headers, KNOWN_COOKIE).filter(|t| t.len() <= 128).map(|t| token_hash(&t));
    let client = accounts.client_address(addr.ip(), &headers);
    let user = accounts.sign_in(client, &req.username, &req.password, known).await?;
    let session = accounts.open_session(user.id).await?;
    let secure = if accounts.config().secure_cookies() { "; Secure" } else { "" };
    let max_age = i64::from(accounts.config().session_hours) * 3600;
    let cookies = [
        format!("{SESSION_COOKIE}={}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}", session.token),
        format!(
            "{KNOWN_COOKIE}={}; HttpOnly; SameSite=Strict; Path=/api/v1/login; Max-Age=31536000{secure}",
            session.known_token
        ),
    ];
    let mut res = Json(LoginResponse { token: session.token, expires_at: session.expires_at, user }).into_response();
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(&c) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(res)
}

#[utoipa::path(post, path = "/api/v1/logout", tag = "session", responses((status = 204)))]
pub async fn logout(State(accounts): Service, Caller(auth): Caller, headers: HeaderMap) -> ApiResult<Response> {
    if auth.device.is_none()
        && let Some(token) = presented_token(&headers)
    {
        accounts.end_session(&token).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, HeaderValue::from_static("xuncha_session=; HttpOnly; Path=/; Max-Age=0"));
    Ok(res)
}

#[utoipa::path(get, path = "/api/v1/me", tag = "session", responses((status = 200, body = User)))]
pub async fn me(Caller(auth): Caller) -> Json<User> {
    Json(auth.user)
}

/// Enrols a device for an inspector: a revocable token and its own actor id.
#[utoipa::path(post, path = "/api/v1/devices", tag = "devices", security(), request_body = EnrolRequest,
    responses((status = 201, body = Enrolment), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn enrol(
    State(accounts): Service,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<EnrolRequest>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<(StatusCode, Json<Enrolment>)> {
    let Json(req) = body?;
    Accounts::device_name(&req.device_name)?;
    let public_key = req.public_key.as_deref().map(Accounts::device_key).transpose()?;
    // A phone enrolling again may show its current device token as proof.
    let proof = bearer_header(&headers).filter(|t| t.len() <= 128).map(|t| token_hash(&t));
    let client = accounts.client_address(addr.ip(), &headers);
    let user = accounts.sign_in(client, &req.username, &req.password, proof).await?;
    let (device, token) = accounts.enrol(&user, &req.device_name, public_key).await?;
    let actors = device.actors.iter().map(ActorId::to_hex_string).collect();
    Ok((StatusCode::CREATED, Json(Enrolment { device_id: device.id, token, actors, user })))
}

#[utoipa::path(get, path = "/api/v1/devices", tag = "devices", responses((status = 200, body = [DeviceView])))]
pub async fn list_devices(State(accounts): Service, auth: Auth) -> ApiResult<Json<Vec<DeviceView>>> {
    let devices = accounts.devices(auth.user.id).await?;
    Ok(Json(
        devices
            .into_iter()
            .map(|d| DeviceView {
                id: d.id,
                name: d.name,
                created_at: d.created_at,
                revoked: d.revoked,
                actors: d.actors.iter().map(ActorId::to_hex_string).collect(),
                signs_evidence: d.public_key.is_some(),
            })
            .collect(),
    ))
}

/// The calling device's settings from its server: the photo format, the
/// server's public key and a fresh enrolment certificate.
#[utoipa::path(get, path = "/api/v1/devices/current", tag = "devices",
    responses((status = 200, body = DeviceConfig), (status = 403, body = ErrorBody)))]
pub async fn device_config(State(accounts): Service, auth: DeviceAuth) -> ApiResult<Json<DeviceConfig>> {
    Ok(Json(accounts.device_config(&auth).await?))
}

/// Revokes a device: its owner, or an administrator whose region covers the owner.
#[utoipa::path(delete, path = "/api/v1/devices/{id}", tag = "devices", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke(State(accounts): Service, auth: Auth, Path(id): Path<i64>) -> ApiResult<StatusCode> {
    accounts.revoke(&auth.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(enrol, list_devices))
        .routes(routes!(revoke))
        .routes(routes!(device_config))
}

/// How the service's refusals answer over HTTP.
impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Unauthorized => ApiError::Unauthorized,
            AccountError::TooManyAttempts(s) => ApiError::TooManyRequests(s),
            AccountError::Busy => ApiError::Busy(e.to_string()),
            AccountError::Forbidden(m) => ApiError::Forbidden(m),
            AccountError::NotFound(what) => ApiError::NotFound(what.into()),
            AccountError::Invalid(m) => ApiError::Invalid(m),
            AccountError::Conflict(m) => ApiError::Conflict(m),
            AccountError::Store(e) => e.into(),
            AccountError::Internal(m) => ApiError::Internal(m),
        }
    }
}
