//! The report chain's service (填报 → 审核 → 上报): a county submits its
//! quarter's tables, its city approves or returns them, the city submits
//! the consolidation of its approved counties, its province approves or
//! returns that, and the province sends the consolidation of its approved
//! cities to the ministry. A submitted version is frozen; a correction
//! (更正) is the next version, with its reason.

use super::deadlines::{ReportDeadlines, Timeliness, first_submissions, timeliness};
use super::snapshot::{ReportPart, ReportSnapshot, UnreportedCentre, consolidate};
use super::store::{
    NewReport, ReportHeader, ReportLevel, ReportReview, ReportStatus, ReportStore, ReportSummary, ReportVersion,
    parent_of,
};
use crate::accounts::store::{Role, Scope, User};
use crate::dates;
use crate::quarter::{is_quarter, offset, quarter_end};
use crate::stats::{Stats, StatsError};
use crate::storage::{StoreError, now_ms};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Versions one board reads at most (a province's counties and cities over
/// four quarters are a few thousand).
const MAX_VERSIONS: u32 = 20_000;
/// A county's list of centres without figures, at most.
const MAX_UNREPORTED: u32 = 5_000;
/// Quarters the timeliness rate covers, ending at the board's quarter.
const TIMELINESS_QUARTERS: i64 = 4;

pub struct Reports {
    store: Arc<dyn ReportStore>,
    stats: Arc<Stats>,
    deadlines: ReportDeadlines,
}

impl std::fmt::Debug for Reports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reports").field("deadlines", &self.deadlines).finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("this is outside your role or region")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("`{0}` is not a quarter like 2026Q4")]
    BadQuarter(String),
    #[error("{0} has not ended: its report is filled in the first days of the next quarter")]
    QuarterOpen(String),
    #[error("{0}")]
    Invalid(String),
    #[error("version {0} was accepted: a correction (更正) needs its reason")]
    ReasonRequired(u32),
    #[error("version {0} awaits review by the level above")]
    AwaitingReview(u32),
    #[error("not yet approved: {0}")]
    PartsPending(String),
    #[error("no region below this one has registered centres")]
    NoParts,
    #[error("only the newest version awaiting review can be reviewed")]
    NotAwaitingReview,
    #[error("another version was submitted meanwhile; reload and check it")]
    Raced,
    #[error(transparent)]
    Stats(#[from] StatsError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

type R<T> = Result<T, ReportError>;

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> R<T> + Send + 'static) -> R<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| ReportError::Internal(e.to_string()))?
}

fn overseer(user: &User) -> R<()> {
    match user.has_role(&[Role::Supervisor, Role::Administrator]) {
        true => Ok(()),
        false => Err(ReportError::Forbidden),
    }
}

fn checked_quarter(q: &str) -> R<()> {
    if is_quarter(q) { Ok(()) } else { Err(ReportError::BadQuarter(q.chars().take(32).collect())) }
}

/// The region's own name: 长安区, 石家庄市, 河北省.
pub fn region_name(s: &Scope) -> &str {
    [&s.county, &s.city, &s.province].into_iter().find(|n| !n.is_empty()).map_or("全国", String::as_str)
}

fn text(field: &str, value: &str, max: usize, required: bool) -> R<String> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(ReportError::Invalid(format!("{field} is required")));
    }
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(ReportError::Invalid(format!("{field}: at most {max} characters, no control characters")));
    }
    Ok(value.to_owned())
}

fn checked_header(h: &ReportHeader) -> R<ReportHeader> {
    let phone = text("phone (联系电话)", &h.phone, 32, true)?;
    if !phone.chars().all(|c| c.is_ascii_digit() || " -+()".contains(c)) || phone.len() < 5 {
        return Err(ReportError::Invalid("phone (联系电话): digits, spaces, + - ( ) only".into()));
    }
    Ok(ReportHeader {
        unit: text("unit (填报单位)", &h.unit, 64, true)?,
        preparer: text("preparer (填报人)", &h.preparer, 32, true)?,
        checker: text("checker (审核人)", &h.checker, 32, true)?,
        phone,
    })
}

/// A region's report of a quarter, as the level that fills it asks for it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct SubmitReport {
    /// e.g. 2026Q4 (a quarter that has ended)
    pub quarter: String,
    pub header: ReportHeader,
    /// Required for a correction (更正说明) of an accepted version; a note
    /// on a resubmission after a return.
    #[serde(default)]
    #[ts(optional, as = "Option<String>")]
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Return,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ReviewReport {
    pub decision: Decision,
    /// Required when returning (退回意见).
    #[serde(default)]
    #[ts(optional, as = "Option<String>")]
    pub comment: String,
}

