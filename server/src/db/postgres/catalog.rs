//! Centres, communities and template variants.

use super::PgStore;
use super::db::{get, get_u32};
use super::prelude::*;
use super::rows::{CENTRE_COLS, centre_from_row};
use crate::catalog::communities::Community;
use xuncha_core::template::TemplateRef;
use xuncha_core::{Centre, CentreStatus, CentreType};

fn status_str(s: CentreStatus) -> &'static str {
    s.as_str()
}

impl CatalogStore for PgStore {
    fn upsert_centres(&self, centres: &[Centre], now: i64) -> StoreResult<usize> {
        let centres = centres.to_vec();
        self.write(move |c| {
            let updates = CENTRE_COLS
                .split(", ")
                .skip(1)
                .chain(["updated_at"])
                .map(|col| format!("{col} = excluded.{col}"))
                .collect::<Vec<_>>()
                .join(", ");
            let upsert = format!(
                "INSERT INTO centres ({CENTRE_COLS}, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
                 ON CONFLICT (code) DO UPDATE SET {updates}"
            );
            for x in &centres {
                // A new status is history from now on; an unchanged one is not repeated.
                c.execute(
                    "INSERT INTO centre_status (code, status, since) SELECT $1::text, $2::text, $3::bigint
                     WHERE $2::text IS DISTINCT FROM
                         (SELECT status FROM centre_status WHERE code = $1::text ORDER BY since DESC LIMIT 1)
                     ON CONFLICT (code, since) DO UPDATE SET status = excluded.status",
                    &[&x.code, &status_str(x.status), &now],
                )?;
                c.execute(
                    &upsert,
                    &[
                        &x.code,
                        &x.name,
                        &x.centre_type.as_str(),
                        &x.region.province,
                        &x.region.city,
                        &x.region.county,
                        &x.region.township,
                        &x.lat,
                        &x.lon,
                        &x.geofence_m,
                        &x.floor_area_m2,
                        &x.community_floor_area_m2,
                        &x.households,
                        &x.population_served,
                        &status_str(x.status),
                        &x.zone.map(|z| z.as_str()),
                        &x.datum.as_str(),
                        &now,
                    ],
                )?;
            }
            Ok(centres.len())
        })
    }

    fn date_statuses(&self, rows: &[(String, CentreStatus, i64)]) -> StoreResult<()> {
        let rows = rows.to_vec();
        self.write(move |c| {
            for (code, status, since) in &rows {
                c.execute(
                    "INSERT INTO centre_status (code, status, since) VALUES ($1, $2, $3)
                     ON CONFLICT (code, since) DO UPDATE SET status = excluded.status",
                    &[code, &status_str(*status), since],
                )?;
            }
            Ok(())
        })
    }

    fn upsert_communities(&self, rows: &[Community], now: i64) -> StoreResult<usize> {
        let rows = rows.to_vec();
        self.write(move |c| {
            for x in &rows {
                c.execute(
                    "INSERT INTO communities (code, name, province, city, county, township, is_new,
                         total_floor_area_m2, facility_area_m2, service_facility_area_m2, households, centre_code,
                         updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                     ON CONFLICT (code) DO UPDATE SET name = excluded.name, province = excluded.province,
                         city = excluded.city, county = excluded.county, township = excluded.township,
                         is_new = excluded.is_new, total_floor_area_m2 = excluded.total_floor_area_m2,
                         facility_area_m2 = excluded.facility_area_m2,
                         service_facility_area_m2 = excluded.service_facility_area_m2,
                         households = excluded.households, centre_code = excluded.centre_code,
                         updated_at = excluded.updated_at",
                    &[
                        &x.code,
                        &x.name,
                        &x.region.province,
                        &x.region.city,
                        &x.region.county,
                        &x.region.township,
                        &x.is_new,
                        &x.total_floor_area_m2,
                        &x.facility_area_m2,
                        &x.service_facility_area_m2,
                        &x.households,
                        &x.centre_code,
                        &now,
                    ],
                )?;
            }
            Ok(rows.len())
        })
    }

