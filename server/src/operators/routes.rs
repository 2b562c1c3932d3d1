//! Operator routes: supervisors create and list centre operators
//! (`/api/v1/operators`) and see who reported (`/api/v1/figures/coverage`);
//! operators and supervisors report a centre's figures (`/api/v1/figures`)
//! with its ledger photo.

use super::service::{FigureReport, NewOperator, OperatedCentre, OperatorError, Operators};
use super::spot_check::SpotCheck;
use super::store::{CentreFigures, CoverageRow, FigureWarning};
use crate::accounts::store::User;
use crate::accounts::{Accounts, Auth, Caller};
use crate::http::{ApiError, ApiResult, ErrorBody, body_bytes, doc_id};
use crate::inspections::routes::narrow_scope;
use crate::photos::Photos;
use crate::problems::photo_routes::StoredPhoto;
use axum::Json;
use axum::extract::{DefaultBodyLimit, FromRef, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type Service = State<Arc<Operators>>;
type Body<T> = Result<Json<T>, axum::extract::rejection::JsonRejection>;

#[derive(Debug, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct FigureCheck {
    pub warnings: Vec<FigureWarning>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CoverageQuery {
    /// The statistics period (`2026Q3`); none: the period now due.
    pub period: Option<String>,
    pub city: Option<String>,
    pub county: Option<String>,
}

/// Creates a centre operator's account (supervisors and administrators, for centres of their region).
#[utoipa::path(post, path = "/api/v1/operators", operation_id = "create_operator", tag = "operators",
    request_body = NewOperator,
    responses((status = 201, body = User), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(State(ops): Service, auth: Auth, body: Body<NewOperator>) -> ApiResult<(StatusCode, Json<User>)> {
    let Json(req) = body?;
    Ok((StatusCode::CREATED, Json(ops.create_operator(&auth.user, req).await?)))
}

/// The operator accounts of the caller's region.
#[utoipa::path(get, path = "/api/v1/operators", operation_id = "list_operators", tag = "operators",
    responses((status = 200, body = [User])))]
pub async fn list(State(ops): Service, auth: Auth) -> ApiResult<Json<Vec<User>>> {
    Ok(Json(ops.operators(&auth.user).await?))
}

/// The calling operator's centres, the period due and what each reported.
#[utoipa::path(get, path = "/api/v1/operator/centres", operation_id = "operator_centres", tag = "operators",
    responses((status = 200, body = [OperatedCentre]), (status = 403, body = ErrorBody)))]
pub async fn my_centres(State(ops): Service, Caller(auth): Caller) -> ApiResult<Json<Vec<OperatedCentre>>> {
    Ok(Json(ops.my_centres(&auth.user).await?))
}

/// The plausibility warnings a report would raise; nothing is stored.
#[utoipa::path(post, path = "/api/v1/figures/check", operation_id = "check_figures", tag = "operators",
    request_body = FigureReport, responses((status = 200, body = FigureCheck), (status = 422, body = ErrorBody)))]
pub async fn check(
    State(ops): Service,
    Caller(auth): Caller,
    body: Body<FigureReport>,
) -> ApiResult<Json<FigureCheck>> {
    let Json(report) = body?;
    Ok(Json(FigureCheck { warnings: ops.check(&auth.user, &report).await? }))
}

/// Reports a centre's figures for a period (the next version if it reported before).
#[utoipa::path(post, path = "/api/v1/figures", operation_id = "report_figures", tag = "operators",
    request_body = FigureReport,
    responses((status = 201, body = CentreFigures), (status = 409, body = ErrorBody, description = "warnings not confirmed"),
        (status = 422, body = ErrorBody)))]
pub async fn submit(
    State(ops): Service,
    Caller(auth): Caller,
    body: Body<FigureReport>,
) -> ApiResult<(StatusCode, Json<CentreFigures>)> {
    let Json(report) = body?;
    Ok((StatusCode::CREATED, Json(ops.submit(&auth.user, report).await?)))
}

/// Every version a centre reported, newest first (its operator and overseers).
#[utoipa::path(get, path = "/api/v1/centres/{code}/figures", operation_id = "centre_figures", tag = "operators",
    params(("code" = String, Path)), responses((status = 200, body = [CentreFigures]), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(ops): Service,
    Caller(auth): Caller,
    Path(code): Path<String>,
) -> ApiResult<Json<Vec<CentreFigures>>> {
    Ok(Json(ops.history(&auth.user, code).await?))
}

