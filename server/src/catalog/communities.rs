//! Community records (社区) and their import from CSV: what the plan norms
//! of 商服贸函〔2018〕157号 三(二) are computed from. A community is new
//! (新建社区) or existing; it has a total floor area, a floor area of
//! commercial and comprehensive service facilities (商业和综合服务设施), a
//! floor area of comprehensive service facilities (社区综合服务设施, the
//! civil-affairs sense) and a number of households; a registered centre may
//! serve it. Any bad row refuses the whole file.

use super::csv_check::{RowError, parse_rows};
use serde::{Deserialize, Serialize};
use xuncha_core::Region;

pub const COLUMNS: [&str; 12] = [
    "code",
    "name",
    "province",
    "city",
    "county",
    "township",
    "new",
    "total_floor_area_m2",
    "facility_area_m2",
    "service_facility_area_m2",
    "households",
    "centre_code",
];
const REQUIRED: [&str; 7] = ["code", "name", "province", "city", "county", "new", "households"];
const MAX_FIELD_CHARS: usize = 200;
/// Larger than any community: a typo, not a community.
const MAX_AREA_M2: f64 = 10_000_000.0;
const MAX_HOUSEHOLDS: f64 = 1_000_000.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema, ts_rs::TS)]
pub struct Community {
    pub code: String,
    pub name: String,
    #[schema(value_type = Object)]
    #[ts(type = "{ province: string, city: string, county: string, township: string }")]
    pub region: Region,
    /// 新建社区: the 10% norm applies to new communities only.
    pub is_new: bool,
    /// 社区总建筑面积, m².
    pub total_floor_area_m2: Option<f64>,
    /// 商业和综合服务设施面积, m².
    pub facility_area_m2: Option<f64>,
    /// 社区综合服务设施面积, m².
    pub service_facility_area_m2: Option<f64>,
    /// 户数
    pub households: Option<f64>,
    /// The registered centre serving the community.
    pub centre_code: Option<String>,
}

/// Parses and checks the whole file.
pub fn parse_communities(csv_text: &[u8]) -> Result<Vec<Community>, Vec<RowError>> {
    parse_rows(csv_text, (&COLUMNS, &REQUIRED), "community", |c| &c.code, community_from)
}

fn community_from(header: &[String], record: &csv::StringRecord) -> Result<Community, Vec<String>> {
    let get = |name: &str| header.iter().position(|h| h == name).and_then(|i| record.get(i)).unwrap_or("");
    let mut problems = Vec::new();
    let mut text = |name: &str, required: bool| {
        let v = get(name).to_owned();
        if required && v.is_empty() {
            problems.push(format!("`{name}` is empty"));
        } else if v.chars().count() > MAX_FIELD_CHARS || v.chars().any(char::is_control) {
            problems.push(format!("`{name}`: at most {MAX_FIELD_CHARS} characters, no control characters"));
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
    let centre_code = Some(text("centre_code", false)).filter(|c| !c.is_empty());
    let mut measure = |name: &str, max: f64| -> Option<f64> {
        let v = get(name);
        if v.is_empty() {
            return None;
        }
        match v.parse::<f64>() {
            Ok(n) if n.is_finite() && (0.0..=max).contains(&n) => Some(n),
            _ => {
                let shown: String = v.chars().take(40).collect();
                problems.push(format!("`{name}` must be a number from 0 to {max}: `{shown}`"));
                None
            }
        }
    };
    let total_floor_area_m2 = measure("total_floor_area_m2", MAX_AREA_M2);
    let facility_area_m2 = measure("facility_area_m2", MAX_AREA_M2);
    let service_facility_area_m2 = measure("service_facility_area_m2", MAX_AREA_M2);
    let households = measure("households", MAX_HOUSEHOLDS);
    let is_new = match get("new") {
        "yes" | "true" | "1" | "是" | "新建" => Some(true),
        "no" | "false" | "0" | "否" | "老旧" | "既有" => Some(false),
        other => {
            let shown: String = other.chars().take(40).collect();
            problems.push(format!("`new` must be yes or no (是/否): `{shown}`"));
            None
        }
    };
    if let (Some(f), Some(t)) = (facility_area_m2, total_floor_area_m2)
        && f > t
    {
        problems.push("`facility_area_m2` is larger than `total_floor_area_m2`".into());
    }
    match is_new {
        Some(is_new) if problems.is_empty() => Ok(Community {
            code,
            name,
            region,
            is_new,
            total_floor_area_m2,
            facility_area_m2,
            service_facility_area_m2,
            households,
            centre_code,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "code,name,province,city,county,township,new,total_floor_area_m2,facility_area_m2,\
                          service_facility_area_m2,households,centre_code\n";

    #[test]
    fn a_file_of_good_rows_is_read_and_one_bad_row_refuses_it_all() {
        let good = format!(
            "{HEADER}130102-S01,东关社区,河北省,石家庄市,长安区,建北街道,是,250000,26000,900,2800,130102-C01\n\
             130102-S02,谈固社区,河北省,石家庄市,长安区,谈固街道,no,,,600,3100,\n"
        );
        let rows = parse_communities(good.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows[0].is_new && rows[0].total_floor_area_m2 == Some(250_000.0));
        assert_eq!((rows[1].is_new, rows[1].centre_code.as_deref()), (false, None));
        let bad = format!("{good}130102-S03,x,河北省,石家庄市,长安区,,maybe,100,200,-1,5,\n");
        let errors = parse_communities(bad.as_bytes()).unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 3, "{text:?}");
        assert!(text.iter().all(|e| e.starts_with("line 4:")), "{text:?}");
        let twice = format!("{good}130102-S01,又一个,河北省,石家庄市,长安区,,否,,,,10,\n");
        assert_eq!(parse_communities(twice.as_bytes()).unwrap_err().len(), 1);
        assert!(parse_communities(b"code,name\nx,y\n").is_err(), "required columns");
    }
}
