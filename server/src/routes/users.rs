//! User administration (administrators, within their region).

use super::blocking;
use crate::auth::{Auth, check_new_password, check_username, hash_password};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{NewUser, Role, Scope, User};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    #[serde(default)]
    pub scope: Scope,
    pub password: String,
}

#[utoipa::path(get, path = "/api/v1/users", operation_id = "list_users", tag = "users", responses((status = 200, body = [User])))]
pub async fn list(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<User>>> {
    auth.require(&[Role::Administrator, Role::Supervisor])?;
    let scope = auth.user.scope.clone();
    Ok(Json(blocking(move || Ok(state.store.list_users(&scope)?)).await?))
}

#[utoipa::path(post, path = "/api/v1/users", operation_id = "create_user", tag = "users", request_body = CreateUser,
    responses((status = 201, body = User), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    body: Result<Json<CreateUser>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<(StatusCode, Json<User>)> {
    let Json(req) = body?;
    auth.require(&[Role::Administrator])?;
    check_username(&req.username)?;
    check_new_password(&req.username, &req.password)?;
    req.scope.check_for(req.role).map_err(|e| ApiError::Invalid(e.into()))?;
    let mine = &auth.user.scope;
    let within = |m: &str, t: &str| m.is_empty() || m == t;
    if !(within(&mine.province, &req.scope.province)
        && within(&mine.city, &req.scope.city)
        && within(&mine.county, &req.scope.county))
    {
        return Err(ApiError::Forbidden("the new user's region must lie within yours".into()));
    }
    let name = req.display_name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::Invalid("a display name has 1 to 100 characters".into()));
    }
    let password = req.password.clone();
    let password_hash = state.passwords.run(move || hash_password(&password)).await??;
    let user = blocking(move || {
        let u = NewUser { username: req.username, display_name: name, role: req.role, scope: req.scope, password_hash };
        Ok(state.store.create_user(u, crate::now_ms())?)
    })
    .await?;
    tracing::info!(user = %user.username, role = user.role.as_str(), by = %auth.user.username, "user created");
    Ok((StatusCode::CREATED, Json(user)))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create))
}
