//! The statistics service: the quarterly tables, charts, the registry's
//! views, exports' reads and the quarters a region has reported. Reading
//! and computing live here; the route files only parse and answer.

use super::norms::{CommunityNorms, community_norms};
use super::store::{
    CentreFilter, CityPopulation, LatestScore, MAX_GROUPS, RegistryEntry, ReportedQuarter, StatPeriod, StatsStore,
};
use super::tables::{ChartData, QuarterlyStats, charts, quarterly};
use crate::accounts::store::{Role, Scope, User};
use crate::catalog::store::CatalogStore;
use crate::catalog::templates::Templates;
use crate::config::Limits;
use crate::inspections::store::{DocStore, InspectionFilter, InspectionRow};
use crate::quarter::{is_quarter, quarter_end, quarter_of};
use crate::storage::{Cursor, Page, PageReq, StoreError, now_ms};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use xuncha_core::Centre;
use xuncha_core::document::WorkflowStatus;
use xuncha_core::scoring::Grade;

pub struct Stats {
    store: Arc<dyn StatsStore>,
    docs: Arc<dyn DocStore>,
    catalog: Arc<dyn CatalogStore>,
    templates: Arc<Templates>,
    limits: Limits,
}

impl std::fmt::Debug for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stats").finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error("this is outside your role or region")]
    Forbidden,
    #[error("name the province (`province=`)")]
    NeedProvince,
    #[error("name the checklist (`template=`): the export has a column per item of it")]
    NeedTemplate,
    #[error("`{0}` is not a quarter like 2026Q4")]
    BadQuarter(String),
    #[error("over {0} rows: choose a smaller region (a city) for this statistic")]
    TooMany(u32),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0} is reported already for this region")]
    AlreadyReported(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

type R<T> = Result<T, StatsError>;

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> R<T> + Send + 'static) -> R<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| StatsError::Internal(e.to_string()))?
}

fn overseer(user: &User) -> R<()> {
    match user.has_role(&[Role::Supervisor, Role::Administrator]) {
        true => Ok(()),
        false => Err(StatsError::Forbidden),
    }
}

fn checked_quarter(q: &str) -> R<()> {
    if is_quarter(q) { Ok(()) } else { Err(StatsError::BadQuarter(q.chars().take(32).collect())) }
}

/// The statistics period of a quarter: its figures are observed by the next
/// quarter's inspections, which ask for the last complete quarter;
/// Attachment 4 counts each centre as it stood when the quarter ended.
fn stat_period(quarter: String) -> R<StatPeriod> {
    checked_quarter(&quarter)?;
    Ok(StatPeriod {
        observed_in: crate::quarter::offset(&quarter, 1).unwrap_or_default(),
        end: quarter_end(&quarter).unwrap_or(i64::MAX),
        baseline_end: quarter_end(super::tables::PILOT_QUARTER).unwrap_or(0),
        quarter,
    })
}

/// The user's region within the province asked for.
fn scope_of(user: &User, province: Option<String>) -> R<Scope> {
    overseer(user)?;
    let mut scope = user.scope.clone();
    match province.filter(|p| !p.is_empty()) {
        Some(p) if !scope.province.is_empty() && scope.province != p => return Err(StatsError::Forbidden),
        Some(p) => scope.province = p.chars().take(64).collect(),
        None if scope.province.is_empty() => return Err(StatsError::NeedProvince),
        None => {}
    }
    Ok(scope)
}

/// Inspections one chunk of the per-item export holds at most: each comes
/// with its whole report (tens of KiB for a long checklist), so its chunks
/// stay smaller than the other exports'.
const ITEM_EXPORT_CHUNK: u32 = 500;

/// A download's rows as they are read, chunk by chunk; an error ends it.
pub type Chunks<T> = tokio::sync::mpsc::Receiver<R<Vec<T>>>;

/// An inspection with its latest report, when it has one (the per-item export).
pub type ReportedRow = (InspectionRow, Option<xuncha_core::scoring::Report>);

