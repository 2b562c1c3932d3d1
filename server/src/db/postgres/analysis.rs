//! The analysis' reads: item results summed per county and centre type,
//! in the database.

use super::PgStore;
use super::db::{get, get_u32};
use super::prelude::*;
use crate::analysis::store::{AnalysisStore, ItemLossRow};

/// Official inspections `d` (see `docs::official!`).
const OFFICIAL_D: &str = super::docs::official!("d");

impl AnalysisStore for PgStore {
    fn item_losses(&self, scope: &Scope, quarter: &str, limit: u32) -> StoreResult<Vec<ItemLossRow>> {
        let mut args = vec![quarter.to_owned()];
        let (conditions, scope_args) = crate::db::sql::scope_filter(scope, "c.", crate::db::keyset::POSTGRES, 2);
        args.extend(scope_args);
        self.read(move |c| {
            let sql = format!(
                "SELECT c.county, c.centre_type, d.template_id, i.item, min(i.section), max(d.template_version),
                     count(*), sum(i.max_points), sum(i.max_points - i.points), count(*) FILTER (WHERE i.veto)
                 FROM documents d JOIN centres c ON c.code = d.centre_code
                     JOIN item_results i ON i.doc_id = d.doc_id
                 WHERE d.quarter = $1 AND {OFFICIAL_D}{conditions}
                 GROUP BY c.county, c.centre_type, d.template_id, i.item"
            );
            let rows = c.query(&sql, &crate::db::postgres::docs::params_of(&args))?;
            let mut out = rows
                .iter()
                .map(|r| {
                    Ok(ItemLossRow {
                        county: get(r, 0)?,
                        centre_type: get::<String>(r, 1)?.parse().map_err(StoreError::Corrupt)?,
                        template_id: get(r, 2)?,
                        item: get(r, 3)?,
                        section: get(r, 4)?,
                        template_version: get_u32(r, 5)?,
                        inspections: get_u32(r, 6)?,
                        max_points: get(r, 7)?,
                        lost_points: get(r, 8)?,
                        vetoes: get_u32(r, 9)?,
                    })
                })
                .collect::<StoreResult<Vec<_>>>()?;
            // The order of the centre types is the core's, not their names'.
            out.sort_by(|a, b| (&a.county, a.centre_type, &a.item).cmp(&(&b.county, b.centre_type, &b.item)));
            out.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
            Ok(out)
        })
    }
}
