//! The publication service (一公开): an administrator publishes the results
//! of a confirmed random-inspection plan as a frozen snapshot; a correction
//! is a new version with a reason. The public reads the snapshots, never
//! the live records, and nothing personal is in them.

use super::store::{NewPublication, PublicRecord, PublicRow, Publication, PublicationStore};
use crate::accounts::store::{Role, Scope, User};
use crate::dates;
use crate::inspections::store::{DocStore, InspectionFilter};
use crate::plans::store::{Plan, PlanState, PlanStore};
use crate::problems::store::{ProblemFilter, ProblemState, ProblemStore};
use crate::storage::{PageReq, StoreError, now_ms};
use std::sync::Arc;
use xuncha_core::Region;
use xuncha_core::document::WorkflowStatus;

/// Published plans the public index lists at most.
pub const MAX_LISTED: u32 = 200;

pub struct Publications {
    store: Arc<dyn PublicationStore>,
    plans: Arc<dyn PlanStore>,
    docs: Arc<dyn DocStore>,
    problems: Arc<dyn ProblemStore>,
}

impl std::fmt::Debug for Publications {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Publications").finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PublicationError {
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

type R<T> = Result<T, PublicationError>;

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> R<T> + Send + 'static) -> R<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| PublicationError::Internal(e.to_string()))?
}

fn region_of(scope: &Scope) -> Region {
    Region {
        province: scope.province.clone(),
        city: scope.city.clone(),
        county: scope.county.clone(),
        township: String::new(),
    }
}

impl Publications {
    pub fn new(
        store: Arc<dyn PublicationStore>,
        plans: Arc<dyn PlanStore>,
        docs: Arc<dyn DocStore>,
        problems: Arc<dyn ProblemStore>,
    ) -> Self {
        Self { store, plans, docs, problems }
    }

    /// A plan the user oversees.
    fn plan(&self, user: &User, id: i64) -> R<Plan> {
        if !user.has_role(&[Role::Supervisor, Role::Administrator]) {
            return Err(PublicationError::Forbidden);
        }
        let plan = self.plans.plan(id)?.ok_or(PublicationError::NotFound("plan"))?;
        match user.oversees(&region_of(&plan.scope)) {
            true => Ok(plan),
            false => Err(PublicationError::NotFound("plan")),
        }
    }

    /// Publishes (or corrects, with a reason) a confirmed plan's results.
    pub async fn publish(self: &Arc<Self>, user: &User, plan_id: i64, reason: &str) -> R<Publication> {
        let reason = reason.trim().to_owned();
        if reason.chars().count() > 500 {
            return Err(PublicationError::Invalid("a reason has at most 500 characters".into()));
        }
        let (this, user) = (self.clone(), user.clone());
        blocking(move || {
            let plan = this.plan(&user, plan_id)?;
            if user.role != Role::Administrator {
                return Err(PublicationError::Forbidden);
            }
            if plan.state != PlanState::Confirmed {
                return Err(PublicationError::State("only a confirmed plan's results are published".into()));
            }
            let correction = !this.store.publications(plan_id)?.is_empty();
            if correction && reason.is_empty() {
                return Err(PublicationError::Invalid("a correction says why (更正说明)".into()));
            }
            let rows = this.rows(&plan)?;
            // A correction may withdraw every result; a first publication has one.
            if !correction && rows.iter().all(|r| r.grade.is_none()) {
                return Err(PublicationError::State(
                    "no result of this plan is approved yet: nothing to publish".into(),
                ));
            }
            let new = NewPublication {
                plan_id,
                title: plan.name.clone(),
                scope: plan.scope.clone(),
                quarter: plan.quarter.clone(),
                purpose: plan.purpose,
                seed: plan.seed.clone(),
                rows,
                reason,
                published_by: user.username.clone(),
            };
            let p = this.store.publish(&new, now_ms())?;
            tracing::info!(plan = plan_id, version = p.record.version, by = %user.username, "results published");
            Ok(p)
        })
        .await
    }

    /// Every version of a plan's publication (its overseers).
    pub async fn versions(self: &Arc<Self>, user: &User, plan_id: i64) -> R<Vec<Publication>> {
        let (this, user) = (self.clone(), user.clone());
        blocking(move || {
            this.plan(&user, plan_id)?;
            Ok(this.store.publications(plan_id)?)
        })
        .await
    }

    /// The newest version of every published plan (public).
    pub async fn public_index(self: &Arc<Self>) -> R<Vec<PublicRecord>> {
        let this = self.clone();
        blocking(move || Ok(this.store.latest_publications(MAX_LISTED)?.into_iter().map(|p| p.record).collect())).await
    }

    /// A published plan's versions, oldest first (public); none published: not found.
    pub async fn public_versions(self: &Arc<Self>, plan_id: i64) -> R<Vec<PublicRecord>> {
        let this = self.clone();
        blocking(move || {
            let all: Vec<PublicRecord> = this.store.publications(plan_id)?.into_iter().map(|p| p.record).collect();
            if all.is_empty() { Err(PublicationError::NotFound("publication")) } else { Ok(all) }
        })
        .await
    }

    /// The public rows of a plan's tasks, as the records stand now.
    fn rows(&self, plan: &Plan) -> R<Vec<PublicRow>> {
        let tasks = plan.draw.as_ref().map(|d| d.result.tasks.as_slice()).unwrap_or_default();
        let mut rows = Vec::with_capacity(tasks.len());
        for task in tasks {
            let filter = InspectionFilter {
                scope: plan.scope.clone(),
                quarter: Some(plan.quarter.clone()),
                purpose: Some(plan.purpose),
                centre_code: Some(task.centre_code.clone()),
                ..InspectionFilter::default()
            };
            let found = self.docs.list_inspections(&filter, PageReq::new(1, 1))?;
            let Some(row) = found.items.into_iter().next() else { continue };
            let approved = row.summary.status == WorkflowStatus::Approved;
            let count = |state: Option<ProblemState>| -> R<u32> {
                let f = ProblemFilter { doc: Some(row.doc), state, ..ProblemFilter::default() };
                let total = self.problems.problems(&f, PageReq::new(1, 1))?.total;
                Ok(u32::try_from(total).unwrap_or(u32::MAX))
            };
            let (all, closed) = (count(None)?, count(Some(ProblemState::Closed))?);
            rows.push(PublicRow {
                centre_code: row.centre_code,
                centre_name: row.centre_name,
                centre_type: row.centre_type,
                county: row.region.county,
                township: row.region.township,
                grade: row.summary.grade.filter(|_| approved),
                approved_on: approved.then(|| dates::date_of(row.updated_at).to_string()),
                open_problems: all.saturating_sub(closed),
                closed_problems: closed,
            });
        }
        rows.sort_by(|a, b| {
            (a.county.as_str(), a.centre_code.as_str()).cmp(&(b.county.as_str(), b.centre_code.as_str()))
        });
        Ok(rows)
    }
}
