//! The dashboard's reads: the registry with each centre's latest signed
//! inspection, inspections for statistics and exports, region names and
//! city populations.

use super::PgStore;
use super::db::{Db, get, get_u32};
use super::docs::{ROW_COLS, inspection_filter_sql, inspection_from_row, params_of};
use super::prelude::*;
use super::rows::{centre_cols_of_c, centre_from_row, doc_id_from, parse_opt, parse_text};
use crate::db::keyset::{self, chunk};
use crate::db::sql::{CENTRE_KEYS, centre_cursor, inspection_cursor, inspection_keys, scope_filter};
use crate::db::stats_sql;
use postgres::Row;
use xuncha_core::{Centre, CentreStatus, Region};

/// The latest official inspection of each centre (see `docs::official!`),
/// the newest quarter first. Drafts, returned work and ad-hoc work nobody
/// approved are not a centre's grade.
const LATEST_JOIN: &str = concat!(
    "LEFT JOIN documents d ON d.doc_id = (SELECT l.doc_id FROM documents l ",
    "WHERE l.centre_code = c.code AND l.total IS NOT NULL AND ",
    super::docs::official!("l"),
    " ORDER BY l.quarter DESC, l.updated_at DESC LIMIT 1)"
);

/// Official inspections `d` (see `docs::official!`).
const OFFICIAL_D: &str = super::docs::official!("d");

/// The WHERE conditions of a centre filter (over `centres c`) and their arguments.
fn centre_conditions(f: &CentreFilter) -> (String, Vec<String>) {
    crate::db::sql::centre_filter(f, keyset::POSTGRES)
}

fn entry_from_row(r: &Row) -> StoreResult<RegistryEntry> {
    let centre = centre_from_row(r)?;
    let o = super::rows::CENTRE_COL_COUNT;
    let latest = match get::<Option<Vec<u8>>>(r, o)? {
        Some(bytes) => Some(LatestScore {
            doc: doc_id_from(bytes)?,
            quarter: get(r, o + 1)?,
            total: get(r, o + 2)?,
            grade: parse_text(&get::<String>(r, o + 3)?)?,
            status: parse_text(&get::<String>(r, o + 4)?)?,
        }),
        None => None,
    };
    Ok(RegistryEntry { centre, latest })
}

/// The centres a registry filter selects, each with its latest official
/// result, for the page (or chunk) `p` asks for: `p.per_page + 1` at most.
fn registry_rows(
    c: &mut Db<'_, '_>,
    conditions: &str,
    args: Vec<String>,
    p: &PageReq,
) -> StoreResult<Vec<RegistryEntry>> {
    let select = format!("{}, d.doc_id, d.quarter, d.total, d.grade, d.status", centre_cols_of_c());
    let filter = format!("FROM centres c {LATEST_JOIN} WHERE {conditions}");
    let (sql, args) = keyset::page_sql(&select, &filter, args, String::from, &CENTRE_KEYS, p, keyset::POSTGRES)?;
    c.query(&sql, &params_of(&args))?.iter().map(entry_from_row).collect()
}

