//! Sign-in (browser sessions), device enrolment and revocation.

use super::blocking;
use crate::auth::{Auth, SESSION_COOKIE, new_token, token_hash, verify_password};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{Role, User};
use automerge::ActorId;
use axum::Json;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

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
}

/// Checks a password under the sign-in limits (`crate::signin`): the
/// address's attempts, then the account's delay, then argon2 on a password
/// thread, which records the outcome itself.
/// `proof` is the hash of a token the client holds from before: a
/// remembered browser's cookie, or an enrolled device's bearer token. It
/// lets the account's owner past the account's delay, never past the
/// address limit or the password.
#[tracing::instrument(name = "sign_in", skip_all, fields(address = %addr.ip()))]
async fn authenticate(
    state: &AppState,
    addr: SocketAddr,
    headers: &HeaderMap,
    username: &str,
    password: &str,
    proof: Option<[u8; 32]>,
) -> ApiResult<User> {
    let client = crate::signin::client_address(addr.ip(), headers, &state.config.trusted_proxies);
    if let Err(wait) = state.addresses.attempt(client) {
        tracing::warn!(address = %client, code = "too_many_requests", "sign-in refused: address over its limit");
        return Err(ApiError::TooManyRequests(wait));
    }
    if username.len() > 100 || password.len() > crate::auth::MAX_PASSWORD_BYTES {
        return Err(ApiError::Unauthorized);
    }
    // Everything past the address limit runs on a password thread: the
    // lookups too, so a flood waits in (or is refused by) that short queue
    // instead of occupying the blocking pool.
    let (st, name, pw) = (state.clone(), username.to_owned(), password.to_owned());
    let user = state
        .passwords
        .run(move || -> ApiResult<Result<User, bool>> {
            let found = st.store.user_by_name(&name)?;
            let known = match (&found, proof) {
                (Some((user, _)), Some(hash)) => {
                    st.store.known_client(&hash)? == Some(user.id)
                        || st.store.device_by_token(&hash)?.is_some_and(|(_, u)| u.id == user.id)
                }
                _ => false,
            };
            let check = match &found {
                Some((user, _)) if !known => Some(st.accounts.begin(user.id).inspect_err(|_| {
                    tracing::warn!(username = %name, code = "too_many_requests",
                        "sign-in refused: account waiting after failures");
                })?),
                _ => None,
            };
            // Unknown users are checked against a dummy hash, so timing does not tell who exists.
            let exists = found.is_some();
            let hash = found.as_ref().map_or_else(|| DUMMY_HASH.clone(), |(_, h)| h.clone());
            let ok = verify_password(&hash, &pw);
            if let Some(mut check) = check {
                check.record(ok);
            }
            Ok(found.filter(|(u, _)| ok && !u.disabled).map(|(u, _)| u).ok_or(exists))
        })
        .await??;
    match user {
        Ok(user) => Ok(user),
        // An unknown name is not logged: it is often a password typed into the wrong field.
        Err(true) => {
            tracing::warn!(username, address = %client, code = "unauthorized", "failed sign-in");
            Err(ApiError::Unauthorized)
        }
        Err(false) => {
            tracing::warn!(address = %client, code = "unauthorized", "failed sign-in with an unknown user name");
            Err(ApiError::Unauthorized)
        }
    }
}

/// The cookie that marks a browser its user signed in from before.
const KNOWN_COOKIE: &str = "xuncha_known";

static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| crate::auth::hash_password("not a password of anyone").unwrap_or_default());

#[utoipa::path(post, path = "/api/v1/login", tag = "session", security(), request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<LoginRequest>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<Response> {
    let Json(req) = body?;
    let known = crate::auth::cookie(&headers, KNOWN_COOKIE).filter(|t| t.len() <= 128).map(|t| token_hash(&t));
    let user = authenticate(&state, addr, &headers, &req.username, &req.password, known).await?;
    let (token, hash) = new_token(false);
    let hours = i64::from(state.config.session_hours);
    let expires_at = crate::now_ms() + hours * 3_600_000;
    let (st, uid) = (state.clone(), user.id);
    // The browser is remembered (a fresh token each time): while someone
    // guesses at this account, its owner still signs in from here at once.
    let (known_token, known_hash) = new_token(false);
    blocking(move || {
        st.store.create_session(uid, &hash, expires_at)?;
        Ok(st.store.remember_client(uid, &known_hash, crate::now_ms())?)
    })
    .await?;
    let secure = if state.config.secure_cookies() { "; Secure" } else { "" };
    let session =
        format!("{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}", hours * 3600);
    let known = format!(
        "{KNOWN_COOKIE}={known_token}; HttpOnly; SameSite=Strict; Path=/api/v1/login; Max-Age=31536000{secure}"
    );
    let mut res = Json(LoginResponse { token, expires_at, user }).into_response();
    for c in [session, known] {
        if let Ok(v) = HeaderValue::from_str(&c) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(res)
}

