//! Downloads: the quarterly statistics as CSV and XLSX, the registry and
//! inspection lists as CSV and GeoJSON. Headers are bilingual (Chinese, the
//! reporting language, then English); text cells that a spreadsheet would
//! read as a formula are quoted with a leading apostrophe.

use super::norms::CommunityNorms;
use super::service::RegistryRow;
use super::tables::QuarterlyStats;
use crate::export::{Sheet, csv_of, xlsx_of};
use crate::inspections::store::InspectionRow;
use rust_xlsxwriter::XlsxError;
use serde_json::{Value, json};
use xuncha_core::CentreStatus;
use xuncha_core::scoring::{ItemStatus, Report};

/// An enumeration's name as the API writes it (`excellent`, `submitted`).
fn name_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{v:.0}") } else { format!("{v}") }
}

fn opt(v: Option<f64>) -> String {
    v.map(num).unwrap_or_default()
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "是",
        Some(false) => "否",
        None => "",
    }
}

pub const ATTACHMENT4_HEADER: [&str; 6] =
    ["城市 City", "类型 Type", "已建成 Built", "正在建设 Under construction", "计划建设 Planned", "合计 Total"];
pub const ATTACHMENT5_HEADER: [&str; 9] = [
    "城市 City",
    "类型 Type",
    "已建成 Built",
    "有数据 Reporting",
    "其中自报 Self-reported",
    "营业额(万元) Turnover (10k yuan)",
    "服务人次 Service visits",
    "员工数量 Staff",
    "入驻商户 Tenants",
];
pub const PILOT_HEADER: [&str; 5] = ["城市 City", "常住人口 Population", "试点目标 Target", "已建成 Built", "达标 Met"];

fn attachment4_rows(s: &QuarterlyStats) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = s
        .attachment4
        .iter()
        .map(|r| {
            let total = r.built + r.under_construction + r.planned;
            vec![
                r.city.clone(),
                r.centre_type.zh().into(),
                r.built.to_string(),
                r.under_construction.to_string(),
                r.planned.to_string(),
                total.to_string(),
            ]
        })
        .collect();
    let sum = |f: fn(&super::tables::Attachment4Row) -> u32| s.attachment4.iter().map(f).sum::<u32>();
    let (b, u, p) = (sum(|r| r.built), sum(|r| r.under_construction), sum(|r| r.planned));
    rows.push(vec![
        "合计 Total".into(),
        String::new(),
        b.to_string(),
        u.to_string(),
        p.to_string(),
        (b + u + p).to_string(),
    ]);
    rows
}

fn attachment5_rows(s: &QuarterlyStats) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = s
        .attachment5
        .iter()
        .map(|r| {
            vec![
                r.city.clone(),
                r.centre_type.zh().into(),
                r.built.to_string(),
                r.reporting.to_string(),
                r.self_reported.to_string(),
                num(r.turnover_10k_yuan),
                num(r.service_visits),
                num(r.staff),
                num(r.tenants),
            ]
        })
        .collect();
    let a = &s.attachment5;
    rows.push(vec![
        "合计 Total".into(),
        String::new(),
        a.iter().map(|r| r.built).sum::<u32>().to_string(),
        a.iter().map(|r| r.reporting).sum::<u32>().to_string(),
        a.iter().map(|r| r.self_reported).sum::<u32>().to_string(),
        num((a.iter().map(|r| r.turnover_10k_yuan).sum::<f64>() * 100.0).round() / 100.0),
        num(a.iter().map(|r| r.service_visits).sum()),
        num(a.iter().map(|r| r.staff).sum()),
        num(a.iter().map(|r| r.tenants).sum()),
    ]);
    rows
}

fn pilot_rows(s: &QuarterlyStats) -> Vec<Vec<String>> {
    s.pilot
        .iter()
        .map(|p| {
            vec![
                p.city.clone(),
                p.population.map(|v| v.to_string()).unwrap_or_default(),
                p.target.map(|v| v.to_string()).unwrap_or_default(),
                p.built.to_string(),
                yes_no(p.met).into(),
            ]
        })
        .collect()
}

pub fn attachment4_csv(s: &QuarterlyStats) -> Vec<u8> {
    csv_of(&ATTACHMENT4_HEADER, attachment4_rows(s).into_iter())
}

pub fn attachment5_csv(s: &QuarterlyStats) -> Vec<u8> {
    csv_of(&ATTACHMENT5_HEADER, attachment5_rows(s).into_iter())
}