impl StatsStore for PgStore {
    fn registry(&self, f: &CentreFilter, p: PageReq) -> StoreResult<Page<RegistryEntry>> {
        let (conditions, args) = centre_conditions(f);
        self.read(move |c| {
            let counted = format!("FROM centres c WHERE {conditions}");
            let total: i64 = get(&c.query_one(&keyset::count_sql(&counted), &params_of(&args))?, 0)?;
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
        let (sql, args) = stats_sql::attachment_groups(scope, period, keyset::POSTGRES, OFFICIAL_D);
        self.read(move |c| {
            c.query(&sql, &params_of(&args))?
                .iter()
                .map(|r| {
                    Ok(CityTypeGroup {
                        city: get(r, 0)?,
                        centre_type: parse_text(&get::<String>(r, 1)?)?,
                        built: get_u32(r, 2)?,
                        under_construction: get_u32(r, 3)?,
                        planned: get_u32(r, 4)?,
                        built_baseline: get_u32(r, 5)?,
                        reporting: get_u32(r, 6)?,
                        self_reported: get_u32(r, 7)?,
                        turnover_10k_yuan: get(r, 8)?,
                        service_visits: get(r, 9)?,
                        staff: get(r, 10)?,
                        tenants: get(r, 11)?,
                    })
                })
                .collect()
        })
    }

    fn unreported(&self, scope: &Scope, period: &StatPeriod, limit: u32) -> StoreResult<Vec<Centre>> {
        let cols = centre_cols_of_c();
        let (sql, args) = stats_sql::unreported(scope, period, limit, keyset::POSTGRES, OFFICIAL_D, &cols);
        self.read(move |c| {
            // Built as the period ended, whatever the registry says today.
            c.query(&sql, &params_of(&args))?
                .iter()
                .map(|r| centre_from_row(r).map(|c| Centre { status: CentreStatus::Built, ..c }))
                .collect()
        })
    }

    fn chart_groups(&self, scope: &Scope) -> StoreResult<Vec<ChartGroup>> {
        let (sql, args) = stats_sql::chart_groups(scope, keyset::POSTGRES, OFFICIAL_D);
        self.read(move |c| {
            c.query(&sql, &params_of(&args))?
                .iter()
                .map(|r| {
                    Ok(ChartGroup {
                        quarter: get(r, 0)?,
                        county: get(r, 1)?,
                        grade: parse_opt(get(r, 2)?)?,
                        count: get_u32(r, 3)?,
                        total_sum: get(r, 4)?,
                    })
                })
                .collect()
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
            let select = format!("{}, {ROW_COLS}", centre_cols_of_c());
            let keys = inspection_keys(f.sort, f.ascending);
            let (sql, args) = keyset::page_sql(&select, &filter, args, String::from, &keys, &p, keyset::POSTGRES)?;
            let rows = c.query(&sql, &params_of(&args))?.iter().map(inspection_from_row).collect::<StoreResult<_>>()?;
            Ok(keyset::chunk_of(rows, limit, |r| inspection_cursor(r, f.sort)))
        })
    }

    fn region_names(&self, scope: &Scope) -> StoreResult<Vec<Region>> {
        let (conditions, args) = scope_filter(scope, "c.", keyset::POSTGRES, 1);
        self.read(move |c| {
            let sql = format!(
                "SELECT DISTINCT province, city, county, township FROM centres c WHERE 1 = 1{conditions}
                 ORDER BY province, city, county, township LIMIT 20000"
            );
            c.query(&sql, &params_of(&args))?
                .iter()
                .map(|r| {
                    Ok(Region { province: get(r, 0)?, city: get(r, 1)?, county: get(r, 2)?, township: get(r, 3)? })
                })
                .collect()
        })
    }

    fn populations(&self, scope: &Scope) -> StoreResult<Vec<CityPopulation>> {
        let scope = scope.clone();
        self.read(move |c| {
            c.query(
                "SELECT province, city, population FROM regions
                 WHERE ($1 = '' OR province = $1) AND ($2 = '' OR city = $2) ORDER BY province, city LIMIT 5000",
                &[&scope.province, &scope.city],
            )?
            .iter()
            .map(|r| {
                let population: i64 = get(r, 2)?;
                Ok(CityPopulation {
                    province: get(r, 0)?,
                    city: get(r, 1)?,
                    population: u64::try_from(population).unwrap_or(0),
                })
            })
            .collect()
        })
    }

    fn set_populations(&self, rows: &[CityPopulation], now: i64) -> StoreResult<usize> {
        let rows = rows.to_vec();
        self.write(move |c| {
            for r in &rows {
                c.execute(
                    "INSERT INTO regions (province, city, population, updated_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (province, city) DO UPDATE SET population = excluded.population,
                         updated_at = excluded.updated_at",
                    &[&r.province, &r.city, &i64::try_from(r.population).unwrap_or(i64::MAX), &now],
                )?;
            }
            Ok(rows.len())
        })
    }

    fn mark_reported(&self, r: &ReportedQuarter) -> StoreResult<bool> {
        let r = r.clone();
        self.write(move |c| {
            let n = c.execute(
                "INSERT INTO reported_quarters (quarter, province, city, county, reported_by, reported_at)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                &[&r.quarter, &r.scope.province, &r.scope.city, &r.scope.county, &r.reported_by, &r.reported_at],
            )?;
            Ok(n == 1)
        })
    }

    fn reported_quarters(&self, scope: &Scope) -> StoreResult<Vec<ReportedQuarter>> {
        let scope = scope.clone();
        self.read(move |c| {
            // Either side may be the wider region: a level matches when it is
            // empty on either side or the same on both.
            c.query(
                "SELECT quarter, province, city, county, reported_by, reported_at FROM reported_quarters
                 WHERE ($1 = '' OR province = '' OR province = $1) AND ($2 = '' OR city = '' OR city = $2)
                 AND ($3 = '' OR county = '' OR county = $3)
                 ORDER BY quarter DESC, province, city, county LIMIT 10000",
                &[&scope.province, &scope.city, &scope.county],
            )?
            .iter()
            .map(|r| {
                Ok(ReportedQuarter {
                    quarter: get(r, 0)?,
                    scope: Scope { province: get(r, 1)?, city: get(r, 2)?, county: get(r, 3)? },
                    reported_by: get(r, 4)?,
                    reported_at: get(r, 5)?,
                })
            })
            .collect()
        })
    }
}
