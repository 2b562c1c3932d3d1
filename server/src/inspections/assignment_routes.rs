//! Assignments (考核任务): inspector × centre × quarter. All inspectors
//! assigned to one centre and quarter share one inspection document, which
//! the server creates and which reaches their devices through the cursor.

use super::Inspections;
use super::service::blocking;
use super::store::Assignment;
use crate::accounts::store::Role;
use crate::accounts::{Accounts, Auth};
use crate::http::{ApiError, ApiResult, ErrorBody};
use axum::Json;
use axum::extract::{FromRef, Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuncha_core::document::Purpose;

#[derive(Debug, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct NewAssignments {
    pub centre_code: String,
    /// e.g. `2026Q4`
    pub quarter: String,
    /// routine (default), random, recognition, thematic or follow_up.
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = "^(routine|random|recognition|thematic|follow_up)$")]
    pub purpose: Purpose,
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
    responses((status = 201, body = [Assignment]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(inspections): State<Arc<Inspections>>,
    auth: Auth,
    body: Result<Json<NewAssignments>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<(StatusCode, Json<Vec<Assignment>>)> {
    let Json(req) = body?;
    auth.require(&[Role::Supervisor, Role::Administrator])?;
    let out = blocking::<_, ApiError>(move || {
        Ok(inspections.assign(&auth.user, &req.centre_code, &req.quarter, req.purpose, &req.inspectors)?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// Inspectors see their own; supervisors and administrators their region's.
#[utoipa::path(get, path = "/api/v1/assignments", operation_id = "list_assignments", tag = "assignments", params(AssignmentQuery),
    responses((status = 200, body = [Assignment])))]
pub async fn list(
    State(inspections): State<Arc<Inspections>>,
    auth: Auth,
    Query(q): Query<AssignmentQuery>,
) -> ApiResult<Json<Vec<Assignment>>> {
    let list =
        blocking::<_, ApiError>(move || Ok(inspections.assignments(&auth.user, q.inspector, q.quarter.as_deref())?));
    Ok(Json(list.await?))
}

/// Cancels an assignment; the inspection and its data stay.
#[utoipa::path(delete, path = "/api/v1/assignments/{id}", operation_id = "cancel_assignment", tag = "assignments", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn cancel(
    State(inspections): State<Arc<Inspections>>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    blocking::<_, ApiError>(move || Ok(inspections.cancel_assignment(&auth.user, id)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Inspections>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(cancel))
}
