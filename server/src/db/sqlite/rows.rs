//! How rows of the shared tables are read, used by the modules of several
//! tables (so that none of them imports another that imports it back).

use super::prelude::*;
use rusqlite::Row;
use xuncha_core::{Centre, CentreStatus, Datum, DocumentId, Region, Zone};

pub(crate) fn conversion(col: usize, msg: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, msg.into())
}

pub(crate) fn doc_id_from(bytes: Vec<u8>) -> Result<DocumentId, String> {
    <[u8; 16]>::try_from(bytes).map(DocumentId::from_bytes).map_err(|_| "a stored document id is not 16 bytes".into())
}

pub(crate) const CENTRE_COLS: &str = "code, name, centre_type, province, city, county, township, lat, lon, geofence_m, \
     floor_area_m2, community_floor_area_m2, households, population_served, status, zone, datum";

/// How many columns [`CENTRE_COLS`] reads: a query's own columns follow it.
pub(crate) const CENTRE_COL_COUNT: usize = 17;

pub(crate) fn centre_from_row(r: &Row<'_>) -> rusqlite::Result<Centre> {
    let t: String = r.get(2)?;
    let s: String = r.get(14)?;
    Ok(Centre {
        code: r.get(0)?,
        name: r.get(1)?,
        centre_type: t.parse().map_err(|e| conversion(2, e))?,
        region: Region { province: r.get(3)?, city: r.get(4)?, county: r.get(5)?, township: r.get(6)? },
        lat: r.get(7)?,
        lon: r.get(8)?,
        geofence_m: r.get(9)?,
        floor_area_m2: r.get(10)?,
        community_floor_area_m2: r.get(11)?,
        households: r.get(12)?,
        population_served: r.get(13)?,
        status: CentreStatus::parse(&s).ok_or_else(|| conversion(14, format!("unknown status {s}")))?,
        zone: r.get::<_, Option<String>>(15)?.and_then(|z| Zone::parse(&z)),
        datum: Datum::parse(&r.get::<_, String>(16)?).unwrap_or_default(),
    })
}

pub(crate) const ASSIGNMENT_COLS: &str = "id, centre_code, quarter, inspector, doc_id, template_id, template_version, \
     assigned_by, created_at, cancelled, purpose";

pub(crate) fn assignment_from_row(r: &Row<'_>) -> rusqlite::Result<Assignment> {
    Ok(Assignment {
        id: r.get(0)?,
        centre_code: r.get(1)?,
        quarter: r.get(2)?,
        inspector: r.get(3)?,
        doc: doc_id_from(r.get(4)?).map_err(|e| conversion(4, e))?,
        template: TemplateRefView { id: r.get(5)?, version: r.get(6)? },
        assigned_by: r.get(7)?,
        created_at: r.get(8)?,
        cancelled: r.get(9)?,
        purpose: parse_text(10, &r.get::<_, String>(10)?)?,
    })
}

pub(super) use crate::db::sql::text_of;

/// Reads a text column back into its enumeration; an unknown name is damage.
pub(super) fn parse_text<T: serde::de::DeserializeOwned>(col: usize, text: &str) -> rusqlite::Result<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, Box::new(e)))
}

/// Reads an optional text column back into its enumeration.
pub(super) fn parse_opt<T: serde::de::DeserializeOwned>(
    col: usize,
    text: Option<String>,
) -> rusqlite::Result<Option<T>> {
    text.map(|t| parse_text(col, &t)).transpose()
}

#[cfg(test)]
mod tests {
    #[test]
    fn centre_col_count_matches_the_column_list() {
        assert_eq!(super::CENTRE_COLS.split(", ").count(), super::CENTRE_COL_COUNT);
    }
}
