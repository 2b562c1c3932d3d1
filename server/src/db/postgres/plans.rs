//! Plans and their draw record. Criteria, sampling, the pool and the draw
//! are kept as JSON: they are read whole and never queried into.

use super::PgStore;
use super::db::{get, get_u32};
use super::prelude::*;
use super::rows::{json_col, parse_text, text_of};
use postgres::Row;

const PLAN_COLS: &str = "id, name, quarter, purpose, province, city, county, criteria, sampling, per_task, seed, \
     state, pool, draw, created_by, created_at";

fn to_json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(e.to_string()))
}

fn plan_from_row(r: &Row) -> StoreResult<Plan> {
    let draw: Option<String> = get(r, 13)?;
    Ok(Plan {
        id: get(r, 0)?,
        name: get(r, 1)?,
        quarter: get(r, 2)?,
        purpose: parse_text(&get::<String>(r, 3)?)?,
        scope: Scope { province: get(r, 4)?, city: get(r, 5)?, county: get(r, 6)? },
        criteria: json_col(r, 7)?,
        sampling: json_col(r, 8)?,
        per_task: get_u32(r, 9)?,
        seed: get(r, 10)?,
        state: parse_text(&get::<String>(r, 11)?)?,
        pool: json_col(r, 12)?,
        draw: draw.map(|d| serde_json::from_str(&d).map_err(|e| StoreError::Corrupt(e.to_string()))).transpose()?,
        created_by: get(r, 14)?,
        created_at: get(r, 15)?,
    })
}

impl PlanStore for PgStore {
    fn create_plan(&self, p: &NewPlan, now: i64) -> StoreResult<Plan> {
        let (criteria, sampling, pool) = (to_json(&p.criteria)?, to_json(&p.sampling)?, to_json(&p.pool)?);
        let p = p.clone();
        let id: i64 = self.write(move |c| {
            let row = c.query_one(
                "INSERT INTO plans (name, quarter, purpose, province, city, county, criteria, sampling, per_task, seed,
                     pool, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                &[
                    &p.name,
                    &p.quarter,
                    &p.purpose.as_str(),
                    &p.scope.province,
                    &p.scope.city,
                    &p.scope.county,
                    &criteria,
                    &sampling,
                    &i64::from(p.per_task),
                    &p.seed,
                    &pool,
                    &p.created_by,
                    &now,
                ],
            )?;
            get(&row, 0)
        })?;
        self.plan(id)?.ok_or_else(|| StoreError::Corrupt("a plan vanished as it was made".into()))
    }

    fn plan(&self, id: i64) -> StoreResult<Option<Plan>> {
        self.read(move |c| {
            let sql = format!("SELECT {PLAN_COLS} FROM plans WHERE id = $1");
            c.query_opt(&sql, &[&id])?.map(|r| plan_from_row(&r)).transpose()
        })
    }

    fn plans(&self, scope: &Scope) -> StoreResult<Vec<Plan>> {
        let scope = scope.clone();
        self.read(move |c| {
            let sql = format!(
                "SELECT {PLAN_COLS} FROM plans
                 WHERE ($1 = '' OR province = $1) AND ($2 = '' OR city = $2) AND ($3 = '' OR county = $3)
                 ORDER BY id DESC LIMIT 1000"
            );
            c.query(&sql, &[&scope.province, &scope.city, &scope.county])?.iter().map(plan_from_row).collect()
        })
    }

    fn advance_plan(
        &self,
        id: i64,
        from: PlanState,
        to: PlanState,
        draw: Option<&PlanDraw>,
        event: &PlanEvent,
    ) -> StoreResult<bool> {
        let draw = draw.map(to_json).transpose()?;
        let (event, from, to) = (event.clone(), text_of(&from), text_of(&to));
        self.write(move |c| {
            // Conditional on the state it moves from: of two instances moving
            // one plan at once, the second finds it moved and changes nothing.
            let moved = c.execute(
                "UPDATE plans SET state = $3, draw = coalesce($4, draw) WHERE id = $1 AND state = $2",
                &[&id, &from, &to, &draw],
            )?;
            if moved == 0 {
                return Ok(false);
            }
            c.execute(
                "INSERT INTO plan_events (plan_id, at, \"by\", kind, detail) VALUES ($1, $2, $3, $4, $5)",
                &[&id, &event.at, &event.by, &event.kind, &event.detail],
            )?;
            Ok(true)
        })
    }

    fn plan_events(&self, id: i64) -> StoreResult<Vec<PlanEvent>> {
        self.read(move |c| {
            c.query("SELECT at, \"by\", kind, detail FROM plan_events WHERE plan_id = $1 ORDER BY id", &[&id])?
                .iter()
                .map(|r| Ok(PlanEvent { at: get(r, 0)?, by: get(r, 1)?, kind: get(r, 2)?, detail: get(r, 3)? }))
                .collect()
        })
    }
}
