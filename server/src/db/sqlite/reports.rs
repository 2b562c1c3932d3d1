//! The report chain: versions with their frozen snapshots as JSON.

use super::SqliteStore;
use super::prelude::*;
use super::rows::parse_text;
use crate::reporting::store::{NewReport, ReportLevel, ReportReview, ReportStore, ReportSummary, ReportVersion};
use rusqlite::{OptionalExtension, Row, params};

const SUMMARY: &str = "id, quarter, province, city, county, version, status, reason, submitted_by, submitted_at, \
                       reviewed_by, reviewed_at, review_comment, \
                       (SELECT display_name FROM users WHERE username = submitted_by), \
                       (SELECT display_name FROM users WHERE username = reviewed_by)";

fn summary(r: &Row<'_>) -> rusqlite::Result<ReportSummary> {
    let region = Scope { province: r.get(2)?, city: r.get(3)?, county: r.get(4)? };
    Ok(ReportSummary {
        id: r.get(0)?,
        quarter: r.get(1)?,
        level: ReportLevel::of(&region).unwrap_or(ReportLevel::Province),
        region,
        version: r.get(5)?,
        status: parse_text(6, &r.get::<_, String>(6)?)?,
        reason: r.get(7)?,
        submitted_by: r.get(8)?,
        submitted_by_name: r.get::<_, Option<String>>(13)?.unwrap_or_default(),
        submitted_at: r.get(9)?,
        reviewed_by: r.get(10)?,
        reviewed_by_name: r.get(14)?,
        reviewed_at: r.get(11)?,
        review_comment: r.get(12)?,
    })
}

fn json<T: serde::de::DeserializeOwned>(r: &Row<'_>, col: usize) -> rusqlite::Result<T> {
    let text: String = r.get(col)?;
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, Box::new(e)))
}

fn version(r: &Row<'_>) -> rusqlite::Result<ReportVersion> {
    Ok(ReportVersion { summary: summary(r)?, header: json(r, 15)?, snapshot: json(r, 16)? })
}

impl ReportStore for SqliteStore {
    fn add_report(&self, n: &NewReport, expected: Option<u32>, now: i64) -> StoreResult<Option<ReportVersion>> {
        let to_json = |e: serde_json::Error| StoreError::Backend(e.to_string());
        let header = serde_json::to_string(&n.header).map_err(to_json)?;
        let snapshot = serde_json::to_string(&n.snapshot).map_err(to_json)?;
        let n = n.clone();
        let id = self.write(move |c| {
            let s = &n.region;
            let newest: Option<u32> = c.query_row(
                "SELECT max(version) FROM report_versions
                 WHERE quarter = ?1 AND province = ?2 AND city = ?3 AND county = ?4",
                params![n.quarter, s.province, s.city, s.county],
                |r| r.get(0),
            )?;
            if newest != expected {
                return Ok(None);
            }
            c.execute(
                "INSERT INTO report_versions (quarter, province, city, county, version, status, reason, header,
                     snapshot, submitted_by, submitted_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    n.quarter,
                    s.province,
                    s.city,
                    s.county,
                    newest.unwrap_or(0) + 1,
                    n.status.as_str(),
                    n.reason,
                    header,
                    snapshot,
                    n.submitted_by,
                    now
                ],
            )?;
            Ok(Some(c.last_insert_rowid()))
        })?;
        match id {
            Some(id) => self.report(id)?.map(Some).ok_or_else(|| StoreError::Corrupt("a report vanished".into())),
            None => Ok(None),
        }
    }

    fn review_report(&self, id: i64, review: &ReportReview, now: i64) -> StoreResult<bool> {
        let review = review.clone();
        self.write(move |c| {
            let changed = c.execute(
                "UPDATE report_versions SET status = ?2, reviewed_by = ?3, reviewed_at = ?4, review_comment = ?5
                 WHERE id = ?1 AND status = 'submitted' AND version = (
                     SELECT max(version) FROM report_versions o
                     WHERE o.quarter = report_versions.quarter AND o.province = report_versions.province
                       AND o.city = report_versions.city AND o.county = report_versions.county)",
                params![id, review.status.as_str(), review.by, now, review.comment],
            )?;
            Ok(changed == 1)
        })
    }

    fn report(&self, id: i64) -> StoreResult<Option<ReportVersion>> {
        self.read(|c| {
            let sql = format!("SELECT {SUMMARY}, header, snapshot FROM report_versions WHERE id = ?1");
            Ok(c.query_row(&sql, [id], version).optional()?)
        })
    }

    fn report_summaries(&self, scope: &Scope, from: &str, to: &str, limit: u32) -> StoreResult<Vec<ReportSummary>> {
        self.read(|c| {
            let sql = format!(
                "SELECT {SUMMARY} FROM report_versions
                 WHERE (?1 = '' OR province = ?1) AND (?2 = '' OR city = ?2) AND (?3 = '' OR county = ?3)
                   AND quarter BETWEEN ?4 AND ?5
                 ORDER BY quarter, id LIMIT ?6"
            );
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(params![scope.province, scope.city, scope.county, from, to, limit], summary)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
