//! The dashboard's registry: centres with their latest grade and plan norms,
//! one centre's inspections and score trend, the region names of the scope,
//! and exports of centres and inspections (CSV, GeoJSON).

use super::Stats;
use super::exports;
use super::service::{CentreItem, CentreOverview, Chunks, CityRegions, LatestResult, RegistryRow};
use super::store::CentreFilter;
use crate::accounts::{Accounts, Auth};
use crate::http::{ApiError, ApiResult, ErrorBody, Paging, csv_stream, stream_download};
use crate::inspections::routes::{InspectionQuery, inspection_filter, narrow_scope};
use crate::inspections::store::InspectionRow;
use crate::storage::Page;
use axum::Json;
use axum::extract::{FromRef, Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuncha_core::scoring::Report;
use xuncha_core::{CentreStatus, CentreType};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct RegistryQuery {
    #[serde(rename = "type")]
    pub centre_type: Option<String>,
    /// planned, under_construction or built
    pub status: Option<String>,
    /// Part of the name or code.
    pub q: Option<String>,
    pub city: Option<String>,
    pub county: Option<String>,
}

fn centre_filter(auth: &Auth, q: RegistryQuery) -> Result<CentreFilter, ApiError> {
    let centre_type = q
        .centre_type
        .filter(|t| !t.is_empty())
        .map(|t| t.parse::<CentreType>().map_err(ApiError::BadRequest))
        .transpose()?;
    let status = q
        .status
        .filter(|s| !s.is_empty())
        .map(|s| CentreStatus::parse(&s).ok_or_else(|| ApiError::BadRequest(format!("unknown status `{s}`"))))
        .transpose()?;
    Ok(CentreFilter {
        scope: narrow_scope(&auth.user.scope, q.city, q.county)?,
        centre_type,
        query: q.q.filter(|s| !s.is_empty()).map(|s| s.chars().take(100).collect()),
        status,
    })
}

#[utoipa::path(get, path = "/api/v1/registry", tag = "registry", params(RegistryQuery, Paging),
    responses((status = 200, body = Page<RegistryRow>, description = "Page of centres with their latest grade and plan norms")))]
pub async fn registry(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<RegistryQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<RegistryRow>>> {
    let page = paging.get()?;
    let filter = centre_filter(&auth, q)?;
    Ok(Json(state.registry(&auth.user, filter, page).await?))
}

#[utoipa::path(get, path = "/api/v1/centres/{code}/overview", tag = "registry", params(("code" = String, Path)),
    responses((status = 200, body = CentreOverview), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn overview(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Path(code): Path<String>,
) -> ApiResult<Json<CentreOverview>> {
    Ok(Json(state.overview(&auth.user, code).await?))
}

#[utoipa::path(get, path = "/api/v1/regions", tag = "registry",
    responses((status = 200, body = [CityRegions], description = "Cities, counties and townships of the registered centres in the caller's region")))]
pub async fn regions(State(state): State<Arc<Stats>>, auth: Auth) -> ApiResult<Json<Vec<CityRegions>>> {
    Ok(Json(state.regions(&auth.user).await?))
}

/// A GeoJSON download streamed as its rows are read (see `http::stream_download`).
fn geojson<T: Send + 'static>(chunks: Chunks<T>, feature: fn(&T) -> serde_json::Value, name: &str) -> Response {
    let ends = (exports::GEOJSON_HEAD.to_vec(), exports::GEOJSON_TAIL.to_vec());
    let render = move |items: &[T], after| exports::geojson_features(items, after, feature);
    stream_download(chunks, ends, render, "application/geo+json", name)
}

/// The registry in the region as CSV (UTF-8 with a BOM, for Excel).
#[utoipa::path(get, path = "/api/v1/centres/export.csv", tag = "registry", params(RegistryQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody)))]
pub async fn centres_csv(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<RegistryQuery>,
) -> ApiResult<Response> {
    let chunks = state.stream_centres(&auth.user, centre_filter(&auth, q)?)?;
    Ok(csv_stream(chunks, &exports::CENTRES_HEADER, exports::centre_cells, "centres.csv"))
}