/// One workbook: Attachment 4, Attachment 5 and the pilot targets, numbers as numbers.
pub fn quarterly_xlsx(s: &QuarterlyStats) -> Result<Vec<u8>, XlsxError> {
    let title = format!("{} {} — 商服贸函〔2018〕157号", s.province, s.quarter);
    let after_first = |c: usize| c >= 1;
    let sheet = |name: &'static str, header: &'static [&'static str], rows: Vec<Vec<String>>| Sheet {
        name,
        header,
        rows,
        numeric: after_first,
    };
    xlsx_of(
        &title,
        &[
            sheet("附件4 Attachment 4", &ATTACHMENT4_HEADER, attachment4_rows(s)),
            sheet("附件5 Attachment 5", &ATTACHMENT5_HEADER, attachment5_rows(s)),
            sheet("试点目标 Pilot targets", &PILOT_HEADER, pilot_rows(s)),
        ],
    )
}

/// The communities a centre serves and their norms, one value per community joined by "；".
fn norms_cells(norms: &[CommunityNorms]) -> [String; 5] {
    let join = |f: &dyn Fn(&CommunityNorms) -> String| norms.iter().map(f).collect::<Vec<_>>().join("；");
    [
        join(&|n| format!("{}（{}）", n.name, if n.is_new { "新建" } else { "既有" })),
        join(&|n| opt(n.facility_ratio)),
        join(&|n| yes_no(n.ratio_ok).into()),
        join(&|n| opt(n.service_per_100_households_m2)),
        join(&|n| yes_no(n.per_100_ok).into()),
    ]
}

fn status_zh(s: CentreStatus) -> &'static str {
    match s {
        CentreStatus::Built => "建成",
        CentreStatus::UnderConstruction => "在建",
        CentreStatus::Planned => "计划建设",
    }
}

pub const CENTRES_HEADER: [&str; 23] = [
    "编号 Code",
    "名称 Name",
    "类型 Type",
    "状态 Status",
    "省 Province",
    "市 City",
    "区县 County",
    "乡镇街道 Township",
    "纬度 Lat",
    "经度 Lon",
    "围栏(米) Geofence m",
    "面积(m²) Floor area",
    "社区总建筑面积(m²) Community floor area",
    "户数 Households",
    "服务人口 Population served",
    "最近季度 Latest quarter",
    "最近得分 Latest total",
    "最近等级 Latest grade",
    "服务社区 Communities served",
    "设施面积占比（新建社区） Facility ratio (new communities)",
    "占比达标 Ratio ok",
    "每百户综合服务设施(m²) Service facilities per 100 households",
    "每百户达标 Per 100 ok",
];

pub fn centre_cells(e: &RegistryRow) -> Vec<String> {
    let c = &e.centre;
    let mut r = vec![
        c.code.clone(),
        c.name.clone(),
        c.centre_type.zh().into(),
        status_zh(c.status).into(),
        c.region.province.clone(),
        c.region.city.clone(),
        c.region.county.clone(),
        c.region.township.clone(),
        num(c.lat),
        num(c.lon),
        num(c.geofence_m),
        opt(c.floor_area_m2),
        opt(c.community_floor_area_m2),
        opt(c.households),
        opt(c.population_served),
        e.latest.as_ref().map(|l| l.quarter.clone()).unwrap_or_default(),
        e.latest.as_ref().map(|l| num(l.total)).unwrap_or_default(),
        e.latest.as_ref().map(|l| name_of(&l.grade)).unwrap_or_default(),
    ];
    r.extend(norms_cells(&e.norms));
    r
}

/// What a streamed GeoJSON download opens and closes with; its features
/// go between, a chunk at a time ([`geojson_features`]).
pub const GEOJSON_HEAD: &[u8] = br#"{"type":"FeatureCollection","features":["#;
pub const GEOJSON_TAIL: &[u8] = b"]}";

/// The features of `items` as JSON, comma-separated, after a comma when
/// features came before (`after`).
pub fn geojson_features<T>(items: &[T], after: bool, feature: fn(&T) -> Value) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if after || i > 0 {
            out.push(b',');
        }
        // A `Value` always serialises.
        let _ = serde_json::to_writer(&mut out, &feature(item));
    }
    out
}

/// A point feature at `[lon, lat]`.
fn feature(position: [f64; 2], properties: Value) -> Value {
    json!({
        "type": "Feature",
        "geometry": { "type": "Point", "coordinates": position },
        "properties": properties,
    })
}