    fn communities_served(&self, centre_codes: &[String]) -> StoreResult<Vec<Community>> {
        let codes = centre_codes.to_vec();
        self.read(move |c| {
            let mut out = Vec::new();
            for code in &codes {
                let rows = c.query(
                    "SELECT code, name, province, city, county, township, is_new, total_floor_area_m2,
                         facility_area_m2, service_facility_area_m2, households, centre_code
                     FROM communities WHERE centre_code = $1 ORDER BY code LIMIT 100",
                    &[code],
                )?;
                for r in &rows {
                    out.push(Community {
                        code: get(r, 0)?,
                        name: get(r, 1)?,
                        region: xuncha_core::Region {
                            province: get(r, 2)?,
                            city: get(r, 3)?,
                            county: get(r, 4)?,
                            township: get(r, 5)?,
                        },
                        is_new: get(r, 6)?,
                        total_floor_area_m2: get(r, 7)?,
                        facility_area_m2: get(r, 8)?,
                        service_facility_area_m2: get(r, 9)?,
                        households: get(r, 10)?,
                        centre_code: get(r, 11)?,
                    });
                }
            }
            Ok(out)
        })
    }

    fn centre(&self, code: &str) -> StoreResult<Option<Centre>> {
        let code = code.to_owned();
        self.read(move |c| {
            let sql = format!("SELECT {CENTRE_COLS} FROM centres WHERE code = $1");
            c.query_opt(&sql, &[&code])?.map(|r| centre_from_row(&r)).transpose()
        })
    }

    fn put_variant(&self, v: &VariantRow) -> StoreResult<bool> {
        let v = v.clone();
        self.write(move |c| {
            let n = c.execute(
                "INSERT INTO template_variants (id, version, province, centre_type, source, json, created_by,
                     created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
                &[
                    &v.template.id,
                    &i64::from(v.template.version),
                    &v.province,
                    &v.centre_type.as_str(),
                    &v.source,
                    &v.json,
                    &v.created_by,
                    &v.created_at,
                ],
            )?;
            Ok(n == 1)
        })
    }

    fn template_task(&self, t: &TemplateRef) -> StoreResult<Option<(String, Vec<String>)>> {
        let (id, version) = (t.id.clone(), i64::from(t.version));
        self.read(move |c| {
            let rows = c.query(
                "SELECT centre_code, inspector, cancelled FROM assignments
                 WHERE template_id = $1 AND template_version = $2 ORDER BY id LIMIT 100",
                &[&id, &version],
            )?;
            let rows: Vec<(String, String, bool)> =
                rows.iter().map(|r| Ok((get(r, 0)?, get(r, 1)?, get(r, 2)?))).collect::<StoreResult<_>>()?;
            let Some(centre) = rows.first().map(|r| r.0.clone()) else { return Ok(None) };
            Ok(Some((centre, rows.into_iter().filter(|r| !r.2).map(|r| r.1).collect())))
        })
    }

    fn variants(&self) -> StoreResult<Vec<VariantRow>> {
        self.read(|c| {
            let rows = c.query(
                "SELECT id, version, province, centre_type, source, json, created_by, created_at
                 FROM template_variants ORDER BY id, version",
                &[],
            )?;
            rows.iter()
                .map(|r| {
                    Ok(VariantRow {
                        template: TemplateRef { id: get(r, 0)?, version: get_u32(r, 1)? },
                        province: get(r, 2)?,
                        centre_type: get::<String>(r, 3)?.parse::<CentreType>().map_err(StoreError::Corrupt)?,
                        source: get(r, 4)?,
                        json: get(r, 5)?,
                        created_by: get(r, 6)?,
                        created_at: get(r, 7)?,
                    })
                })
                .collect()
        })
    }
}
