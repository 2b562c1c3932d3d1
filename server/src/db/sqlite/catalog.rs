//! Centres, template variants and assignments.

use super::SqliteStore;
use super::prelude::*;
use super::rows::{CENTRE_COLS, centre_from_row, conversion};
use crate::catalog::communities::Community;
use rusqlite::{OptionalExtension, params};
use xuncha_core::template::TemplateRef;
use xuncha_core::{Centre, CentreStatus, CentreType};

pub(crate) fn status_str(s: CentreStatus) -> &'static str {
    s.as_str()
}

pub(super) fn scope_params(scope: &Scope) -> [String; 3] {
    [scope.province.clone(), scope.city.clone(), scope.county.clone()]
}

pub(super) const SCOPE_SQL: &str =
    "(?1 = '' OR c.province = ?1) AND (?2 = '' OR c.city = ?2) AND (?3 = '' OR c.county = ?3)";

impl CatalogStore for SqliteStore {
    fn upsert_centres(&self, centres: &[Centre], now: i64) -> StoreResult<usize> {
        let centres = centres.to_vec();
        self.write(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "INSERT OR REPLACE INTO centres ({CENTRE_COLS}, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
            ))?;
            // A new status is history from now on; an unchanged one is not repeated.
            let mut history = c.prepare_cached(
                "INSERT OR REPLACE INTO centre_status (code, status, since) SELECT ?1, ?2, ?3
                 WHERE ?2 IS NOT (SELECT status FROM centre_status WHERE code = ?1 ORDER BY since DESC LIMIT 1)",
            )?;
            for x in &centres {
                history.execute(params![x.code, status_str(x.status), now])?;
                stmt.execute(params![
                    x.code,
                    x.name,
                    x.centre_type.as_str(),
                    x.region.province,
                    x.region.city,
                    x.region.county,
                    x.region.township,
                    x.lat,
                    x.lon,
                    x.geofence_m,
                    x.floor_area_m2,
                    x.community_floor_area_m2,
                    x.households,
                    x.population_served,
                    status_str(x.status),
                    x.zone.map(|z| z.as_str()),
                    x.datum.as_str(),
                    now
                ])?;
            }
            Ok(centres.len())
        })
    }

    fn date_statuses(&self, rows: &[(String, CentreStatus, i64)]) -> StoreResult<()> {
        let rows = rows.to_vec();
        self.write(move |c| {
            let mut stmt =
                c.prepare_cached("INSERT OR REPLACE INTO centre_status (code, status, since) VALUES (?1, ?2, ?3)")?;
            for (code, status, since) in &rows {
                stmt.execute(params![code, status_str(*status), since])?;
            }
            Ok(())
        })
    }

    fn upsert_communities(&self, rows: &[Community], now: i64) -> StoreResult<usize> {
        let rows = rows.to_vec();
        self.write(move |c| {
            let mut stmt = c.prepare_cached(
                "INSERT OR REPLACE INTO communities (code, name, province, city, county, township, is_new,
                     total_floor_area_m2, facility_area_m2, service_facility_area_m2, households, centre_code, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?;
            for x in &rows {
                stmt.execute(params![
                    x.code,
                    x.name,
                    x.region.province,
                    x.region.city,
                    x.region.county,
                    x.region.township,
                    x.is_new,
                    x.total_floor_area_m2,
                    x.facility_area_m2,
                    x.service_facility_area_m2,
                    x.households,
                    x.centre_code,
                    now
                ])?;
            }
            Ok(rows.len())
        })
    }

    fn communities_served(&self, centre_codes: &[String]) -> StoreResult<Vec<Community>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT code, name, province, city, county, township, is_new, total_floor_area_m2, facility_area_m2,
                     service_facility_area_m2, households, centre_code
                 FROM communities WHERE centre_code = ?1 ORDER BY code LIMIT 100",
            )?;
            let mut out = Vec::new();
            for code in centre_codes {
                let rows = stmt.query_map([code], |r| {
                    Ok(Community {
                        code: r.get(0)?,
                        name: r.get(1)?,
                        region: xuncha_core::Region {
                            province: r.get(2)?,
                            city: r.get(3)?,
                            county: r.get(4)?,
                            township: r.get(5)?,
                        },
                        is_new: r.get(6)?,
                        total_floor_area_m2: r.get(7)?,
                        facility_area_m2: r.get(8)?,
                        service_facility_area_m2: r.get(9)?,
                        households: r.get(10)?,
                        centre_code: r.get(11)?,
                    })
                })?;
                for row in rows {
                    out.push(row?);
                }
            }
            Ok(out)
        })
    }

    fn centre(&self, code: &str) -> StoreResult<Option<Centre>> {
        self.read(|c| {
            let sql = format!("SELECT {CENTRE_COLS} FROM centres WHERE code = ?1");
            Ok(c.prepare_cached(&sql)?.query_row([code], centre_from_row).optional()?)
        })
    }

    fn put_variant(&self, v: &VariantRow) -> StoreResult<bool> {
        let v = v.clone();
        self.write(move |c| {
            let n = c.execute(
                "INSERT OR IGNORE INTO template_variants (id, version, province, centre_type, source, json, created_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    v.template.id,
                    v.template.version,
                    v.province,
                    v.centre_type.as_str(),
                    v.source,
                    v.json,
                    v.created_by,
                    v.created_at
                ],
            )?;
            Ok(n == 1)
        })
    }

    fn template_task(&self, t: &TemplateRef) -> StoreResult<Option<(String, Vec<String>)>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT centre_code, inspector, cancelled FROM assignments
                 WHERE template_id = ?1 AND template_version = ?2 ORDER BY id LIMIT 100",
            )?;
            let rows = stmt.query_map(rusqlite::params![t.id, t.version], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, bool>(2)?))
            })?;
            let rows: Vec<(String, String, bool)> = rows.collect::<Result<_, _>>()?;
            let Some(centre) = rows.first().map(|r| r.0.clone()) else { return Ok(None) };
            Ok(Some((centre, rows.into_iter().filter(|r| !r.2).map(|r| r.1).collect())))
        })
    }

    fn variants(&self) -> StoreResult<Vec<VariantRow>> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT id, version, province, centre_type, source, json, created_by, created_at
                 FROM template_variants ORDER BY id, version",
            )?;
            let rows = stmt.query_map([], |r| {
                let t: String = r.get(3)?;
                Ok(VariantRow {
                    template: TemplateRef { id: r.get(0)?, version: r.get(1)? },
                    province: r.get(2)?,
                    centre_type: t.parse::<CentreType>().map_err(|e| conversion(3, e))?,
                    source: r.get(4)?,
                    json: r.get(5)?,
                    created_by: r.get(6)?,
                    created_at: r.get(7)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
