//! The report chain: versions with their frozen snapshots as JSON.

use super::PgStore;
use super::db::{get, get_u32};
use super::prelude::*;
use super::rows::{json_col, parse_text};
use crate::reporting::store::{NewReport, ReportLevel, ReportReview, ReportStore, ReportSummary, ReportVersion};
use postgres::Row;

const SUMMARY: &str = "id, quarter, province, city, county, version, status, reason, submitted_by, submitted_at, \
                       reviewed_by, reviewed_at, review_comment, \
                       (SELECT display_name FROM users WHERE username = submitted_by), \
                       (SELECT display_name FROM users WHERE username = reviewed_by)";

fn summary(r: &Row) -> StoreResult<ReportSummary> {
    let region = Scope { province: get(r, 2)?, city: get(r, 3)?, county: get(r, 4)? };
    Ok(ReportSummary {
        id: get(r, 0)?,
        quarter: get(r, 1)?,
        level: ReportLevel::of(&region).unwrap_or(ReportLevel::Province),
        region,
        version: get_u32(r, 5)?,
        status: parse_text(&get::<String>(r, 6)?)?,
        reason: get(r, 7)?,
        submitted_by: get(r, 8)?,
        submitted_by_name: get::<Option<String>>(r, 13)?.unwrap_or_default(),
        submitted_at: get(r, 9)?,
        reviewed_by: get(r, 10)?,
        reviewed_by_name: get(r, 14)?,
        reviewed_at: get(r, 11)?,
        review_comment: get(r, 12)?,
    })
}

fn version(r: &Row) -> StoreResult<ReportVersion> {
    Ok(ReportVersion { summary: summary(r)?, header: json_col(r, 15)?, snapshot: json_col(r, 16)? })
}

impl ReportStore for PgStore {
    fn add_report(&self, n: &NewReport, expected: Option<u32>, now: i64) -> StoreResult<Option<ReportVersion>> {
        let to_json = |e: serde_json::Error| StoreError::Backend(e.to_string());
        let header = serde_json::to_string(&n.header).map_err(to_json)?;
        let snapshot = serde_json::to_string(&n.snapshot).map_err(to_json)?;
        let n = n.clone();
        let id: Option<i64> = self.write(move |c| {
            let s = &n.region;
            // One region's quarter takes versions one at a time across
            // instances: the second of two submissions sees the first's.
            let key = format!("report\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}", n.quarter, s.province, s.city, s.county);
            c.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", &[&key])?;
            let newest: Option<i64> = get(
                &c.query_one(
                    "SELECT max(version) FROM report_versions
                     WHERE quarter = $1 AND province = $2 AND city = $3 AND county = $4",
                    &[&n.quarter, &s.province, &s.city, &s.county],
                )?,
                0,
            )?;
            if newest != expected.map(i64::from) {
                return Ok(None);
            }
            let row = c.query_one(
                "INSERT INTO report_versions (quarter, province, city, county, version, status, reason, header,
                     snapshot, submitted_by, submitted_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                &[
                    &n.quarter,
                    &s.province,
                    &s.city,
                    &s.county,
                    &(newest.unwrap_or(0) + 1),
                    &n.status.as_str(),
                    &n.reason,
                    &header,
                    &snapshot,
                    &n.submitted_by,
                    &now,
                ],
            )?;
            Ok(Some(get(&row, 0)?))
        })?;
        match id {
            Some(id) => self.report(id)?.map(Some).ok_or_else(|| StoreError::Corrupt("a report vanished".into())),
            None => Ok(None),
        }
    }

    fn review_report(&self, id: i64, review: &ReportReview, now: i64) -> StoreResult<bool> {
        let review = review.clone();
        self.write(move |c| {
            // Reviewed once, and only while newest: conditional on both, with
            // the region's versions locked as add_report locks them.
            let region =
                c.query_opt("SELECT quarter, province, city, county FROM report_versions WHERE id = $1", &[&id])?;
            if let Some(r) = region {
                let key = format!(
                    "report\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
                    get::<String>(&r, 0)?,
                    get::<String>(&r, 1)?,
                    get::<String>(&r, 2)?,
                    get::<String>(&r, 3)?
                );
                c.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", &[&key])?;
            }
            let changed = c.execute(
                "UPDATE report_versions SET status = $2, reviewed_by = $3, reviewed_at = $4, review_comment = $5
                 WHERE id = $1 AND status = 'submitted' AND version = (
                     SELECT max(version) FROM report_versions o
                     WHERE o.quarter = report_versions.quarter AND o.province = report_versions.province
                       AND o.city = report_versions.city AND o.county = report_versions.county)",
                &[&id, &review.status.as_str(), &review.by, &now, &review.comment],
            )?;
            Ok(changed == 1)
        })
    }

    fn report(&self, id: i64) -> StoreResult<Option<ReportVersion>> {
        self.read(move |c| {
            let sql = format!("SELECT {SUMMARY}, header, snapshot FROM report_versions WHERE id = $1");
            c.query_opt(&sql, &[&id])?.map(|r| version(&r)).transpose()
        })
    }

    fn report_summaries(&self, scope: &Scope, from: &str, to: &str, limit: u32) -> StoreResult<Vec<ReportSummary>> {
        let (scope, from, to) = (scope.clone(), from.to_owned(), to.to_owned());
        self.read(move |c| {
            let sql = format!(
                "SELECT {SUMMARY} FROM report_versions
                 WHERE ($1 = '' OR province = $1) AND ($2 = '' OR city = $2) AND ($3 = '' OR county = $3)
                   AND quarter BETWEEN $4 AND $5
                 ORDER BY quarter, id LIMIT $6"
            );
            c.query(&sql, &[&scope.province, &scope.city, &scope.county, &from, &to, &i64::from(limit)])?
                .iter()
                .map(summary)
                .collect()
        })
    }
}
