//! How rows of the shared tables are read, used by the modules of several
//! tables (so that none of them imports another that imports it back).

use super::db::{get, get_u32};
use super::prelude::*;
use postgres::Row;
use xuncha_core::{Centre, CentreStatus, Datum, DocumentId, Region, Zone};

pub(crate) fn doc_id_from(bytes: Vec<u8>) -> StoreResult<DocumentId> {
    <[u8; 16]>::try_from(bytes)
        .map(DocumentId::from_bytes)
        .map_err(|_| StoreError::Corrupt("a stored document id is not 16 bytes".into()))
}

/// A document id as the BYTEA it is stored as.
pub(crate) fn id(doc: &DocumentId) -> &[u8] {
    doc.as_bytes().as_slice()
}

/// A region scope's arguments `$1`–`$3` of [`SCOPE_SQL`] (`''` = any).
pub(crate) fn scope_params(scope: &Scope) -> [String; 3] {
    [scope.province.clone(), scope.city.clone(), scope.county.clone()]
}

pub(crate) const SCOPE_SQL: &str =
    "($1 = '' OR c.province = $1) AND ($2 = '' OR c.city = $2) AND ($3 = '' OR c.county = $3)";

pub(crate) const CENTRE_COLS: &str = "code, name, centre_type, province, city, county, township, lat, lon, geofence_m, \
     floor_area_m2, community_floor_area_m2, households, population_served, status, zone, datum";

/// How many columns [`CENTRE_COLS`] reads: a query's own columns follow it.
pub(crate) const CENTRE_COL_COUNT: usize = 17;

/// [`CENTRE_COLS`] of the table aliased `c`.
pub(crate) fn centre_cols_of_c() -> String {
    CENTRE_COLS.split(", ").map(|s| format!("c.{s}")).collect::<Vec<_>>().join(", ")
}

pub(crate) fn centre_from_row(r: &Row) -> StoreResult<Centre> {
    let t: String = get(r, 2)?;
    let s: String = get(r, 14)?;
    Ok(Centre {
        code: get(r, 0)?,
        name: get(r, 1)?,
        centre_type: t.parse().map_err(StoreError::Corrupt)?,
        region: Region { province: get(r, 3)?, city: get(r, 4)?, county: get(r, 5)?, township: get(r, 6)? },
        lat: get(r, 7)?,
        lon: get(r, 8)?,
        geofence_m: get(r, 9)?,
        floor_area_m2: get(r, 10)?,
        community_floor_area_m2: get(r, 11)?,
        households: get(r, 12)?,
        population_served: get(r, 13)?,
        status: CentreStatus::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("unknown status {s}")))?,
        zone: get::<Option<String>>(r, 15)?.and_then(|z| Zone::parse(&z)),
        datum: Datum::parse(&get::<String>(r, 16)?).unwrap_or_default(),
    })
}

pub(crate) const ASSIGNMENT_COLS: &str = "id, centre_code, quarter, inspector, doc_id, template_id, template_version, \
     assigned_by, created_at, cancelled, purpose";

pub(crate) fn assignment_from_row(r: &Row) -> StoreResult<Assignment> {
    Ok(Assignment {
        id: get(r, 0)?,
        centre_code: get(r, 1)?,
        quarter: get(r, 2)?,
        inspector: get(r, 3)?,
        doc: doc_id_from(get(r, 4)?)?,
        template: TemplateRefView { id: get(r, 5)?, version: get_u32(r, 6)? },
        assigned_by: get(r, 7)?,
        created_at: get(r, 8)?,
        cancelled: get(r, 9)?,
        purpose: parse_text(&get::<String>(r, 10)?)?,
    })
}

pub(crate) use crate::db::sql::text_of;

/// Reads a text column back into its enumeration; an unknown name is damage.
pub(crate) fn parse_text<T: serde::de::DeserializeOwned>(text: &str) -> StoreResult<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|e| StoreError::Corrupt(format!("{text:?}: {e}")))
}

/// Reads an optional text column back into its enumeration.
pub(crate) fn parse_opt<T: serde::de::DeserializeOwned>(text: Option<String>) -> StoreResult<Option<T>> {
    text.map(|t| parse_text(&t)).transpose()
}

/// A JSON text column read into its type; bad JSON is damage.
pub(crate) fn json_col<T: serde::de::DeserializeOwned>(r: &Row, i: usize) -> StoreResult<T> {
    let text: String = get(r, i)?;
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("column {i}: {e}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn centre_col_count_matches_the_column_list() {
        assert_eq!(super::CENTRE_COLS.split(", ").count(), super::CENTRE_COL_COUNT);
    }
}