/// Why a region cannot submit now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SubmitBlock {
    /// The quarter has not ended.
    QuarterOpen,
    /// The newest version waits for the level above.
    AwaitingReview,
    /// A region below has no approved report yet.
    PartsPending,
    /// No region below has registered centres.
    NoParts,
    /// The whole country's view: the ministry does not submit in Xuncha.
    NotReporting,
}

/// A region one level down and where its report stands.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct PartStatus {
    pub region: Scope,
    pub level: ReportLevel,
    pub latest: Option<ReportSummary>,
    /// Its newest approved version: what a consolidation takes.
    pub accepted: Option<u32>,
    /// The version of it the region's own newest report consolidated.
    pub consolidated: Option<u32>,
    pub deadline: String,
    /// Past its deadline with nothing submitted.
    pub overdue: bool,
}

/// A region's report of a quarter, and the reports below it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ReportBoard {
    pub quarter: String,
    pub region: Scope,
    /// None for the whole country (it reads; it does not submit).
    pub level: Option<ReportLevel>,
    pub deadline: Option<String>,
    pub overdue: bool,
    /// Every version of the region's own report, oldest first.
    pub versions: Vec<ReportSummary>,
    /// None: the region can submit (its first version, a resubmission or a correction).
    pub blocked: Option<SubmitBlock>,
    pub parts: Vec<PartStatus>,
    /// A region below was corrected after the region's newest version
    /// consolidated it: that version needs a correction of its own.
    pub stale: bool,
    /// 报送及时率 of the region and of each region below, over the four
    /// quarters ending with this one.
    pub timeliness: Vec<Timeliness>,
}

/// What submitting now would freeze, and the regions below it still waits for.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ReportDraft {
    pub snapshot: ReportSnapshot,
    pub pending: Vec<Scope>,
}

/// Everything a board and a submission read of one region and quarter.
struct Chain {
    level: Option<ReportLevel>,
    below: Vec<Scope>,
    populations: Vec<crate::stats::store::CityPopulation>,
    /// The region's and its regions' versions over the timeliness window.
    versions: Vec<ReportSummary>,
}

impl Chain {
    fn of(&self, region: &Scope, quarter: &str) -> Vec<&ReportSummary> {
        self.versions.iter().filter(|v| &v.region == region && v.quarter == quarter).collect()
    }

    fn latest(&self, region: &Scope, quarter: &str) -> Option<&ReportSummary> {
        self.of(region, quarter).into_iter().max_by_key(|v| v.version)
    }

    fn accepted(&self, region: &Scope, quarter: &str) -> Option<&ReportSummary> {
        self.of(region, quarter).into_iter().filter(|v| v.status.accepted()).max_by_key(|v| v.version)
    }
}

impl Reports {
    pub fn new(store: Arc<dyn ReportStore>, stats: Arc<Stats>, deadlines: ReportDeadlines) -> Self {
        Self { store, stats, deadlines }
    }

    async fn chain(self: &Arc<Self>, scope: &Scope, quarter: &str) -> R<Chain> {
        let (below, populations) = self.stats.regions_below(scope.clone()).await?;
        let from = offset(quarter, 1 - TIMELINESS_QUARTERS).unwrap_or_default();
        let (this, s, q) = (self.clone(), scope.clone(), quarter.to_owned());
        let versions = blocking(move || {
            let v = this.store.report_summaries(&s, &from, &q, MAX_VERSIONS + 1)?;
            if v.len() > MAX_VERSIONS as usize {
                return Err(ReportError::Stats(StatsError::TooMany(MAX_VERSIONS)));
            }
            Ok(v)
        })
        .await?;
        Ok(Chain { level: ReportLevel::of(scope), below, populations, versions })
    }

    async fn version_of(self: &Arc<Self>, id: i64) -> R<Option<ReportVersion>> {
        let this = self.clone();
        blocking(move || Ok(this.store.report(id)?)).await
    }

    fn blocked(&self, chain: &Chain, scope: &Scope, quarter: &str, now: i64) -> Option<SubmitBlock> {
        let level = chain.level?;
        if quarter_end(quarter).is_none_or(|end| end >= now) {
            return Some(SubmitBlock::QuarterOpen);
        }
        if chain.latest(scope, quarter).is_some_and(|v| v.status == ReportStatus::Submitted) {
            return Some(SubmitBlock::AwaitingReview);
        }
        if level == ReportLevel::County {
            return None;
        }
        if chain.below.is_empty() {
            return Some(SubmitBlock::NoParts);
        }
        chain.below.iter().any(|r| chain.accepted(r, quarter).is_none()).then_some(SubmitBlock::PartsPending)
    }

