//! Centre registry import from CSV (UTF-8, with a header row). Every row is
//! checked first; any error refuses the whole file, listing each bad row by
//! line number, so a registry is never half imported.

use super::csv_check::parse_rows;
pub use super::csv_check::{MAX_ROWS, RowError};
use super::store::CatalogStore;
use crate::stats::store::CityPopulation;
use crate::storage::StoreError;
use crate::storage::now_ms;
use xuncha_core::location::valid_coordinate;
use xuncha_core::{Centre, CentreStatus, CentreType, Datum, Region, Zone};

pub const COLUMNS: [&str; 18] = [
    "code",
    "name",
    "type",
    "province",
    "city",
    "county",
    "township",
    "lat",
    "lon",
    "geofence_m",
    "floor_area_m2",
    "community_floor_area_m2",
    "households",
    "population_served",
    "status",
    "status_since",
    "datum",
    "zone",
];
const REQUIRED: [&str; 11] =
    ["code", "name", "type", "province", "city", "county", "township", "lat", "lon", "geofence_m", "status"];
const MAX_FIELD_CHARS: usize = 200;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Rows(Vec<RowError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A registry row: the centre, and since when it has its status (the date
/// the centre was built, say), when the file gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedCentre {
    pub centre: Centre,
    /// The first millisecond of `status_since` (China date); None: the import's time.
    pub status_since: Option<i64>,
}

fn clip(s: &str) -> String {
    s.chars().take(20).collect()
}

/// Parses and checks the whole file.
pub fn parse_centres(csv_text: &[u8]) -> Result<Vec<ImportedCentre>, Vec<RowError>> {
    parse_rows(csv_text, (&COLUMNS, &REQUIRED), "centre", |c| &c.centre.code, centre_from)
}

fn centre_from(header: &[String], record: &csv::StringRecord) -> Result<ImportedCentre, Vec<String>> {
    centre_from_fields(&|name: &str| header.iter().position(|h| h == name).and_then(|i| record.get(i)).unwrap_or(""))
}

/// One centre from the registry form (登记或修改一个中心): the import's
/// columns by name, checked by the same rules as a row of the file.
pub fn centre_from_form(fields: &std::collections::BTreeMap<String, String>) -> Result<ImportedCentre, Vec<String>> {
    let unknown: Vec<String> = fields
        .keys()
        .filter(|k| !COLUMNS.contains(&k.as_str()))
        .map(|k| format!("unknown field `{}`", clip(k)))
        .collect();
    if !unknown.is_empty() {
        return Err(unknown);
    }
    centre_from_fields(&|name: &str| fields.get(name).map(|v| v.trim()).unwrap_or(""))
}

fn centre_from_fields<'a>(get: &dyn Fn(&str) -> &'a str) -> Result<ImportedCentre, Vec<String>> {
    let mut problems = Vec::new();
    let mut text = |name: &str, required: bool| {
        let v = get(name).to_owned();
        if required && v.is_empty() {
            problems.push(format!("`{name}` is empty"));
        } else if v.chars().count() > MAX_FIELD_CHARS {
            problems.push(format!("`{name}` is longer than {MAX_FIELD_CHARS} characters"));
        }
        v
    };
    let code = text("code", true);
    let name = text("name", true);
    let region = Region {
        province: text("province", true),
        city: text("city", true),
        county: text("county", true),
        township: text("township", false),
    };
    let number = |name: &str, problems: &mut Vec<String>| -> Option<f64> {
        let v = get(name);
        if v.is_empty() {
            return None;
        }
        match v.parse::<f64>() {
            Ok(n) if n.is_finite() && n >= -180.0 => Some(n),
            _ => {
                problems.push(format!("`{name}` is not a number: `{}`", v.chars().take(40).collect::<String>()));
                None
            }
        }
    };
    let lat = number("lat", &mut problems);
    let lon = number("lon", &mut problems);
    let geofence = number("geofence_m", &mut problems);
    let mut optional = |name: &str| {
        let n = number(name, &mut problems);
        if n.is_some_and(|n| n < 0.0) {
            problems.push(format!("`{name}` is negative"));
        }
        n
    };
    let floor = optional("floor_area_m2");
    let community = optional("community_floor_area_m2");
    let households = optional("households");
    let population = optional("population_served");
    let centre_type = get("type").parse::<CentreType>().map_err(|e| problems.push(e)).ok();
    let status = match get("status") {
        "planned" => Some(CentreStatus::Planned),
        "under_construction" => Some(CentreStatus::UnderConstruction),
        "built" => Some(CentreStatus::Built),
        other => {
            problems.push(format!("unknown status `{other}` (planned, under_construction or built)"));
            None
        }
    };
    let since = get("status_since");
    let status_since = crate::dates::start_of(since);
    if !since.is_empty() && (status_since.is_none_or(|at| at > now_ms())) {
        problems.push(format!(
            "`status_since` must be a past date written YYYY-MM-DD: `{}`",
            since.chars().take(20).collect::<String>()
        ));
    }
    let datum = Datum::parse(get("datum")).unwrap_or_else(|| {
        problems.push(format!("unknown datum `{}` (wgs84, cgcs2000, gcj02 or bd09)", clip(get("datum"))));
        Datum::Wgs84
    });
    let zone = match get("zone") {
        "" => None,
        z => Zone::parse(z).or_else(|| {
            problems.push(format!("unknown zone `{}` (east_central or west)", clip(z)));
            None
        }),
    };
    match (lat, lon) {
        (Some(a), Some(o)) if !valid_coordinate(a, o) => problems.push(format!("({a}, {o}) is not a position")),
        (None, _) | (_, None) => problems.push("`lat` and `lon` are required".into()),
        _ => {}
    }
    if !geofence.is_some_and(|g| (10.0..=10_000.0).contains(&g)) {
        problems.push("`geofence_m` must be between 10 and 10000 metres".into());
    }
    match (centre_type, status, lat, lon, geofence) {
        (Some(centre_type), Some(status), Some(lat), Some(lon), Some(geofence_m)) if problems.is_empty() => {
            // Positions copied from 高德, 腾讯 or 百度 maps are stored in WGS-84.
            let (lat, lon) = datum.to_wgs84(lat, lon);
            let centre = Centre {
                code,
                name,
                centre_type,
                region,
                lat,
                lon,
                geofence_m,
                floor_area_m2: floor,
                community_floor_area_m2: community,
                households,
                population_served: population,
                status,
                zone,
                datum,
            };
            Ok(ImportedCentre { centre, status_since })
        }
        _ => Err(problems),
    }
}

