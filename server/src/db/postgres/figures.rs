//! Centres' own figures: versions per centre and period, never changed.

use super::PgStore;
use super::db::{get, get_u32};
use super::prelude::*;
use postgres::Row;

const COLS: &str = "f.centre_code, f.period, f.version, f.turnover_wan, f.visits, f.staff, f.merchants, \
                    f.ledger_photo, f.note, f.warnings, f.reported_by, f.reported_at";

fn from_row(r: &Row, at: usize) -> StoreResult<CentreFigures> {
    Ok(CentreFigures {
        centre_code: get(r, at)?,
        period: get(r, at + 1)?,
        version: get_u32(r, at + 2)?,
        values: FigureValues {
            turnover_wan: get(r, at + 3)?,
            visits: get(r, at + 4)?,
            staff: get(r, at + 5)?,
            merchants: get(r, at + 6)?,
        },
        ledger_photo: get(r, at + 7)?,
        note: get(r, at + 8)?,
        warnings: super::rows::json_col(r, at + 9)?,
        reported_by: get(r, at + 10)?,
        reported_at: get(r, at + 11)?,
    })
}

impl FigureStore for PgStore {
    fn add_figures(&self, f: &NewFigures, now: i64) -> StoreResult<CentreFigures> {
        let warnings = serde_json::to_string(&f.warnings).map_err(|e| StoreError::Backend(e.to_string()))?;
        let f = f.clone();
        self.write(move |c| {
            // Two reports of one centre and period at once: the second waits
            // and takes the next version.
            let key = format!("figures\u{1f}{}\u{1f}{}", f.centre_code, f.period);
            c.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", &[&key])?;
            let version = get_u32(
                &c.query_one(
                    "SELECT coalesce(max(version), 0) + 1 FROM centre_figures WHERE centre_code = $1 AND period = $2",
                    &[&f.centre_code, &f.period],
                )?,
                0,
            )?;
            c.execute(
                "INSERT INTO centre_figures (centre_code, period, version, turnover_wan, visits, staff, merchants,
                     ledger_photo, note, warnings, reported_by, reported_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                &[
                    &f.centre_code,
                    &f.period,
                    &i64::from(version),
                    &f.values.turnover_wan,
                    &f.values.visits,
                    &f.values.staff,
                    &f.values.merchants,
                    &f.ledger_photo,
                    &f.note,
                    &warnings,
                    &f.reported_by,
                    &now,
                ],
            )?;
            Ok(CentreFigures {
                centre_code: f.centre_code,
                period: f.period,
                version,
                values: f.values,
                ledger_photo: f.ledger_photo,
                note: f.note,
                warnings: f.warnings,
                reported_by: f.reported_by,
                reported_at: now,
            })
        })
    }

    fn figures_of(&self, centre_code: &str, limit: u32) -> StoreResult<Vec<CentreFigures>> {
        let code = centre_code.to_owned();
        self.read(move |c| {
            let sql = format!(
                "SELECT {COLS} FROM centre_figures f WHERE f.centre_code = $1
                 ORDER BY f.period DESC, f.version DESC LIMIT $2"
            );
            c.query(&sql, &[&code, &i64::from(limit)])?.iter().map(|r| from_row(r, 0)).collect()
        })
    }

    fn period_coverage(&self, scope: &Scope, period: &str, limit: u32) -> StoreResult<Vec<CoverageRow>> {
        let mut args = vec![period.to_owned()];
        let (conditions, scope_args) = crate::db::sql::scope_filter(scope, "ce.", crate::db::keyset::POSTGRES, 2);
        args.extend(scope_args);
        self.read(move |c| {
            // The newest version per centre: the row no later version of the same period outranks.
            let sql = format!(
                "SELECT ce.code, ce.name, ce.county, ce.township, {COLS},
                     EXISTS(SELECT 1 FROM users u
                            WHERE u.role = 'operator' AND NOT u.disabled
                              AND u.centres::jsonb ? ce.code)
                 FROM centres ce
                 LEFT JOIN centre_figures f ON f.centre_code = ce.code AND f.period = $1
                     AND f.version = (SELECT max(version) FROM centre_figures
                                      WHERE centre_code = ce.code AND period = $1)
                 WHERE ce.status = 'built'{conditions}
                 ORDER BY ce.county, ce.code LIMIT {limit}"
            );
            let rows = c.query(&sql, &crate::db::postgres::docs::params_of(&args))?;
            rows.iter()
                .map(|r| {
                    let reported: Option<String> = get(r, 4)?;
                    Ok(CoverageRow {
                        centre_code: get(r, 0)?,
                        centre_name: get(r, 1)?,
                        county: get(r, 2)?,
                        township: get(r, 3)?,
                        has_operator: get(r, 16)?,
                        figures: reported.map(|_| from_row(r, 4)).transpose()?,
                    })
                })
                .collect()
        })
    }
}