/// Stores a photo of the centre's ledger (台账) for a report to name.
#[utoipa::path(post, path = "/api/v1/centres/{code}/ledger-photos", operation_id = "ledger_photo", tag = "operators",
    params(("code" = String, Path)), request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = StoredPhoto), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn ledger_photo(
    State(ops): Service,
    State(photos): State<Arc<Photos>>,
    Caller(auth): Caller,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<(StatusCode, Json<StoredPhoto>)> {
    crate::problems::photo_routes::check_photo_type(&headers)?;
    let body = body_bytes(body, usize::try_from(photos.limits().photo_bytes).unwrap_or(usize::MAX))?;
    let sha256 = ops.ledger_photo(&auth.user, code, body.to_vec()).await?;
    Ok((StatusCode::CREATED, Json(StoredPhoto { sha256 })))
}

/// The ledger photo a version of a centre's figures names.
#[utoipa::path(get, path = "/api/v1/centres/{code}/figures/{period}/{version}/ledger-photo",
    operation_id = "read_ledger_photo", tag = "operators",
    params(("code" = String, Path), ("period" = String, Path), ("version" = u32, Path)),
    responses((status = 200, description = "the photo (JPEG, PNG or WebP)",
        content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/webp"))),
        (status = 404, body = ErrorBody)))]
pub async fn read_ledger_photo(
    State(ops): Service,
    Caller(auth): Caller,
    Path((code, period, version)): Path<(String, String, u32)>,
) -> ApiResult<Response> {
    let (body, mime) = ops.read_ledger_photo(&auth.user, code, period, version).await?;
    Ok(([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "private, max-age=3600".into())], body).into_response())
}

/// An inspection's figures against the centre's own report of the period
/// they describe (抽查核实), deviations past the province's threshold flagged.
#[utoipa::path(get, path = "/api/v1/inspections/{doc}/figures", operation_id = "spot_check_figures", tag = "operators",
    params(("doc" = String, Path)), responses((status = 200, body = SpotCheck), (status = 404, body = ErrorBody)))]
pub async fn spot_check(State(ops): Service, auth: Auth, Path(doc): Path<String>) -> ApiResult<Json<SpotCheck>> {
    Ok(Json(ops.spot_check(&auth.user, doc_id(&doc)?).await?))
}

/// The built centres of the region and what each reported for a period (填报情况).
#[utoipa::path(get, path = "/api/v1/figures/coverage", operation_id = "figures_coverage", tag = "operators",
    params(CoverageQuery), responses((status = 200, body = [CoverageRow]), (status = 422, body = ErrorBody)))]
pub async fn coverage(
    State(ops): Service,
    auth: Auth,
    Query(q): Query<CoverageQuery>,
) -> ApiResult<Json<Vec<CoverageRow>>> {
    let scope = narrow_scope(&auth.user.scope, q.city, q.county)?;
    let period = q.period.filter(|p| !p.is_empty()).unwrap_or_else(super::service::due_period);
    Ok(Json(ops.coverage(&auth.user, scope, period).await?))
}

pub fn router<S>(photo_bytes: usize) -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Operators>: FromRef<S>,
    Arc<Photos>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(my_centres))
        .routes(routes!(check))
        .routes(routes!(submit))
        .routes(routes!(history))
        .routes(routes!(read_ledger_photo))
        .routes(routes!(coverage))
        .routes(routes!(spot_check))
        .merge(OpenApiRouter::new().routes(routes!(ledger_photo)).layer(DefaultBodyLimit::max(photo_bytes)))
}

/// How the service's refusals answer over HTTP.
impl From<OperatorError> for ApiError {
    fn from(e: OperatorError) -> Self {
        match e {
            OperatorError::Forbidden => ApiError::forbidden(),
            OperatorError::NotFound(what) => ApiError::NotFound(what.into()),
            OperatorError::Invalid(m) => ApiError::Invalid(m),
            OperatorError::Unconfirmed(_) => ApiError::Conflict(e.to_string()),
            OperatorError::Account(e) => e.into(),
            OperatorError::Photo(e) => e.into(),
            OperatorError::Store(e) => e.into(),
            OperatorError::Internal(m) => ApiError::Internal(m),
        }
    }
}
