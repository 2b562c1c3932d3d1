//! Publication routes: administrators publish a plan's results
//! (`/api/v1/plans/{id}/publications`); anyone reads them, as JSON
//! (`/api/v1/public/…`) or as pages (`/public`, `/public/plans/{id}`).

use super::page;
use super::service::{PublicationError, Publications};
use super::store::{PublicRecord, Publication};
use crate::accounts::{Accounts, Auth};
use crate::http::{ApiError, ApiResult, ErrorBody};
use axum::Json;
use axum::extract::{FromRef, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type Service = State<Arc<Publications>>;

/// Own style, nothing else: no script, no request out.
const PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

#[derive(Debug, Default, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct Publish {
    /// Required for a correction (更正说明): why this version replaces the last.
    #[serde(default)]
    #[ts(optional)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct VersionQuery {
    /// A version; none: the newest.
    pub version: Option<u32>,
}

/// Publishes (or corrects) a confirmed plan's results (administrators of its region).
#[utoipa::path(post, path = "/api/v1/plans/{id}/publications", operation_id = "publish_plan", tag = "publication",
    params(("id" = i64, Path)), request_body = Publish,
    responses((status = 201, body = Publication), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn publish(
    State(p): Service,
    auth: Auth,
    Path(id): Path<i64>,
    body: Result<Json<Publish>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<(StatusCode, Json<Publication>)> {
    let Json(b) = body?;
    Ok((StatusCode::CREATED, Json(p.publish(&auth.user, id, b.reason.as_deref().unwrap_or_default()).await?)))
}

/// Every version published for a plan, with who published it (its overseers).
#[utoipa::path(get, path = "/api/v1/plans/{id}/publications", operation_id = "plan_publications", tag = "publication",
    params(("id" = i64, Path)), responses((status = 200, body = [Publication]), (status = 404, body = ErrorBody)))]
pub async fn versions(State(p): Service, auth: Auth, Path(id): Path<i64>) -> ApiResult<Json<Vec<Publication>>> {
    Ok(Json(p.versions(&auth.user, id).await?))
}

/// The newest version of every published plan (public, no sign-in).
#[utoipa::path(get, path = "/api/v1/public/publications", operation_id = "public_publications", tag = "publication",
    security(()), responses((status = 200, body = [PublicRecord])))]
pub async fn public_feed(State(p): Service) -> ApiResult<Json<Vec<PublicRecord>>> {
    Ok(Json(p.public_index().await?))
}

/// Every version of one published plan, oldest first (public).
#[utoipa::path(get, path = "/api/v1/public/publications/{id}", operation_id = "public_publication", tag = "publication",
    security(()), params(("id" = i64, Path)),
    responses((status = 200, body = [PublicRecord]), (status = 404, body = ErrorBody)))]
pub async fn public_plan(State(p): Service, Path(id): Path<i64>) -> ApiResult<Json<Vec<PublicRecord>>> {
    Ok(Json(p.public_versions(id).await?))
}

/// The public index page.
#[utoipa::path(get, path = "/public", operation_id = "public_index_page", tag = "publication", security(()),
    responses((status = 200, content_type = "text/html", body = String)))]
pub async fn index_page(State(p): Service) -> ApiResult<Response> {
    let records = p.public_index().await?;
    Ok(([(header::CONTENT_SECURITY_POLICY, PAGE_CSP)], Html(page::index(&records))).into_response())
}

/// One published plan's page (`?version=` for an earlier one).
#[utoipa::path(get, path = "/public/plans/{id}", operation_id = "public_plan_page", tag = "publication", security(()),
    params(("id" = i64, Path), VersionQuery),
    responses((status = 200, content_type = "text/html", body = String), (status = 404, body = ErrorBody)))]
pub async fn plan_page(State(p): Service, Path(id): Path<i64>, Query(q): Query<VersionQuery>) -> ApiResult<Response> {
    let versions = p.public_versions(id).await?;
    let shown = match q.version {
        Some(v) => versions.iter().find(|r| r.version == v).ok_or_else(|| ApiError::NotFound("version".into()))?,
        None => versions.last().ok_or_else(|| ApiError::NotFound("publication".into()))?,
    };
    Ok(([(header::CONTENT_SECURITY_POLICY, PAGE_CSP)], Html(page::plan(shown, &versions))).into_response())
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Publications>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(publish, versions))
        .routes(routes!(public_feed))
        .routes(routes!(public_plan))
        .routes(routes!(index_page))
        .routes(routes!(plan_page))
}

impl From<PublicationError> for ApiError {
    fn from(e: PublicationError) -> Self {
        match e {
            PublicationError::Forbidden => ApiError::forbidden(),
            PublicationError::NotFound(what) => ApiError::NotFound(what.into()),
            PublicationError::Invalid(m) => ApiError::Invalid(m),
            PublicationError::State(m) => ApiError::Conflict(m),
            PublicationError::Store(e) => e.into(),
            PublicationError::Internal(m) => ApiError::Internal(m),
        }
    }
}
