//! The quarterly statistics (Attachments 4 and 5, the pilot targets) on
//! screen and as downloads, and the chart figures. Supervisors and
//! administrators, within their region.

use super::Stats;
use super::exports;
use super::store::{CentreFilter, ReportedQuarter};
use super::tables::{ChartData, QuarterlyStats, charts, quarterly};
use crate::accounts::store::{Role, Scope};
use crate::accounts::{Accounts, Auth};
use crate::http::{ApiError, ApiResult, ErrorBody, blocking};
use axum::Json;
use axum::extract::{FromRef, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

fn too_many(max: u32) -> ApiError {
    ApiError::TooLarge(format!(
        "over {max} centres or inspections: choose a smaller region (a city) for this statistic"
    ))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct StatsQuery {
    /// e.g. 2026Q4
    pub quarter: Option<String>,
    /// Defaults to the caller's province; a national administrator must name one.
    pub province: Option<String>,
}

fn valid_quarter(q: &str) -> bool {
    let b = q.as_bytes();
    b.len() == 6
        && b.iter().take(4).all(u8::is_ascii_digit)
        && b.get(4) == Some(&b'Q')
        && matches!(b.get(5), Some(b'1'..=b'4'))
}

/// The caller's region within the province asked for.
fn scope_of(auth: &Auth, province: Option<String>) -> Result<Scope, ApiError> {
    auth.require(&[Role::Supervisor, Role::Administrator])?;
    let mut scope = auth.user.scope.clone();
    match province.filter(|p| !p.is_empty()) {
        Some(p) if !scope.province.is_empty() && scope.province != p => return Err(ApiError::forbidden()),
        Some(p) => scope.province = p.chars().take(64).collect(),
        None if scope.province.is_empty() => {
            return Err(ApiError::BadRequest("name the province (`province=`)".into()));
        }
        None => {}
    }
    Ok(scope)
}

async fn compute(state: Arc<Stats>, auth: Auth, q: StatsQuery) -> ApiResult<QuarterlyStats> {
    let quarter = q.quarter.unwrap_or_else(|| crate::quarter::quarter_of(crate::storage::now_ms()));
    if !valid_quarter(&quarter) {
        return Err(ApiError::BadRequest(format!("`{quarter}` is not a quarter like 2026Q4")));
    }
    let scope = scope_of(&auth, q.province)?;
    blocking(move || {
        let filter = CentreFilter { scope: scope.clone(), ..CentreFilter::default() };
        // One row past the limit tells a full region from a cut-off read,
        // and a statistic over a cut-off read would be wrong without saying so.
        let max = state.limits.stats_rows;
        let centres: Vec<_> =
            state.store.registry_all(&filter, max.saturating_add(1))?.into_iter().map(|e| e.centre).collect();
        let docs = state.store.stat_docs(&scope, Some(&quarter), max.saturating_add(1))?;
        if centres.len() > max as usize || docs.len() > max as usize {
            return Err(too_many(max));
        }
        // Attachment 4 counts each centre as it stood when the quarter ended.
        let end = crate::quarter::quarter_end(&quarter).unwrap_or(i64::MAX);
        let statuses = state.store.statuses_at(&scope, end)?;
        let centres: Vec<_> = centres
            .into_iter()
            .map(|c| xuncha_core::Centre { status: statuses.get(&c.code).copied().unwrap_or(c.status), ..c })
            .collect();
        let pops = state.store.populations(&Scope { county: String::new(), ..scope.clone() })?;
        let mut stats = quarterly(&quarter, &scope.province, &centres, &docs, &pops, crate::storage::now_ms());
        // Pilot targets are a city's (policy 三(四)): a county's own count
        // against its city's target would read as failing, so a county-level
        // view has none.
        if !scope.county.is_empty() {
            stats.pilot.clear();
        }
        Ok(stats)
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/stats/quarterly", tag = "stats", params(StatsQuery),
    responses((status = 200, body = QuarterlyStats), (status = 403, body = ErrorBody)))]
pub async fn quarterly_json(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<StatsQuery>,
) -> ApiResult<Json<QuarterlyStats>> {
    Ok(Json(compute(state, auth, q).await?))
}

fn download(bytes: Vec<u8>, mime: &'static str, name: &str) -> Response {
    // The file name is ASCII (quarter and a fixed word); the province goes in the sheet titles.
    let disposition = format!("attachment; filename=\"{name}\"");
    ([(header::CONTENT_TYPE, mime.to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

#[utoipa::path(get, path = "/api/v1/stats/attachment4.csv", tag = "stats", params(StatsQuery),
    responses((status = 200, content_type = "text/csv", body = String, description = "Attachment 4: centres by status, type and city")))]
pub async fn attachment4_csv(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<StatsQuery>,
) -> ApiResult<Response> {
    let s = compute(state, auth, q).await?;
    Ok(download(exports::attachment4_csv(&s), "text/csv; charset=utf-8", &format!("attachment4-{}.csv", s.quarter)))
}

#[utoipa::path(get, path = "/api/v1/stats/attachment5.csv", tag = "stats", params(StatsQuery),
    responses((status = 200, content_type = "text/csv", body = String, description = "Attachment 5: operations of built centres")))]
pub async fn attachment5_csv(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<StatsQuery>,
) -> ApiResult<Response> {
    let s = compute(state, auth, q).await?;
    Ok(download(exports::attachment5_csv(&s), "text/csv; charset=utf-8", &format!("attachment5-{}.csv", s.quarter)))
}

#[utoipa::path(get, path = "/api/v1/stats/quarterly.xlsx", tag = "stats", params(StatsQuery),
    responses((status = 200, body = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "Attachments 4 and 5 and the pilot targets as one workbook")))]
pub async fn quarterly_xlsx(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<StatsQuery>,
) -> ApiResult<Response> {
    let s = compute(state, auth, q).await?;
    let bytes = exports::quarterly_xlsx(&s).map_err(|e| ApiError::Internal(e.to_string()))?;
    let mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    Ok(download(bytes, mime, &format!("xuncha-statistics-{}.xlsx", s.quarter)))
}

#[utoipa::path(get, path = "/api/v1/stats/charts", tag = "stats", params(StatsQuery),
    responses((status = 200, body = ChartData)))]
