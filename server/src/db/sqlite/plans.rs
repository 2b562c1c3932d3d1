//! Plans and their draw record. Criteria, sampling, the pool and the draw
//! are kept as JSON: they are read whole and never queried into.

use super::SqliteStore;
use super::prelude::*;
use super::rows::{parse_text, text_of};
use rusqlite::{OptionalExtension, Row, params};

const PLAN_COLS: &str = "id, name, quarter, purpose, province, city, county, criteria, sampling, per_task, seed, \
     state, pool, draw, created_by, created_at";

fn json<T: serde::de::DeserializeOwned>(col: usize, text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, Box::new(e)))
}

fn to_json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(e.to_string()))
}

fn plan_from_row(r: &Row<'_>) -> rusqlite::Result<Plan> {
    let draw: Option<String> = r.get(13)?;
    Ok(Plan {
        id: r.get(0)?,
        name: r.get(1)?,
        quarter: r.get(2)?,
        purpose: parse_text(3, &r.get::<_, String>(3)?)?,
        scope: Scope { province: r.get(4)?, city: r.get(5)?, county: r.get(6)? },
        criteria: json(7, &r.get::<_, String>(7)?)?,
        sampling: json(8, &r.get::<_, String>(8)?)?,
        per_task: r.get(9)?,
        seed: r.get(10)?,
        state: parse_text(11, &r.get::<_, String>(11)?)?,
        pool: json(12, &r.get::<_, String>(12)?)?,
        draw: draw.map(|d| json(13, &d)).transpose()?,
        created_by: r.get(14)?,
        created_at: r.get(15)?,
    })
}

impl PlanStore for SqliteStore {
    fn create_plan(&self, p: &NewPlan, now: i64) -> StoreResult<Plan> {
        let (criteria, sampling, pool) = (to_json(&p.criteria)?, to_json(&p.sampling)?, to_json(&p.pool)?);
        let p = p.clone();
        let id = self.write(move |c| {
            c.execute(
                "INSERT INTO plans (name, quarter, purpose, province, city, county, criteria, sampling, per_task, seed,
                     pool, created_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    p.name,
                    p.quarter,
                    p.purpose.as_str(),
                    p.scope.province,
                    p.scope.city,
                    p.scope.county,
                    criteria,
                    sampling,
                    p.per_task,
                    p.seed,
                    pool,
                    p.created_by,
                    now
                ],
            )?;
            Ok(c.last_insert_rowid())
        })?;
        self.plan(id)?.ok_or_else(|| StoreError::Corrupt("a plan vanished as it was made".into()))
    }

    fn plan(&self, id: i64) -> StoreResult<Option<Plan>> {
        self.read(|c| {
            let sql = format!("SELECT {PLAN_COLS} FROM plans WHERE id = ?1");
            Ok(c.query_row(&sql, [id], plan_from_row).optional()?)
        })
    }

    fn plans(&self, scope: &Scope) -> StoreResult<Vec<Plan>> {
        let args = [scope.province.clone(), scope.city.clone(), scope.county.clone()];
        self.read(move |c| {
            let sql = format!(
                "SELECT {PLAN_COLS} FROM plans
                 WHERE (?1 = '' OR province = ?1) AND (?2 = '' OR city = ?2) AND (?3 = '' OR county = ?3)
                 ORDER BY id DESC LIMIT 1000"
            );
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(&args), plan_from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
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
            let moved = c.execute(
                "UPDATE plans SET state = ?3, draw = coalesce(?4, draw) WHERE id = ?1 AND state = ?2",
                params![id, from, to, draw],
            )?;
            if moved == 0 {
                return Ok(false);
            }
            c.execute(
                "INSERT INTO plan_events (plan_id, at, by, kind, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, event.at, event.by, event.kind, event.detail],
            )?;
            Ok(true)
        })
    }

    fn plan_events(&self, id: i64) -> StoreResult<Vec<PlanEvent>> {
        self.read(|c| {
            let mut stmt =
                c.prepare_cached("SELECT at, by, kind, detail FROM plan_events WHERE plan_id = ?1 ORDER BY id")?;
            let rows = stmt.query_map([id], |r| {
                Ok(PlanEvent { at: r.get(0)?, by: r.get(1)?, kind: r.get(2)?, detail: r.get(3)? })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
