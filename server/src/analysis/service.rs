//! The analysis service: where a region loses points (失分率 per item,
//! per county and centre type), what vetoes, how its counties rank, how
//! fast problems close (整改销号率), how timely its reports are, and the
//! trend per quarter. It reads the other features' services and computes
//! nothing they own.

use super::store::AnalysisStore;
use super::tables::{CountyClosure, CountyRank, CountyWeakness, ItemLoss, by_county, closure, items, ranking, vetoes};
use crate::accounts::store::{Role, Scope, User};
use crate::catalog::templates::Templates;
use crate::problems::{ProblemError, Problems};
use crate::quarter::{is_quarter, offset, quarter_of};
use crate::reporting::deadlines::Timeliness;
use crate::reporting::{ReportError, Reports};
use crate::stats::tables::QuarterAverage;
use crate::stats::{Stats, StatsError};
use crate::storage::{StoreError, now_ms};
use serde::Serialize;
use std::sync::Arc;
use xuncha_core::template::TemplateRef;

/// Item rows (county × centre type × item) one analysis reads, at most.
const MAX_ROWS: u32 = 100_000;

pub struct Analyses {
    store: Arc<dyn AnalysisStore>,
    stats: Arc<Stats>,
    problems: Arc<Problems>,
    reports: Arc<Reports>,
    templates: Arc<Templates>,
}

impl std::fmt::Debug for Analyses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyses").finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error("this is outside your role or region")]
    Forbidden,
    #[error("`{0}` is not a quarter like 2026Q4")]
    BadQuarter(String),
    #[error("over {0} item rows: choose a smaller region (a city)")]
    TooMany(u32),
    #[error(transparent)]
    Stats(#[from] StatsError),
    #[error(transparent)]
    Problems(#[from] ProblemError),
    #[error(transparent)]
    Reports(#[from] ReportError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

type R<T> = Result<T, AnalysisError>;

/// A region's weaknesses in one quarter.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct Analysis {
    pub quarter: String,
    pub region: Scope,
    /// Per centre type, the items with the highest 失分率, worst first.
    pub items: Vec<ItemLoss>,
    pub by_county: Vec<CountyWeakness>,
    /// Items that vetoed inspections, most often first.
    pub vetoes: Vec<ItemLoss>,
    /// Counties by average score of the quarter's official inspections.
    pub ranking: Vec<CountyRank>,
    /// 整改销号率 per county (all problems to date).
    pub closure: Vec<CountyClosure>,
    /// 报送及时率 of the region and the regions below, the four quarters to the one before.
    pub timeliness: Vec<Timeliness>,
    /// Average score per quarter, oldest first.
    pub trend: Vec<QuarterAverage>,
}

impl Analyses {
    pub fn new(
        store: Arc<dyn AnalysisStore>,
        stats: Arc<Stats>,
        problems: Arc<Problems>,
        reports: Arc<Reports>,
        templates: Arc<Templates>,
    ) -> Self {
        Self { store, stats, problems, reports, templates }
    }

    /// The analysis of `quarter` (this one by default) in the user's region
    /// (a national administrator names the province).
    pub async fn analysis(
        self: &Arc<Self>,
        user: &User,
        quarter: Option<String>,
        province: Option<String>,
    ) -> R<Analysis> {
        if !user.has_role(&[Role::Supervisor, Role::Administrator]) {
            return Err(AnalysisError::Forbidden);
        }
        let quarter = quarter.filter(|q| !q.is_empty()).unwrap_or_else(|| quarter_of(now_ms()));
        if !is_quarter(&quarter) {
            return Err(AnalysisError::BadQuarter(quarter.chars().take(32).collect()));
        }
        // The charts check the province and the region as the statistics do.
        let charts = self.stats.charts(user, Some(quarter.clone()), province.clone()).await?;
        let mut scope = user.scope.clone();
        if let Some(p) = province.filter(|p| !p.is_empty() && scope.province.is_empty()) {
            scope.province = p.chars().take(64).collect();
        }
        let (this, s, q) = (self.clone(), scope.clone(), quarter.clone());
        let rows = tokio::task::spawn_blocking(move || this.store.item_losses(&s, &q, MAX_ROWS + 1))
            .await
            .map_err(|e| AnalysisError::Internal(e.to_string()))??;
        if rows.len() > MAX_ROWS as usize {
            return Err(AnalysisError::TooMany(MAX_ROWS));
        }
        let templates = self.templates.clone();
        let title = move |r: &super::store::ItemLossRow| {
            let t = templates.get(&TemplateRef { id: r.template_id.clone(), version: r.template_version });
            t.and_then(|t| t.template.item(&r.item).map(|i| (i.title.zh.clone(), i.title.en.clone())))
                .unwrap_or_else(|| (r.item.clone(), r.item.clone()))
        };
        let ledger = self.problems.ledger(user).await?;
        let reported = offset(&quarter, -1).unwrap_or_default();
        let timeliness = self.reports.board(user, reported).await?.timeliness;
        Ok(Analysis {
            items: items(&rows, &title),
            by_county: by_county(&rows, &title),
            vetoes: vetoes(&rows, &title),
            ranking: ranking(&charts.by_county),
            closure: closure(&ledger),
            timeliness,
            trend: charts.by_quarter,
            quarter,
            region: scope,
        })
    }
}
