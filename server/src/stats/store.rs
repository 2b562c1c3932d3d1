//! What the registry, the statistics and the exports read, and the
//! quarters regions have reported.

use crate::accounts::store::Scope;
use crate::inspections::store::{InspectionFilter, InspectionRow};
use crate::storage::{Chunk, Cursor, Page, PageReq, StoreResult};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use xuncha_core::document::WorkflowStatus;
use xuncha_core::scoring::Grade;
use xuncha_core::template::StatFigure;
use xuncha_core::{Centre, CentreStatus, CentreType, DocumentId, Region};

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
    /// The registered centres of the scope, at most `limit`, without their
    /// results (the statistics count them).
    fn centres_in(&self, scope: &Scope, limit: u32) -> StoreResult<Vec<Centre>>;
    /// Inspections in the scope (one quarter, or all), at most `limit`.
    fn stat_docs(&self, scope: &Scope, quarter: Option<&str>, limit: u32) -> StoreResult<Vec<StatDoc>>;
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
    /// Each centre's construction status at `at` (ms): the newest recorded
    /// at or before it, else (when `or_first`) the first recorded, as the
    /// registry knows nothing older; without `or_first` a centre with no
    /// record by then is left out (the pilot's 2018 baseline).
    fn statuses_at(
        &self,
        scope: &Scope,
        at: i64,
        or_first: bool,
    ) -> StoreResult<std::collections::HashMap<String, CentreStatus>>;
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

/// One inspection as the statistics see it.
#[derive(Debug, Clone, PartialEq)]
pub struct StatDoc {
    pub centre_code: String,
    pub city: String,
    pub county: String,
    pub quarter: String,
    pub status: WorkflowStatus,
    pub total: Option<f64>,
    pub grade: Option<Grade>,
    /// Attachment 5 figures of the latest report.
    pub figures: BTreeMap<StatFigure, f64>,
    pub updated_at: i64,
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