#[utoipa::path(post, path = "/api/v1/logout", tag = "session", responses((status = 204)))]
pub async fn logout(State(state): State<AppState>, auth: Auth, headers: HeaderMap) -> ApiResult<Response> {
    if auth.device.is_none()
        && let Some(token) = crate::auth::presented_token(&headers)
    {
        let hash = token_hash(&token);
        state.auth_cache.clear();
        blocking(move || Ok(state.store.delete_session(&hash)?)).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, HeaderValue::from_static("xuncha_session=; HttpOnly; Path=/; Max-Age=0"));
    Ok(res)
}

#[utoipa::path(get, path = "/api/v1/me", tag = "session", responses((status = 200, body = User)))]
pub async fn me(auth: Auth) -> Json<User> {
    Json(auth.user)
}

/// Enrols a device for an inspector: a revocable token and its own actor id.
#[utoipa::path(post, path = "/api/v1/devices", tag = "devices", security(), request_body = EnrolRequest,
    responses((status = 201, body = Enrolment), (status = 401, body = crate::error::ErrorBody)))]
pub async fn enrol(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<EnrolRequest>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<(StatusCode, Json<Enrolment>)> {
    let Json(req) = body?;
    let name = req.device_name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::Invalid("a device name has 1 to 100 characters".into()));
    }
    // A phone enrolling again may show its current device token as proof.
    let proof = crate::auth::bearer_header(&headers).filter(|t| t.len() <= 128).map(|t| token_hash(&t));
    let user = authenticate(&state, addr, &headers, &req.username, &req.password, proof).await?;
    if user.role != Role::Inspector {
        return Err(ApiError::Forbidden("devices are enrolled for inspectors".into()));
    }
    let (token, hash) = new_token(true);
    let actor = ActorId::random();
    let st = state.clone();
    let uid = user.id;
    // A bounded number of devices per user. Past it the enrolment is
    // refused rather than an old device revoked: a phone long offline is
    // the one most likely to hold work not yet synced.
    let most = state.config.limits.devices_per_user;
    let device = blocking(move || {
        let active = st.store.devices_of(uid)?.iter().filter(|d| !d.revoked).count();
        if active >= most {
            return Err(ApiError::Conflict(format!(
                "this account already has {active} devices enrolled (at most {most}); \
                 revoke one you no longer use (an administrator can) before enrolling another"
            )));
        }
        Ok(st.store.create_device(uid, &name, &hash, &[actor], crate::now_ms())?)
    })
    .await
    .inspect_err(|e| tracing::warn!(user = %user.username, code = e.code().as_str(), "enrolment refused"))?;
    tracing::info!(user = %user.username, device = device.id, "device enrolled");
    let actors = device.actors.iter().map(ActorId::to_hex_string).collect();
    Ok((StatusCode::CREATED, Json(Enrolment { device_id: device.id, token, actors, user })))
}

#[utoipa::path(get, path = "/api/v1/devices", tag = "devices", responses((status = 200, body = [DeviceView])))]
pub async fn list_devices(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<DeviceView>>> {
    let uid = auth.user.id;
    let devices = blocking(move || Ok(state.store.devices_of(uid)?)).await?;
    Ok(Json(
        devices
            .into_iter()
            .map(|d| DeviceView {
                id: d.id,
                name: d.name,
                created_at: d.created_at,
                revoked: d.revoked,
                actors: d.actors.iter().map(ActorId::to_hex_string).collect(),
            })
            .collect(),
    ))
}

/// Revokes a device: its owner, or an administrator whose region covers the owner.
#[utoipa::path(delete, path = "/api/v1/devices/{id}", tag = "devices", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn revoke(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> ApiResult<StatusCode> {
    blocking(move || {
        let device = state.store.device(id)?.ok_or_else(|| ApiError::NotFound("device".into()))?;
        if device.user_id != auth.user.id {
            auth.require(&[Role::Administrator])?;
            let owner = state.store.list_users(&auth.user.scope)?;
            if !owner.iter().any(|u| u.id == device.user_id) {
                return Err(ApiError::forbidden());
            }
        }
        state.store.revoke_device(id, crate::now_ms())?;
        state.auth_cache.clear();
        tracing::info!(device = id, by = %auth.user.username, "device revoked");
        Ok(StatusCode::NO_CONTENT)
    })
    .await
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(enrol, list_devices))
        .routes(routes!(revoke))
}
