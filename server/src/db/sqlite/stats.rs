//! The dashboard's reads: the registry with each centre's latest signed
//! inspection, inspections for statistics and exports, region names and
//! city populations.

use super::SqliteStore;
use super::docs::{OFFICIAL_D, inspection_filter_sql, order_by};
use super::prelude::*;
use super::rows::{CENTRE_COLS, centre_from_row, parse_opt, parse_text};
use rusqlite::{Row, params};
use std::collections::HashMap;
use xuncha_core::{CentreStatus, Region};

/// The latest official inspection of each centre (see `OFFICIAL_D`), the
/// newest quarter first. Drafts, returned work and ad-hoc work nobody
/// approved are not a centre's grade.
const LATEST_JOIN: &str = concat!(
    "LEFT JOIN documents d ON d.doc_id = (SELECT l.doc_id FROM documents l ",
    "WHERE l.centre_code = c.code AND l.total IS NOT NULL AND ",
    super::docs::official!("l"),
    " ORDER BY l.quarter DESC, l.updated_at DESC LIMIT 1)"
);

/// The WHERE conditions of a centre filter (over `centres c`) and their arguments.
fn centre_conditions(f: &CentreFilter) -> (&'static str, Vec<String>) {
    let sql = "(?1 = '' OR c.province = ?1) AND (?2 = '' OR c.city = ?2) AND (?3 = '' OR c.county = ?3)
         AND (?4 = '' OR c.centre_type = ?4) AND (?5 = '' OR instr(c.name, ?5) > 0 OR instr(c.code, ?5) > 0)
         AND (?6 = '' OR c.status = ?6)";
    let status = f.status.map(|s| s.as_str().to_owned()).unwrap_or_default();
    let args = vec![
        f.scope.province.clone(),
        f.scope.city.clone(),
        f.scope.county.clone(),
        f.centre_type.map(|t| t.as_str().to_owned()).unwrap_or_default(),
        f.query.clone().unwrap_or_default(),
        status,
    ];
    (sql, args)
}

fn prefixed(cols: &str, prefix: &str) -> String {
    cols.split(", ").map(|s| format!("{prefix}.{s}")).collect::<Vec<_>>().join(", ")
}

fn entry_from_row(r: &Row<'_>) -> rusqlite::Result<RegistryEntry> {
    let centre = centre_from_row(r)?;
    let o = super::rows::CENTRE_COL_COUNT;
    let doc: Option<Vec<u8>> = r.get(o)?;
    let latest = match doc {
        Some(bytes) => {
            let doc = super::docs::doc_id_from(bytes)
                .map_err(|e| rusqlite::Error::FromSqlConversionFailure(o, rusqlite::types::Type::Blob, e.into()))?;
            Some(LatestScore {
                doc,
                quarter: r.get(o + 1)?,
                total: r.get(o + 2)?,
                grade: parse_text(o + 3, &r.get::<_, String>(o + 3)?)?,
                status: parse_text(o + 4, &r.get::<_, String>(o + 4)?)?,
            })
        }
        None => None,
    };
    Ok(RegistryEntry { centre, latest })
}

