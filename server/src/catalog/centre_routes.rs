//! Centres: one centre within the caller's region, and the registry's CSV
//! imports (centres, and the communities they serve).
//! (The registry's lists with their latest results are `stats::registry_routes`.)

use super::Catalog;
use super::CatalogError;
use crate::accounts::store::Role;
use crate::accounts::{Accounts, Auth};
use crate::http::{ApiError, ApiResult, ErrorBody, body_bytes, require_content_type};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRef, Path, State};
use serde::Serialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuncha_core::Centre;

#[utoipa::path(get, path = "/api/v1/centres/{code}", tag = "centres", params(("code" = String, Path)),
    responses((status = 200, body = Object, description = "The centre (xuncha_core::Centre)"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_centre(
    State(catalog): State<Arc<Catalog>>,
    auth: Auth,
    Path(code): Path<String>,
) -> ApiResult<Json<Centre>> {
    Ok(Json(catalog.centre(&auth.user, code).await?))
}

/// Registers or changes one centre (administrators, within their region):
/// the import's columns as fields (`lat`/`lon` in the map datum `datum`
/// names, stored in WGS-84), checked by the same rules. A refused form
/// answers 422 with every problem.
#[utoipa::path(put, path = "/api/v1/centres/{code}", operation_id = "save_centre", tag = "centres", params(("code" = String, Path)),
    request_body(content = Object, description = "field → text: code, name, type, province, city, county, township, lat, lon, datum, zone, geofence_m, floor_area_m2, community_floor_area_m2, households, population_served, status, status_since"),
    responses((status = 200, body = Object, description = "The centre as stored"), (status = 422, body = ImportErrors), (status = 403, body = ErrorBody)))]
pub async fn save_centre(
    State(catalog): State<Arc<Catalog>>,
    auth: Auth,
    Path(code): Path<String>,
    body: Result<Json<std::collections::BTreeMap<String, String>>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Centre>, axum::response::Response> {
    use axum::response::IntoResponse;
    let Json(fields) = body.map_err(|e| ApiError::from(e).into_response())?;
    if fields.len() > 40 || fields.values().any(|v| v.chars().count() > 500) {
        return Err(ApiError::TooLarge("a centre has at most 40 fields of 500 characters".into()).into_response());
    }
    match catalog.save_centre(&auth.user, &code, fields).await {
        Ok(c) => Ok(Json(c)),
        Err(CatalogError::BadRows(errors)) => Err((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            Json(ImportErrors {
                code: "invalid",
                message: format!("{} problems; nothing was saved", errors.len()),
                errors,
            }),
        )
            .into_response()),
        Err(e) => Err(ApiError::from(e).into_response()),
    }
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
    responses((status = 200, body = Imported), (status = 422, body = ImportErrors), (status = 403, body = ErrorBody)))]
pub async fn import(
    State(catalog): State<Arc<Catalog>>,
    auth: Auth,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Imported>, axum::response::Response> {
    let outcome = match admin_csv(&auth, &headers, body, catalog.limits().upload_body_bytes) {
        Ok(body) => Ok(catalog.import(&auth.user, &body).await),
        Err(e) => Err(e),
    };
    imported(outcome)
}

/// Imports community records (社区: new or existing, floor areas, households,
/// the centre serving it) for the plan norms (administrators; every row
/// within their region). Any bad row refuses the whole file.
#[utoipa::path(post, path = "/api/v1/communities/import", tag = "centres", request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = Imported), (status = 422, body = ImportErrors), (status = 403, body = ErrorBody)))]
pub async fn import_communities(
    State(catalog): State<Arc<Catalog>>,
    auth: Auth,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Imported>, axum::response::Response> {
    let outcome = match admin_csv(&auth, &headers, body, catalog.limits().upload_body_bytes) {
        Ok(body) => Ok(catalog.import_communities(&auth.user, &body).await),
        Err(e) => Err(e),
    };
    imported(outcome)
}

/// An administrator's CSV upload, within the size limit.
fn admin_csv(
    auth: &Auth,
    headers: &axum::http::HeaderMap,
    body: Result<Bytes, BytesRejection>,
    limit: usize,
) -> Result<Bytes, ApiError> {
    auth.require(&[Role::Administrator])?;
    require_content_type(headers, "text/csv")?;
    body_bytes(body, limit)
}

/// A whole file imported, or every problem with it (nothing imported).
#[allow(clippy::result_large_err)] // a handler's own answer: the response is built once, not passed along
fn imported(
    outcome: Result<Result<usize, CatalogError>, ApiError>,
) -> Result<Json<Imported>, axum::response::Response> {
    use axum::response::IntoResponse;
    match outcome {
        Ok(Ok(imported)) => Ok(Json(Imported { imported })),
        Ok(Err(CatalogError::BadRows(errors))) => Err((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            Json(ImportErrors {
                code: "invalid",
                message: format!("{} problems; nothing was imported", errors.len()),
                errors,
            }),
        )
            .into_response()),
        Ok(Err(e)) => Err(ApiError::from(e).into_response()),
        Err(e) => Err(e.into_response()),
    }
}

pub fn router<S>(upload_bytes: usize) -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Catalog>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    let (schemas, paths, import) = routes!(import);
    let import = import.layer(DefaultBodyLimit::max(upload_bytes));
    let (c_schemas, c_paths, communities) = routes!(import_communities);
    let communities = communities.layer(DefaultBodyLimit::max(upload_bytes));
    OpenApiRouter::new().routes(routes!(get_centre, save_centre)).routes((schemas, paths, import)).routes((
        c_schemas,
        c_paths,
        communities,
    ))
}

/// How the service's refusals answer over HTTP.
impl From<CatalogError> for ApiError {
    fn from(e: CatalogError) -> Self {
        match e {
            CatalogError::Forbidden(m) => ApiError::Forbidden(m),
            CatalogError::NotFound(what) => ApiError::NotFound(what.into()),
            CatalogError::BadRows(_) | CatalogError::Invalid(_) => ApiError::Invalid(e.to_string()),
            CatalogError::BadRequest(m) => ApiError::BadRequest(m),
            CatalogError::Conflict(m) => ApiError::Conflict(m),
            CatalogError::Store(e) => e.into(),
            CatalogError::Internal(m) => ApiError::Internal(m),
        }
    }
}
