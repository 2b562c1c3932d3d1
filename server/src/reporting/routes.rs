//! Report chain routes (`/api/v1/reports…`): supervisors and administrators,
//! each for their own region's report and the reports one level below.

use super::official;
use super::service::{ReportBoard, ReportDraft, ReportError, Reports, ReviewReport, SubmitReport};
use super::store::ReportVersion;
use crate::accounts::{Accounts, Auth};
use crate::http::{ApiError, ApiResult, ErrorBody, attachment};
use crate::stats::exports;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRef, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type Service = State<Arc<Reports>>;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct QuarterQuery {
    /// e.g. 2026Q4
    pub quarter: String,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct LayoutQuery {
    /// `official` (the default: the circular's Chinese layout) or
    /// `bilingual` (Chinese and English headers).
    pub layout: Option<String>,
}

fn bilingual(q: &LayoutQuery) -> Result<bool, ApiError> {
    match q.layout.as_deref() {
        None | Some("official") => Ok(false),
        Some("bilingual") => Ok(true),
        Some(_) => Err(ApiError::BadRequest("layout: `official` or `bilingual`".into())),
    }
}

/// The caller's region's report of a quarter, the reports one level below
/// it, deadlines and 报送及时率.
#[utoipa::path(get, path = "/api/v1/reports", operation_id = "report_board", tag = "reports", params(QuarterQuery),
    responses((status = 200, body = ReportBoard), (status = 403, body = ErrorBody)))]
pub async fn board(State(r): Service, auth: Auth, Query(q): Query<QuarterQuery>) -> ApiResult<Json<ReportBoard>> {
    Ok(Json(r.board(&auth.user, q.quarter).await?))
}

/// What the caller's region's report would say if submitted now (填报预览).
#[utoipa::path(get, path = "/api/v1/reports/draft", operation_id = "report_draft", tag = "reports", params(QuarterQuery),
    responses((status = 200, body = ReportDraft), (status = 403, body = ErrorBody)))]
pub async fn draft(State(r): Service, auth: Auth, Query(q): Query<QuarterQuery>) -> ApiResult<Json<ReportDraft>> {
    Ok(Json(r.draft(&auth.user, q.quarter).await?))
}

/// Submits the caller's region's report (上报): freezes its tables as the
/// next version. A province's goes to the ministry (报送商务部).
#[utoipa::path(post, path = "/api/v1/reports", operation_id = "submit_report", tag = "reports", request_body = SubmitReport,
    responses((status = 201, body = ReportVersion), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submit(
    State(r): Service,
    auth: Auth,
    body: Result<Json<SubmitReport>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<ReportVersion>)> {
    let Json(req) = body?;
    Ok((StatusCode::CREATED, Json(r.submit(&auth.user, req).await?)))
}

/// One version with its frozen tables.
#[utoipa::path(get, path = "/api/v1/reports/{id}", operation_id = "report_version", tag = "reports", params(("id" = i64, Path)),
    responses((status = 200, body = ReportVersion), (status = 404, body = ErrorBody)))]
pub async fn version(State(r): Service, auth: Auth, Path(id): Path<i64>) -> ApiResult<Json<ReportVersion>> {
    Ok(Json(r.version(&auth.user, id).await?))
}

/// Approves or returns (退回) a version awaiting review: the region one level up.
#[utoipa::path(post, path = "/api/v1/reports/{id}/review", operation_id = "review_report", tag = "reports", params(("id" = i64, Path)),
    request_body = ReviewReport,
    responses((status = 200, body = ReportVersion), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn review(
    State(r): Service,
    auth: Auth,
    Path(id): Path<i64>,
    body: Result<Json<ReviewReport>, JsonRejection>,
) -> ApiResult<Json<ReportVersion>> {
    let Json(req) = body?;
    Ok(Json(r.review(&auth.user, id, req).await?))
}

/// Attachments 4 and 5 of a version as one workbook.
#[utoipa::path(get, path = "/api/v1/reports/{id}/tables.xlsx", operation_id = "report_tables_xlsx", tag = "reports", params(("id" = i64, Path), LayoutQuery),
    responses((status = 200, body = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, body = ErrorBody)))]
