//! Inspections: lists with filters and paging, the scored report, score
//! history, and the supervisor's review (written into the document by the
//! server's actor, so it reaches the inspector through sync).

use super::InspectionError;
use super::Inspections;
use super::store::{InspectionFilter, InspectionFlag, InspectionRow, InspectionSort, ScoreRow};
use crate::accounts::store::{EvidenceSigner, Role, Scope};
use crate::accounts::{Accounts, Auth};
use crate::http::{ApiError, ApiResult, ErrorBody, Paging, doc_id};
use crate::storage::Page;
use axum::Json;
use axum::extract::{FromRef, Path, Query, State};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuncha_core::CentreType;
use xuncha_core::document::{InspectionSnapshot, ReviewStatus};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct InspectionQuery {
    /// e.g. 2026Q4
    pub quarter: Option<String>,
    /// routine, random, recognition, thematic or follow_up
    pub purpose: Option<String>,
    /// Centre type: community, block, township or village.
    #[serde(rename = "type")]
    pub centre_type: Option<String>,
    /// A template id (any version).
    pub template: Option<String>,
    /// draft, submitted, returned, approved
    pub status: Option<String>,
    /// excellent, good, pass, fail
    pub grade: Option<String>,
    pub centre: Option<String>,
    /// Narrow to a city, county or township of the caller's region; another region is refused.
    pub city: Option<String>,
    pub county: Option<String>,
    pub township: Option<String>,
    /// Comma-separated, all must hold: not_verified, conflicts, missing_evidence, veto.
    pub flag: Option<String>,
    /// updated (default), total, centre, quarter
    pub sort: Option<String>,
    /// desc (default) or asc
    pub order: Option<String>,
}

/// The caller's region narrowed to the levels asked for; a level outside it is refused.
pub fn narrow_scope(scope: &Scope, city: Option<String>, county: Option<String>) -> Result<Scope, ApiError> {
    let mut narrowed = scope.clone();
    for (wanted, mine) in [(city, &mut narrowed.city), (county, &mut narrowed.county)] {
        if let Some(w) = wanted.filter(|w| !w.is_empty()) {
            if !mine.is_empty() && *mine != w {
                return Err(ApiError::forbidden());
            }
            *mine = w.chars().take(64).collect();
        }
    }
    Ok(narrowed)
}

/// An enumeration named in a query (`grade=excellent`); an unknown name is refused.
fn named<T: serde::de::DeserializeOwned>(value: Option<&str>, what: &str) -> Result<Option<T>, ApiError> {
    match value.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => serde_json::from_value(serde_json::Value::String(v.to_owned())).map(Some).map_err(|_| {
            ApiError::BadRequest(format!("no {what} is called `{}`", v.chars().take(32).collect::<String>()))
        }),
    }
}

/// Parses the list's query into a filter within the caller's reach.
pub fn inspection_filter(auth: &Auth, q: InspectionQuery) -> Result<InspectionFilter, ApiError> {
    let centre_type = q
        .centre_type
        .as_deref()
        .filter(|t| !t.is_empty())
        .map(|t| t.parse::<CentreType>().map_err(ApiError::BadRequest))
        .transpose()?;
    let bounded = |s: Option<String>| s.filter(|s| !s.is_empty()).map(|s| s.chars().take(64).collect::<String>());
    let flags = q
        .flag
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter(|f| !f.is_empty())
        .take(8)
        .map(|f| InspectionFlag::parse(f).ok_or_else(|| ApiError::BadRequest(format!("unknown flag `{f}`"))))
        .collect::<Result<Vec<_>, _>>()?;
    let sort = match q.sort.as_deref().filter(|s| !s.is_empty()) {
        None => InspectionSort::default(),
        Some(s) => InspectionSort::parse(s).ok_or_else(|| ApiError::BadRequest(format!("cannot sort by `{s}`")))?,
    };
    let ascending = match q.order.as_deref() {
        None | Some("" | "desc") => false,
        Some("asc") => true,
        Some(o) => return Err(ApiError::BadRequest(format!("order must be asc or desc, not `{o}`"))),
    };
    Ok(InspectionFilter {
        scope: narrow_scope(&auth.user.scope, q.city, q.county)?,
        member: (auth.user.role == Role::Inspector).then(|| auth.user.username.clone()),
        quarter: bounded(q.quarter),
        purpose: named(q.purpose.as_deref(), "purpose")?,
        centre_type,
        status: named(q.status.as_deref(), "status")?,
        grade: named(q.grade.as_deref(), "grade")?,
        centre_code: bounded(q.centre),
        township: bounded(q.township),
        template: bounded(q.template),
        template_below: None,
        flags,
        sort,
        ascending,
    })
}

#[utoipa::path(get, path = "/api/v1/inspections", operation_id = "list_inspections", tag = "inspections", params(InspectionQuery, Paging),
    responses((status = 200, body = Page<InspectionRow>, description = "Page of inspections the caller may read")))]