/// Parses, checks and stores a registry; nothing is stored on any error.
pub fn import_centres(store: &dyn CatalogStore, csv_text: &[u8]) -> Result<usize, ImportError> {
    let rows = parse_centres(csv_text).map_err(ImportError::Rows)?;
    store_centres(store, &rows)
}

/// Stores checked rows: the centres, then the dates their statuses began.
pub fn store_centres(store: &dyn CatalogStore, rows: &[ImportedCentre]) -> Result<usize, ImportError> {
    let centres: Vec<Centre> = rows.iter().map(|r| r.centre.clone()).collect();
    let n = store.upsert_centres(&centres, now_ms())?;
    let dated: Vec<(String, CentreStatus, i64)> =
        rows.iter().filter_map(|r| r.status_since.map(|at| (r.centre.code.clone(), r.centre.status, at))).collect();
    store.date_statuses(&dated)?;
    Ok(n)
}

/// Parses a city population CSV (`province,city,population`, a header row
/// first) for the pilot targets. Any bad row refuses the whole file.
pub fn parse_populations(csv_text: &[u8]) -> Result<Vec<CityPopulation>, Vec<RowError>> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(false).from_reader(csv_text);
    match reader.headers() {
        Ok(h) if h.iter().collect::<Vec<_>>() == ["province", "city", "population"] => {}
        _ => return Err(vec![RowError { line: 1, message: "the header must be `province,city,population`".into() }]),
    }
    let (mut rows, mut errors) = (Vec::new(), Vec::new());
    for (line, record) in (2u64..).zip(reader.records()).take(100_000) {
        let parsed = record.map_err(|e| e.to_string()).and_then(|r| {
            let field = |n: usize| r.get(n).unwrap_or_default().to_owned();
            let (province, city) = (field(0), field(1));
            if province.is_empty() || city.is_empty() || province.chars().count() > 64 || city.chars().count() > 64 {
                return Err("province and city are 1 to 64 characters".to_owned());
            }
            let population =
                field(2).parse::<u64>().map_err(|_| format!("population `{}` is not a whole number", field(2)))?;
            if population > 100_000_000 {
                return Err(format!("population {population} is larger than any city"));
            }
            Ok(CityPopulation { province, city, population })
        });
        match parsed {
            Ok(p) => rows.push(p),
            Err(message) => errors.push(RowError { line, message }),
        }
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn populations_parse_and_bad_rows_name_their_line() {
        let good = "province,city,population\n河北省,石家庄市,11235086\n";
        assert_eq!(parse_populations(good.as_bytes()).unwrap()[0].population, 11_235_086);
        let bad = "province,city,population\n河北省,,5\n河北省,邯郸市,many\n";
        let lines: Vec<u64> = parse_populations(bad.as_bytes()).unwrap_err().iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3]);
        assert!(parse_populations(b"city,population\n").is_err());
    }

    const HEADER: &str = "code,name,type,province,city,county,township,lat,lon,geofence_m,floor_area_m2,households,population_served,status\n";

    #[test]
    fn good_rows_parse_and_bad_rows_name_their_line() {
        let good = format!(
            "{HEADER}C1,东关社区中心,community,河北省,石家庄市,长安区,东关街道,38.05,114.52,150,900,3000,9000,built\n"
        );
        let c = parse_centres(good.as_bytes()).unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].centre.households, c[0].status_since), (Some(3000.0), None));
        let bad = format!(
            "{HEADER}C1,a,community,河北省,石家庄市,长安区,x,38.05,114.52,150,,,,built\n\
             C2,b,mall,河北省,石家庄市,长安区,x,95,114.52,150,,,,built\n\
             C1,c,village,河北省,石家庄市,长安区,x,38.05,114.52,5,,,,open\n"
        );
        let errs = parse_centres(bad.as_bytes()).unwrap_err();
        let text: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert!(text.iter().any(|e| e.starts_with("line 3:") && e.contains("unknown centre type")), "{text:?}");
        assert!(text.iter().any(|e| e.starts_with("line 3:") && e.contains("not a position")), "{text:?}");
        assert!(text.iter().any(|e| e.starts_with("line 4:") && e.contains("geofence_m")), "{text:?}");
        assert!(text.iter().any(|e| e.starts_with("line 4:") && e.contains("unknown status")), "{text:?}");
        assert!(parse_centres(b"code,name,colour\n").is_err());
    }

    #[test]
    fn a_status_may_carry_the_date_it_began() {
        let header = "code,name,type,province,city,county,township,lat,lon,geofence_m,status,status_since\n";
        let row =
            |since: &str| format!("{header}C1,a,village,河北省,石家庄市,长安区,x,38.05,114.52,150,built,{since}\n");
        let c = parse_centres(row("2018-06-01").as_bytes()).unwrap();
        assert_eq!(c[0].status_since, crate::dates::start_of("2018-06-01"));
        for bad in ["2018-6-1", "2099-01-01", "yesterday"] {
            assert!(parse_centres(row(bad).as_bytes()).is_err(), "{bad}");
        }
    }
}