impl SqliteStore {
    fn registry_query(&self, f: &CentreFilter, limit: u32, offset: i64) -> StoreResult<Vec<RegistryEntry>> {
        let (conditions, args) = centre_conditions(f);
        self.read(move |c| {
            let sql = format!(
                "SELECT {}, d.doc_id, d.quarter, d.total, d.grade, d.status FROM centres c {LATEST_JOIN}
                 WHERE {conditions} ORDER BY c.code LIMIT {limit} OFFSET {offset}",
                prefixed(CENTRE_COLS, "c"),
            );
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(&args), entry_from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}

impl StatsStore for SqliteStore {
    fn registry(&self, f: &CentreFilter, p: PageReq) -> StoreResult<Page<RegistryEntry>> {
        let (conditions, args) = centre_conditions(f);
        let total: i64 = self.read(move |c| {
            let sql = format!("SELECT count(*) FROM centres c WHERE {conditions}");
            Ok(c.query_row(&sql, rusqlite::params_from_iter(&args), |r| r.get(0))?)
        })?;
        let offset = i64::from(p.page.saturating_sub(1)) * i64::from(p.per_page);
        Ok(Page {
            items: self.registry_query(f, p.per_page, offset)?,
            total: u64::try_from(total).unwrap_or(0),
            page: p.page,
            per_page: p.per_page,
        })
    }

    fn registry_all(&self, f: &CentreFilter, limit: u32) -> StoreResult<Vec<RegistryEntry>> {
        self.registry_query(f, limit, 0)
    }

    fn stat_docs(&self, scope: &Scope, quarter: Option<&str>, limit: u32) -> StoreResult<Vec<StatDoc>> {
        let args = [scope.province.clone(), scope.city.clone(), scope.county.clone(), quarter.unwrap_or("").to_owned()];
        self.read(move |c| {
            let sql = format!(
                "SELECT d.centre_code, c.city, c.county, d.quarter, d.status, d.total, d.grade, d.figures, d.updated_at
                 FROM documents d JOIN centres c ON c.code = d.centre_code
                 WHERE (?1 = '' OR c.province = ?1) AND (?2 = '' OR c.city = ?2) AND (?3 = '' OR c.county = ?3)
                 AND (?4 = '' OR d.quarter = ?4) AND {OFFICIAL_D}
                 ORDER BY d.quarter, d.updated_at LIMIT {limit}"
            );
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(&args), |r| {
                Ok(StatDoc {
                    centre_code: r.get(0)?,
                    city: r.get(1)?,
                    county: r.get(2)?,
                    quarter: r.get(3)?,
                    status: parse_text(4, &r.get::<_, String>(4)?)?,
                    total: r.get(5)?,
                    grade: parse_opt(6, r.get(6)?)?,
                    figures: r
                        .get::<_, Option<String>>(7)?
                        .map(|j| serde_json::from_str(&j))
                        .transpose()
                        .map_err(|e| {
                            rusqlite::Error::FromSqlConversionFailure(7, rusqlite::types::Type::Text, Box::new(e))
                        })?
                        .unwrap_or_default(),
                    updated_at: r.get(8)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn inspections_all(&self, f: &InspectionFilter, limit: u32) -> StoreResult<Vec<InspectionRow>> {
        let f = f.clone();
        self.read(move |c| {
            let (filter, args) = inspection_filter_sql(&f);
            let sql = format!(
                "SELECT {}, {} {filter} ORDER BY {} LIMIT {limit}",
                prefixed(CENTRE_COLS, "c"),
                super::docs::ROW_COLS,
                order_by(f.sort, f.ascending)
            );
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(&args), super::docs::inspection_from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn region_names(&self, scope: &Scope) -> StoreResult<Vec<Region>> {
        let args = [scope.province.clone(), scope.city.clone(), scope.county.clone()];
        self.read(move |c| {
            let mut stmt = c.prepare(
                "SELECT DISTINCT province, city, county, township FROM centres c
                 WHERE (?1 = '' OR c.province = ?1) AND (?2 = '' OR c.city = ?2) AND (?3 = '' OR c.county = ?3)
                 ORDER BY province, city, county, township LIMIT 20000",
            )?;
            let rows = stmt.query_map(rusqlite::params_from_iter(&args), |r| {
                Ok(Region { province: r.get(0)?, city: r.get(1)?, county: r.get(2)?, township: r.get(3)? })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn statuses_at(&self, scope: &Scope, at: i64, or_first: bool) -> StoreResult<HashMap<String, CentreStatus>> {
        let scope = scope.clone();
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT s.code, s.status FROM centres c JOIN centre_status s ON s.code = c.code
                 WHERE (?1 = '' OR c.province = ?1) AND (?2 = '' OR c.city = ?2) AND (?3 = '' OR c.county = ?3)
                 AND s.since = coalesce(
                     (SELECT max(since) FROM centre_status WHERE code = c.code AND since <= ?4),
                     CASE WHEN ?5 THEN (SELECT min(since) FROM centre_status WHERE code = c.code) END)",
            )?;
            let rows = stmt.query_map(params![scope.province, scope.city, scope.county, at, or_first], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
            let mut out = HashMap::new();
            for row in rows {
                let (code, status) = row?;
                if let Some(s) = CentreStatus::parse(&status) {
                    out.insert(code, s);
                }
            }
            Ok(out)
        })
    }

    fn populations(&self, scope: &Scope) -> StoreResult<Vec<CityPopulation>> {
        let args = [scope.province.clone(), scope.city.clone()];
        self.read(move |c| {
            let mut stmt = c.prepare(
                "SELECT province, city, population FROM regions
                 WHERE (?1 = '' OR province = ?1) AND (?2 = '' OR city = ?2) ORDER BY province, city LIMIT 5000",
            )?;
            let rows = stmt.query_map(rusqlite::params_from_iter(&args), |r| {
                let population: i64 = r.get(2)?;
                Ok(CityPopulation {
                    province: r.get(0)?,
                    city: r.get(1)?,
                    population: u64::try_from(population).unwrap_or(0),
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn set_populations(&self, rows: &[CityPopulation], now: i64) -> StoreResult<usize> {
        let rows = rows.to_vec();
        self.write(move |c| {
            let mut stmt = c.prepare_cached(
                "INSERT INTO regions (province, city, population, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (province, city) DO UPDATE SET population = excluded.population, updated_at = excluded.updated_at",
            )?;
            for r in &rows {
                stmt.execute(params![r.province, r.city, i64::try_from(r.population).unwrap_or(i64::MAX), now])?;
            }
            Ok(rows.len())
        })
    }

    fn mark_reported(&self, r: &ReportedQuarter) -> StoreResult<bool> {
        let r = r.clone();
        self.write(move |c| {
            let n = c.execute(
                "INSERT OR IGNORE INTO reported_quarters (quarter, province, city, county, reported_by, reported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![r.quarter, r.scope.province, r.scope.city, r.scope.county, r.reported_by, r.reported_at],
            )?;
            Ok(n == 1)
        })
    }

    fn reported_quarters(&self, scope: &Scope) -> StoreResult<Vec<ReportedQuarter>> {
        let scope = scope.clone();
        self.read(move |c| {
            // Either side may be the wider region: a level matches when it is
            // empty on either side or the same on both.
            let mut stmt = c.prepare(
                "SELECT quarter, province, city, county, reported_by, reported_at FROM reported_quarters
                 WHERE (?1 = '' OR province = '' OR province = ?1) AND (?2 = '' OR city = '' OR city = ?2)
                 AND (?3 = '' OR county = '' OR county = ?3)
                 ORDER BY quarter DESC, province, city, county LIMIT 10000",
            )?;
            let rows = stmt.query_map(params![scope.province, scope.city, scope.county], |r| {
                Ok(ReportedQuarter {
                    quarter: r.get(0)?,
                    scope: Scope { province: r.get(1)?, city: r.get(2)?, county: r.get(3)? },
                    reported_by: r.get(4)?,
                    reported_at: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
