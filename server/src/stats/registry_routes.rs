//! The dashboard's registry: centres with their latest grade and plan norms,
//! one centre's inspections and score trend, the region names of the scope,
//! and exports of centres and inspections (CSV, GeoJSON).

use super::Stats;
use super::exports;
use super::store::{CentreFilter, CityPopulation, LatestScore};
use super::tables::{PlanNorms, plan_norms};
use crate::accounts::store::{Role, Scope};
use crate::accounts::{Accounts, Auth};
use crate::http::{ApiError, ApiResult, ErrorBody, Paging, blocking};
use crate::inspections::routes::{InspectionQuery, inspection_filter, narrow_scope};
use crate::inspections::store::{InspectionFilter, InspectionRow};
use crate::storage::{Page, PageReq};
use axum::Json;
use axum::extract::{FromRef, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xuncha_core::document::WorkflowStatus;
use xuncha_core::scoring::Grade;
use xuncha_core::{Centre, CentreStatus, CentreType};

/// Rows in one export, at most.
const MAX_EXPORT: u32 = 50_000;

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
    auth.require(&[Role::Supervisor, Role::Administrator])?;
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

#[derive(Debug, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct RegistryRow {
    #[schema(value_type = Object)]
    pub centre: Centre,
    pub latest: Option<LatestScore>,
    /// Community centres only.
    pub norms: Option<PlanNorms>,
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
    let p = blocking(move || Ok(state.store.registry(&filter, page)?)).await?;
    let items = p
        .items
        .into_iter()
        .map(|e| RegistryRow { norms: plan_norms(&e.centre), centre: e.centre, latest: e.latest })
        .collect();
    Ok(Json(Page { items, total: p.total, page: p.page, per_page: p.per_page }))
}

#[derive(Debug, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct TrendPoint {
    pub quarter: String,
    pub total: f64,
    #[schema(value_type = String, pattern = "^(excellent|good|pass|fail)$")]
    pub grade: Grade,
}

#[derive(Debug, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct CentreOverview {
    #[schema(value_type = Object)]
    pub centre: Centre,
    pub norms: Option<PlanNorms>,
    /// Newest first.
    pub inspections: Vec<InspectionRow>,
    /// Per quarter, oldest first: the newest signed inspection's score.
    pub trend: Vec<TrendPoint>,
}

#[utoipa::path(get, path = "/api/v1/centres/{code}/overview", tag = "registry", params(("code" = String, Path)),
    responses((status = 200, body = CentreOverview), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn overview(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Path(code): Path<String>,
) -> ApiResult<Json<CentreOverview>> {
    auth.require(&[Role::Supervisor, Role::Administrator])?;
    let scope = auth.user.scope.clone();
    let view = blocking(move || {
        let centre = state.catalog.centre(&code)?.ok_or_else(|| ApiError::NotFound("centre".into()))?;
        if !scope.covers(&centre.region) {
            return Err(ApiError::forbidden());
        }
        let filter = InspectionFilter { scope, centre_code: Some(code), ..InspectionFilter::default() };
        let inspections = state.docs.list_inspections(&filter, PageReq { page: 1, per_page: 200 })?.items;
        let mut by_quarter: BTreeMap<&str, &InspectionRow> = BTreeMap::new();
        for row in inspections.iter().filter(|r| r.official) {
            let newer = by_quarter.get(row.quarter.as_str()).is_none_or(|b| b.updated_at < row.updated_at);
            if newer && row.summary.total.is_some() {
                by_quarter.insert(&row.quarter, row);
            }
        }
        let trend = by_quarter
            .into_iter()
            .filter_map(|(quarter, r)| {
                Some(TrendPoint { quarter: quarter.to_owned(), total: r.summary.total?, grade: r.summary.grade? })
            })
            .collect();
        Ok(CentreOverview { norms: plan_norms(&centre), centre, inspections, trend })
    })
    .await?;
    Ok(Json(view))
}

#[derive(Debug, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct CountyRegions {
    pub county: String,
    pub townships: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct CityRegions {
    pub province: String,
    pub city: String,
    /// Resident population where known (for the pilot targets).
    pub population: Option<u64>,
    pub counties: Vec<CountyRegions>,
}

#[utoipa::path(get, path = "/api/v1/regions", tag = "registry",
    responses((status = 200, body = [CityRegions], description = "Cities, counties and townships of the registered centres in the caller's region")))]