    /// The user's region's report of `quarter` and the reports below it.
    pub async fn board(self: &Arc<Self>, user: &User, quarter: String) -> R<ReportBoard> {
        overseer(user)?;
        checked_quarter(&quarter)?;
        let scope = user.scope.clone();
        let chain = self.chain(&scope, &quarter).await?;
        let (now, today) = (now_ms(), dates::today());
        let deadline = chain.level.and_then(|l| self.deadlines.deadline(&quarter, l));
        let versions: Vec<ReportSummary> = chain.of(&scope, &quarter).into_iter().cloned().collect();
        let consolidated = match chain.latest(&scope, &quarter) {
            Some(v) if chain.level != Some(ReportLevel::County) => {
                self.version_of(v.id).await?.map(|v| v.snapshot.parts).unwrap_or_default()
            }
            _ => Vec::new(),
        };
        let part_level = match chain.level {
            None => ReportLevel::Province,
            Some(ReportLevel::Province) => ReportLevel::City,
            Some(_) => ReportLevel::County,
        };
        let parts: Vec<PartStatus> = chain
            .below
            .iter()
            .map(|r| {
                let latest = chain.latest(r, &quarter).cloned();
                let deadline = self.deadlines.deadline(&quarter, part_level).unwrap_or_default();
                PartStatus {
                    region: r.clone(),
                    level: part_level,
                    overdue: latest.is_none() && today > deadline,
                    accepted: chain.accepted(r, &quarter).map(|v| v.version),
                    consolidated: consolidated.iter().find(|p| &p.region == r).map(|p| p.version),
                    latest,
                    deadline,
                }
            })
            .collect();
        let stale = !versions.is_empty()
            && chain.level != Some(ReportLevel::County)
            && parts.iter().any(|p| p.accepted.is_some() && p.accepted != p.consolidated);
        let window: Vec<String> = (1 - TIMELINESS_QUARTERS..=0).filter_map(|d| offset(&quarter, d)).collect();
        let first = first_submissions(&chain.versions);
        let mut rates = Vec::new();
        if let Some(level) = chain.level {
            rates.push(timeliness(&scope, level, &window, &first, &self.deadlines, &today));
        }
        rates.extend(parts.iter().map(|p| timeliness(&p.region, part_level, &window, &first, &self.deadlines, &today)));
        Ok(ReportBoard {
            overdue: versions.is_empty() && deadline.as_deref().is_some_and(|d| today.as_str() > d),
            blocked: self
                .blocked(&chain, &scope, &quarter, now)
                .or(chain.level.is_none().then_some(SubmitBlock::NotReporting)),
            level: chain.level,
            quarter,
            region: scope,
            deadline,
            versions,
            parts,
            stale,
            timeliness: rates,
        })
    }

    /// What the region's report would say if submitted now.
    pub async fn draft(self: &Arc<Self>, user: &User, quarter: String) -> R<ReportDraft> {
        overseer(user)?;
        checked_quarter(&quarter)?;
        let scope = user.scope.clone();
        let chain = self.chain(&scope, &quarter).await?;
        self.snapshot(&chain, &scope, &quarter).await
    }

    async fn snapshot(self: &Arc<Self>, chain: &Chain, scope: &Scope, quarter: &str) -> R<ReportDraft> {
        let Some(level) = chain.level else { return Err(ReportError::Forbidden) };
        if level == ReportLevel::County {
            let stats = self.stats.quarterly_in(scope.clone(), quarter.to_owned()).await?;
            let missing = self.stats.unreported_in(scope.clone(), quarter.to_owned(), MAX_UNREPORTED).await?;
            let unreported = missing.into_iter().map(|c| UnreportedCentre { code: c.code, name: c.name }).collect();
            return Ok(ReportDraft {
                snapshot: ReportSnapshot::of_county(scope.clone(), stats, unreported),
                pending: vec![],
            });
        }
        let mut pending = Vec::new();
        let mut parts = Vec::new();
        for region in &chain.below {
            match chain.accepted(region, quarter) {
                Some(v) => {
                    let version = self.version_of(v.id).await?.ok_or(ReportError::NotFound("report version"))?;
                    parts.push((ReportPart { region: region.clone(), id: v.id, version: v.version }, version.snapshot));
                }
                None => pending.push(region.clone()),
            }
        }
        let refs: Vec<_> = parts.iter().map(|(p, s)| (p.clone(), s)).collect();
        let snapshot = consolidate(quarter, scope.clone(), level, &refs, &chain.populations, now_ms());
        Ok(ReportDraft { snapshot, pending })
    }

