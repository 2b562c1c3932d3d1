//! `/api/v1/plans`: plans, their draw, replacements and confirmation
//! (supervisors and administrators, within their region).

use super::service::PlanRequest;
use super::store::{Plan, PlanCriteria, PlanEvent, PoolEntry};
use super::{PlanError, Plans};
use crate::accounts::{Accounts, Auth};
use crate::http::{ApiError, ApiResult, ErrorBody};
use axum::Json;
use axum::extract::{FromRef, Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuncha_core::document::Purpose;
use xuncha_core::draw::Sampling;

type Service = State<Arc<Plans>>;
type Body<T> = Result<Json<T>, axum::extract::rejection::JsonRejection>;

#[derive(Debug, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct CreatePlan {
    pub name: String,
    /// e.g. 2026Q4
    pub quarter: String,
    /// random (default) or another purpose
    #[serde(default = "random")]
    #[schema(value_type = Option<String>)]
    pub purpose: Purpose,
    /// A county of the caller's city; none: the caller's whole region.
    #[serde(default)]
    pub county: Option<String>,
    #[serde(default)]
    pub criteria: PlanCriteria,
    /// `{"per_mille": 100}` (10%, rounded up per stratum) or `{"count": 2}` per stratum.
    #[schema(value_type = Object)]
    pub sampling: Sampling,
    /// Inspectors per task (default 2).
    #[serde(default = "two")]
    pub per_task: u32,
    /// Published in advance if wished; none: the server picks one.
    #[serde(default)]
    pub seed: Option<String>,
    /// The inspector pool with credentials and registered townships; none:
    /// every active inspector of the region.
    #[serde(default)]
    pub pool: Vec<PoolEntry>,
}

fn random() -> Purpose {
    Purpose::Random
}

fn two() -> u32 {
    2
}

#[derive(Debug, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct PlanView {
    pub plan: Plan,
    /// The draw record: drawn, replaced, confirmed.
    pub events: Vec<PlanEvent>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct Replacement {
    pub centre_code: String,
    /// The drawn inspector who cannot go.
    pub inspector: String,
    /// Why (sick, a conflict found): recorded.
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/plans", operation_id = "create_plan", tag = "plans", request_body = CreatePlan,
    responses((status = 201, body = Plan), (status = 422, body = ErrorBody)))]
pub async fn create(State(plans): Service, auth: Auth, body: Body<CreatePlan>) -> ApiResult<(StatusCode, Json<Plan>)> {
    let Json(r) = body?;
    let req = PlanRequest {
        name: r.name,
        quarter: r.quarter,
        purpose: r.purpose,
        county: r.county,
        criteria: r.criteria,
        sampling: r.sampling,
        per_task: r.per_task,
        seed: r.seed,
        pool: r.pool,
    };
    Ok((StatusCode::CREATED, Json(plans.create(&auth.user, req).await?)))
}

#[utoipa::path(get, path = "/api/v1/plans", operation_id = "list_plans", tag = "plans", responses((status = 200, body = [Plan])))]
pub async fn list(State(plans): Service, auth: Auth) -> ApiResult<Json<Vec<Plan>>> {
    Ok(Json(plans.list(&auth.user).await?))
}

#[utoipa::path(get, path = "/api/v1/plans/{id}", operation_id = "get_plan", tag = "plans", params(("id" = i64, Path)),
    responses((status = 200, body = PlanView)))]
pub async fn get(State(plans): Service, auth: Auth, Path(id): Path<i64>) -> ApiResult<Json<PlanView>> {
    let (plan, events) = plans.get(&auth.user, id).await?;
    Ok(Json(PlanView { plan, events }))
}

/// Runs the draw, once.
#[utoipa::path(post, path = "/api/v1/plans/{id}/draw", operation_id = "draw_plan", tag = "plans", params(("id" = i64, Path)),
    responses((status = 200, body = Plan), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn draw(State(plans): Service, auth: Auth, Path(id): Path<i64>) -> ApiResult<Json<Plan>> {
    Ok(Json(plans.draw(&auth.user, id).await?))
}

/// Replaces a drawn inspector, with a reason, by the next the draw picks.
#[utoipa::path(post, path = "/api/v1/plans/{id}/replace", operation_id = "replace_in_plan", tag = "plans",
    params(("id" = i64, Path)), request_body = Replacement,
    responses((status = 200, body = Plan), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn replace(
    State(plans): Service,
    auth: Auth,
    Path(id): Path<i64>,
    body: Body<Replacement>,
) -> ApiResult<Json<Plan>> {
    let Json(r) = body?;
    Ok(Json(plans.replace(&auth.user, id, &r.centre_code, &r.inspector, &r.reason).await?))
}

/// Turns the tasks into assignments; the plan changes no more.
#[utoipa::path(post, path = "/api/v1/plans/{id}/confirm", operation_id = "confirm_plan", tag = "plans",
    params(("id" = i64, Path)), responses((status = 200, body = Plan), (status = 409, body = ErrorBody)))]
pub async fn confirm(State(plans): Service, auth: Auth, Path(id): Path<i64>) -> ApiResult<Json<Plan>> {
    Ok(Json(plans.confirm(&auth.user, id).await?))
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Plans>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(get))
        .routes(routes!(draw))
        .routes(routes!(replace))
        .routes(routes!(confirm))
}

/// How the service's refusals answer over HTTP.
impl From<PlanError> for ApiError {
    fn from(e: PlanError) -> Self {
        match e {
            PlanError::Forbidden => ApiError::forbidden(),
            PlanError::NotFound => ApiError::NotFound("plan".into()),
            PlanError::Invalid(m) => ApiError::Invalid(m),
            PlanError::State(m) => ApiError::Conflict(m),
            PlanError::Draw(_) => ApiError::Invalid(e.to_string()),
            PlanError::Inspection(e) => e.into(),
            PlanError::Store(e) => e.into(),
            PlanError::Internal(m) => ApiError::Internal(m),
        }
    }
}
