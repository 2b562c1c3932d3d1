//! `/api/v1/problems` and `/api/v1/notices`: the rectification ledger, the
//! supervisor's edits, notices (整改通知书), feedback and escalation
//! (supervisors and administrators, within their region).

use super::service::ProblemEdit;
use super::store::{Due, LedgerRow, Notice, Problem, ProblemEvent, ProblemFilter, ProblemState};
use super::{ProblemError, Problems, exports, notice_page};
use crate::accounts::store::Scope;
use crate::accounts::{Accounts, Auth, Caller};
use crate::http::{ApiError, ApiResult, ErrorBody, Paging, attachment, doc_id};
use crate::inspections::store::Assignment;
use crate::storage::Page;
use axum::Json;
use axum::extract::{FromRef, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, Response};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuncha_core::problems::Severity;

type Service = State<Arc<Problems>>;
type Body<T> = Result<Json<T>, axum::extract::rejection::JsonRejection>;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct ProblemQuery {
    pub city: Option<String>,
    pub county: Option<String>,
    pub township: Option<String>,
    pub centre: Option<String>,
    /// The inspection that found them.
    pub doc: Option<String>,
    pub notice: Option<i64>,
    /// draft, issued or closed
    pub state: Option<String>,
    /// veto, serious or general
    pub severity: Option<String>,
    /// Only issued problems past their deadline (as `due=overdue`).
    pub overdue: Option<bool>,
    /// open, overdue (issued, deadline not passed / passed), on_time or late (closed by / after it).
    pub due: Option<String>,
}

impl ProblemQuery {
    fn filter(self) -> Result<ProblemFilter, ApiError> {
        let bad = |what: &str, v: &str| ApiError::BadRequest(format!("unknown {what} `{v}`"));
        let state = match self.state.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(serde_json::from_value::<ProblemState>(s.into()).map_err(|_| bad("state", s))?),
        };
        let severity = match self.severity.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(Severity::parse(s).ok_or_else(|| bad("severity", s))?),
        };
        let nonempty = |s: Option<String>| s.filter(|s| !s.is_empty());
        Ok(ProblemFilter {
            scope: Scope {
                province: String::new(),
                city: nonempty(self.city).unwrap_or_default(),
                county: nonempty(self.county).unwrap_or_default(),
            },
            township: nonempty(self.township),
            centre: nonempty(self.centre),
            doc: nonempty(self.doc).map(|d| doc_id(&d)).transpose()?,
            notice: self.notice,
            state,
            severity,
            due: match (self.due.as_deref().filter(|d| !d.is_empty()), self.overdue.unwrap_or(false)) {
                (Some(d), _) => Some(serde_json::from_value::<Due>(d.into()).map_err(|_| bad("due", d))?),
                (None, true) => Some(Due::Overdue),
                (None, false) => None,
            }
            .map(|d| (d, crate::dates::today())),
        })
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ProblemView {
    pub problem: Problem,
    /// found, edited, issued, feedback, escalated, follow-up results, closed.
    pub events: Vec<ProblemEvent>,
}

