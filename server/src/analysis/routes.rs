//! The analysis route: supervisors and administrators, their region.

use super::service::{Analyses, Analysis, AnalysisError};
use crate::accounts::{Accounts, Auth};
use crate::http::{ApiError, ApiResult, ErrorBody};
use axum::Json;
use axum::extract::{FromRef, Query, State};
use serde::Deserialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct AnalysisQuery {
    /// e.g. 2026Q4; this quarter by default.
    pub quarter: Option<String>,
    /// A national administrator names the province.
    pub province: Option<String>,
}

/// Where the caller's region loses points, what vetoes, county ranking,
/// 整改销号率, 报送及时率 and the trend.
#[utoipa::path(get, path = "/api/v1/analysis", operation_id = "region_analysis", tag = "stats", params(AnalysisQuery),
    responses((status = 200, body = Analysis), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn analysis(
    State(a): State<Arc<Analyses>>,
    auth: Auth,
    Query(q): Query<AnalysisQuery>,
) -> ApiResult<Json<Analysis>> {
    Ok(Json(a.analysis(&auth.user, q.quarter, q.province).await?))
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Analyses>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new().routes(routes!(analysis))
}

/// How the service's refusals answer over HTTP.
impl From<AnalysisError> for ApiError {
    fn from(e: AnalysisError) -> Self {
        match e {
            AnalysisError::Forbidden => ApiError::forbidden(),
            AnalysisError::BadQuarter(_) => ApiError::BadRequest(e.to_string()),
            AnalysisError::TooMany(_) => ApiError::TooLarge(e.to_string()),
            AnalysisError::Stats(e) => e.into(),
            AnalysisError::Problems(e) => e.into(),
            AnalysisError::Reports(e) => e.into(),
            AnalysisError::Store(e) => e.into(),
            AnalysisError::Internal(m) => ApiError::Internal(m),
        }
    }
}
