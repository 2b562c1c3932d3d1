//! The plans service: a supervisor's plan for a region and a quarter, its
//! random draw (xuncha_core::draw), replacements with a reason, and the
//! confirmation that turns its tasks into assignments.

use super::store::{NewPlan, Plan, PlanCriteria, PlanDraw, PlanEvent, PlanState, PlanStore, PoolEntry};
use crate::accounts::store::{Role, Scope, User, UserStore};
use crate::inspections::{InspectionError, Inspections};
use crate::problems::store::ProblemStore;
use crate::quarter::{is_quarter, quarter_end};
use crate::stats::store::{CentreFilter, StatsStore};
use crate::storage::{StoreError, now_ms};
use std::collections::BTreeSet;
use std::sync::Arc;
use xuncha_core::CentreStatus;
use xuncha_core::document::Purpose;
use xuncha_core::draw::{self, Candidate, DrawError, DrawInput, PoolInspector, Sampling};

/// Centres one plan may draw from, at most.
pub const MAX_CANDIDATES: u32 = 20_000;

pub struct Plans {
    store: Arc<dyn PlanStore>,
    stats: Arc<dyn StatsStore>,
    users: Arc<dyn UserStore>,
    problems: Arc<dyn ProblemStore>,
    inspections: Arc<Inspections>,
}