    /// Submits the user's region's report of a quarter: its first version,
    /// a resubmission after a return, or a correction with its reason. A
    /// province's goes to the ministry (报送商务部) and needs no review.
    pub async fn submit(self: &Arc<Self>, user: &User, req: SubmitReport) -> R<ReportVersion> {
        overseer(user)?;
        checked_quarter(&req.quarter)?;
        let scope = user.scope.clone();
        let header = checked_header(&req.header)?;
        let reason = text("reason (更正说明)", &req.reason, 500, false)?;
        let chain = self.chain(&scope, &req.quarter).await?;
        let Some(level) = chain.level else { return Err(ReportError::Forbidden) };
        let latest = chain.latest(&scope, &req.quarter).cloned();
        match self.blocked(&chain, &scope, &req.quarter, now_ms()) {
            None => {}
            Some(SubmitBlock::QuarterOpen) => return Err(ReportError::QuarterOpen(req.quarter)),
            Some(SubmitBlock::AwaitingReview) => {
                return Err(ReportError::AwaitingReview(latest.map_or(0, |v| v.version)));
            }
            Some(SubmitBlock::NoParts) => return Err(ReportError::NoParts),
            Some(SubmitBlock::NotReporting) => return Err(ReportError::Forbidden),
            Some(SubmitBlock::PartsPending) => {
                let names: Vec<&str> =
                    chain.below.iter().filter(|r| chain.accepted(r, &req.quarter).is_none()).map(region_name).collect();
                return Err(ReportError::PartsPending(names.join("、")));
            }
        }
        if let Some(v) = latest.as_ref().filter(|v| v.status.accepted() && reason.is_empty()) {
            return Err(ReportError::ReasonRequired(v.version));
        }
        let draft = self.snapshot(&chain, &scope, &req.quarter).await?;
        let status = if level == ReportLevel::Province { ReportStatus::Reported } else { ReportStatus::Submitted };
        let new = NewReport {
            quarter: req.quarter,
            region: scope,
            status,
            reason,
            header,
            snapshot: draft.snapshot,
            submitted_by: user.username.clone(),
        };
        let expected = latest.map(|v| v.version);
        let this = self.clone();
        let stored =
            blocking(move || this.store.add_report(&new, expected, now_ms())?.ok_or(ReportError::Raced)).await?;
        let s = &stored.summary;
        tracing::info!(quarter = %s.quarter, region = %region_name(&s.region), version = s.version,
            status = s.status.as_str(), user = %user.username, "report submitted");
        Ok(stored)
    }

    /// One version, to a supervisor or administrator whose region covers it.
    pub async fn version(self: &Arc<Self>, user: &User, id: i64) -> R<ReportVersion> {
        overseer(user)?;
        let v = self.version_of(id).await?.ok_or(ReportError::NotFound("report"))?;
        // Another region's report does not exist for the caller.
        if !user.scope.contains(&v.summary.region) {
            return Err(ReportError::NotFound("report"));
        }
        Ok(v)
    }

    /// Approves or returns a version awaiting review: the region one level
    /// up does, no one else.
    pub async fn review(self: &Arc<Self>, user: &User, id: i64, req: ReviewReport) -> R<ReportVersion> {
        let v = self.version(user, id).await?;
        if parent_of(&v.summary.region).as_ref() != Some(&user.scope) {
            return Err(ReportError::Forbidden);
        }
        let comment = text("comment (审核意见)", &req.comment, 500, req.decision == Decision::Return)?;
        let status = match req.decision {
            Decision::Approve => ReportStatus::Approved,
            Decision::Return => ReportStatus::Returned,
        };
        let review = ReportReview { status, by: user.username.clone(), comment };
        let this = self.clone();
        if !blocking(move || Ok(this.store.review_report(id, &review, now_ms())?)).await? {
            return Err(ReportError::NotAwaitingReview);
        }
        tracing::info!(quarter = %v.summary.quarter, region = %region_name(&v.summary.region),
            version = v.summary.version, status = status.as_str(), user = %user.username, "report reviewed");
        self.version_of(id).await?.ok_or(ReportError::NotFound("report"))
    }
}
