//! What the operators feature stores: each centre's own figures per
//! statistics period (统计期), every version kept.

use crate::accounts::store::Scope;
use crate::storage::StoreResult;
use serde::{Deserialize, Serialize};

pub trait FigureStore: Send + Sync {
    /// Stores the next version of a centre's figures for a period (1 for the first).
    fn add_figures(&self, f: &NewFigures, now: i64) -> StoreResult<CentreFigures>;
    /// What a centre reported, newest period first and newest version first
    /// within a period; at most `limit` rows.
    fn figures_of(&self, centre_code: &str, limit: u32) -> StoreResult<Vec<CentreFigures>>;
    /// The built centres of the scope (at most `limit`), each with the newest
    /// version of its figures for the period if it reported; ordered by
    /// county and code.
    fn period_coverage(&self, scope: &Scope, period: &str, limit: u32) -> StoreResult<Vec<CoverageRow>>;
}

/// The operating figures of Attachment 5 (附件5) for one period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct FigureValues {
    /// 营业额, in 万元 (ten thousand yuan).
    pub turnover_wan: f64,
    /// 服务人次: customers served.
    pub visits: i64,
    /// 员工数量: staff.
    pub staff: i64,
    /// 入驻商户数: merchants trading in the centre.
    pub merchants: i64,
}

/// One version of a centre's figures for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct CentreFigures {
    pub centre_code: String,
    /// 统计期: the complete quarter the figures are for (`2026Q3`).
    pub period: String,
    /// 1 for the first report of the period; a revision is the next.
    pub version: u32,
    #[serde(flatten)]
    pub values: FigureValues,
    /// SHA-256 of a photo of the ledger (台账) the figures come from.
    pub ledger_photo: Option<String>,
    pub note: String,
    /// The plausibility warnings the reporter saw and confirmed.
    pub warnings: Vec<FigureWarning>,
    pub reported_by: String,
    pub reported_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewFigures {
    pub centre_code: String,
    pub period: String,
    pub values: FigureValues,
    pub ledger_photo: Option<String>,
    pub note: String,
    pub warnings: Vec<FigureWarning>,
    pub reported_by: String,
}

/// A built centre of the region and what it reported for the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct CoverageRow {
    pub centre_code: String,
    pub centre_name: String,
    pub county: String,
    pub township: String,
    /// An active operator account reports for the centre; without one the
    /// county enters its figures (代填).
    pub has_operator: bool,
    /// None: the centre has not reported for the period.
    pub figures: Option<CentreFigures>,
}

/// One of the four figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    Turnover,
    Visits,
    Staff,
    Merchants,
}

/// Why a figure looks wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum FigureWarning {
    /// The figure changed by more than half against the previous period.
    ChangeOverHalf { figure: Figure, previous_period: String, previous: f64, current: f64 },
    /// Turnover without any staff.
    TurnoverWithoutStaff,
    /// Turnover without anyone served.
    TurnoverWithoutVisits,
    /// People served but no turnover.
    VisitsWithoutTurnover,
}

impl FigureWarning {
    /// The warning's code, as the API writes it.
    pub fn code(&self) -> &'static str {
        match self {
            Self::ChangeOverHalf { .. } => "change_over_half",
            Self::TurnoverWithoutStaff => "turnover_without_staff",
            Self::TurnoverWithoutVisits => "turnover_without_visits",
            Self::VisitsWithoutTurnover => "visits_without_turnover",
        }
    }
}
