//! The quarterly statistics (Attachments 4 and 5, the pilot targets) on
//! screen and as downloads, and the chart figures. Supervisors and
//! administrators, within their region.

use super::Stats;
use super::StatsError;
use super::exports;
use super::store::ReportedQuarter;
use super::tables::{ChartData, QuarterlyStats};
use crate::accounts::{Accounts, Auth};
use crate::http::{ApiError, ApiResult, ErrorBody, attachment};
use axum::Json;
use axum::extract::{FromRef, Query, State};
use axum::response::Response;
use serde::Deserialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct StatsQuery {
    /// e.g. 2026Q4
    pub quarter: Option<String>,
    /// Defaults to the caller's province; a national administrator must name one.
    pub province: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/stats/quarterly", tag = "stats", params(StatsQuery),
    responses((status = 200, body = QuarterlyStats), (status = 403, body = ErrorBody)))]
pub async fn quarterly_json(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<StatsQuery>,
) -> ApiResult<Json<QuarterlyStats>> {
    Ok(Json(state.quarterly(&auth.user, q.quarter, q.province).await?))
}

#[utoipa::path(get, path = "/api/v1/stats/attachment4.csv", tag = "stats", params(StatsQuery),
    responses((status = 200, content_type = "text/csv", body = String, description = "Attachment 4: centres by status, type and city")))]
pub async fn attachment4_csv(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<StatsQuery>,
) -> ApiResult<Response> {
    let s = state.quarterly(&auth.user, q.quarter, q.province).await?;
    Ok(attachment(exports::attachment4_csv(&s), "text/csv; charset=utf-8", &format!("attachment4-{}.csv", s.quarter)))
}

#[utoipa::path(get, path = "/api/v1/stats/attachment5.csv", tag = "stats", params(StatsQuery),
    responses((status = 200, content_type = "text/csv", body = String, description = "Attachment 5: operations of built centres")))]
pub async fn attachment5_csv(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<StatsQuery>,
) -> ApiResult<Response> {
    let s = state.quarterly(&auth.user, q.quarter, q.province).await?;
    Ok(attachment(exports::attachment5_csv(&s), "text/csv; charset=utf-8", &format!("attachment5-{}.csv", s.quarter)))
}

#[utoipa::path(get, path = "/api/v1/stats/quarterly.xlsx", tag = "stats", params(StatsQuery),
    responses((status = 200, body = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "Attachments 4 and 5 and the pilot targets as one workbook")))]
pub async fn quarterly_xlsx(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<StatsQuery>,
) -> ApiResult<Response> {
    let s = state.quarterly(&auth.user, q.quarter, q.province).await?;
    let bytes = exports::quarterly_xlsx(&s).map_err(|e| ApiError::Internal(e.to_string()))?;
    let mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    Ok(attachment(bytes, mime, &format!("xuncha-statistics-{}.xlsx", s.quarter)))
}

#[utoipa::path(get, path = "/api/v1/stats/charts", tag = "stats", params(StatsQuery),
    responses((status = 200, body = ChartData)))]
pub async fn chart_data(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<StatsQuery>,
) -> ApiResult<Json<ChartData>> {
    Ok(Json(state.charts(&auth.user, q.quarter, q.province).await?))
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Stats>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(quarterly_json))
        .routes(routes!(attachment4_csv))
        .routes(routes!(attachment5_csv))
        .routes(routes!(quarterly_xlsx))
        .routes(routes!(chart_data))
        .routes(routes!(list_reported, mark_reported))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MarkReported {
    /// e.g. 2026Q4
    pub quarter: String,
}

/// Records that the caller's region has reported (上报) a quarter: from
/// then on no device changes an inspection of that quarter in the region.
#[utoipa::path(post, path = "/api/v1/stats/reported", tag = "stats", request_body = MarkReported,
    responses((status = 201, body = ReportedQuarter), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn mark_reported(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    body: Result<Json<MarkReported>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<(axum::http::StatusCode, Json<ReportedQuarter>)> {
    let Json(req) = body?;
    Ok((axum::http::StatusCode::CREATED, Json(state.mark_reported(&auth.user, req.quarter).await?)))
}

/// Quarters reported by the caller's region, by regions inside it, or by
/// regions containing it.
#[utoipa::path(get, path = "/api/v1/stats/reported", tag = "stats", responses((status = 200, body = [ReportedQuarter])))]
pub async fn list_reported(State(state): State<Arc<Stats>>, auth: Auth) -> ApiResult<Json<Vec<ReportedQuarter>>> {
    Ok(Json(state.reported(&auth.user).await?))
}

/// How the service's refusals answer over HTTP.
impl From<StatsError> for ApiError {
    fn from(e: StatsError) -> Self {
        match e {
            StatsError::Forbidden => ApiError::forbidden(),
            StatsError::NeedProvince | StatsError::NeedTemplate | StatsError::BadQuarter(_) => {
                ApiError::BadRequest(e.to_string())
            }
            StatsError::TooMany(_) => ApiError::TooLarge(e.to_string()),
            StatsError::NotFound(what) => ApiError::NotFound(what.into()),
            StatsError::AlreadyReported(_) => ApiError::Conflict(e.to_string()),
            StatsError::Store(e) => e.into(),
            StatsError::Internal(m) => ApiError::Internal(m),
        }
    }
}
