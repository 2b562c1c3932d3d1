//! The rectification service: problems from approved inspections, the
//! supervisor's edits, notices (整改通知书), feedback (整改反馈), escalation
//! and the ledger (整改台账). Follow-up visits (复查) close problems through
//! the same approval hook.

use super::store::{
    LedgerRow, NewNotice, NewProblem, Notice, Problem, ProblemChange, ProblemEvent, ProblemFilter, ProblemSource,
    ProblemState, ProblemStore,
};
use crate::accounts::store::{Role, User};
use crate::dates;
use crate::inspections::store::InspectionRow;
use crate::inspections::{ApprovalListener, Inspections};
use crate::photos::store::PhotoStore;
use crate::storage::{Page, PageReq, StoreError, now_ms};
use std::sync::Arc;
use xuncha_core::document::InspectionSnapshot;
use xuncha_core::problems::{Severity, findings};
use xuncha_core::scoring::Report;

/// Photos one feedback names at most.
pub const MAX_FEEDBACK_PHOTOS: usize = 20;

/// Problems one notice issues at most.
pub const MAX_PER_NOTICE: usize = 200;
/// Problems an operator's page lists per centre, newest first.
const OPERATOR_PROBLEMS: u32 = 200;

pub struct Problems {
    store: Arc<dyn ProblemStore>,
    photos: Arc<dyn PhotoStore>,
    inspections: Arc<Inspections>,
}

