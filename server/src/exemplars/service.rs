//! The 标杆样板 workflow (三(四), 三(五), 三(七)): a supervisor nominates a
//! centre whose latest official result is 优秀 with no veto and that has no
//! problem in rectification, with a case write-up (可复制可推广经验); the province
//! publicises the nomination (公示) until a date, records objections (异议),
//! then recognises it (认定) or rejects it (不予认定). A recognised centre
//! whose later official result fails or vetoes, or that has a problem
//! overdue, is flagged for re-evaluation (复核).

use super::store::{Basis, CaseWriteUp, Exemplar, ExemplarEvent, ExemplarState, ExemplarStore, NewExemplar};
use crate::accounts::store::{Role, Scope, User};
use crate::catalog::store::CatalogStore;
use crate::dates;
use crate::inspections::store::{DocStore, InspectionFilter, InspectionRow};
use crate::problems::store::{Due, ProblemFilter, ProblemState, ProblemStore};
use crate::storage::{PageReq, StoreError, now_ms};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use xuncha_core::document::WorkflowStatus;
use xuncha_core::scoring::Grade;

/// Nominations one list shows at most.
pub const MAX_LISTED: u32 = 500;
/// The shortest publicity (公示期), days.
pub const MIN_PUBLICITY_DAYS: u32 = 5;

pub struct Exemplars {
    store: Arc<dyn ExemplarStore>,
    catalog: Arc<dyn CatalogStore>,
    docs: Arc<dyn DocStore>,
    problems: Arc<dyn ProblemStore>,
}

impl std::fmt::Debug for Exemplars {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exemplars").finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExemplarError {
    #[error("this is outside your role or region")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    State(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

type R<T> = Result<T, ExemplarError>;

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> R<T> + Send + 'static) -> R<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| ExemplarError::Internal(e.to_string()))?
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct Nomination {
    pub centre_code: String,
    pub case: CaseWriteUp,
}

/// A province's decision on a nomination.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema, ts_rs::TS)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ExemplarAction {
    /// 公示: open for objections until `until` (YYYY-MM-DD, at least five days on).
    Publicize { until: String },
    /// 异议: an objection received during the publicity.
    Objection { text: String },
    /// 认定, once the publicity has ended.
    Recognise,
    /// 不予认定, with the reason.
    Reject { reason: String },
}

/// A nomination as the dashboard lists it: whether a recognised centre is due for 复核.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, ts_rs::TS)]
pub struct ExemplarView {
    #[serde(flatten)]
    pub exemplar: Exemplar,
    /// Why a recognised centre should be re-evaluated, if it should.
    pub review_due: Option<String>,
}

fn text(field: &str, value: &str, min: usize, max: usize) -> R<String> {
    let value = value.trim();
    let n = value.chars().count();
    if n < min || n > max || value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ExemplarError::Invalid(format!("{field}: {min} to {max} characters")));
    }
    Ok(value.to_owned())
}

fn checked_case(c: &CaseWriteUp) -> R<CaseWriteUp> {
    if c.practices.len() > 10 {
        return Err(ExemplarError::Invalid("at most 10 practices".into()));
    }
    Ok(CaseWriteUp {
        title: text("title (案例标题)", &c.title, 2, 80)?,
        summary: text("summary (经验做法)", &c.summary, 20, 4000)?,
        practices: c.practices.iter().map(|p| text("practice", p, 2, 200)).collect::<R<_>>()?,
    })
}

/// A province's supervisors and administrators decide on nominations.
fn province_level(user: &User) -> bool {
    user.has_role(&[Role::Supervisor, Role::Administrator])
        && !user.scope.province.is_empty()
        && user.scope.city.is_empty()
}

fn event(user: &User, kind: &str, detail: String) -> ExemplarEvent {
    ExemplarEvent { at: now_ms(), by: user.username.clone(), kind: kind.into(), detail }
}

fn signed(r: &InspectionRow) -> bool {
    r.official && matches!(r.summary.status, WorkflowStatus::Submitted | WorkflowStatus::Approved)
}

impl Exemplars {
    pub fn new(
        store: Arc<dyn ExemplarStore>,
        catalog: Arc<dyn CatalogStore>,
        docs: Arc<dyn DocStore>,
        problems: Arc<dyn ProblemStore>,
    ) -> Self {
        Self { store, catalog, docs, problems }
    }