impl std::fmt::Debug for Plans {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plans").finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("this is outside your role or region")]
    Forbidden,
    #[error("plan not found")]
    NotFound,
    #[error("{0}")]
    Invalid(String),
    /// The plan is not in the state the action needs (drawn twice, changed after confirmation).
    #[error("{0}")]
    State(String),
    #[error(transparent)]
    Draw(#[from] DrawError),
    #[error(transparent)]
    Inspection(#[from] InspectionError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

type R<T> = Result<T, PlanError>;

/// A plan as a supervisor asks for it.
#[derive(Debug)]
pub struct PlanRequest {
    pub name: String,
    pub quarter: String,
    pub purpose: Purpose,
    /// Narrower than the supervisor's region, or empty for all of it.
    pub county: Option<String>,
    pub criteria: PlanCriteria,
    pub sampling: Sampling,
    pub per_task: u32,
    /// Empty: the server chooses one (recorded and shown with the plan).
    pub seed: Option<String>,
    pub pool: Vec<PoolEntry>,
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> R<T> + Send + 'static) -> R<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| PlanError::Internal(e.to_string()))?
}

fn overseer(user: &User) -> R<()> {
    if user.has_role(&[Role::Supervisor, Role::Administrator]) { Ok(()) } else { Err(PlanError::Forbidden) }
}

fn bounded(text: &str, what: &str, max: usize) -> R<String> {
    let t = text.trim();
    match t.is_empty() || t.chars().count() > max {
        true => Err(PlanError::Invalid(format!("{what} has 1 to {max} characters"))),
        false => Ok(t.to_owned()),
    }
}

impl Plans {
    pub fn new(
        store: Arc<dyn PlanStore>,
        stats: Arc<dyn StatsStore>,
        users: Arc<dyn UserStore>,
        problems: Arc<dyn ProblemStore>,
        inspections: Arc<Inspections>,
    ) -> Self {
        Self { store, stats, users, problems, inspections }
    }

    /// Makes a plan for the supervisor's region (or a county of it).
    pub async fn create(self: &Arc<Self>, by: &User, req: PlanRequest) -> R<Plan> {
        overseer(by)?;
        if !is_quarter(&req.quarter) {
            return Err(PlanError::Invalid(format!("`{}` is not a quarter like 2026Q4", req.quarter)));
        }
        if req.purpose == Purpose::FollowUp {
            return Err(PlanError::Invalid(
                "a follow-up (复查) is made from a centre's open problems, not drawn".into(),
            ));
        }
        let mut scope = by.scope.clone();
        if let Some(county) = req.county.filter(|c| !c.is_empty()) {
            if !scope.county.is_empty() && scope.county != county || scope.city.is_empty() {
                return Err(PlanError::Forbidden);
            }
            scope.county = bounded(&county, "a county", 64)?;
        }
        if req.pool.len() > 2_000 {
            return Err(PlanError::Invalid("a pool has at most 2,000 inspectors".into()));
        }
        let seed = match req.seed {
            Some(s) if !s.trim().is_empty() => bounded(&s, "a seed", 200)?,
            _ => hex::encode(rand::random::<[u8; 8]>()),
        };
        // The draw's own checks, before anything is stored.
        draw::draw(&DrawInput {
            seed: &seed,
            centres: &[],
            pool: &[],
            sampling: req.sampling,
            per_task: req.per_task,
        })?;
        let plan = NewPlan {
            name: bounded(&req.name, "a plan's name", 200)?,
            quarter: req.quarter,
            purpose: req.purpose,
            scope,
            criteria: req.criteria,
            sampling: req.sampling,
            per_task: req.per_task,
            seed,
            pool: req.pool,
            created_by: by.username.clone(),
        };
        let this = self.clone();
        let plan = blocking(move || Ok(this.store.create_plan(&plan, now_ms())?)).await?;
        tracing::info!(plan = plan.id, by = %by.username, "plan made");
        Ok(plan)
    }

    /// A plan of the user's region, with its record.
    pub async fn get(self: &Arc<Self>, user: &User, id: i64) -> R<(Plan, Vec<PlanEvent>)> {
        overseer(user)?;
        let (this, scope) = (self.clone(), user.scope.clone());
        blocking(move || {
            let plan = this.store.plan(id)?.filter(|p| within(&scope, &p.scope)).ok_or(PlanError::NotFound)?;
            let events = this.store.plan_events(id)?;
            Ok((plan, events))
        })
        .await
    }

    pub async fn list(self: &Arc<Self>, user: &User) -> R<Vec<Plan>> {
        overseer(user)?;
        let (this, scope) = (self.clone(), user.scope.clone());
        blocking(move || Ok(this.store.plans(&scope)?)).await
    }

    /// Runs the draw once: the eligible centres and the pool as they stand
    /// now are frozen with the result.
    pub async fn draw(self: &Arc<Self>, user: &User, id: i64) -> R<Plan> {
        let (plan, _) = self.get(user, id).await?;
        if plan.state != PlanState::Draft {
            return Err(PlanError::State("this plan has been drawn; a draw is never run again".into()));
        }
        let (this, by) = (self.clone(), user.username.clone());
        blocking(move || {
            let centres = this.candidates(&plan)?;
            let (pool, entries) = this.pool(&plan)?;
            let result = draw::draw(&DrawInput {
                seed: &plan.seed,
                centres: &centres,
                pool: &pool,
                sampling: plan.sampling,
                per_task: plan.per_task,
            })?;
            let detail = format!(
                "从{}个符合条件的中心抽取{}个检查任务，检查人员名录{}人",
                centres.len(),
                result.tasks.len(),
                pool.len()
            );
            let record = PlanDraw { centres, pool, pool_entries: entries, result };
            let event = PlanEvent { at: now_ms(), by: by.clone(), kind: "drawn".into(), detail };
            if !this.store.advance_plan(id, PlanState::Draft, PlanState::Drawn, Some(&record), &event)? {
                return Err(PlanError::State("this plan was drawn meanwhile".into()));
            }
            tracing::info!(plan = id, by = %by, tasks = record.result.tasks.len(), "plan drawn");
            this.store.plan(id)?.ok_or(PlanError::NotFound)
        })
        .await
    }

    /// Replaces a drawn inspector, with a reason, by the next the draw picks.
    pub async fn replace(self: &Arc<Self>, user: &User, id: i64, centre: &str, out: &str, reason: &str) -> R<Plan> {
        let reason = bounded(reason, "a reason", 500)?;
        let (plan, _) = self.get(user, id).await?;
        let Some(record) = plan.draw.filter(|_| plan.state == PlanState::Drawn) else {
            return Err(PlanError::State("only a drawn, unconfirmed plan's inspectors are replaced".into()));
        };
        let input = DrawInput {
            seed: &plan.seed,
            centres: &record.centres,
            pool: &record.pool,
            sampling: plan.sampling,
            per_task: plan.per_task,
        };
        let (result, name) = draw::replace(&input, &record.result, centre, out)?;
        let detail = format!("{centre}：{out} → {name}。替换理由：{reason}");
        let event = PlanEvent { at: now_ms(), by: user.username.clone(), kind: "replaced".into(), detail };
        let record = PlanDraw { result, ..record };
        let this = self.clone();
        blocking(move || {
            if !this.store.advance_plan(id, PlanState::Drawn, PlanState::Drawn, Some(&record), &event)? {
                return Err(PlanError::State("this plan changed meanwhile".into()));
            }
            this.store.plan(id)?.ok_or(PlanError::NotFound)
        })
        .await
    }

    /// Turns the drawn tasks into assignments (which reach the inspectors'
    /// devices through sync). Assigning is idempotent, so a confirmation cut
    /// short is completed by confirming again.
    pub async fn confirm(self: &Arc<Self>, user: &User, id: i64) -> R<Plan> {
        let (plan, _) = self.get(user, id).await?;
        let Some(record) = plan.draw.clone().filter(|_| plan.state == PlanState::Drawn) else {
            return Err(PlanError::State("only a drawn, unconfirmed plan is confirmed".into()));
        };
        let (this, by) = (self.clone(), user.clone());
        blocking(move || {
            for task in &record.result.tasks {
                this.inspections.assign(&by, &task.centre_code, &plan.quarter, plan.purpose, &task.inspectors)?;
            }
            let detail = format!("派发{}个检查任务", record.result.tasks.len());
            let event = PlanEvent { at: now_ms(), by: by.username.clone(), kind: "confirmed".into(), detail };
            if !this.store.advance_plan(id, PlanState::Drawn, PlanState::Confirmed, None, &event)? {
                return Err(PlanError::State("this plan was confirmed meanwhile".into()));
            }
            tracing::info!(plan = id, by = %by.username, "plan confirmed");
            this.store.plan(id)?.ok_or(PlanError::NotFound)
        })
        .await
    }

    /// The centres of the plan's region that fit its criteria.
    fn candidates(&self, plan: &Plan) -> R<Vec<Candidate>> {
        let filter = CentreFilter { scope: plan.scope.clone(), ..CentreFilter::default() };
        let entries = self.stats.registry_all(&filter, MAX_CANDIDATES.saturating_add(1))?;
        if entries.len() > MAX_CANDIDATES as usize {
            return Err(PlanError::Invalid(format!("over {MAX_CANDIDATES} centres: plan a smaller region")));
        }
        let c = &plan.criteria;
        let statuses = if c.statuses.is_empty() { vec![CentreStatus::Built] } else { c.statuses.clone() };
        // An official inspection of this quarter or later leaves a centre out.
        let since = quarter_back(&plan.quarter, c.skip_inspected_quarters).and_then(|q| quarter_end(&q));
        // Centres with open problems are drawn first; who inspected a centre
        // last time does not inspect it now (回避).
        let open: BTreeSet<String> = self.problems.centres_with_open_problems(&plan.scope)?.into_iter().collect();
        let latest: Vec<_> = entries.iter().filter_map(|e| e.latest.as_ref().map(|l| l.doc)).collect();
        let mut members = self.inspections.store().members_of(&latest)?;
        let entries: Vec<_> = entries
            .into_iter()
            .map(|e| {
                let last = e.latest.as_ref().and_then(|l| members.remove(&l.doc)).unwrap_or_default();
                (e, last)
            })
            .collect();
        Ok(entries
            .into_iter()
            .filter(|(e, _)| c.centre_types.is_empty() || c.centre_types.contains(&e.centre.centre_type))
            .filter(|(e, _)| statuses.contains(&e.centre.status))
            .filter(|(e, _)| match (c.skip_inspected_quarters, &e.latest, since) {
                (1.., Some(latest), Some(since)) => quarter_end(&latest.quarter).is_none_or(|end| end < since),
                _ => true,
            })
            .map(|(e, last_inspectors)| Candidate {
                open_problems: open.contains(&e.centre.code),
                code: e.centre.code,
                county: e.centre.region.county,
                township: e.centre.region.township,
                centre_type: e.centre.centre_type,
                last_inspectors,
            })
            .collect())
    }

    /// The pool: the entries given, each an active inspector whose region
    /// covers the plan's; or, none given, every such inspector.
    fn pool(&self, plan: &Plan) -> R<(Vec<PoolInspector>, Vec<PoolEntry>)> {
        let region = xuncha_core::Region {
            province: plan.scope.province.clone(),
            city: plan.scope.city.clone(),
            county: plan.scope.county.clone(),
            township: String::new(),
        };
        // The inspector's region covers the plan's whole region (a county
        // inspector does not serve a city-wide plan).
        let fits = |u: &User| u.role == Role::Inspector && !u.disabled && u.scope.covers(&region);
        let everyone =
            self.users.list_users(&Scope { city: String::new(), county: String::new(), ..plan.scope.clone() })?;
        let entries: Vec<PoolEntry> = match plan.pool.is_empty() {
            true => everyone
                .iter()
                .filter(|u| fits(u))
                .map(|u| PoolEntry {
                    username: u.username.clone(),
                    credential: String::new(),
                    county: String::new(),
                    township: String::new(),
                    conflicts: Vec::new(),
                })
                .collect(),
            false => {
                let known: BTreeSet<&str> = everyone.iter().filter(|u| fits(u)).map(|u| u.username.as_str()).collect();
                if let Some(e) = plan.pool.iter().find(|e| !known.contains(e.username.as_str())) {
                    return Err(PlanError::Invalid(format!(
                        "`{}` is not an active inspector of the plan's region",
                        e.username
                    )));
                }
                plan.pool.clone()
            }
        };
        let pool = entries
            .iter()
            .map(|e| PoolInspector {
                username: e.username.clone(),
                county: e.county.clone(),
                township: e.township.clone(),
                conflicts: e.conflicts.clone(),
            })
            .collect();
        Ok((pool, entries))
    }
}

/// The quarter `n` quarters before `q` (`2026Q1`, 1 → `2025Q4`).
fn quarter_back(q: &str, n: u32) -> Option<String> {
    let (year, k) = (q.get(..4)?.parse::<i64>().ok()?, q.get(5..)?.parse::<i64>().ok()?);
    let index = year * 4 + (k - 1) - i64::from(n);
    Some(format!("{}Q{}", index.div_euclid(4), index.rem_euclid(4) + 1))
}

/// Whether a plan's region lies within `scope`.
fn within(scope: &Scope, plan: &Scope) -> bool {
    let level = |mine: &str, theirs: &str| mine.is_empty() || mine == theirs;
    level(&scope.province, &plan.province) && level(&scope.city, &plan.city) && level(&scope.county, &plan.county)
}
