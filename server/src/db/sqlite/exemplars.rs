//! 标杆样板: nominations and their record.

use super::SqliteStore;
use super::prelude::*;
use super::rows::conversion;
use crate::exemplars::store::{Exemplar, ExemplarEvent, ExemplarState, ExemplarStore, NewExemplar};
use rusqlite::{Connection, OptionalExtension, Row, params};

const COLS: &str =
    "id, centre_code, centre_name, centre_type, province, city, county, state, case_json, basis, comment_until";

fn json_col<T: serde::de::DeserializeOwned>(r: &Row<'_>, col: usize) -> rusqlite::Result<T> {
    let text: String = r.get(col)?;
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, Box::new(e)))
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Exemplar> {
    Ok(Exemplar {
        id: r.get(0)?,
        centre_code: r.get(1)?,
        centre_name: r.get(2)?,
        centre_type: r.get::<_, String>(3)?.parse().map_err(|e| conversion(3, e))?,
        region: Scope { province: r.get(4)?, city: r.get(5)?, county: r.get(6)? },
        state: r.get::<_, String>(7)?.parse().map_err(|e| conversion(7, e))?,
        case: json_col(r, 8)?,
        basis: json_col(r, 9)?,
        comment_until: r.get(10)?,
        events: Vec::new(),
    })
}

fn events(c: &Connection, id: i64) -> StoreResult<Vec<ExemplarEvent>> {
    let mut stmt = c.prepare_cached(
        "SELECT at, by, kind, detail FROM exemplar_events WHERE exemplar_id = ?1 ORDER BY id LIMIT 1000",
    )?;
    let rows = stmt
        .query_map([id], |r| Ok(ExemplarEvent { at: r.get(0)?, by: r.get(1)?, kind: r.get(2)?, detail: r.get(3)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn append(c: &Connection, id: i64, e: &ExemplarEvent) -> rusqlite::Result<usize> {
    c.prepare_cached("INSERT INTO exemplar_events (exemplar_id, at, by, kind, detail) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![id, e.at, e.by, e.kind, e.detail])
}

fn to_json<T: serde::Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Backend(e.to_string()))
}

impl ExemplarStore for SqliteStore {
    fn nominate(&self, n: &NewExemplar, event: &ExemplarEvent) -> StoreResult<Option<i64>> {
        let (case, basis) = (to_json(&n.case)?, to_json(&n.basis)?);
        let (n, event) = (n.clone(), event.clone());
        self.write(move |c| {
            let inserted = c.execute(
                "INSERT OR IGNORE INTO exemplars (centre_code, centre_name, centre_type, province, city, county, state,
                     case_json, basis, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'nominated', ?7, ?8, ?9)",
                params![
                    n.centre_code,
                    n.centre_name,
                    n.centre_type.as_str(),
                    n.region.province,
                    n.region.city,
                    n.region.county,
                    case,
                    basis,
                    event.at
                ],
            )?;
            if inserted == 0 {
                return Ok(None);
            }
            let id = c.last_insert_rowid();
            append(c, id, &event)?;
            Ok(Some(id))
        })
    }

    fn exemplar(&self, id: i64) -> StoreResult<Option<Exemplar>> {
        self.read(|c| {
            let sql = format!("SELECT {COLS} FROM exemplars WHERE id = ?1");
            let Some(mut e) = c.query_row(&sql, [id], from_row).optional()? else { return Ok(None) };
            e.events = events(c, id)?;
            Ok(Some(e))
        })
    }

    fn exemplars(&self, scope: &Scope, states: &[ExemplarState], limit: u32) -> StoreResult<Vec<Exemplar>> {
        let states: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
        let states = serde_json::to_string(&states).map_err(|e| StoreError::Backend(e.to_string()))?;
        self.read(|c| {
            let sql = format!(
                "SELECT {COLS} FROM exemplars
                 WHERE (?1 = '' OR province = ?1) AND (?2 = '' OR city = ?2) AND (?3 = '' OR county = ?3)
                   AND state IN (SELECT value FROM json_each(?4))
                 ORDER BY id DESC LIMIT ?5"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![scope.province, scope.city, scope.county, states, limit], from_row)?;
            let mut out: Vec<Exemplar> = rows.collect::<Result<_, _>>()?;
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
        let from: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
        let from = serde_json::to_string(&from).map_err(|e| StoreError::Backend(e.to_string()))?;
        let (until, event) = (comment_until.map(str::to_owned), event.clone());
        self.write(move |c| {
            let changed = c.execute(
                "UPDATE exemplars SET state = ?2, comment_until = coalesce(?3, comment_until)
                 WHERE id = ?1 AND state IN (SELECT value FROM json_each(?4))",
                params![id, to.as_str(), until, from],
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