impl std::fmt::Debug for Problems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Problems").finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProblemError {
    #[error("this is outside your role or region")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Invalid(String),
    /// The problem is not in the state the action needs.
    #[error("{0}")]
    State(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

type R<T> = Result<T, ProblemError>;

/// The supervisor's edit of a found problem before it is issued.
#[derive(Debug, Clone, Default)]
pub struct ProblemEdit {
    pub severity: Option<Severity>,
    pub action: Option<String>,
    pub deadline: Option<String>,
    pub responsible: Option<String>,
    pub finding: Option<String>,
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> R<T> + Send + 'static) -> R<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| ProblemError::Internal(e.to_string()))?
}

fn overseer(user: &User) -> R<()> {
    if user.has_role(&[Role::Supervisor, Role::Administrator]) { Ok(()) } else { Err(ProblemError::Forbidden) }
}

fn bounded(text: &str, what: &str, max: usize) -> R<String> {
    let t = text.trim();
    match t.chars().count() > max {
        true => Err(ProblemError::Invalid(format!("{what} has at most {max} characters"))),
        false => Ok(t.to_owned()),
    }
}

fn with_overdue(mut p: Problem, today: &str) -> Problem {
    p.overdue = p.state == ProblemState::Issued && p.deadline.as_str() < today;
    p
}

impl Problems {
    pub fn new(store: Arc<dyn ProblemStore>, photos: Arc<dyn PhotoStore>, inspections: Arc<Inspections>) -> Self {
        Self { store, photos, inspections }
    }

    /// The inspection a rectification photo of an issued problem is granted to.
    pub async fn evidence_doc(self: &Arc<Self>, user: &User, id: i64) -> R<xuncha_core::DocumentId> {
        let (this, user) = (self.clone(), user.clone());
        blocking(move || {
            let p = this.readable(&user, id)?;
            match p.state {
                ProblemState::Issued => Ok(p.doc),
                _ => Err(ProblemError::State("photos of rectification are for an issued, open problem".into())),
            }
        })
        .await
    }

    pub(super) fn store(&self) -> &dyn ProblemStore {
        self.store.as_ref()
    }

    pub(super) fn photos(&self) -> &dyn PhotoStore {
        self.photos.as_ref()
    }

    pub(super) fn inspections(&self) -> &Inspections {
        &self.inspections
    }

    /// A problem of the user's region, or an issued one of an operator's own centre.
    fn readable(&self, user: &User, id: i64) -> R<Problem> {
        if !user.has_role(&[Role::Supervisor, Role::Administrator, Role::Operator]) {
            return Err(ProblemError::Forbidden);
        }
        let p = self.store.problem(id)?.ok_or(ProblemError::NotFound("problem"))?;
        match user.oversees(&p.region) || (user.operates(&p.centre_code) && p.state != ProblemState::Draft) {
            true => Ok(with_overdue(p, &dates::today())),
            false => Err(ProblemError::NotFound("problem")),
        }
    }

    /// The issued and closed problems of an operator's centres, newest first.
    pub async fn of_operator(self: &Arc<Self>, user: &User) -> R<Vec<Problem>> {
        if user.role != Role::Operator {
            return Err(ProblemError::Forbidden);
        }
        let (this, centres) = (self.clone(), user.centres.clone());
        blocking(move || {
            let today = dates::today();
            let mut out = Vec::new();
            for code in centres {
                let filter = ProblemFilter { centre: Some(code), ..ProblemFilter::default() };
                let page = this.store.problems(&filter, PageReq::new(1, OPERATOR_PROBLEMS))?;
                let shown = page.items.into_iter().filter(|p| p.state != ProblemState::Draft);
                out.extend(shown.map(|p| with_overdue(p, &today)));
            }
            Ok(out)
        })
        .await
    }

    pub async fn get(self: &Arc<Self>, user: &User, id: i64) -> R<(Problem, Vec<ProblemEvent>)> {
        let (this, user) = (self.clone(), user.clone());
        blocking(move || {
            let p = this.readable(&user, id)?;
            Ok((p, this.store.problem_events(id)?))
        })
        .await
    }

    /// A page of the region's problems; the filter's scope is narrowed to the user's.
    pub async fn list(self: &Arc<Self>, user: &User, mut filter: ProblemFilter, page: PageReq) -> R<Page<Problem>> {
        overseer(user)?;
        filter.scope = narrowed(&user.scope, &filter.scope)?;
        let this = self.clone();
        blocking(move || {
            let today = dates::today();
            let mut page = this.store.problems(&filter, page)?;
            page.items = page.items.into_iter().map(|p| with_overdue(p, &today)).collect();
            Ok(page)
        })
        .await
    }

    pub async fn ledger(self: &Arc<Self>, user: &User) -> R<Vec<LedgerRow>> {
        overseer(user)?;
        let (this, scope) = (self.clone(), user.scope.clone());
        blocking(move || Ok(this.store.ledger(&scope, &dates::today())?)).await
    }

    /// Changes a problem with an event recorded; `state` words the refusal.
    async fn change(
        self: &Arc<Self>,
        user: &User,
        id: i64,
        change: ProblemChange,
        event: ProblemEvent,
        state: &'static str,
    ) -> R<Problem> {
        let (this, user) = (self.clone(), user.clone());
        blocking(move || {
            this.readable(&user, id)?;
            if !this.store.change_problem(id, &change, &event)? {
                return Err(ProblemError::State(state.into()));
            }
            tracing::info!(problem = id, by = %user.username, kind = %event.kind, "problem changed");
            this.readable(&user, id)
        })
        .await
    }

    /// The supervisor's edit before issuing.
    pub async fn edit(self: &Arc<Self>, user: &User, id: i64, edit: ProblemEdit) -> R<Problem> {
        overseer(user)?;
        let (current, _) = self.get(user, id).await?;
        let deadline = edit.deadline.unwrap_or(current.deadline);
        if !dates::is_date(&deadline) {
            return Err(ProblemError::Invalid(format!("`{deadline}` is not a date like 2027-01-31")));
        }
        let finding = bounded(&edit.finding.unwrap_or(current.finding), "a finding", 1_000)?;
        if finding.is_empty() {
            return Err(ProblemError::Invalid("a finding cannot be empty".into()));
        }
        let change = ProblemChange::Edit {
            severity: edit.severity.unwrap_or(current.severity),
            action: bounded(&edit.action.unwrap_or(current.action), "a required action", 1_000)?,
            deadline: deadline.clone(),
            responsible: bounded(&edit.responsible.unwrap_or(current.responsible), "the party responsible", 200)?,
            finding,
        };
        let event = self.event(user, "edited", format!("整改期限 {deadline}"), Vec::new());
        self.change(user, id, change, event, "only a problem not yet issued is edited").await
    }

    /// The centre's report of its rectification: by its operator, or
    /// recorded by a supervisor for a centre without an account.
    pub async fn feedback(self: &Arc<Self>, user: &User, id: i64, text: &str, photos: Vec<String>) -> R<Problem> {
        let text = bounded(text, "feedback", 2_000)?;
        if text.is_empty() {
            return Err(ProblemError::Invalid("feedback cannot be empty".into()));
        }
        if photos.len() > MAX_FEEDBACK_PHOTOS {
            return Err(ProblemError::Invalid(format!("feedback has at most {MAX_FEEDBACK_PHOTOS} photos")));
        }
        // Only photos sent for this problem's inspection (its readers see them).
        let (this, u, checked) = (self.clone(), user.clone(), photos.clone());
        blocking(move || {
            let doc = this.readable(&u, id)?.doc;
            for sha in &checked {
                if !this.photos.docs_granted(sha)?.contains(&doc) {
                    return Err(ProblemError::Invalid(format!("photo {sha} was not sent for this problem")));
                }
            }
            Ok(())
        })
        .await?;
        let event = self.event(user, "feedback", text, photos);
        let change = ProblemChange::Feedback { at: event.at };
        self.change(user, id, change, event, "feedback is recorded for an issued, open problem").await
    }

    pub async fn escalate(self: &Arc<Self>, user: &User, id: i64, reason: &str) -> R<Problem> {
        overseer(user)?;
        let reason = bounded(reason, "a reason", 1_000)?;
        if reason.is_empty() {
            return Err(ProblemError::Invalid("say why the problem is escalated".into()));
        }
        let event = self.event(user, "escalated", reason, Vec::new());
        self.change(user, id, ProblemChange::Escalate, event, "only an issued, open problem is escalated").await
    }

    /// Issues draft problems of one centre in a numbered notice.
    pub async fn issue(self: &Arc<Self>, user: &User, mut ids: Vec<i64>, office: Option<String>) -> R<Notice> {
        overseer(user)?;
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() || ids.len() > MAX_PER_NOTICE {
            return Err(ProblemError::Invalid(format!("a notice issues 1 to {MAX_PER_NOTICE} problems")));
        }
        let office = office.map(|o| bounded(&o, "the issuing office", 100)).transpose()?.filter(|o| !o.is_empty());
        let (this, user) = (self.clone(), user.clone());
        blocking(move || {
            let Some((head, rest)) = ids.split_first() else { return Err(ProblemError::Invalid("no problems".into())) };
            let first = this.readable(&user, *head)?;
            for id in rest {
                if this.readable(&user, *id)?.centre_code != first.centre_code {
                    return Err(ProblemError::Invalid(
                        "a notice goes to one centre: its problems are all of it".into(),
                    ));
                }
            }
            let scope = crate::accounts::store::Scope {
                province: first.region.province.clone(),
                city: first.region.city.clone(),
                county: first.region.county.clone(),
            };
            let place = if scope.county.is_empty() { &scope.city } else { &scope.county };
            let at = now_ms();
            let notice = NewNotice {
                centre_code: first.centre_code.clone(),
                centre_name: first.centre_name.clone(),
                office: office.unwrap_or_else(|| format!("{}{}商务主管部门", scope.city, scope.county)),
                prefix: place.trim_end_matches(['区', '县', '市']).to_owned(),
                scope,
                issued_by: user.username.clone(),
                issued_on: dates::date_of(at).to_string(),
                issued_at: at,
            };
            let event = ProblemEvent {
                at,
                by: user.username.clone(),
                kind: "issued".into(),
                detail: String::new(),
                photos: Vec::new(),
            };
            let Some(notice) = this.store.issue_notice(&notice, &ids, &event)? else {
                return Err(ProblemError::State("a notice issues only problems not issued yet".into()));
            };
            tracing::info!(notice = notice.id, by = %user.username, problems = ids.len(), "notice issued");
            Ok(notice)
        })
        .await
    }

    /// A notice of the user's region with its problems.
    pub async fn notice(self: &Arc<Self>, user: &User, id: i64) -> R<(Notice, Vec<Problem>)> {
        overseer(user)?;
        let (this, user) = (self.clone(), user.clone());
        blocking(move || {
            let notice = this.store.notice(id)?.ok_or(ProblemError::NotFound("notice"))?;
            let region = xuncha_core::Region {
                province: notice.scope.province.clone(),
                city: notice.scope.city.clone(),
                county: notice.scope.county.clone(),
                township: String::new(),
            };
            if !user.oversees(&region) {
                return Err(ProblemError::NotFound("notice"));
            }
            let filter = ProblemFilter { notice: Some(id), ..ProblemFilter::default() };
            let today = dates::today();
            let page = this.store.problems(&filter, PageReq::new(1, MAX_PER_NOTICE as u32))?;
            let mut problems: Vec<Problem> = page.items.into_iter().map(|p| with_overdue(p, &today)).collect();
            problems.sort_by_key(|p| p.id);
            Ok((notice, problems))
        })
        .await
    }

    fn event(&self, user: &User, kind: &str, detail: String, photos: Vec<String>) -> ProblemEvent {
        ProblemEvent { at: now_ms(), by: user.username.clone(), kind: kind.into(), detail, photos }
    }

    /// Records the findings of an approved inspection (idempotent).
    fn record(&self, row: &InspectionRow, snap: &InspectionSnapshot, report: &Report, by: &str) -> R<usize> {
        let Some(known) = self.inspections.templates().get(&snap.template) else { return Ok(0) };
        let now = now_ms();
        let found: Vec<NewProblem> = findings(&known.template, snap, report)
            .into_iter()
            .map(|f| NewProblem {
                key: f.key,
                item: f.item,
                title_zh: f.title.zh,
                title_en: f.title.en,
                finding: f.finding,
                photos: f.photos,
                severity: f.severity,
                deadline: dates::days_after(now, f.deadline_days),
                responsible: row.centre_name.clone(),
            })
            .collect();
        let source = ProblemSource {
            doc: row.doc,
            centre_code: row.centre_code.clone(),
            centre_name: row.centre_name.clone(),
            region: row.region.clone(),
            quarter: row.quarter.clone(),
            purpose: row.purpose,
            by: by.to_owned(),
        };
        Ok(self.store.record_problems(&source, &found, now)?)
    }
}

impl ApprovalListener for Problems {
    fn approved(
        &self,
        row: &InspectionRow,
        snap: &InspectionSnapshot,
        report: &Report,
        by: &str,
    ) -> Result<(), String> {
        if row.purpose == xuncha_core::document::Purpose::FollowUp {
            self.follow_up_approved(row, snap, report, by).map_err(|e| e.to_string())?;
            tracing::info!(doc = %row.doc, "follow-up results recorded");
            return Ok(());
        }
        let added = self.record(row, snap, report, by).map_err(|e| e.to_string())?;
        tracing::info!(doc = %row.doc, added, "problems recorded from an approved inspection");
        Ok(())
    }
}

/// The scope asked for, inside the user's (a narrower county or city).
fn narrowed(
    user: &crate::accounts::store::Scope,
    asked: &crate::accounts::store::Scope,
) -> R<crate::accounts::store::Scope> {
    let level = |mine: &str, theirs: &str| -> R<String> {
        match (mine.is_empty(), theirs.is_empty()) {
            (_, true) => Ok(mine.to_owned()),
            (true, false) => Ok(theirs.to_owned()),
            (false, false) if mine == theirs => Ok(mine.to_owned()),
            _ => Err(ProblemError::Forbidden),
        }
    };
    Ok(crate::accounts::store::Scope {
        province: level(&user.province, &asked.province)?,
        city: level(&user.city, &asked.city)?,
        county: level(&user.county, &asked.county)?,
    })
}

/// Problems one export holds at most.
pub const MAX_EXPORT: u32 = 50_000;

impl Problems {
    /// Every problem the filter selects, for a download.
    pub async fn export(self: &Arc<Self>, user: &User, filter: ProblemFilter) -> R<Vec<Problem>> {
        let page = self.list(user, filter, PageReq::new(1, MAX_EXPORT)).await?;
        // A next page means more rows than one export holds.
        if page.next.is_some() {
            return Err(ProblemError::Invalid(format!("over {MAX_EXPORT} problems: narrow the filter")));
        }
        Ok(page.items)
    }
}
