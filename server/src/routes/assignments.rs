//! Assignments (考核任务): inspector × centre × quarter. All inspectors
//! assigned to one centre and quarter share one inspection document, which
//! the server creates and which reaches their devices through the cursor.

use super::blocking;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{Assignment, Role};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewAssignments {
    pub centre_code: String,
    /// e.g. `2026Q4`
    pub quarter: String,
    /// User names of inspectors.
    pub inspectors: Vec<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AssignmentQuery {
    pub quarter: Option<String>,
    pub inspector: Option<String>,
}

/// Assigns inspectors (supervisors and administrators, within their region).
#[utoipa::path(post, path = "/api/v1/assignments", operation_id = "create_assignments", tag = "assignments", request_body = NewAssignments,
    responses((status = 201, body = [Assignment]), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    body: Result<Json<NewAssignments>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<(StatusCode, Json<Vec<Assignment>>)> {
    let Json(req) = body?;
    auth.require(&[Role::Supervisor, Role::Administrator])?;
    let out =
        blocking(move || crate::assign::assign(&state, &auth, &req.centre_code, &req.quarter, &req.inspectors)).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// Inspectors see their own; supervisors and administrators their region's.
#[utoipa::path(get, path = "/api/v1/assignments", operation_id = "list_assignments", tag = "assignments", params(AssignmentQuery),
    responses((status = 200, body = [Assignment])))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<AssignmentQuery>,
) -> ApiResult<Json<Vec<Assignment>>> {
    let inspector = match auth.user.role {
        Role::Inspector => Some(auth.user.username.clone()),
        _ => q.inspector,
    };
    let scope = auth.user.scope.clone();
    let quarter = q.quarter;
    Ok(Json(
        blocking(move || Ok(state.store.list_assignments(&scope, inspector.as_deref(), quarter.as_deref())?)).await?,
    ))
}

/// Cancels an assignment; the inspection and its data stay.
#[utoipa::path(delete, path = "/api/v1/assignments/{id}", operation_id = "cancel_assignment", tag = "assignments", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn cancel(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> ApiResult<StatusCode> {
    auth.require(&[Role::Supervisor, Role::Administrator])?;
    blocking(move || {
        let a = state.store.assignment(id)?.ok_or_else(|| ApiError::NotFound("assignment".into()))?;
        let centre = state.store.centre(&a.centre_code)?.ok_or_else(|| ApiError::NotFound("centre".into()))?;
        if !auth.oversees(&centre.region) {
            return Err(ApiError::forbidden());
        }
        state.store.cancel_assignment(id)?;
        Ok(StatusCode::NO_CONTENT)
    })
    .await
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(cancel))
}