pub async fn regions(State(state): State<Arc<Stats>>, auth: Auth) -> ApiResult<Json<Vec<CityRegions>>> {
    auth.require(&[Role::Supervisor, Role::Administrator])?;
    let scope = auth.user.scope.clone();
    let (names, pops) = blocking(move || {
        let pops = state.store.populations(&Scope { county: String::new(), ..scope.clone() })?;
        Ok((state.store.region_names(&scope)?, pops))
    })
    .await?;
    let mut cities: BTreeMap<(String, String), BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for r in names {
        let townships = cities.entry((r.province, r.city)).or_default().entry(r.county).or_default();
        if !r.township.is_empty() {
            townships.push(r.township);
        }
    }
    let population =
        |p: &str, c: &str| pops.iter().find(|x: &&CityPopulation| x.province == p && x.city == c).map(|x| x.population);
    Ok(Json(
        cities
            .into_iter()
            .map(|((province, city), counties)| CityRegions {
                population: population(&province, &city),
                counties: counties.into_iter().map(|(county, townships)| CountyRegions { county, townships }).collect(),
                province,
                city,
            })
            .collect(),
    ))
}

fn file(bytes: Vec<u8>, mime: &'static str, name: &'static str) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    ([(header::CONTENT_TYPE, mime.to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

fn geojson(v: &serde_json::Value, name: &'static str) -> Response {
    file(serde_json::to_vec(v).unwrap_or_default(), "application/geo+json", name)
}

/// The registry in the region as CSV (UTF-8 with a BOM, for Excel).
#[utoipa::path(get, path = "/api/v1/centres/export.csv", tag = "registry", params(RegistryQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody)))]
pub async fn centres_csv(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<RegistryQuery>,
) -> ApiResult<Response> {
    let filter = centre_filter(&auth, q)?;
    let entries = blocking(move || Ok(state.store.registry_all(&filter, MAX_EXPORT)?)).await?;
    Ok(file(exports::centres_csv(&entries), "text/csv; charset=utf-8", "centres.csv"))
}

/// The registry in the region as GeoJSON points.
#[utoipa::path(get, path = "/api/v1/centres/export.geojson", tag = "registry", params(RegistryQuery),
    responses((status = 200, content_type = "application/geo+json", body = Object), (status = 403, body = ErrorBody)))]
pub async fn centres_geojson(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<RegistryQuery>,
) -> ApiResult<Response> {
    let filter = centre_filter(&auth, q)?;
    let entries = blocking(move || Ok(state.store.registry_all(&filter, MAX_EXPORT)?)).await?;
    Ok(geojson(&exports::centres_geojson(&entries), "centres.geojson"))
}

/// The inspections matching the filter as CSV (a column per item id).
#[utoipa::path(get, path = "/api/v1/inspections/export.csv", tag = "registry", params(InspectionQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody)))]
pub async fn inspections_csv(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<InspectionQuery>,
) -> ApiResult<Response> {
    auth.require(&[Role::Supervisor, Role::Administrator])?;
    let filter = inspection_filter(&auth, q)?;
    let rows = blocking(move || Ok(state.store.inspections_all(&filter, MAX_EXPORT)?)).await?;
    Ok(file(exports::inspections_csv(&rows), "text/csv; charset=utf-8", "inspections.csv"))
}

/// The inspections matching the filter as GeoJSON points at their centres.
#[utoipa::path(get, path = "/api/v1/inspections/export.geojson", tag = "registry", params(InspectionQuery),
    responses((status = 200, content_type = "application/geo+json", body = Object), (status = 403, body = ErrorBody)))]
pub async fn inspections_geojson(
    State(state): State<Arc<Stats>>,
    auth: Auth,
    Query(q): Query<InspectionQuery>,
) -> ApiResult<Response> {
    auth.require(&[Role::Supervisor, Role::Administrator])?;
    let filter = inspection_filter(&auth, q)?;
    let centres_filter = CentreFilter { scope: filter.scope.clone(), ..CentreFilter::default() };
    let (rows, centres) = blocking(move || {
        let rows = state.store.inspections_all(&filter, MAX_EXPORT)?;
        let centres: HashMap<String, Centre> = state
            .store
            .registry_all(&centres_filter, MAX_EXPORT * 4)?
            .into_iter()
            .map(|e| (e.centre.code.clone(), e.centre))
            .collect();
        Ok((rows, centres))
    })
    .await?;
    Ok(geojson(&exports::inspections_geojson(&rows, &centres), "inspections.geojson"))
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

/// A centre with its latest official result: devices show inspectors how
/// the centre stood last time, even when someone else inspected it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CentreItem {
    /// The centre's registry record (xuncha_core::Centre), its fields inline.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub centre: Centre,
    /// The newest signed (submitted or approved) inspection's score.
    pub latest: Option<LatestResult>,
}

/// The score only: which inspection it was, and its report, stay with its
/// members and the supervisors.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LatestResult {
    pub quarter: String,
    pub total: f64,
    #[schema(value_type = String, pattern = "^(excellent|good|pass|fail)$")]
    pub grade: Grade,
    #[schema(value_type = String, pattern = "^(draft|submitted|returned|approved)$")]
    pub status: WorkflowStatus,
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
        .routes(routes!(inspections_geojson))
}