/// Reads chunks with `read` (from the start, then from where the last
/// ended), each on a blocking thread, handing each on as the download
/// takes it: two chunks wait at most, so memory stays the same for any
/// region, and a slow download holds no thread. The reads stop when the
/// download is dropped.
fn stream_chunks<T: Send + 'static>(
    read: impl Fn(Option<Cursor>) -> R<(Vec<T>, Option<Cursor>)> + Send + Sync + 'static,
) -> Chunks<T> {
    let (tx, rx) = tokio::sync::mpsc::channel(2);
    let read = Arc::new(read);
    tokio::spawn(async move {
        let mut after = None;
        loop {
            let (read, from) = (read.clone(), after.take());
            match blocking(move || read(from)).await {
                Ok((rows, next)) => {
                    if tx.send(Ok(rows)).await.is_err() || next.is_none() {
                        return;
                    }
                    after = next;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "export stopped");
                    let _ = tx.send(Err(e)).await;
                    return;
                }
            }
        }
    });
    rx
}

impl Stats {
    pub fn new(
        store: Arc<dyn StatsStore>,
        docs: Arc<dyn DocStore>,
        catalog: Arc<dyn CatalogStore>,
        templates: Arc<Templates>,
        limits: Limits,
    ) -> Self {
        Self { store, docs, catalog, templates, limits }
    }

    /// Attachments 4 and 5 and the pilot targets of a quarter (this one by
    /// default) in the user's region of a province.
    pub async fn quarterly(
        self: &Arc<Self>,
        user: &User,
        quarter: Option<String>,
        province: Option<String>,
    ) -> R<QuarterlyStats> {
        let quarter = quarter.filter(|q| !q.is_empty()).unwrap_or_else(|| quarter_of(now_ms()));
        checked_quarter(&quarter)?;
        let scope = scope_of(user, province)?;
        let county = !scope.county.is_empty();
        let mut stats = self.quarterly_in(scope, quarter).await?;
        // Pilot targets are a city's (policy 三(四)): a county's own count
        // against its city's target would read as failing, so a
        // county-level view has none.
        if county {
            stats.pilot.clear();
        }
        Ok(stats)
    }

    /// The quarterly tables of a region as they stand now (a county's pilot
    /// rows count its own centres only). The caller checks access (the
    /// report chain's own rules decide who fills a region's report).
    pub async fn quarterly_in(self: &Arc<Self>, scope: Scope, quarter: String) -> R<QuarterlyStats> {
        let period = stat_period(quarter)?;
        let this = self.clone();
        blocking(move || {
            let groups = this.store.attachment_groups(&scope, &period)?;
            // A cut-off read would give a table that is wrong without saying so.
            if groups.len() > MAX_GROUPS as usize {
                return Err(StatsError::TooMany(MAX_GROUPS));
            }
            let pops = this.store.populations(&Scope { county: String::new(), ..scope.clone() })?;
            Ok(quarterly(&period.quarter, &scope.province, &groups, &pops, now_ms()))
        })
        .await
    }

    /// A region's centres built as the quarter ended with no figures for it
    /// (未报), by county and code, at most `limit`: whom the county still
    /// has to chase. The caller checks access.
    pub async fn unreported_in(self: &Arc<Self>, scope: Scope, quarter: String, limit: u32) -> R<Vec<Centre>> {
        let period = stat_period(quarter)?;
        let this = self.clone();
        blocking(move || Ok(this.store.unreported(&scope, &period, limit)?)).await
    }

    /// The regions one level below `scope` that have registered centres
    /// (the provinces of the country, the cities of a province, the
    /// counties of a city), and the resident populations of its cities.
    pub async fn regions_below(self: &Arc<Self>, scope: Scope) -> R<(Vec<Scope>, Vec<CityPopulation>)> {
        let this = self.clone();
        blocking(move || {
            let names = this.store.region_names(&scope)?;
            let pops = this.store.populations(&Scope { county: String::new(), ..scope.clone() })?;
            let below: std::collections::BTreeSet<Scope> = names
                .into_iter()
                .filter_map(|r| match () {
                    _ if scope.province.is_empty() => Some(Scope { province: r.province, ..Scope::default() }),
                    _ if scope.city.is_empty() => {
                        Some(Scope { province: r.province, city: r.city, county: String::new() })
                    }
                    _ if scope.county.is_empty() => {
                        Some(Scope { province: r.province, city: r.city, county: r.county })
                    }
                    _ => None,
                })
                .collect();
            Ok((below.into_iter().collect(), pops))
        })
        .await
    }