/// A registered centre at its position, with its latest result and norms.
pub fn centre_feature(e: &RegistryRow) -> Value {
    let c = &e.centre;
    feature(
        [c.lon, c.lat],
        json!({
            "code": c.code, "name": c.name, "centre_type": c.centre_type, "status": c.status,
            "province": c.region.province, "city": c.region.city, "county": c.region.county,
            "township": c.region.township, "geofence_m": c.geofence_m,
            "latest": e.latest, "norms": e.norms,
        }),
    )
}

pub const INSPECTIONS_HEADER: [&str; 19] = [
    "文档 Doc",
    "编号 Code",
    "中心 Centre",
    "类型 Type",
    "市 City",
    "区县 County",
    "乡镇街道 Township",
    "季度 Quarter",
    "检查表 Template",
    "状态 Status",
    "得分 Total",
    "等级 Grade",
    "完整 Complete",
    "现场核验 On site",
    "一票否决 Vetoes",
    "冲突 Conflicts",
    "证据问题 Evidence problems",
    "发起人 Created by",
    "更新 Updated (ms)",
];

pub fn inspection_cells(r: &InspectionRow) -> Vec<String> {
    let s = &r.summary;
    vec![
        r.doc.to_string(),
        r.centre_code.clone(),
        r.centre_name.clone(),
        r.centre_type.zh().into(),
        r.region.city.clone(),
        r.region.county.clone(),
        r.region.township.clone(),
        r.quarter.clone(),
        format!("{}@{}", r.template.id, r.template.version),
        name_of(&s.status),
        opt(s.total),
        s.grade.as_ref().map(name_of).unwrap_or_default(),
        yes_no(Some(s.complete)).into(),
        s.on_site.as_ref().map(name_of).unwrap_or_default(),
        s.vetoes.to_string(),
        s.conflicts.to_string(),
        s.evidence_problems.to_string(),
        r.created_by.clone(),
        r.updated_at.to_string(),
    ]
}

/// An inspection at its centre's registered position.
pub fn inspection_feature(r: &InspectionRow) -> Value {
    feature(
        r.centre_position,
        json!({
            "doc": r.doc.to_string(), "centre_code": r.centre_code, "centre_name": r.centre_name,
            "quarter": r.quarter, "status": r.summary.status, "total": r.summary.total,
            "grade": r.summary.grade, "on_site": r.summary.on_site, "vetoes": r.summary.vetoes,
            "conflicts": r.summary.conflicts, "evidence_problems": r.summary.evidence_problems,
        }),
    )
}

/// The fixed columns of the per-item export; a column per item follows.
const ITEM_EXPORT_FIXED: [&str; 7] =
    ["文档 Doc", "编号 Code", "中心 Centre", "季度 Quarter", "检查表 Template", "得分 Total", "等级 Grade"];

/// The per-item export's header: the fixed columns, then `items`.
pub fn item_results_head(items: &[String]) -> Vec<u8> {
    let header: Vec<&str> = ITEM_EXPORT_FIXED.iter().copied().chain(items.iter().map(String::as_str)).collect();
    crate::export::csv_head(&header)
}

/// One inspection's line of the per-item export: an item's cell is the
/// points earned, 不适用 (N/A or not applying), 未答, 无效, or the value a
/// fact recorded; blank where its version lacks the item or it has no report.
pub fn item_result_cells(items: &[String], row: &InspectionRow, report: Option<&Report>) -> Vec<String> {
    let cell = |r: &Report, id: &str| -> String {
        let Some(i) = r.items.iter().find(|i| i.id == id) else { return String::new() };
        match i.status {
            ItemStatus::NotApplicable | ItemStatus::Skipped => "不适用".into(),
            ItemStatus::Unanswered => "未答".into(),
            ItemStatus::Invalid => "无效".into(),
            ItemStatus::Recorded => i.value.map(num).unwrap_or_else(|| "已记录".into()),
            _ => num(i.points),
        }
    };
    let s = &row.summary;
    let mut line = vec![
        row.doc.to_string(),
        row.centre_code.clone(),
        row.centre_name.clone(),
        row.quarter.clone(),
        format!("{}@{}", row.template.id, row.template.version),
        opt(s.total),
        s.grade.as_ref().map(name_of).unwrap_or_default(),
    ];
    line.extend(items.iter().map(|id| report.map(|r| cell(r, id)).unwrap_or_default()));
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_quoted_and_numbers_are_plain() {
        use crate::export::cell;
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("维明社区"), "维明社区");
        assert_eq!(cell("-3.5"), "-3.5", "numbers stay numbers");
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.5), "12.5");
        let bytes = csv_of(&["a"], [vec!["-1+1".to_owned()]].into_iter());
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        assert!(String::from_utf8(bytes).unwrap().contains("'-1+1"));
    }
}