    /// The centre's official inspections, newest first.
    fn official(&self, scope: &Scope, code: &str) -> R<Vec<InspectionRow>> {
        let filter = InspectionFilter { scope: scope.clone(), centre_code: Some(code.into()), ..Default::default() };
        let rows = self.docs.list_inspections(&filter, PageReq::new(1, 100))?.items;
        let mut rows: Vec<InspectionRow> = rows.into_iter().filter(signed).collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.updated_at));
        Ok(rows)
    }

    fn overdue_problems(&self, scope: &Scope, code: &str) -> R<u64> {
        let filter = ProblemFilter {
            scope: scope.clone(),
            centre: Some(code.into()),
            due: Some((Due::Overdue, dates::today())),
            ..Default::default()
        };
        Ok(self.problems.problems(&filter, PageReq::new(1, 1))?.total)
    }

    /// Nominates a centre of the user's region (推荐).
    pub async fn nominate(self: &Arc<Self>, user: &User, n: Nomination) -> R<Exemplar> {
        if !user.has_role(&[Role::Supervisor, Role::Administrator]) {
            return Err(ExemplarError::Forbidden);
        }
        let case = checked_case(&n.case)?;
        let (this, user) = (self.clone(), user.clone());
        blocking(move || {
            let code: String = n.centre_code.chars().take(64).collect();
            let centre = this.catalog.centre(&code)?.ok_or(ExemplarError::NotFound("centre"))?;
            if !user.oversees(&centre.region) {
                return Err(ExemplarError::NotFound("centre"));
            }
            let scope = Scope {
                province: centre.region.province.clone(),
                city: centre.region.city.clone(),
                county: centre.region.county.clone(),
            };
            let latest = this.official(&scope, &code)?.into_iter().next();
            let basis = match latest {
                Some(r) if r.summary.grade == Some(Grade::Excellent) && r.summary.vetoes == 0 => Basis {
                    doc: r.doc.to_string(),
                    quarter: r.quarter.clone(),
                    total: r.summary.total.unwrap_or_default(),
                    grade: Grade::Excellent,
                },
                Some(_) => {
                    return Err(ExemplarError::State(
                        "the centre's latest official result is not 优秀 without a veto".into(),
                    ));
                }
                None => return Err(ExemplarError::State("the centre has no official result yet".into())),
            };
            // A problem in rectification (issued, not closed) disqualifies; a
            // finding the county has not issued is not a rectification order.
            let filter = ProblemFilter {
                scope: scope.clone(),
                centre: Some(code.clone()),
                state: Some(ProblemState::Issued),
                ..Default::default()
            };
            let open = this.problems.problems(&filter, PageReq::new(1, 1))?.total;
            if open > 0 {
                return Err(ExemplarError::State(format!("the centre has {open} problems in rectification (整改中)")));
            }
            let new = NewExemplar {
                centre_code: code,
                centre_name: centre.name,
                centre_type: centre.centre_type,
                region: scope,
                case,
                basis,
            };
            let id = this
                .store
                .nominate(&new, &event(&user, "nominated", String::new()))?
                .ok_or_else(|| ExemplarError::State("the centre is already nominated or recognised".into()))?;
            tracing::info!(id, centre = %new.centre_code, user = %user.username, "exemplar nominated");
            this.store.exemplar(id)?.ok_or(ExemplarError::NotFound("exemplar"))
        })
        .await
    }

    /// One nomination, to the overseers of its centre's region.
    pub async fn exemplar(self: &Arc<Self>, user: &User, id: i64) -> R<ExemplarView> {
        let (this, user) = (self.clone(), user.clone());
        blocking(move || {
            let e = this.store.exemplar(id)?.ok_or(ExemplarError::NotFound("exemplar"))?;
            if !user.has_role(&[Role::Supervisor, Role::Administrator]) || !user.scope.contains(&e.region) {
                return Err(ExemplarError::NotFound("exemplar"));
            }
            this.view(e)
        })
        .await
    }

    /// Nominations in the user's region, newest first.
    pub async fn list(self: &Arc<Self>, user: &User) -> R<Vec<ExemplarView>> {
        if !user.has_role(&[Role::Supervisor, Role::Administrator]) {
            return Err(ExemplarError::Forbidden);
        }
        let (this, scope) = (self.clone(), user.scope.clone());
        blocking(move || {
            let all = [
                ExemplarState::Nominated,
                ExemplarState::Publicized,
                ExemplarState::Recognised,
                ExemplarState::Rejected,
            ];
            this.store.exemplars(&scope, &all, MAX_LISTED)?.into_iter().map(|e| this.view(e)).collect()
        })
        .await
    }

    /// Publicised and recognised centres with their case write-ups, for the
    /// public page: no names of officials, nothing of the review.
    pub async fn public(self: &Arc<Self>) -> R<Vec<Exemplar>> {
        let this = self.clone();
        blocking(move || {
            let shown = [ExemplarState::Publicized, ExemplarState::Recognised];
            let list = this.store.exemplars(&Scope::default(), &shown, MAX_LISTED)?;
            Ok(list
                .into_iter()
                .map(|mut e| {
                    e.events.retain(|ev| matches!(ev.kind.as_str(), "publicized" | "recognised"));
                    e.events.iter_mut().for_each(|ev| ev.by.clear());
                    e
                })
                .collect())
        })
        .await
    }

    fn view(&self, e: Exemplar) -> R<ExemplarView> {
        let review_due = match e.state {
            ExemplarState::Recognised => self.review_due(&e)?,
            _ => None,
        };
        Ok(ExemplarView { exemplar: e, review_due })
    }

    /// Why a recognised centre needs 复核: a later official result that
    /// fails or vetoes, or a problem past its deadline.
    fn review_due(&self, e: &Exemplar) -> R<Option<String>> {
        let recognised_at = e.events.iter().rev().find(|ev| ev.kind == "recognised").map_or(0, |ev| ev.at);
        let later = self.official(&e.region, &e.centre_code)?.into_iter().find(|r| r.updated_at > recognised_at);
        if let Some(r) = later
            && (r.summary.grade == Some(Grade::Fail) || r.summary.vetoes > 0)
        {
            return Ok(Some(format!("{} 季度检查结果为不合格或触发否决项", r.quarter)));
        }
        let overdue = self.overdue_problems(&e.region, &e.centre_code)?;
        Ok((overdue > 0).then(|| format!("有 {overdue} 个问题逾期未整改")))
    }

    /// A province's decision: publicise, record an objection, recognise or reject.
    pub async fn act(self: &Arc<Self>, user: &User, id: i64, action: ExemplarAction) -> R<ExemplarView> {
        let current = self.exemplar(user, id).await?.exemplar;
        if !province_level(user) {
            return Err(ExemplarError::Forbidden);
        }
        let today = dates::today();
        let (this, user2) = (self.clone(), user.clone());
        let moved = blocking(move || {
            use ExemplarState::*;
            let user = &user2;
            Ok(match action {
                ExemplarAction::Publicize { until } => {
                    let earliest = dates::days_after(now_ms(), MIN_PUBLICITY_DAYS);
                    if !dates::is_date(&until) || until < earliest {
                        return Err(ExemplarError::Invalid(format!("until: a date on or after {earliest}")));
                    }
                    let ev = event(user, "publicized", until.clone());
                    this.store.move_exemplar(id, &[Nominated], Publicized, Some(&until), &ev)?
                }
                ExemplarAction::Objection { text: t } => {
                    let t = text("objection (异议)", &t, 2, 1000)?;
                    if current.state != Publicized {
                        return Ok(false);
                    }
                    this.store.note_exemplar(id, &event(user, "objection", t))?;
                    true
                }
                ExemplarAction::Recognise => {
                    if current.comment_until.as_deref().is_none_or(|until| today.as_str() <= until) {
                        return Err(ExemplarError::State("the publicity (公示) has not ended".into()));
                    }
                    this.store.move_exemplar(
                        id,
                        &[Publicized],
                        Recognised,
                        None,
                        &event(user, "recognised", String::new()),
                    )?
                }
                ExemplarAction::Reject { reason } => {
                    let reason = text("reason (理由)", &reason, 2, 500)?;
                    this.store.move_exemplar(
                        id,
                        &[Nominated, Publicized],
                        Rejected,
                        None,
                        &event(user, "rejected", reason),
                    )?
                }
            })
        })
        .await?;
        if !moved {
            return Err(ExemplarError::State(format!("not possible while {}", current.state.as_str())));
        }
        tracing::info!(id, user = %user.username, "exemplar decided");
        self.exemplar(user, id).await
    }
}
