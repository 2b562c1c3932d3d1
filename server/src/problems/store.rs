//! What rectification stores: problems, the notices that issue them and the
//! append-only record of what happened to each.

use crate::accounts::store::Scope;
use crate::storage::{Page, PageReq, StoreResult};
use serde::{Deserialize, Serialize};
use xuncha_core::document::Purpose;
use xuncha_core::problems::Severity;
use xuncha_core::{DocumentId, Region};

pub trait ProblemStore: Send + Sync {
    /// Records an approved inspection's findings; a finding whose key the
    /// inspection already recorded is left as it is. Returns how many were new.
    fn record_problems(&self, source: &ProblemSource, found: &[NewProblem], now: i64) -> StoreResult<usize>;
    fn problem(&self, id: i64) -> StoreResult<Option<Problem>>;
    /// A page of the problems the filter selects, newest first.
    fn problems(&self, filter: &ProblemFilter, page: PageReq) -> StoreResult<Page<Problem>>;
    fn problem_events(&self, id: i64) -> StoreResult<Vec<ProblemEvent>>;
    /// Applies `change` when the problem is in a state the change allows,
    /// and appends the event, in one transaction. False: it was not (nothing written).
    fn change_problem(&self, id: i64, change: &ProblemChange, event: &ProblemEvent) -> StoreResult<bool>;
    /// Issues draft problems in a new notice, numbered in its region and
    /// year. None when one of them is no longer a draft (nothing written).
    fn issue_notice(&self, notice: &NewNotice, problems: &[i64], event: &ProblemEvent) -> StoreResult<Option<Notice>>;
    fn notice(&self, id: i64) -> StoreResult<Option<Notice>>;
    /// Codes of the centres in `scope` with a problem not closed.
    fn centres_with_open_problems(&self, scope: &Scope) -> StoreResult<Vec<String>>;
    /// Counts per county of the region, as of `today` (YYYY-MM-DD).
    fn ledger(&self, scope: &Scope, today: &str) -> StoreResult<Vec<LedgerRow>>;
}

/// The approved inspection the findings come from.
#[derive(Debug, Clone)]
pub struct ProblemSource {
    pub doc: DocumentId,
    pub centre_code: String,
    pub centre_name: String,
    pub region: Region,
    pub quarter: String,
    pub purpose: Purpose,
    pub by: String,
}

#[derive(Debug, Clone)]
pub struct NewProblem {
    pub key: String,
    pub item: Option<String>,
    pub title_zh: String,
    pub title_en: String,
    pub finding: String,
    pub photos: Vec<String>,
    pub severity: Severity,
    pub deadline: String,
    pub responsible: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ProblemState {
    /// 待下发: found, editable, not yet sent to the centre.
    Draft,
    /// 整改中: issued in a notice.
    Issued,
    /// 已销号: a follow-up visit found it rectified.
    Closed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct Problem {
    pub id: i64,
    /// The inspection that found it.
    #[schema(value_type = String)]
    pub doc: DocumentId,
    pub key: String,
    pub centre_code: String,
    pub centre_name: String,
    #[schema(value_type = Object)]
    pub region: Region,
    pub quarter: String,
    #[schema(value_type = String)]
    pub purpose: Purpose,
    pub item: Option<String>,
    pub title_zh: String,
    pub title_en: String,
    pub finding: String,
    /// SHA-256 of the inspection's photos of the item.
    pub photos: Vec<String>,
    #[schema(value_type = String, pattern = "^(veto|serious|general)$")]
    pub severity: Severity,
    /// 整改要求: what the centre must do.
    pub action: String,
    /// YYYY-MM-DD (China).
    pub deadline: String,
    pub responsible: String,
    pub state: ProblemState,
    pub notice_id: Option<i64>,
    /// The notice's number (长安商整〔2026〕3号).
    pub notice_number: Option<String>,
    /// When the centre last reported its rectification (整改反馈).
    pub feedback_at: Option<i64>,
    pub escalated: bool,
    /// The follow-up inspection (复查) that holds it.
    #[schema(value_type = Option<String>)]
    pub followup_doc: Option<DocumentId>,
    pub closed_on: Option<String>,
    /// The follow-up inspection whose evidence closed it.
    #[schema(value_type = Option<String>)]
    pub closed_doc: Option<DocumentId>,
    /// Issued, not closed, past its deadline (as of the answer; the
    /// service sets it, stores leave it false).
    pub overdue: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What can happen to a problem; each allows certain states.
#[derive(Debug, Clone, PartialEq)]
pub enum ProblemChange {
    /// The supervisor's edit before issuing (draft only).
    Edit { severity: Severity, action: String, deadline: String, responsible: String, finding: String },
    /// The centre reported its rectification (issued only).
    Feedback { at: i64 },
    /// Passed up for attention (issued only).
    Escalate,
    /// A follow-up task now holds it (issued only).
    FollowUp { doc: DocumentId },
    /// A follow-up visit found it rectified (issued only).
    Close { doc: DocumentId, on: String },
    /// A follow-up visit found it not (fully) rectified: only recorded (issued only).
    Recheck,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ProblemEvent {
    pub at: i64,
    pub by: String,
    /// found, edited, issued, feedback, escalated, follow_up, rectified, not_rectified, closed
    pub kind: String,
    pub detail: String,
    pub photos: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ProblemFilter {
    pub scope: Scope,
    pub township: Option<String>,
    pub centre: Option<String>,
    pub doc: Option<DocumentId>,
    pub notice: Option<i64>,
    pub state: Option<ProblemState>,
    pub severity: Option<Severity>,
    /// How problems stand against their deadline, as of a date (YYYY-MM-DD).
    pub due: Option<(Due, String)>,
}

/// A problem against its deadline: the ledger's columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Due {
    /// Issued, deadline not passed.
    Open,
    /// Issued, deadline passed.
    Overdue,
    /// Closed by its deadline.
    OnTime,
    /// Closed after it.
    Late,
}

#[derive(Debug, Clone)]
pub struct NewNotice {
    pub centre_code: String,
    pub centre_name: String,
    pub scope: Scope,
    /// The issuing office as printed.
    pub office: String,
    /// The prefix of the number (the county or city), e.g. 长安.
    pub prefix: String,
    pub issued_by: String,
    pub issued_on: String,
    pub issued_at: i64,
}

/// 整改通知书.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct Notice {
    pub id: i64,
    /// e.g. 长安商整〔2026〕3号
    pub number: String,
    pub centre_code: String,
    pub centre_name: String,
    pub scope: Scope,
    pub office: String,
    pub issued_by: String,
    pub issued_on: String,
    pub issued_at: i64,
}

/// The rectification ledger (整改台账) of one county.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct LedgerRow {
    pub city: String,
    pub county: String,
    /// Found, not yet issued.
    pub draft: u64,
    /// Issued, deadline not passed.
    pub open: u64,
    pub overdue: u64,
    pub closed_on_time: u64,
    pub closed_late: u64,
}