/// Fields left out stay as they are.
#[derive(Debug, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct EditProblem {
    #[schema(value_type = Option<String>, pattern = "^(veto|serious|general)$")]
    #[ts(optional)]
    pub severity: Option<Severity>,
    /// 整改要求.
    #[ts(optional)]
    pub action: Option<String>,
    /// YYYY-MM-DD.
    #[ts(optional)]
    pub deadline: Option<String>,
    #[ts(optional)]
    pub responsible: Option<String>,
    #[ts(optional)]
    pub finding: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct Feedback {
    /// What the centre did (整改反馈).
    pub text: String,
    /// Photos sent first to `POST /api/v1/problems/{id}/photos` (at most 20).
    #[serde(default)]
    #[ts(optional)]
    pub photos: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct Escalation {
    pub reason: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct IssueNotice {
    /// Draft problems of one centre.
    pub problems: Vec<i64>,
    /// The issuing office as printed; none: the region's commerce department.
    #[ts(optional)]
    pub office: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct NewFollowUp {
    pub centre_code: String,
    /// User names of the inspectors who re-check.
    pub inspectors: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct NoticeView {
    pub notice: Notice,
    pub problems: Vec<Problem>,
}

#[utoipa::path(get, path = "/api/v1/problems", operation_id = "list_problems", tag = "problems",
    params(ProblemQuery, Paging), responses((status = 200, body = Page<Problem>), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(problems): Service,
    auth: Auth,
    Query(q): Query<ProblemQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<Problem>>> {
    Ok(Json(problems.list(&auth.user, q.filter()?, paging.get()?).await?))
}

/// The rectification ledger (整改台账): counts per county.
#[utoipa::path(get, path = "/api/v1/problems/ledger", operation_id = "problem_ledger", tag = "problems",
    responses((status = 200, body = [LedgerRow])))]
pub async fn ledger(State(problems): Service, auth: Auth) -> ApiResult<Json<Vec<LedgerRow>>> {
    Ok(Json(problems.ledger(&auth.user).await?))
}

#[utoipa::path(get, path = "/api/v1/problems/export.csv", operation_id = "export_problems_csv", tag = "problems",
    params(ProblemQuery), responses((status = 200, content_type = "text/csv", body = String)))]
pub async fn export_csv(State(problems): Service, auth: Auth, Query(q): Query<ProblemQuery>) -> ApiResult<Response> {
    let rows = problems.export(&auth.user, q.filter()?).await?;
    Ok(attachment(exports::csv(&rows), "text/csv; charset=utf-8", "problems.csv"))
}

#[utoipa::path(get, path = "/api/v1/problems/export.xlsx", operation_id = "export_problems_xlsx", tag = "problems",
    params(ProblemQuery), responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub async fn export_xlsx(State(problems): Service, auth: Auth, Query(q): Query<ProblemQuery>) -> ApiResult<Response> {
    let rows = problems.export(&auth.user, q.filter()?).await?;
    let bytes = exports::xlsx(&rows).map_err(|e| ApiError::Internal(e.to_string()))?;
    let mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    Ok(attachment(bytes, mime, "problems.xlsx"))
}

#[utoipa::path(get, path = "/api/v1/problems/{id}", operation_id = "get_problem", tag = "problems",
    params(("id" = i64, Path)), responses((status = 200, body = ProblemView), (status = 404, body = ErrorBody)))]
pub async fn get(State(problems): Service, Caller(auth): Caller, Path(id): Path<i64>) -> ApiResult<Json<ProblemView>> {
    let (problem, events) = problems.get(&auth.user, id).await?;
    Ok(Json(ProblemView { problem, events }))
}

/// The supervisor's edit before the problem is issued.
#[utoipa::path(patch, path = "/api/v1/problems/{id}", operation_id = "edit_problem", tag = "problems",
    params(("id" = i64, Path)), request_body = EditProblem,
    responses((status = 200, body = Problem), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn edit(
    State(problems): Service,
    auth: Auth,
    Path(id): Path<i64>,
    body: Body<EditProblem>,
) -> ApiResult<Json<Problem>> {
    let Json(e) = body?;
    let edit = ProblemEdit {
        severity: e.severity,
        action: e.action,
        deadline: e.deadline,
        responsible: e.responsible,
        finding: e.finding,
    };
    Ok(Json(problems.edit(&auth.user, id, edit).await?))
}

/// The issued and closed problems of the calling operator's centres.
#[utoipa::path(get, path = "/api/v1/operator/problems", operation_id = "operator_problems", tag = "operators",
    responses((status = 200, body = [Problem]), (status = 403, body = ErrorBody)))]
pub async fn of_operator(State(problems): Service, Caller(auth): Caller) -> ApiResult<Json<Vec<Problem>>> {
    Ok(Json(problems.of_operator(&auth.user).await?))
}