    /// The chart figures of every quarter (grades of `quarter`, or of the newest).
    pub async fn charts(
        self: &Arc<Self>,
        user: &User,
        quarter: Option<String>,
        province: Option<String>,
    ) -> R<ChartData> {
        let quarter = quarter.filter(|q| !q.is_empty());
        if let Some(q) = &quarter {
            checked_quarter(q)?;
        }
        let scope = scope_of(user, province)?;
        let this = self.clone();
        blocking(move || {
            let groups = this.store.chart_groups(&scope)?;
            if groups.len() > MAX_GROUPS as usize {
                return Err(StatsError::TooMany(MAX_GROUPS));
            }
            Ok(charts(&groups, quarter.as_deref()))
        })
        .await
    }

    /// Records that the user's region has reported (上报) a quarter: from
    /// then on no device changes an inspection of that quarter in the region.
    pub async fn mark_reported(self: &Arc<Self>, user: &User, quarter: String) -> R<ReportedQuarter> {
        overseer(user)?;
        checked_quarter(&quarter)?;
        let row = ReportedQuarter {
            quarter,
            scope: user.scope.clone(),
            reported_by: user.username.clone(),
            reported_at: now_ms(),
        };
        let (this, r) = (self.clone(), row.clone());
        if !blocking(move || Ok(this.store.mark_reported(&r)?)).await? {
            return Err(StatsError::AlreadyReported(row.quarter));
        }
        tracing::info!(quarter = %row.quarter, user = %row.reported_by, "quarter reported");
        Ok(row)
    }

    /// Quarters reported by the user's region, by regions inside it, or by
    /// regions containing it.
    pub async fn reported(self: &Arc<Self>, user: &User) -> R<Vec<ReportedQuarter>> {
        overseer(user)?;
        let (this, scope) = (self.clone(), user.scope.clone());
        blocking(move || Ok(this.store.reported_quarters(&scope)?)).await
    }

    /// A page of the registry with each centre's latest result and plan norms.
    pub async fn registry(self: &Arc<Self>, user: &User, filter: CentreFilter, page: PageReq) -> R<Page<RegistryRow>> {
        overseer(user)?;
        let mut p = self.centres(filter, page).await?;
        let items = self.with_norms(std::mem::take(&mut p.items)).await?;
        Ok(p.with_items(items))
    }

    /// Each centre with the norms of the communities it serves.
    async fn with_norms(self: &Arc<Self>, entries: Vec<RegistryEntry>) -> R<Vec<RegistryRow>> {
        let this = self.clone();
        blocking(move || this.norms_of(entries)).await
    }

    fn norms_of(&self, entries: Vec<RegistryEntry>) -> R<Vec<RegistryRow>> {
        let codes: Vec<String> = entries.iter().map(|e| e.centre.code.clone()).collect();
        let mut served: HashMap<String, Vec<CommunityNorms>> = HashMap::new();
        for c in self.catalog.communities_served(&codes)? {
            let centre = c.centre_code.clone().unwrap_or_default();
            served.entry(centre).or_default().push(community_norms(&c));
        }
        Ok(entries
            .into_iter()
            .map(|e| RegistryRow {
                norms: served.remove(&e.centre.code).unwrap_or_default(),
                centre: e.centre,
                latest: e.latest,
            })
            .collect())
    }

    /// A page of centres with their latest result (any role: the filter is
    /// the caller's region).
    pub async fn centres(self: &Arc<Self>, filter: CentreFilter, page: PageReq) -> R<Page<RegistryEntry>> {
        let this = self.clone();
        blocking(move || Ok(this.store.registry(&filter, page)?)).await
    }

    /// One centre: its inspections and the trend of its official scores.
    pub async fn overview(self: &Arc<Self>, user: &User, code: String) -> R<CentreOverview> {
        overseer(user)?;
        let (this, scope) = (self.clone(), user.scope.clone());
        blocking(move || {
            let centre = this.catalog.centre(&code)?.ok_or(StatsError::NotFound("centre"))?;
            if !scope.covers(&centre.region) {
                return Err(StatsError::Forbidden);
            }
            let filter = InspectionFilter { scope, centre_code: Some(code), ..InspectionFilter::default() };
            let inspections = this.docs.list_inspections(&filter, PageReq::new(1, 200))?.items;
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
            let norms = this.catalog.communities_served(std::slice::from_ref(&centre.code))?;
            let norms = norms.iter().map(community_norms).collect();
            Ok(CentreOverview { norms, centre, inspections, trend })
        })
        .await
    }

