//! 标杆样板: nominations and their record.

use super::PgStore;
use super::db::get;
use super::prelude::*;
use super::rows::json_col;
use crate::exemplars::store::{Exemplar, ExemplarEvent, ExemplarState, ExemplarStore, NewExemplar};
use postgres::Row;

const COLS: &str =
    "id, centre_code, centre_name, centre_type, province, city, county, state, case_json, basis, comment_until";

fn from_row(r: &Row) -> StoreResult<Exemplar> {
    Ok(Exemplar {
        id: get(r, 0)?,
        centre_code: get(r, 1)?,
        centre_name: get(r, 2)?,
        centre_type: get::<String>(r, 3)?.parse().map_err(StoreError::Corrupt)?,
        region: Scope { province: get(r, 4)?, city: get(r, 5)?, county: get(r, 6)? },
        state: get::<String>(r, 7)?.parse().map_err(StoreError::Corrupt)?,
        case: json_col(r, 8)?,
        basis: json_col(r, 9)?,
        comment_until: get(r, 10)?,
        events: Vec::new(),
    })
}

fn events(c: &mut Db<'_, '_>, id: i64) -> StoreResult<Vec<ExemplarEvent>> {
    c.query("SELECT at, by, kind, detail FROM exemplar_events WHERE exemplar_id = $1 ORDER BY id LIMIT 1000", &[&id])?
        .iter()
        .map(|r| Ok(ExemplarEvent { at: get(r, 0)?, by: get(r, 1)?, kind: get(r, 2)?, detail: get(r, 3)? }))
        .collect()
}

fn append(c: &mut Db<'_, '_>, id: i64, e: &ExemplarEvent) -> StoreResult<u64> {
    c.execute(
        "INSERT INTO exemplar_events (exemplar_id, at, by, kind, detail) VALUES ($1, $2, $3, $4, $5)",
        &[&id, &e.at, &e.by, &e.kind, &e.detail],
    )
}

fn to_json<T: serde::Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Backend(e.to_string()))
}

impl ExemplarStore for PgStore {
    fn nominate(&self, n: &NewExemplar, event: &ExemplarEvent) -> StoreResult<Option<i64>> {
        let (case, basis) = (to_json(&n.case)?, to_json(&n.basis)?);
        let (n, event) = (n.clone(), event.clone());
        self.write(move |c| {
            // A centre has one live nomination (a unique index over those not
            // rejected): a second is not inserted.
            let row = c.query_opt(
                "INSERT INTO exemplars (centre_code, centre_name, centre_type, province, city, county, state,
                     case_json, basis, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, 'nominated', $7, $8, $9) ON CONFLICT DO NOTHING RETURNING id",
                &[
                    &n.centre_code,
                    &n.centre_name,
                    &n.centre_type.as_str(),
                    &n.region.province,
                    &n.region.city,
                    &n.region.county,
                    &case,
                    &basis,
                    &event.at,
                ],
            )?;
            let Some(row) = row else { return Ok(None) };
            let id: i64 = get(&row, 0)?;
            append(c, id, &event)?;
            Ok(Some(id))
        })
    }

    fn exemplar(&self, id: i64) -> StoreResult<Option<Exemplar>> {
        self.read(move |c| {
            let sql = format!("SELECT {COLS} FROM exemplars WHERE id = $1");
            let Some(row) = c.query_opt(&sql, &[&id])? else { return Ok(None) };
            let mut e = from_row(&row)?;
            e.events = events(c, id)?;
            Ok(Some(e))
        })
    }

    fn exemplars(&self, scope: &Scope, states: &[ExemplarState], limit: u32) -> StoreResult<Vec<Exemplar>> {
        let states: Vec<String> = states.iter().map(|s| s.as_str().to_owned()).collect();
        let scope = scope.clone();
        self.read(move |c| {
            let sql = format!(
                "SELECT {COLS} FROM exemplars
                 WHERE ($1 = '' OR province = $1) AND ($2 = '' OR city = $2) AND ($3 = '' OR county = $3)
                   AND state = ANY($4)
                 ORDER BY id DESC LIMIT $5"
            );
            let rows = c.query(&sql, &[&scope.province, &scope.city, &scope.county, &states, &i64::from(limit)])?;
            let mut out = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
            for e in &mut out {
                e.events = events(c, e.id)?;
            }
            Ok(out)
        })
    }

    fn move_exemplar(
        &self,
        id: i64,
        from: &[ExemplarState],
        to: ExemplarState,
        comment_until: Option<&str>,
        event: &ExemplarEvent,
    ) -> StoreResult<bool> {
        let from: Vec<String> = from.iter().map(|s| s.as_str().to_owned()).collect();
        let (until, event) = (comment_until.map(str::to_owned), event.clone());
        self.write(move |c| {
            let changed = c.execute(
                "UPDATE exemplars SET state = $2, comment_until = coalesce($3, comment_until)
                 WHERE id = $1 AND state = ANY($4)",
                &[&id, &to.as_str(), &until, &from],
            )?;
            if changed == 1 {
                append(c, id, &event)?;
            }
            Ok(changed == 1)
        })
    }

    fn note_exemplar(&self, id: i64, event: &ExemplarEvent) -> StoreResult<()> {
        let event = event.clone();
        self.write(move |c| {
            append(c, id, &event)?;
            Ok(())
        })
    }
}