/// The registry in the region as GeoJSON points.
#[utoipa::path(get, path = "/api/v1/centres/export.geojson", tag = "registry", params(RegistryQuery),
    responses((status = 200, content_type = "application/geo+json", body = Object), (status = 403, body = ErrorBody)))]
pub async fn centres_geojson(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<RegistryQuery>,
) -> ApiResult<Response> {
    let chunks = state.stream_centres(&auth.user, centre_filter(&auth, q)?)?;
    Ok(geojson(chunks, exports::centre_feature, "centres.geojson"))
}

/// The inspections matching the filter as CSV, with each one's checklist version.
#[utoipa::path(get, path = "/api/v1/inspections/export.csv", tag = "registry", params(InspectionQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody)))]
pub async fn inspections_csv(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<InspectionQuery>,
) -> ApiResult<Response> {
    let chunks = state.stream_inspections(&auth.user, inspection_filter(&auth, q)?)?;
    Ok(csv_stream(chunks, &exports::INSPECTIONS_HEADER, exports::inspection_cells, "inspections.csv"))
}

/// One checklist's inspections (`template=`, every version) with a column
/// per item id: the points each earned. Columns never shift between
/// versions (docs/templates.md).
#[utoipa::path(get, path = "/api/v1/inspections/items.csv", operation_id = "export_item_results", tag = "registry", params(InspectionQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn item_results_csv(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<InspectionQuery>,
) -> ApiResult<Response> {
    let (items, chunks) = state.stream_item_results(&auth.user, inspection_filter(&auth, q)?)?;
    let head = exports::item_results_head(&items);
    let render = move |rows: &[(InspectionRow, Option<Report>)], _| {
        crate::export::csv_rows(
            rows.iter().map(|(row, report)| exports::item_result_cells(&items, row, report.as_ref())),
        )
    };
    Ok(stream_download(chunks, (head, Vec::new()), render, "text/csv; charset=utf-8", "inspection-items.csv"))
}

/// The inspections matching the filter as GeoJSON points at their centres.
#[utoipa::path(get, path = "/api/v1/inspections/export.geojson", tag = "registry", params(InspectionQuery),
    responses((status = 200, content_type = "application/geo+json", body = Object), (status = 403, body = ErrorBody)))]
pub async fn inspections_geojson(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<InspectionQuery>,
) -> ApiResult<Response> {
    let chunks = state.stream_inspections(&auth.user, inspection_filter(&auth, q)?)?;
    Ok(geojson(chunks, exports::inspection_feature, "inspections.geojson"))
}

// The registry's plain list for devices and scripts: `GET /api/v1/centres`.

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CentreQuery {
    /// community, block, township or village
    #[serde(rename = "type")]
    pub centre_type: Option<String>,
    /// Part of the name or code.
    pub q: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/centres", tag = "centres", params(CentreQuery, Paging),
    responses((status = 200, body = Page<CentreItem>, description = "Page of centres in the caller's region, each with `latest`: quarter, total, grade and status of its newest signed inspection")))]
pub async fn list_centres(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<CentreQuery>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<CentreItem>>> {
    let page = paging.get()?;
    let centre_type =
        q.centre_type.as_deref().map(|t| t.parse::<CentreType>().map_err(ApiError::BadRequest)).transpose()?;
    let query = q.q.filter(|s| !s.is_empty()).map(|s| s.chars().take(100).collect());
    let filter = CentreFilter { scope: auth.user.scope.clone(), centre_type, query, status: None };
    let page = state.centres(filter, page).await?;
    Ok(Json(page.map(|e| CentreItem {
        centre: e.centre,
        latest: e.latest.map(|l| LatestResult { quarter: l.quarter, total: l.total, grade: l.grade, status: l.status }),
    })))
}

pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Stats>: FromRef<S>,
    Arc<Accounts>: FromRef<S>,
{
    OpenApiRouter::new()
        .routes(routes!(registry))
        .routes(routes!(list_centres))
        .routes(routes!(regions))
        .routes(routes!(overview))
        .routes(routes!(centres_csv))
        .routes(routes!(centres_geojson))
        .routes(routes!(inspections_csv))
        .routes(routes!(item_results_csv))
        .routes(routes!(inspections_geojson))
}
