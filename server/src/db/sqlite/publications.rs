//! Publications: frozen versions, rows as JSON.

use super::SqliteStore;
use super::prelude::*;
use super::rows::parse_text;
use rusqlite::{Row, params};

const COLS: &str =
    "plan_id, version, title, province, city, county, quarter, purpose, seed, rows, reason, published_by, published_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Publication> {
    let rows: String = r.get(9)?;
    let record = PublicRecord {
        plan_id: r.get(0)?,
        version: r.get(1)?,
        title: r.get(2)?,
        scope: Scope { province: r.get(3)?, city: r.get(4)?, county: r.get(5)? },
        quarter: r.get(6)?,
        purpose: parse_text(7, &r.get::<_, String>(7)?)?,
        seed: r.get(8)?,
        rows: serde_json::from_str(&rows)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(9, rusqlite::types::Type::Text, Box::new(e)))?,
        reason: r.get(10)?,
        published_at: r.get(12)?,
    };
    Ok(Publication { record, published_by: r.get(11)? })
}

impl PublicationStore for SqliteStore {
    fn publish(&self, p: &NewPublication, now: i64) -> StoreResult<Publication> {
        let rows = serde_json::to_string(&p.rows).map_err(|e| StoreError::Backend(e.to_string()))?;
        let p = p.clone();
        let plan_id = p.plan_id;
        let version: u32 = self.write(move |c| {
            let version: u32 = c.query_row(
                "SELECT coalesce(max(version), 0) + 1 FROM publications WHERE plan_id = ?1",
                [p.plan_id],
                |r| r.get(0),
            )?;
            c.execute(
                "INSERT INTO publications (plan_id, version, title, province, city, county, quarter, purpose, seed,
                     rows, reason, published_by, published_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    p.plan_id,
                    version,
                    p.title,
                    p.scope.province,
                    p.scope.city,
                    p.scope.county,
                    p.quarter,
                    p.purpose.as_str(),
                    p.seed,
                    rows,
                    p.reason,
                    p.published_by,
                    now
                ],
            )?;
            Ok(version)
        })?;
        self.publications(plan_id)?
            .into_iter()
            .find(|x| x.record.version == version)
            .ok_or_else(|| StoreError::Corrupt("a publication vanished as it was stored".into()))
    }

    fn publications(&self, plan_id: i64) -> StoreResult<Vec<Publication>> {
        self.read(|c| {
            let sql = format!("SELECT {COLS} FROM publications WHERE plan_id = ?1 ORDER BY version LIMIT 1000");
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map([plan_id], from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn latest_publications(&self, limit: u32) -> StoreResult<Vec<Publication>> {
        self.read(|c| {
            let sql = format!(
                "SELECT {COLS} FROM publications p
                 WHERE version = (SELECT max(version) FROM publications q WHERE q.plan_id = p.plan_id)
                 ORDER BY published_at DESC, plan_id DESC LIMIT ?1"
            );
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map([limit], from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
