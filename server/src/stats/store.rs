//! What the registry, the statistics and the exports read, and the
//! quarters regions have reported.

use crate::accounts::store::Scope;
use crate::inspections::store::{InspectionFilter, InspectionRow};
use crate::storage::{Chunk, Cursor, Page, PageReq, StoreResult};
use serde::{Deserialize, Serialize};
use xuncha_core::document::WorkflowStatus;
use xuncha_core::scoring::Grade;
use xuncha_core::{Centre, CentreType, DocumentId, Region};

pub trait StatsStore: Send + Sync {
    /// A page of centres with their latest signed inspection.
    fn registry(&self, filter: &CentreFilter, page: PageReq) -> StoreResult<Page<RegistryEntry>>;
    /// Every centre matching the filter, at most `limit` (statistics).
    fn registry_all(&self, filter: &CentreFilter, limit: u32) -> StoreResult<Vec<RegistryEntry>> {
        Ok(self.registry_chunk(filter, None, limit)?.items)
    }
    /// At most `limit` centres matching the filter, in code order, from
    /// just after `after` (exports read a region this way, a chunk at a time).
    fn registry_chunk(
        &self,
        filter: &CentreFilter,
        after: Option<&Cursor>,
        limit: u32,
    ) -> StoreResult<Chunk<RegistryEntry>>;
    /// Attachments 4 and 5 and the pilot counts of a period in the scope,
    /// grouped per city and centre type by the database, at most
    /// [`MAX_GROUPS`] + 1 groups.
    fn attachment_groups(&self, scope: &Scope, period: &StatPeriod) -> StoreResult<Vec<CityTypeGroup>>;
    /// The centres built as the period ended with no figures for it,
    /// neither their own nor an inspector's (未报), by county and code.
    fn unreported(&self, scope: &Scope, period: &StatPeriod, limit: u32) -> StoreResult<Vec<Centre>>;
    /// The newest official inspection of each centre per quarter, scored
    /// ones, grouped per quarter, county and grade by the database, at most
    /// [`MAX_GROUPS`] + 1 groups.
    fn chart_groups(&self, scope: &Scope) -> StoreResult<Vec<ChartGroup>>;
    /// Every inspection matching the filter, at most `limit`.
    fn inspections_all(&self, filter: &InspectionFilter, limit: u32) -> StoreResult<Vec<InspectionRow>> {
        Ok(self.inspections_chunk(filter, None, limit)?.items)
    }
    /// At most `limit` inspections matching the filter, in its order, from
    /// just after `after` (exports stream a region this way).
    fn inspections_chunk(
        &self,
        filter: &InspectionFilter,
        after: Option<&Cursor>,
        limit: u32,
    ) -> StoreResult<Chunk<InspectionRow>>;
    /// Provinces, cities, counties and townships of the registered centres in the scope.
    fn region_names(&self, scope: &Scope) -> StoreResult<Vec<Region>>;
    fn populations(&self, scope: &Scope) -> StoreResult<Vec<CityPopulation>>;
    fn set_populations(&self, rows: &[CityPopulation], now: i64) -> StoreResult<usize>;
    /// Records that a region reported a quarter; false when it had already.
    fn mark_reported(&self, row: &ReportedQuarter) -> StoreResult<bool>;
    /// Reports of regions inside `scope` or containing it.
    fn reported_quarters(&self, scope: &Scope) -> StoreResult<Vec<ReportedQuarter>>;
}

#[derive(Debug, Clone, Default)]
pub struct CentreFilter {
    pub scope: Scope,
    pub centre_type: Option<CentreType>,
    pub query: Option<String>,
    pub status: Option<xuncha_core::CentreStatus>,
}

/// A centre's latest signed (submitted or approved) inspection.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct LatestScore {
    #[schema(value_type = String)]
    #[ts(as = "String")]
    pub doc: DocumentId,
    pub quarter: String,
    pub total: f64,
    #[schema(value_type = String, pattern = "^(excellent|good|pass|fail)$")]
    pub grade: Grade,
    #[schema(value_type = String, pattern = "^(draft|submitted|returned|approved)$")]
    pub status: WorkflowStatus,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RegistryEntry {
    pub centre: Centre,
    pub latest: Option<LatestScore>,
}

/// Groups a statistic may have at most: more means a region too wide to
/// read as one table.
pub const MAX_GROUPS: u32 = 100_000;

/// A statistics period (统计期): the quarter whose figures Attachment 5
/// sums, the quarter whose inspections observe it (they ask for the last
/// complete quarter), and the instants (ms) the registry's statuses are
/// read at: the period's end, and the end of the 2018 pilot year.
#[derive(Debug, Clone, PartialEq)]
pub struct StatPeriod {
    pub quarter: String,
    pub observed_in: String,
    pub end: i64,
    pub baseline_end: i64,
}

/// The centres of one city and type in a period, as the database counts
/// and sums them (see `StatsStore::attachment_groups`).
#[derive(Debug, Clone, PartialEq)]
pub struct CityTypeGroup {
    pub city: String,
    pub centre_type: CentreType,
    /// As the period ended.
    pub built: u32,
    pub under_construction: u32,
    pub planned: u32,
    /// Built by the end of the pilot year, as the registry's dated statuses know it.
    pub built_baseline: u32,
    /// Built centres with figures for the period, and of those the ones
    /// whose figures are their own.
    pub reporting: u32,
    pub self_reported: u32,
    pub turnover_10k_yuan: f64,
    pub service_visits: f64,
    pub staff: f64,
    pub tenants: f64,
}

/// The newest scored official inspection of each centre of a county in a
/// quarter with one grade: how many, and their totals summed.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartGroup {
    pub quarter: String,
    pub county: String,
    pub grade: Option<Grade>,
    pub count: u32,
    pub total_sum: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct CityPopulation {
    pub province: String,
    pub city: String,
    /// Resident population (persons).
    pub population: u64,
}

/// A quarter a region has reported (上报): devices change nothing in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ReportedQuarter {
    pub quarter: String,
    pub scope: Scope,
    pub reported_by: String,
    pub reported_at: i64,
}
