//! 标杆样板 routes: overseers nominate and read; a province decides; anyone
//! reads the public page.

use super::page;
use super::service::{ExemplarAction, ExemplarError, ExemplarView, Exemplars, Nomination};
use crate::accounts::{Accounts, Auth};
use crate::http::{ApiError, ApiResult, ErrorBody};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRef, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type Service = State<Arc<Exemplars>>;

/// Own style, nothing else: no script, no request out.
const PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

/// Nominates a centre of the caller's region as a 标杆样板 (推荐), with its case write-up.
#[utoipa::path(post, path = "/api/v1/exemplars", operation_id = "nominate_exemplar", tag = "exemplars", request_body = Nomination,
    responses((status = 201, body = ExemplarView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn nominate(
    State(s): Service,
    auth: Auth,
    body: Result<Json<Nomination>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<ExemplarView>)> {
    let Json(n) = body?;
    // A nomination is not recognised yet, so nothing is due for 复核.
    let exemplar = s.nominate(&auth.user, n).await?;
    Ok((StatusCode::CREATED, Json(ExemplarView { exemplar, review_due: None })))
}

/// Nominations of the caller's region, newest first, each recognised one
/// with whether it is due for 复核.
#[utoipa::path(get, path = "/api/v1/exemplars", operation_id = "list_exemplars", tag = "exemplars", responses((status = 200, body = [ExemplarView])))]
pub async fn list(State(s): Service, auth: Auth) -> ApiResult<Json<Vec<ExemplarView>>> {
    Ok(Json(s.list(&auth.user).await?))
}

#[utoipa::path(get, path = "/api/v1/exemplars/{id}", operation_id = "exemplar", tag = "exemplars", params(("id" = i64, Path)),
    responses((status = 200, body = ExemplarView), (status = 404, body = ErrorBody)))]
pub async fn one(State(s): Service, auth: Auth, Path(id): Path<i64>) -> ApiResult<Json<ExemplarView>> {
    Ok(Json(s.exemplar(&auth.user, id).await?))
}

/// A province's step: 公示 until a date, an objection (异议), 认定 or 不予认定.
#[utoipa::path(post, path = "/api/v1/exemplars/{id}/actions", operation_id = "exemplar_action", tag = "exemplars", params(("id" = i64, Path)),
    request_body = ExemplarAction,
    responses((status = 200, body = ExemplarView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn act(
    State(s): Service,
    auth: Auth,
    Path(id): Path<i64>,
    body: Result<Json<ExemplarAction>, JsonRejection>,
) -> ApiResult<Json<ExemplarView>> {
    let Json(a) = body?;
    Ok(Json(s.act(&auth.user, id, a).await?))
}

/// The case write-up (可复制可推广经验) as a page to print and file (三(七)).
#[utoipa::path(get, path = "/api/v1/exemplars/{id}/case", operation_id = "exemplar_case_page", tag = "exemplars", params(("id" = i64, Path)),
    responses((status = 200, content_type = "text/html", body = String), (status = 404, body = ErrorBody)))]
pub async fn case_page(State(s): Service, auth: Auth, Path(id): Path<i64>) -> ApiResult<Response> {
    let e = s.exemplar(&auth.user, id).await?;
    Ok(([(header::CONTENT_SECURITY_POLICY, PAGE_CSP)], Html(page::case_page(&e.exemplar))).into_response())
}

/// Centres under publicity and recognised, with their cases (public, no sign-in).
#[utoipa::path(get, path = "/public/exemplars", operation_id = "public_exemplars_page", tag = "exemplars",
    security(()), responses((status = 200, content_type = "text/html", body = String)))]
pub async fn public_page(State(s): Service) -> ApiResult<Response> {
    let list = s.public().await?;
    Ok(([(header::CONTENT_SECURITY_POLICY, PAGE_CSP)], Html(page::public_page(&list))).into_response())
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Exemplars>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(nominate, list))
        .routes(routes!(one))
        .routes(routes!(act))
        .routes(routes!(case_page))
        .routes(routes!(public_page))
}

impl From<ExemplarError> for ApiError {
    fn from(e: ExemplarError) -> Self {
        match e {
            ExemplarError::Forbidden => ApiError::forbidden(),
            ExemplarError::NotFound(what) => ApiError::NotFound(what.into()),
            ExemplarError::Invalid(m) => ApiError::Invalid(m),
            ExemplarError::State(m) => ApiError::Conflict(m),
            ExemplarError::Store(e) => e.into(),
            ExemplarError::Internal(m) => ApiError::Internal(m),
        }
    }
}
