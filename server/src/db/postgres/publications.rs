//! Publications: frozen versions, rows as JSON.

use super::PgStore;
use super::db::{get, get_u32};
use super::prelude::*;
use super::rows::{json_col, parse_text};
use postgres::Row;

const COLS: &str =
    "plan_id, version, title, province, city, county, quarter, purpose, seed, rows, reason, published_by, published_at";

fn from_row(r: &Row) -> StoreResult<Publication> {
    let record = PublicRecord {
        plan_id: get(r, 0)?,
        version: get_u32(r, 1)?,
        title: get(r, 2)?,
        scope: Scope { province: get(r, 3)?, city: get(r, 4)?, county: get(r, 5)? },
        quarter: get(r, 6)?,
        purpose: parse_text(&get::<String>(r, 7)?)?,
        seed: get(r, 8)?,
        rows: json_col(r, 9)?,
        reason: get(r, 10)?,
        published_at: get(r, 12)?,
    };
    Ok(Publication { record, published_by: get(r, 11)? })
}

impl PublicationStore for PgStore {
    fn publish(&self, p: &NewPublication, now: i64) -> StoreResult<Publication> {
        let rows = serde_json::to_string(&p.rows).map_err(|e| StoreError::Backend(e.to_string()))?;
        let p = p.clone();
        let plan_id = p.plan_id;
        let version: u32 = self.write(move |c| {
            // Versions of one plan are numbered one at a time across instances.
            let key = format!("publication\u{1f}{}", p.plan_id);
            c.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", &[&key])?;
            let version = get_u32(
                &c.query_one(
                    "SELECT coalesce(max(version), 0) + 1 FROM publications WHERE plan_id = $1",
                    &[&p.plan_id],
                )?,
                0,
            )?;
            c.execute(
                "INSERT INTO publications (plan_id, version, title, province, city, county, quarter, purpose, seed,
                     rows, reason, published_by, published_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                &[
                    &p.plan_id,
                    &i64::from(version),
                    &p.title,
                    &p.scope.province,
                    &p.scope.city,
                    &p.scope.county,
                    &p.quarter,
                    &p.purpose.as_str(),
                    &p.seed,
                    &rows,
                    &p.reason,
                    &p.published_by,
                    &now,
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
        self.read(move |c| {
            let sql = format!("SELECT {COLS} FROM publications WHERE plan_id = $1 ORDER BY version LIMIT 1000");
            c.query(&sql, &[&plan_id])?.iter().map(from_row).collect()
        })
    }

    fn latest_publications(&self, limit: u32) -> StoreResult<Vec<Publication>> {
        self.read(move |c| {
            let sql = format!(
                "SELECT {COLS} FROM publications p
                 WHERE version = (SELECT max(version) FROM publications q WHERE q.plan_id = p.plan_id)
                 ORDER BY published_at DESC, plan_id DESC LIMIT $1"
            );
            c.query(&sql, &[&i64::from(limit)])?.iter().map(from_row).collect()
        })
    }
}