pub async fn chart_data(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<StatsQuery>,
) -> ApiResult<Json<ChartData>> {
    let quarter = q.quarter.filter(|q| !q.is_empty());
    if let Some(q) = quarter.as_deref().filter(|q| !valid_quarter(q)) {
        return Err(ApiError::BadRequest(format!("`{q}` is not a quarter like 2026Q4")));
    }
    let scope = scope_of(&auth, q.province)?;
    let max = state.limits.stats_rows;
    let data = blocking(move || {
        // One row past the limit tells a full region from a cut-off read: a
        // chart that silently lost its newest quarters would mislead.
        let docs = state.store.stat_docs(&scope, None, max.saturating_add(1))?;
        if docs.len() > max as usize {
            return Err(too_many(max));
        }
        Ok(charts(&docs, quarter.as_deref()))
    })
    .await?;
    Ok(Json(data))
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
    auth.require(&[Role::Supervisor, Role::Administrator])?;
    if !valid_quarter(&req.quarter) {
        return Err(ApiError::BadRequest(format!("`{}` is not a quarter like 2026Q4", req.quarter)));
    }
    let row = ReportedQuarter {
        quarter: req.quarter,
        scope: auth.user.scope.clone(),
        reported_by: auth.user.username.clone(),
        reported_at: crate::storage::now_ms(),
    };
    let r = row.clone();
    if !blocking(move || Ok(state.store.mark_reported(&r)?)).await? {
        return Err(ApiError::Conflict(format!("{} is reported already for this region", row.quarter)));
    }
    tracing::info!(quarter = %row.quarter, user = %row.reported_by, "quarter reported");
    Ok((axum::http::StatusCode::CREATED, Json(row)))
}

/// Quarters reported by the caller's region, by regions inside it, or by
/// regions containing it.
#[utoipa::path(get, path = "/api/v1/stats/reported", tag = "stats", responses((status = 200, body = [ReportedQuarter])))]
pub async fn list_reported(State(state): State<Arc<Stats>>, auth: Auth) -> ApiResult<Json<Vec<ReportedQuarter>>> {
    auth.require(&[Role::Supervisor, Role::Administrator])?;
    let scope = auth.user.scope.clone();
    Ok(Json(blocking(move || Ok(state.store.reported_quarters(&scope)?)).await?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn quarters_look_like_2026q4() {
        assert!(super::valid_quarter("2026Q4"));
        for bad in ["2026Q5", "2026q4", "26Q4", "2026Q", "x"] {
            assert!(!super::valid_quarter(bad), "{bad}");
        }
    }
}
