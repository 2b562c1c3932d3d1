//! What plans store: the plan, its draw (inputs and result, frozen at the
//! draw) and the append-only record of what happened to it.

use crate::accounts::store::Scope;
use crate::storage::StoreResult;
use serde::{Deserialize, Serialize};
use xuncha_core::document::Purpose;
use xuncha_core::draw::{Candidate, Draw, PoolInspector, Sampling};
use xuncha_core::{CentreStatus, CentreType};

pub trait PlanStore: Send + Sync {
    fn create_plan(&self, plan: &NewPlan, now: i64) -> StoreResult<Plan>;
    fn plan(&self, id: i64) -> StoreResult<Option<Plan>>;
    /// Plans of regions inside `scope` (its own included), newest first.
    fn plans(&self, scope: &Scope) -> StoreResult<Vec<Plan>>;
    /// Moves a plan from `from` to `to`, writes its draw and appends the
    /// event, in one transaction. False when the plan is not in `from`
    /// (someone else moved it first): nothing is written then.
    fn advance_plan(
        &self,
        id: i64,
        from: PlanState,
        to: PlanState,
        draw: Option<&PlanDraw>,
        event: &PlanEvent,
    ) -> StoreResult<bool>;
    fn plan_events(&self, id: i64) -> StoreResult<Vec<PlanEvent>>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PlanState {
    /// Made, not drawn: its criteria and seed may be published in advance.
    Draft,
    /// Drawn: inspectors may be replaced, with a reason.
    Drawn,
    /// Confirmed: its tasks are assignments; nothing about it changes again.
    Confirmed,
}

/// Which centres of the plan's region may be drawn.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct PlanCriteria {
    /// Centre types; empty: all.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub centre_types: Vec<CentreType>,
    /// Construction statuses; empty: built centres only.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub statuses: Vec<CentreStatus>,
    /// Leave out centres with an official inspection in the last this many
    /// quarters before the plan's (0: none left out).
    #[serde(default)]
    pub skip_inspected_quarters: u32,
}

/// A member of the inspector pool as the supervisor gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct PoolEntry {
    pub username: String,
    /// 执法证/工作证 number, recorded with the draw.
    #[serde(default)]
    pub credential: String,
    /// The township the inspector is registered in (回避), with its county.
    #[serde(default)]
    pub county: String,
    #[serde(default)]
    pub township: String,
    /// Centre codes the inspector declared a conflict with.
    #[serde(default)]
    pub conflicts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewPlan {
    pub name: String,
    pub quarter: String,
    pub purpose: Purpose,
    pub scope: Scope,
    pub criteria: PlanCriteria,
    pub sampling: Sampling,
    pub per_task: u32,
    pub seed: String,
    /// Empty: every active inspector of the region, as registered.
    pub pool: Vec<PoolEntry>,
    pub created_by: String,
}

/// What the draw ran on, frozen with it: anyone re-running the algorithm
/// on these and the seed gets the same tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct PlanDraw {
    #[schema(value_type = Vec<Object>)]
    pub centres: Vec<Candidate>,
    #[schema(value_type = Vec<Object>)]
    pub pool: Vec<PoolInspector>,
    /// The pool as given, with credentials.
    pub pool_entries: Vec<PoolEntry>,
    #[schema(value_type = Object)]
    pub result: Draw,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct Plan {
    pub id: i64,
    pub name: String,
    pub quarter: String,
    #[schema(value_type = String)]
    pub purpose: Purpose,
    pub scope: Scope,
    pub criteria: PlanCriteria,
    #[schema(value_type = Object)]
    pub sampling: Sampling,
    pub per_task: u32,
    /// Published with the plan: the draw is a function of it.
    pub seed: String,
    pub state: PlanState,
    pub pool: Vec<PoolEntry>,
    pub draw: Option<PlanDraw>,
    pub created_by: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct PlanEvent {
    pub at: i64,
    pub by: String,
    /// drawn, replaced or confirmed
    pub kind: String,
    /// What happened, for people (who replaced whom and why).
    pub detail: String,
}