pub async fn tables_xlsx(
    State(r): Service,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<LayoutQuery>,
) -> ApiResult<Response> {
    let bilingual = bilingual(&q)?;
    let v = r.version(&auth.user, id).await?;
    let bytes = match bilingual {
        true => exports::quarterly_xlsx(&v.snapshot.as_stats()),
        false => official::xlsx(&[official::attachment4(&v), official::attachment5(&v)]),
    }
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(attachment(bytes, XLSX, &file_name(&v, "tables", "xlsx")))
}

/// Attachment 4 of a version (construction status) as CSV.
#[utoipa::path(get, path = "/api/v1/reports/{id}/attachment4.csv", operation_id = "report_attachment4_csv", tag = "reports",
    params(("id" = i64, Path), LayoutQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = ErrorBody)))]
pub async fn attachment4_csv(
    State(r): Service,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<LayoutQuery>,
) -> ApiResult<Response> {
    let table = Table { name: "attachment4", bilingual: exports::attachment4_csv, official: official::attachment4 };
    csv(&r, &auth, id, &q, table).await
}

/// Attachment 5 of a version (operations of built centres) as CSV.
#[utoipa::path(get, path = "/api/v1/reports/{id}/attachment5.csv", operation_id = "report_attachment5_csv", tag = "reports",
    params(("id" = i64, Path), LayoutQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = ErrorBody)))]
pub async fn attachment5_csv(
    State(r): Service,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<LayoutQuery>,
) -> ApiResult<Response> {
    let table = Table { name: "attachment5", bilingual: exports::attachment5_csv, official: official::attachment5 };
    csv(&r, &auth, id, &q, table).await
}

/// One attachment's CSV, in either layout.
struct Table {
    name: &'static str,
    bilingual: fn(&crate::stats::tables::QuarterlyStats) -> Vec<u8>,
    official: fn(&ReportVersion) -> official::OfficialTable,
}

async fn csv(r: &Arc<Reports>, auth: &Auth, id: i64, q: &LayoutQuery, t: Table) -> ApiResult<Response> {
    let bilingual = bilingual(q)?;
    let v = r.version(&auth.user, id).await?;
    let bytes = match bilingual {
        true => (t.bilingual)(&v.snapshot.as_stats()),
        false => official::csv(&(t.official)(&v)),
    };
    Ok(attachment(bytes, "text/csv; charset=utf-8", &file_name(&v, t.name, "csv")))
}

/// ASCII only: the region is in the file, the name stays portable.
fn file_name(v: &ReportVersion, what: &str, ext: &str) -> String {
    format!("xuncha-{what}-{}-report{}-v{}.{ext}", v.summary.quarter, v.summary.id, v.summary.version)
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Reports>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(board, submit))
        .routes(routes!(draft))
        .routes(routes!(version))
        .routes(routes!(review))
        .routes(routes!(tables_xlsx))
        .routes(routes!(attachment4_csv))
        .routes(routes!(attachment5_csv))
}

/// How the service's refusals answer over HTTP.
impl From<ReportError> for ApiError {
    fn from(e: ReportError) -> Self {
        match e {
            ReportError::Forbidden => ApiError::forbidden(),
            ReportError::NotFound(what) => ApiError::NotFound(what.into()),
            ReportError::BadQuarter(_) => ApiError::BadRequest(e.to_string()),
            ReportError::Invalid(_) | ReportError::ReasonRequired(_) => ApiError::Invalid(e.to_string()),
            ReportError::QuarterOpen(_)
            | ReportError::AwaitingReview(_)
            | ReportError::PartsPending(_)
            | ReportError::NoParts
            | ReportError::NotAwaitingReview
            | ReportError::Raced => ApiError::Conflict(e.to_string()),
            ReportError::Stats(e) => e.into(),
            ReportError::Store(e) => e.into(),
            ReportError::Internal(m) => ApiError::Internal(m),
        }
    }
}