/// Records the centre's rectification report (整改反馈): its operator's,
/// or a supervisor's for a centre without an account.
#[utoipa::path(post, path = "/api/v1/problems/{id}/feedback", operation_id = "problem_feedback", tag = "problems",
    params(("id" = i64, Path)), request_body = Feedback,
    responses((status = 200, body = Problem), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn feedback(
    State(problems): Service,
    Caller(auth): Caller,
    Path(id): Path<i64>,
    body: Body<Feedback>,
) -> ApiResult<Json<Problem>> {
    let Json(f) = body?;
    Ok(Json(problems.feedback(&auth.user, id, &f.text, f.photos.unwrap_or_default()).await?))
}

#[utoipa::path(post, path = "/api/v1/problems/{id}/escalate", operation_id = "escalate_problem", tag = "problems",
    params(("id" = i64, Path)), request_body = Escalation,
    responses((status = 200, body = Problem), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn escalate(
    State(problems): Service,
    auth: Auth,
    Path(id): Path<i64>,
    body: Body<Escalation>,
) -> ApiResult<Json<Problem>> {
    let Json(e) = body?;
    Ok(Json(problems.escalate(&auth.user, id, &e.reason).await?))
}

/// Issues draft problems of one centre in a numbered notice.
#[utoipa::path(post, path = "/api/v1/notices", operation_id = "issue_notice", tag = "problems", request_body = IssueNotice,
    responses((status = 201, body = Notice), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn issue(
    State(problems): Service,
    auth: Auth,
    body: Body<IssueNotice>,
) -> ApiResult<(StatusCode, Json<Notice>)> {
    let Json(n) = body?;
    Ok((StatusCode::CREATED, Json(problems.issue(&auth.user, n.problems, n.office).await?)))
}

/// Sends inspectors to re-check the centre's issued problems (复查): a task
/// with its own checklist, synced to their devices like any assignment.
#[utoipa::path(post, path = "/api/v1/problems/followup", operation_id = "follow_up_problems", tag = "problems",
    request_body = NewFollowUp,
    responses((status = 201, body = [Assignment]), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn follow_up(
    State(problems): Service,
    auth: Auth,
    body: Body<NewFollowUp>,
) -> ApiResult<(StatusCode, Json<Vec<Assignment>>)> {
    let Json(f) = body?;
    Ok((StatusCode::CREATED, Json(problems.follow_up(&auth.user, &f.centre_code, f.inspectors).await?)))
}

#[utoipa::path(get, path = "/api/v1/notices/{id}", operation_id = "get_notice", tag = "problems",
    params(("id" = i64, Path)), responses((status = 200, body = NoticeView), (status = 404, body = ErrorBody)))]
pub async fn notice(State(problems): Service, auth: Auth, Path(id): Path<i64>) -> ApiResult<Json<NoticeView>> {
    let (notice, problems) = problems.notice(&auth.user, id).await?;
    Ok(Json(NoticeView { notice, problems }))
}

/// The notice as a printable A4 page (Chinese).
#[utoipa::path(get, path = "/api/v1/notices/{id}/print", operation_id = "print_notice", tag = "problems",
    params(("id" = i64, Path)), responses((status = 200, content_type = "text/html", body = String), (status = 404, body = ErrorBody)))]
pub async fn print(State(problems): Service, auth: Auth, Path(id): Path<i64>) -> ApiResult<Response> {
    use axum::response::IntoResponse;
    let (notice, problems) = problems.notice(&auth.user, id).await?;
    // Its own style, nothing else: no script, no request out.
    let csp =
        (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    Ok(([csp], Html(notice_page::render(&notice, &problems))).into_response())
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Problems>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(ledger))
        .routes(routes!(export_csv))
        .routes(routes!(export_xlsx))
        .routes(routes!(get, edit))
        .routes(routes!(feedback))
        .routes(routes!(of_operator))
        .routes(routes!(escalate))
        .routes(routes!(issue))
        .routes(routes!(follow_up))
        .routes(routes!(notice))
        .routes(routes!(print))
}

/// How the service's refusals answer over HTTP.
impl From<ProblemError> for ApiError {
    fn from(e: ProblemError) -> Self {
        match e {
            ProblemError::Forbidden => ApiError::forbidden(),
            ProblemError::NotFound(what) => ApiError::NotFound(what.into()),
            ProblemError::Invalid(m) => ApiError::Invalid(m),
            ProblemError::State(m) => ApiError::Conflict(m),
            ProblemError::Store(e) => e.into(),
            ProblemError::Internal(m) => ApiError::Internal(m),
        }
    }
}
