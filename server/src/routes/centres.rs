//! The centre registry: lists within the caller's region, CSV import.

use super::sync::body_bytes;
use super::{Paging, blocking};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::import::parse_centres;
use crate::state::AppState;
use crate::store::{CentreFilter, Page, Role};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuncha_core::{Centre, CentreType};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CentreQuery {
    /// community, block, township or village
    #[serde(rename = "type")]
    pub centre_type: Option<String>,
    /// Part of the name or code.
    pub q: Option<String>,
}

/// A centre with its latest official result: devices show inspectors how
/// the centre stood last time, even when someone else inspected it.
#[derive(Debug, Serialize)]
pub struct CentreItem {
    #[serde(flatten)]
    pub centre: Centre,
    /// The newest signed (submitted or approved) inspection's score.
    pub latest: Option<LatestResult>,
}

/// The score only: which inspection it was, and its report, stay with its
/// members and the supervisors.
#[derive(Debug, Serialize)]
pub struct LatestResult {
    pub quarter: String,
    pub total: f64,
    pub grade: String,
    pub status: String,
}

#[utoipa::path(get, path = "/api/v1/centres", tag = "centres", params(CentreQuery, Paging),
    responses((status = 200, description = "Page of centres in the caller's region, each with `latest`: quarter, total, grade and status of its newest signed inspection")))]
pub async fn list_centres(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<CentreQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<CentreItem>>> {
    let page = paging.get()?;
    let centre_type =
        q.centre_type.as_deref().map(|t| t.parse::<CentreType>().map_err(ApiError::BadRequest)).transpose()?;
    let query = q.q.filter(|s| !s.is_empty()).map(|s| s.chars().take(100).collect());
    let filter = CentreFilter { scope: auth.user.scope.clone(), centre_type, query, status: None };
    let page = blocking(move || Ok(state.store.registry(&filter, page)?)).await?;
    Ok(Json(Page {
        items: page
            .items
            .into_iter()
            .map(|e| CentreItem {
                centre: e.centre,
                latest: e.latest.map(|l| LatestResult {
                    quarter: l.quarter,
                    total: l.total,
                    grade: l.grade,
                    status: l.status,
                }),
            })
            .collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[utoipa::path(get, path = "/api/v1/centres/{code}", tag = "centres", params(("code" = String, Path)),
    responses((status = 200, description = "The centre"), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_centre(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> ApiResult<Json<Centre>> {
    let centre =
        blocking(move || Ok(state.store.centre(&code)?)).await?.ok_or_else(|| ApiError::NotFound("centre".into()))?;
    if !auth.user.scope.covers(&centre.region) {
        return Err(ApiError::forbidden());
    }
    Ok(Json(centre))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Imported {
    pub imported: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportErrors {
    pub code: &'static str,
    pub message: String,
    /// One entry per problem: `line N: ...`.
    pub errors: Vec<String>,
}

/// Imports a registry CSV (administrators; every row within their region).
/// Any bad row refuses the whole file.
#[utoipa::path(post, path = "/api/v1/centres/import", tag = "centres", request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = Imported), (status = 422, body = ImportErrors), (status = 403, body = crate::error::ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    auth: Auth,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Imported>, axum::response::Response> {
    use axum::response::IntoResponse;
    let run = async {
        auth.require(&[Role::Administrator])?;
        super::require_content_type(&headers, "text/csv")?;
        let body = body_bytes(body, state.config.limits.upload_body_bytes)?;
        let centres = match parse_centres(&body) {
            Ok(c) => c,
            Err(rows) => return Ok(Err(rows.iter().map(ToString::to_string).collect::<Vec<_>>())),
        };
        if let Some(c) = centres.iter().find(|c| !auth.user.scope.covers(&c.region)) {
            return Err(ApiError::Forbidden(format!("centre `{}` is outside your region", c.code)));
        }
        let scope = auth.user.scope.clone();
        let n = blocking(move || {
            // Replacing a registered centre needs authority over where it is now, too.
            for c in &centres {
                if let Some(old) = state.store.centre(&c.code)?
                    && !scope.covers(&old.region)
                {
                    return Err(ApiError::Forbidden(format!("centre `{}` is registered outside your region", c.code)));
                }
            }
            Ok(state.store.upsert_centres(&centres, crate::now_ms())?)
        })
        .await?;
        tracing::info!(by = %auth.user.username, n, "centres imported");
        Ok(Ok(n))
    };
    match run.await {
        Ok(Ok(imported)) => Ok(Json(Imported { imported })),
        Ok(Err(errors)) => Err((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            Json(ImportErrors {
                code: "invalid",
                message: format!("{} problems; nothing was imported", errors.len()),
                errors,
            }),
        )
            .into_response()),
        Err(e) => Err(e.into_response()),
    }
}

pub fn router(state: &AppState) -> OpenApiRouter<AppState> {
    let (schemas, paths, import) = routes!(import);
    let import = import.layer(DefaultBodyLimit::max(state.config.limits.upload_body_bytes));
    OpenApiRouter::new().routes(routes!(list_centres)).routes(routes!(get_centre)).routes((schemas, paths, import))
}
