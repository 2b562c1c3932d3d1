//! The dashboard's reads: the registry with each centre's latest signed
//! inspection, inspections for statistics and exports, region names and
//! city populations.

use super::SqliteStore;
use super::docs::{OFFICIAL_D, inspection_filter_sql};
use super::prelude::*;
use super::rows::{CENTRE_COLS, centre_from_row, parse_opt, parse_text};
use crate::db::keyset::{self, chunk};
use crate::db::sql::{CENTRE_KEYS, centre_cursor, inspection_cursor, inspection_keys, scope_filter};
use crate::db::stats_sql;
use rusqlite::{Connection, Row, params};
use xuncha_core::{Centre, CentreStatus, Region};

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
fn centre_conditions(f: &CentreFilter) -> (String, Vec<String>) {
    crate::db::sql::centre_filter(f, keyset::SQLITE)
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

/// The centres a registry filter selects, each with its latest official
/// result, for the page (or chunk) `p` asks for: `p.per_page + 1` at most.
fn registry_rows(c: &Connection, conditions: &str, args: Vec<String>, p: &PageReq) -> StoreResult<Vec<RegistryEntry>> {
    let select = format!("{}, d.doc_id, d.quarter, d.total, d.grade, d.status", prefixed(CENTRE_COLS, "c"));
    let filter = format!("FROM centres c {LATEST_JOIN} WHERE {conditions}");
    let (sql, args) = keyset::page_sql(&select, &filter, args, String::from, &CENTRE_KEYS, p, keyset::SQLITE)?;
    let mut stmt = c.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(&args), entry_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl StatsStore for SqliteStore {
    fn registry(&self, f: &CentreFilter, p: PageReq) -> StoreResult<Page<RegistryEntry>> {
        let (conditions, args) = centre_conditions(f);
        self.read(move |c| {
            let counted = format!("FROM centres c WHERE {conditions}");
            let total: i64 =
                c.query_row(&keyset::count_sql(&counted), rusqlite::params_from_iter(&args), |r| r.get(0))?;
            let rows = registry_rows(c, &conditions, args, &p)?;
            Ok(keyset::page_of(rows, total, &p, |e| centre_cursor(&e.centre.code)))
        })
    }

    fn registry_chunk(
        &self,
        f: &CentreFilter,
        after: Option<&Cursor>,
        limit: u32,
    ) -> StoreResult<Chunk<RegistryEntry>> {
        let (conditions, args) = centre_conditions(f);
        let p = chunk(after, limit);
        let rows = self.read(move |c| registry_rows(c, &conditions, args, &p))?;
        Ok(keyset::chunk_of(rows, limit, |e| centre_cursor(&e.centre.code)))
    }

    fn attachment_groups(&self, scope: &Scope, period: &StatPeriod) -> StoreResult<Vec<CityTypeGroup>> {
        let (sql, args) = stats_sql::attachment_groups(scope, period, keyset::SQLITE, OFFICIAL_D);
        self.read(move |c| {
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(&args), |r| {
                let n = |i: usize| r.get::<_, i64>(i).map(|v| u32::try_from(v).unwrap_or(u32::MAX));
                Ok(CityTypeGroup {
                    city: r.get(0)?,
                    centre_type: parse_text(1, &r.get::<_, String>(1)?)?,
                    built: n(2)?,
                    under_construction: n(3)?,
                    planned: n(4)?,
                    built_baseline: n(5)?,
                    reporting: n(6)?,
                    self_reported: n(7)?,
                    turnover_10k_yuan: r.get(8)?,
                    service_visits: r.get(9)?,
                    staff: r.get(10)?,
                    tenants: r.get(11)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn unreported(&self, scope: &Scope, period: &StatPeriod, limit: u32) -> StoreResult<Vec<Centre>> {
        let cols = prefixed(CENTRE_COLS, "c");
        let (sql, args) = stats_sql::unreported(scope, period, limit, keyset::SQLITE, OFFICIAL_D, &cols);
        self.read(move |c| {
            let mut stmt = c.prepare(&sql)?;
            // Built as the period ended, whatever the registry says today.
            let rows = stmt.query_map(rusqlite::params_from_iter(&args), |r| {
                centre_from_row(r).map(|c| Centre { status: CentreStatus::Built, ..c })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn chart_groups(&self, scope: &Scope) -> StoreResult<Vec<ChartGroup>> {
        let (sql, args) = stats_sql::chart_groups(scope, keyset::SQLITE, OFFICIAL_D);
        self.read(move |c| {
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(&args), |r| {
                Ok(ChartGroup {
                    quarter: r.get(0)?,
                    county: r.get(1)?,
                    grade: parse_opt(2, r.get(2)?)?,
                    count: u32::try_from(r.get::<_, i64>(3)?).unwrap_or(u32::MAX),
                    total_sum: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn inspections_chunk(
        &self,
        f: &InspectionFilter,
        after: Option<&Cursor>,
        limit: u32,
    ) -> StoreResult<Chunk<InspectionRow>> {
        let f = f.clone();
        let p = chunk(after, limit);
        self.read(move |c| {
            let (filter, args) = inspection_filter_sql(&f);
            let select = format!("{}, {}", prefixed(CENTRE_COLS, "c"), super::docs::ROW_COLS);
            let keys = inspection_keys(f.sort, f.ascending);
            let (sql, args) = keyset::page_sql(&select, &filter, args, String::from, &keys, &p, keyset::SQLITE)?;
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(&args), super::docs::inspection_from_row)?;
            let rows = rows.collect::<Result<Vec<_>, _>>()?;
            Ok(keyset::chunk_of(rows, limit, |r| inspection_cursor(r, f.sort)))
        })
    }

    fn region_names(&self, scope: &Scope) -> StoreResult<Vec<Region>> {
        let (conditions, args) = scope_filter(scope, "c.", keyset::SQLITE, 1);
        self.read(move |c| {
            let mut stmt = c.prepare(&format!(
                "SELECT DISTINCT province, city, county, township FROM centres c WHERE 1 = 1{conditions}
                 ORDER BY province, city, county, township LIMIT 20000"
            ))?;
            let rows = stmt.query_map(rusqlite::params_from_iter(&args), |r| {
                Ok(Region { province: r.get(0)?, city: r.get(1)?, county: r.get(2)?, township: r.get(3)? })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
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