pub async fn list(
    State(inspections): State<Arc<Inspections>>,
    auth: Auth,
    Query(q): Query<InspectionQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<InspectionRow>>> {
    let page = paging.get()?;
    let filter = inspection_filter(&auth, q)?;
    Ok(Json(inspections.list(filter, page).await?))
}

#[utoipa::path(get, path = "/api/v1/inspections/{doc}", tag = "inspections", params(("doc" = String, Path, description = "automerge:<id>")),
    responses((status = 200, body = InspectionRow), (status = 403, body = ErrorBody)))]
pub async fn get_one(
    State(inspections): State<Arc<Inspections>>,
    auth: Auth,
    Path(doc): Path<String>,
) -> ApiResult<Json<InspectionRow>> {
    let doc = doc_id(&doc)?;
    Ok(Json(inspections.readable_async(&auth.user, doc).await?))
}

/// The official report: the latest score with its full breakdown, and the
/// document as the server has it (answers, conflicts, photos, review).
#[derive(Debug, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ReportView {
    pub inspection: InspectionRow,
    pub score: Option<ScoreRow>,
    #[schema(value_type = Object)]
    pub document: InspectionSnapshot,
    /// The devices whose signatures the document's photos and positions
    /// carry (each verified when it arrived).
    pub signers: Vec<EvidenceSigner>,
}

#[utoipa::path(get, path = "/api/v1/inspections/{doc}/report", tag = "inspections", params(("doc" = String, Path)),
    responses((status = 200, body = ReportView), (status = 403, body = ErrorBody)))]
pub async fn report(
    State(inspections): State<Arc<Inspections>>,
    State(accounts): State<Arc<Accounts>>,
    auth: Auth,
    Path(doc): Path<String>,
) -> ApiResult<Json<ReportView>> {
    let (inspection, score, document) = inspections.report(&auth.user, doc_id(&doc)?).await?;
    let signers = accounts.evidence_signers(&document).await?;
    Ok(Json(ReportView { inspection, score, document, signers }))
}

#[utoipa::path(get, path = "/api/v1/inspections/{doc}/scores", tag = "inspections", params(("doc" = String, Path)),
    responses((status = 200, body = [ScoreRow])))]
pub async fn scores(
    State(inspections): State<Arc<Inspections>>,
    auth: Auth,
    Path(doc): Path<String>,
) -> ApiResult<Json<Vec<ScoreRow>>> {
    Ok(Json(inspections.score_history(&auth.user, doc_id(&doc)?).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ReviewRequest {
    /// approved, or returned (退回整改) for rework
    #[schema(value_type = String)]
    pub status: ReviewStatus,
    #[serde(default)]
    pub comment: String,
    /// Comments per item id.
    #[serde(default)]
    pub item_comments: BTreeMap<String, String>,
}

const MAX_COMMENT_CHARS: usize = 2_000;

/// Writes a supervisor's decision into the document (server actor).
#[utoipa::path(post, path = "/api/v1/inspections/{doc}/review", tag = "inspections", params(("doc" = String, Path)),
    request_body = ReviewRequest, responses((status = 200, body = InspectionRow), (status = 403, body = ErrorBody)))]
pub async fn review(
    State(inspections): State<Arc<Inspections>>,
    auth: Auth,
    Path(doc): Path<String>,
    body: Result<Json<ReviewRequest>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<Json<InspectionRow>> {
    let Json(req) = body?;
    let id = doc_id(&doc)?;
    auth.require(&[Role::Supervisor, Role::Administrator])?;
    if req.comment.chars().count() > MAX_COMMENT_CHARS
        || req.item_comments.len() > 500
        || req.item_comments.values().any(|c| c.chars().count() > MAX_COMMENT_CHARS)
    {
        return Err(ApiError::Invalid(format!("comments are at most {MAX_COMMENT_CHARS} characters")));
    }
    Ok(Json(inspections.review(&auth.user, id, req.status, req.comment, req.item_comments).await?))
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Inspections>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(get_one))
        .routes(routes!(report))
        .routes(routes!(scores))
        .routes(routes!(review))
}

/// How the service's refusals answer over HTTP.
impl From<InspectionError> for ApiError {
    fn from(e: InspectionError) -> Self {
        match e {
            InspectionError::NotFound => ApiError::NotFound("inspection".into()),
            InspectionError::Missing(what) => ApiError::NotFound(what.into()),
            InspectionError::Forbidden => ApiError::forbidden(),
            InspectionError::NotSigned => ApiError::NotSigned(e.to_string()),
            InspectionError::Invalid(m) => ApiError::Invalid(m),
            InspectionError::Store(e) => e.into(),
            InspectionError::Damaged(_) | InspectionError::Internal(_) => ApiError::Internal(e.to_string()),
        }
    }
}