    /// Cities, counties and townships of the registered centres in the user's region.
    pub async fn regions(self: &Arc<Self>, user: &User) -> R<Vec<CityRegions>> {
        overseer(user)?;
        let (this, scope) = (self.clone(), user.scope.clone());
        let (names, pops) = blocking(move || {
            let pops = this.store.populations(&Scope { county: String::new(), ..scope.clone() })?;
            Ok((this.store.region_names(&scope)?, pops))
        })
        .await?;
        let mut cities: BTreeMap<(String, String), BTreeMap<String, Vec<String>>> = BTreeMap::new();
        for r in names {
            let townships = cities.entry((r.province, r.city)).or_default().entry(r.county).or_default();
            if !r.township.is_empty() {
                townships.push(r.township);
            }
        }
        let population = |p: &str, c: &str| {
            pops.iter().find(|x: &&CityPopulation| x.province == p && x.city == c).map(|x| x.population)
        };
        Ok(cities
            .into_iter()
            .map(|((province, city), counties)| CityRegions {
                population: population(&province, &city),
                counties: counties.into_iter().map(|(county, townships)| CountyRegions { county, townships }).collect(),
                province,
                city,
            })
            .collect())
    }

    /// Every centre the filter selects with its plan norms, a chunk at a
    /// time, for a streamed download: any number of rows in constant memory.
    pub fn stream_centres(self: &Arc<Self>, user: &User, filter: CentreFilter) -> R<Chunks<RegistryRow>> {
        overseer(user)?;
        let this = self.clone();
        Ok(stream_chunks(move |after| {
            let chunk = this.store.registry_chunk(&filter, after.as_ref(), this.limits.export_chunk.max(1))?;
            Ok((this.norms_of(chunk.items)?, chunk.next))
        }))
    }

    /// Every inspection the filter selects, a chunk at a time, for a
    /// streamed download.
    pub fn stream_inspections(self: &Arc<Self>, user: &User, filter: InspectionFilter) -> R<Chunks<InspectionRow>> {
        overseer(user)?;
        let this = self.clone();
        Ok(stream_chunks(move |after| {
            let chunk = this.store.inspections_chunk(&filter, after.as_ref(), this.limits.export_chunk.max(1))?;
            Ok((chunk.items, chunk.next))
        }))
    }

    /// The item columns of one checklist's export: every item of its
    /// versions the server knows, the newest version's order first, then
    /// items only older versions have. Columns are keyed by item id, never
    /// by position, so versions share the columns of the items they share.
    pub fn item_columns(&self, template_id: &str) -> Vec<String> {
        let mut versions: Vec<_> = self.templates.all().into_iter().filter(|k| k.template.id == template_id).collect();
        versions.sort_by_key(|k| std::cmp::Reverse(k.template.version));
        let mut items: Vec<String> = Vec::new();
        for k in &versions {
            for (_, item) in k.template.items() {
                if !items.contains(&item.id) {
                    items.push(item.id.clone());
                }
            }
        }
        items
    }

    /// The inspections of one checklist (any version) the filter selects,
    /// each with its latest report, a chunk at a time, for the per-item
    /// export; and its item columns.
    pub fn stream_item_results(
        self: &Arc<Self>,
        user: &User,
        filter: InspectionFilter,
    ) -> R<(Vec<String>, Chunks<ReportedRow>)> {
        overseer(user)?;
        let Some(template) = filter.template.clone() else { return Err(StatsError::NeedTemplate) };
        let this = self.clone();
        let chunks = stream_chunks(move |after| {
            let size = this.limits.export_chunk.clamp(1, ITEM_EXPORT_CHUNK);
            let chunk = this.store.inspections_chunk(&filter, after.as_ref(), size)?;
            let rows = chunk
                .items
                .into_iter()
                .map(|row| {
                    let report = this
                        .docs
                        .latest_score(&row.doc)?
                        .and_then(|s| s.report)
                        .and_then(|r| serde_json::from_value(r).ok());
                    Ok((row, report))
                })
                .collect::<R<Vec<_>>>()?;
            Ok((rows, chunk.next))
        });
        Ok((self.item_columns(&template), chunks))
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct RegistryRow {
    #[schema(value_type = Object)]
    pub centre: Centre,
    pub latest: Option<LatestScore>,
    /// The plan norms of the communities the centre serves (三(二)).
    pub norms: Vec<CommunityNorms>,
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
    /// The plan norms of the communities the centre serves (三(二)).
    pub norms: Vec<CommunityNorms>,
    /// Newest first.
    pub inspections: Vec<InspectionRow>,
    /// Per quarter, oldest first: the newest signed inspection's score.
    pub trend: Vec<TrendPoint>,
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
