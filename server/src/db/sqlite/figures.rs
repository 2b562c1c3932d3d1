//! Centres' own figures: versions per centre and period, never changed.

use super::SqliteStore;
use super::prelude::*;
use rusqlite::{Row, params};

const COLS: &str = "f.centre_code, f.period, f.version, f.turnover_wan, f.visits, f.staff, f.merchants, \
                    f.ledger_photo, f.note, f.warnings, f.reported_by, f.reported_at";

fn from_row(r: &Row<'_>, at: usize) -> rusqlite::Result<CentreFigures> {
    let warnings: String = r.get(at + 9)?;
    Ok(CentreFigures {
        centre_code: r.get(at)?,
        period: r.get(at + 1)?,
        version: r.get(at + 2)?,
        values: FigureValues {
            turnover_wan: r.get(at + 3)?,
            visits: r.get(at + 4)?,
            staff: r.get(at + 5)?,
            merchants: r.get(at + 6)?,
        },
        ledger_photo: r.get(at + 7)?,
        note: r.get(at + 8)?,
        warnings: serde_json::from_str(&warnings)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(at + 9, rusqlite::types::Type::Text, Box::new(e)))?,
        reported_by: r.get(at + 10)?,
        reported_at: r.get(at + 11)?,
    })
}

impl FigureStore for SqliteStore {
    fn add_figures(&self, f: &NewFigures, now: i64) -> StoreResult<CentreFigures> {
        let warnings = serde_json::to_string(&f.warnings).map_err(|e| StoreError::Backend(e.to_string()))?;
        let f = f.clone();
        self.write(move |c| {
            let version: u32 = c.query_row(
                "SELECT coalesce(max(version), 0) + 1 FROM centre_figures WHERE centre_code = ?1 AND period = ?2",
                params![f.centre_code, f.period],
                |r| r.get(0),
            )?;
            c.execute(
                "INSERT INTO centre_figures (centre_code, period, version, turnover_wan, visits, staff, merchants,
                     ledger_photo, note, warnings, reported_by, reported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    f.centre_code,
                    f.period,
                    version,
                    f.values.turnover_wan,
                    f.values.visits,
                    f.values.staff,
                    f.values.merchants,
                    f.ledger_photo,
                    f.note,
                    warnings,
                    f.reported_by,
                    now
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
        self.read(|c| {
            let sql = format!(
                "SELECT {COLS} FROM centre_figures f WHERE f.centre_code = ?1
                 ORDER BY f.period DESC, f.version DESC LIMIT ?2"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![centre_code, limit], |r| from_row(r, 0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    fn period_coverage(&self, scope: &Scope, period: &str, limit: u32) -> StoreResult<Vec<CoverageRow>> {
        let mut args = vec![period.to_owned()];
        let (conditions, scope_args) = crate::db::sql::scope_filter(scope, "ce.", crate::db::keyset::SQLITE, 2);
        args.extend(scope_args);
        self.read(|c| {
            // The newest version per centre: the row no later version of the same period outranks.
            let sql = format!(
                "SELECT ce.code, ce.name, ce.county, ce.township, {COLS},
                     EXISTS(SELECT 1 FROM users u, json_each(u.centres) j
                            WHERE u.role = 'operator' AND u.disabled = 0 AND j.value = ce.code)
                 FROM centres ce
                 LEFT JOIN centre_figures f ON f.centre_code = ce.code AND f.period = ?1
                     AND f.version = (SELECT max(version) FROM centre_figures
                                      WHERE centre_code = ce.code AND period = ?1)
                 WHERE ce.status = 'built'{conditions}
                 ORDER BY ce.county, ce.code LIMIT {limit}"
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(&args), |r| {
                let reported: Option<String> = r.get(4)?;
                Ok(CoverageRow {
                    centre_code: r.get(0)?,
                    centre_name: r.get(1)?,
                    county: r.get(2)?,
                    township: r.get(3)?,
                    has_operator: r.get(16)?,
                    figures: reported.map(|_| from_row(r, 4)).transpose()?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }
}
