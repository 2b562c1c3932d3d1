//! Centres, template variants and assignments.

use super::docs::insert_doc_write;
use super::rows::{ASSIGNMENT_COLS, CENTRE_COLS, assignment_from_row, centre_from_row, conversion, doc_id_from};
use super::{SqliteStore, next_seq};
use crate::store::{Assignment, CatalogStore, DocWrite, Scope, StoreError, StoreResult, VariantRow};
use rusqlite::{OptionalExtension, params};
use xuncha_core::template::TemplateRef;
use xuncha_core::{Centre, CentreStatus, CentreType, DocumentId};

pub(crate) fn status_str(s: CentreStatus) -> &'static str {
    s.as_str()
}

fn scope_params(scope: &Scope) -> [String; 3] {
    [scope.province.clone(), scope.city.clone(), scope.county.clone()]
}

const SCOPE_SQL: &str = "(?1 = '' OR c.province = ?1) AND (?2 = '' OR c.city = ?2) AND (?3 = '' OR c.county = ?3)";

impl CatalogStore for SqliteStore {
    fn upsert_centres(&self, centres: &[Centre], now: i64) -> StoreResult<usize> {
        let centres = centres.to_vec();
        self.write(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "INSERT OR REPLACE INTO centres ({CENTRE_COLS}, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
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
                    now
                ])?;
            }
            Ok(centres.len())
        })
    }

    fn centre(&self, code: &str) -> StoreResult<Option<Centre>> {
        self.read(|c| {
            let sql = format!("SELECT {CENTRE_COLS} FROM centres WHERE code = ?1");
            Ok(c.query_row(&sql, [code], centre_from_row).optional()?)
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

    fn assigned_doc(&self, centre_code: &str, quarter: &str) -> StoreResult<Option<DocumentId>> {
        self.read(|c| {
            let bytes: Option<Vec<u8>> = c
                .query_row(
                    "SELECT doc_id FROM assignments WHERE centre_code = ?1 AND quarter = ?2 ORDER BY id LIMIT 1",
                    [centre_code, quarter],
                    |r| r.get(0),
                )
                .optional()?;
            bytes.map(|b| doc_id_from(b).map_err(StoreError::Corrupt)).transpose()
        })
    }

    fn create_assignments(
        &self,
        new_doc: Option<DocWrite>,
        doc: DocumentId,
        inspectors: &[String],
        assigned_by: &str,
        now: i64,
    ) -> StoreResult<Vec<Assignment>> {
        let (inspectors, assigned_by) = (inspectors.to_vec(), assigned_by.to_owned());
        self.write(move |c| {
            let mut doc = doc;
            if let Some(w) = &new_doc {
                // Two assignments racing for one centre and quarter share the first document.
                let existing: Option<Vec<u8>> = c
                    .query_row(
                        "SELECT doc_id FROM assignments WHERE centre_code = ?1 AND quarter = ?2 ORDER BY id LIMIT 1",
                        params![w.meta.centre_code, w.meta.quarter],
                        |r| r.get(0),
                    )
                    .optional()?;
                match existing {
                    Some(bytes) => doc = doc_id_from(bytes).map_err(StoreError::Corrupt)?,
                    None => {
                        insert_doc_write(c, w, now)?;
                    }
                }
            }
            let (centre, quarter, tid, tver): (String, String, String, u32) = c.query_row(
                "SELECT centre_code, quarter, template_id, template_version FROM documents WHERE doc_id = ?1",
                [doc.as_bytes().as_slice()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
            let mut out = Vec::new();
            for inspector in &inspectors {
                let seq = next_seq(c)?;
                c.execute(
                    "INSERT INTO assignments (centre_code, quarter, inspector, doc_id, template_id, template_version,
                         assigned_by, created_at, cancelled, updated_seq)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9)
                     ON CONFLICT (centre_code, quarter, inspector) DO UPDATE SET cancelled = 0, updated_seq = ?9",
                    params![centre, quarter, inspector, doc.as_bytes().as_slice(), tid, tver, assigned_by, now, seq],
                )?;
                c.execute(
                    "INSERT OR IGNORE INTO members (doc_id, username) VALUES (?1, ?2)",
                    params![doc.as_bytes().as_slice(), inspector],
                )?;
                // The document reaches the new inspector through their cursor.
                c.execute(
                    "UPDATE documents SET updated_seq = ?2 WHERE doc_id = ?1",
                    params![doc.as_bytes().as_slice(), seq],
                )?;
                let sql = format!(
                    "SELECT {ASSIGNMENT_COLS} FROM assignments WHERE centre_code = ?1 AND quarter = ?2 AND inspector = ?3"
                );
                out.push(c.query_row(&sql, params![centre, quarter, inspector], assignment_from_row)?);
            }
            Ok(out)
        })
    }

    fn cancel_assignment(&self, id: i64) -> StoreResult<bool> {
        self.write(move |c| {
            let seq = next_seq(c)?;
            let n = c.execute(
                "UPDATE assignments SET cancelled = 1, updated_seq = ?2 WHERE id = ?1 AND cancelled = 0",
                params![id, seq],
            )?;
            Ok(n == 1)
        })
    }

    fn assignment(&self, id: i64) -> StoreResult<Option<Assignment>> {
        self.read(|c| {
            let sql = format!("SELECT {ASSIGNMENT_COLS} FROM assignments WHERE id = ?1");
            Ok(c.query_row(&sql, [id], assignment_from_row).optional()?)
        })
    }

    fn list_assignments(
        &self,
        scope: &Scope,
        inspector: Option<&str>,
        quarter: Option<&str>,
    ) -> StoreResult<Vec<Assignment>> {
        let [prov, city, county] = scope_params(scope);
        let (inspector, quarter) = (inspector.unwrap_or_default().to_owned(), quarter.unwrap_or_default().to_owned());
        self.read(move |c| {
            let cols = ASSIGNMENT_COLS.split(", ").map(|s| format!("a.{s}")).collect::<Vec<_>>().join(", ");
            let sql = format!(
                "SELECT {cols} FROM assignments a JOIN centres c ON c.code = a.centre_code
                 WHERE {SCOPE_SQL} AND (?4 = '' OR a.inspector = ?4) AND (?5 = '' OR a.quarter = ?5)
                 ORDER BY a.quarter DESC, a.centre_code, a.inspector LIMIT 5000"
            );
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(params![prov, city, county, inspector, quarter], assignment_from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
