//! What the report chain stores: each region's report of a quarter as
//! numbered versions, each with its frozen snapshot.

pub use super::level::{ReportLevel, parent_of};
use super::snapshot::ReportSnapshot;
use crate::accounts::store::Scope;
use crate::storage::StoreResult;
use serde::{Deserialize, Serialize};

pub trait ReportStore: Send + Sync {
    /// Adds the next version of a region's report of a quarter when its
    /// newest version is still `expected` (None: it has none); None when
    /// another submission came first.
    fn add_report(&self, r: &NewReport, expected: Option<u32>, now: i64) -> StoreResult<Option<ReportVersion>>;
    /// Records the review of a version that is still its report's newest
    /// and still submitted; false otherwise (reviewed, or superseded).
    fn review_report(&self, id: i64, review: &ReportReview, now: i64) -> StoreResult<bool>;
    fn report(&self, id: i64) -> StoreResult<Option<ReportVersion>>;
    /// Versions (without snapshots) of the reports of `scope` and of the
    /// regions inside it, for quarters `from..=to`, oldest first, at most `limit`.
    fn report_summaries(&self, scope: &Scope, from: &str, to: &str, limit: u32) -> StoreResult<Vec<ReportSummary>>;
}

/// 已报送待审核, 审核通过, 退回修改, and for a province 已报送商务部.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Submitted,
    Approved,
    Returned,
    Reported,
}

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Approved => "approved",
            Self::Returned => "returned",
            Self::Reported => "reported",
        }
    }

    /// Accepted by the level above (or sent to the ministry): what a
    /// consolidation takes, and what a correction replaces.
    pub fn accepted(self) -> bool {
        matches!(self, Self::Approved | Self::Reported)
    }
}

impl std::str::FromStr for ReportStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Self::Submitted, Self::Approved, Self::Returned, Self::Reported]
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| format!("unknown report status `{s}`"))
    }
}

/// The heading and signatures of the official tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ReportHeader {
    /// 填报单位, e.g. 石家庄市长安区商务局
    pub unit: String,
    /// 填报人
    pub preparer: String,
    /// 审核人: who checked the tables in the reporting office.
    pub checker: String,
    /// 联系电话
    pub phone: String,
}

/// One version as lists show it: who submitted it, when, and its review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ReportSummary {
    pub id: i64,
    pub quarter: String,
    pub region: Scope,
    pub level: ReportLevel,
    pub version: u32,
    pub status: ReportStatus,
    /// 更正说明 of a correction, or a note on a resubmission; empty for the first.
    pub reason: String,
    pub submitted_by: String,
    /// The submitter's name as the account gives it (read with the version).
    #[serde(default)]
    pub submitted_by_name: String,
    pub submitted_at: i64,
    pub reviewed_by: Option<String>,
    #[serde(default)]
    pub reviewed_by_name: Option<String>,
    pub reviewed_at: Option<i64>,
    /// Why it was returned (退回意见), or the reviewer's note.
    pub review_comment: String,
}

/// One version whole: its heading and frozen tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ReportVersion {
    #[serde(flatten)]
    pub summary: ReportSummary,
    pub header: ReportHeader,
    pub snapshot: ReportSnapshot,
}

#[derive(Debug, Clone)]
pub struct NewReport {
    pub quarter: String,
    pub region: Scope,
    pub status: ReportStatus,
    pub reason: String,
    pub header: ReportHeader,
    pub snapshot: ReportSnapshot,
    pub submitted_by: String,
}

#[derive(Debug, Clone)]
pub struct ReportReview {
    /// Approved or Returned.
    pub status: ReportStatus,
    pub by: String,
    pub comment: String,
}
