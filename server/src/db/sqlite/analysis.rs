//! The analysis' reads: item results summed per county and centre type.

use super::SqliteStore;
use super::docs::OFFICIAL_D;
use super::prelude::*;
use super::rows::conversion;
use crate::analysis::store::{AnalysisStore, ItemLossRow};
use std::collections::HashMap;

fn sql(e: rusqlite::types::FromSqlError) -> StoreError {
    StoreError::Backend(e.to_string())
}

impl AnalysisStore for SqliteStore {
    fn item_losses(&self, scope: &Scope, quarter: &str, limit: u32) -> StoreResult<Vec<ItemLossRow>> {
        let (scope, quarter) = (scope.clone(), quarter.to_owned());
        self.read(move |c| {
            // The quarter's official documents in the scope (an index walk),
            // then each one's items by primary key, summed here: SQLite's
            // GROUP BY would sort every item row of the region.
            let (conditions, scope_args) = crate::db::sql::scope_filter(&scope, "c.", crate::db::keyset::SQLITE, 2);
            let docs_sql = format!(
                "SELECT d.doc_id, d.template_id, d.template_version, c.county, c.centre_type
                 FROM documents d JOIN centres c ON c.code = d.centre_code
                 WHERE d.quarter = ?1 AND {OFFICIAL_D}{conditions}"
            );
            let mut docs = c.prepare_cached(&docs_sql)?;
            let mut items =
                c.prepare_cached("SELECT item, section, points, max_points, veto FROM item_results WHERE doc_id = ?1")?;
            // Per group (county, centre type, template), per item: no
            // allocation for an item already seen.
            let mut groups: HashMap<(String, String, String), HashMap<String, ItemLossRow>> = HashMap::new();
            let args: Vec<&String> = std::iter::once(&quarter).chain(&scope_args).collect();
            let mut rows = docs.query(rusqlite::params_from_iter(args))?;
            while let Some(d) = rows.next()? {
                let (template_id, version, county, kind): (String, u32, String, String) =
                    (d.get(1)?, d.get(2)?, d.get(3)?, d.get(4)?);
                let centre_type = kind.parse().map_err(|e| conversion(4, e))?;
                let group = groups.entry((county, kind, template_id)).or_default();
                let mut found = items.query([d.get_ref(0)?.as_blob().map_err(sql)?])?;
                while let Some(r) = found.next()? {
                    let item = r.get_ref(0)?.as_str().map_err(sql)?;
                    let (points, max_points, veto): (f64, f64, bool) = (r.get(2)?, r.get(3)?, r.get(4)?);
                    if !group.contains_key(item) {
                        let row = ItemLossRow {
                            county: String::new(),
                            centre_type,
                            template_id: String::new(),
                            template_version: version,
                            item: item.to_owned(),
                            section: r.get(1)?,
                            inspections: 0,
                            max_points: 0.0,
                            lost_points: 0.0,
                            vetoes: 0,
                        };
                        group.insert(item.to_owned(), row);
                    }
                    if let Some(e) = group.get_mut(item) {
                        e.template_version = e.template_version.max(version);
                        e.inspections += 1;
                        e.max_points += max_points;
                        e.lost_points += max_points - points;
                        e.vetoes += u32::from(veto);
                    }
                }
            }
            let sums = groups.into_iter().flat_map(|((county, _, template_id), items)| {
                items.into_values().map(move |r| ItemLossRow {
                    county: county.clone(),
                    template_id: template_id.clone(),
                    ..r
                })
            });
            let mut out: Vec<ItemLossRow> = sums.collect();
            out.sort_by(|a, b| (&a.county, a.centre_type, &a.item).cmp(&(&b.county, b.centre_type, &b.item)));
            out.truncate(limit as usize);
            Ok(out)
        })
    }
}
