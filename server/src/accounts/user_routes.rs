//! User administration (administrators, within their region).

use super::service::UserRequest;
use super::store::{Role, Scope, User};
use super::{Accounts, Auth};
use crate::http::{ApiResult, ErrorBody};
use axum::Json;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use serde::Deserialize;
use std::sync::Arc;
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
pub async fn list(State(accounts): State<Arc<Accounts>>, auth: Auth) -> ApiResult<Json<Vec<User>>> {
    auth.require(&[Role::Administrator, Role::Supervisor])?;
    Ok(Json(accounts.users(&auth.user.scope).await?))
}

#[utoipa::path(post, path = "/api/v1/users", operation_id = "create_user", tag = "users", request_body = CreateUser,
    responses((status = 201, body = User), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(accounts): State<Arc<Accounts>>,
    auth: Auth,
    body: Result<Json<CreateUser>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<(StatusCode, Json<User>)> {
    let Json(req) = body?;
    auth.require(&[Role::Administrator])?;
    let CreateUser { username, display_name, role, scope, password } = req;
    let req = UserRequest { username, display_name, role, scope, centres: Vec::new(), password };
    let user = accounts.create_user(&auth.user, req).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new().routes(routes!(list, create))
}
