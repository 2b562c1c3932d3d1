//! Attachments 4 and 5 in the layout the ministry's circular prescribes:
//! the table's own name with the quarter in Chinese, 填报单位（盖章）, the
//! unit of each figure, Chinese headers only, a total row, and 填报人、
//! 审核人、联系电话、填报日期 below. Always from a frozen version.

use super::store::{ReportLevel, ReportVersion};
use crate::dates;
use crate::export::cell;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
            Cell::Number(n) => format!("{n}"),
        }
    }
}

/// One official table, laid out.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficialTable {
    pub sheet: &'static str,
    pub title: String,
    /// 更正版 and its reason, under the title of a correction.
    pub note: Option<String>,
    pub unit: String,
    pub measure: &'static str,
    pub header: &'static [&'static str],
    pub rows: Vec<Vec<Cell>>,
    pub footer: String,
}

pub const ATTACHMENT4_TITLE: &str = "城乡便民消费服务中心建设情况统计表";
pub const ATTACHMENT5_TITLE: &str = "已建成城乡便民消费服务中心运营情况统计表";
pub const ATTACHMENT4_HEADER: [&str; 7] = ["序号", "地区", "中心类型", "已建成", "正在建设", "计划建设", "合计"];
pub const ATTACHMENT5_HEADER: [&str; 10] = [
    "序号",
    "地区",
    "中心类型",
    "已建成数（个）",
    "报送数（个）",
    "其中自报（个）",
    "营业额（万元）",
    "服务人次（人次）",
    "员工数量（人）",
    "入驻商户数（户）",
];

pub use crate::quarter::quarter_zh;

fn date_zh(ms: i64) -> String {
    let d = dates::date_of(ms);
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn frame(v: &ReportVersion, sheet: &'static str, name: &str, measure: &'static str) -> OfficialTable {
    let s = &v.summary;
    OfficialTable {
        sheet,
        title: format!("{name}（{}）", quarter_zh(&s.quarter)),
        note: (s.version > 1).then(|| match s.reason.is_empty() {
            true => format!("第{}版", s.version),
            false => format!("第{}版（更正说明：{}）", s.version, s.reason),
        }),
        unit: format!("填报单位（盖章）：{}", v.header.unit),
        measure,
        header: &[],
        rows: Vec::new(),
        footer: format!(
            "填报人：{}　　审核人：{}　　联系电话：{}　　填报日期：{}",
            v.header.preparer,
            v.header.checker,
            v.header.phone,
            date_zh(s.submitted_at)
        ),
    }
}

/// A county's rows are its own; a city's and a province's are by city.
fn area(v: &ReportVersion, city: &str) -> String {
    match v.snapshot.level {
        ReportLevel::County => v.summary.region.county.clone(),
        _ => city.to_owned(),
    }
}

pub fn attachment4(v: &ReportVersion) -> OfficialTable {
    let mut t = frame(v, "附件4", ATTACHMENT4_TITLE, "单位：个");
    t.header = &ATTACHMENT4_HEADER;
    let a4 = &v.snapshot.attachment4;
    t.rows = (1u32..)
        .zip(a4)
        .map(|(n, r)| {
            let total = r.built + r.under_construction + r.planned;
            vec![
                Cell::Number(f64::from(n)),
                Cell::Text(area(v, &r.city)),
                Cell::Text(r.centre_type.zh().into()),
                Cell::Number(f64::from(r.built)),
                Cell::Number(f64::from(r.under_construction)),
                Cell::Number(f64::from(r.planned)),
                Cell::Number(f64::from(total)),
            ]
        })
        .collect();
    let sum = |f: fn(&crate::stats::tables::Attachment4Row) -> u32| f64::from(a4.iter().map(f).sum::<u32>());
    let (b, u, p) = (sum(|r| r.built), sum(|r| r.under_construction), sum(|r| r.planned));
    t.rows.push(vec![
        Cell::Text("合计".into()),
        Cell::Text(String::new()),
        Cell::Text(String::new()),
        Cell::Number(b),
        Cell::Number(u),
        Cell::Number(p),
        Cell::Number(b + u + p),
    ]);
    t
}

pub fn attachment5(v: &ReportVersion) -> OfficialTable {
    let mut t = frame(v, "附件5", ATTACHMENT5_TITLE, "统计期：上一完整季度");
    t.measure = "单位：个、万元、人次、人、户";
    t.header = &ATTACHMENT5_HEADER;
    let a5 = &v.snapshot.attachment5;
    t.rows = (1u32..)
        .zip(a5)
        .map(|(n, r)| {
            vec![
                Cell::Number(f64::from(n)),
                Cell::Text(area(v, &r.city)),
                Cell::Text(r.centre_type.zh().into()),
                Cell::Number(f64::from(r.built)),
                Cell::Number(f64::from(r.reporting)),
                Cell::Number(f64::from(r.self_reported)),
                Cell::Number(r.turnover_10k_yuan),
                Cell::Number(r.service_visits),
                Cell::Number(r.staff),
                Cell::Number(r.tenants),
            ]
        })
        .collect();
    let sum = |f: fn(&crate::stats::tables::Attachment5Row) -> f64| a5.iter().map(f).sum::<f64>();
    t.rows.push(vec![
        Cell::Text("合计".into()),
        Cell::Text(String::new()),
        Cell::Text(String::new()),
        Cell::Number(sum(|r| f64::from(r.built))),
        Cell::Number(sum(|r| f64::from(r.reporting))),
        Cell::Number(sum(|r| f64::from(r.self_reported))),
        Cell::Number((sum(|r| r.turnover_10k_yuan) * 100.0).round() / 100.0),
        Cell::Number(sum(|r| r.service_visits)),
        Cell::Number(sum(|r| r.staff)),
        Cell::Number(sum(|r| r.tenants)),
    ]);
    t
}

/// One table as CSV (UTF-8 with a byte order mark, as Excel in Chinese expects).
pub fn csv(t: &OfficialTable) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let mut lines: Vec<Vec<String>> = vec![vec![t.title.clone()]];
    lines.extend(t.note.iter().map(|n| vec![n.clone()]));
    lines.push(vec![t.unit.clone(), t.measure.into()]);
    lines.push(t.header.iter().map(|h| (*h).to_owned()).collect());
    lines.extend(t.rows.iter().map(|r| r.iter().map(Cell::text).collect()));
    lines.push(vec![t.footer.clone()]);
    for line in &lines {
        // Writing into memory cannot fail short of allocation failure.
        let _ = w.write_record(line.iter().map(|c| cell(c)));
    }
    let mut out = b"\xEF\xBB\xBF".to_vec();
    out.extend(w.into_inner().unwrap_or_default());
    out
}

/// Both tables as one workbook, a sheet each, ready to print and stamp.
pub fn xlsx(tables: &[OfficialTable]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let title = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center);
    let bold = Format::new().set_bold().set_border(rust_xlsxwriter::FormatBorder::Thin).set_text_wrap();
    let boxed = Format::new().set_border(rust_xlsxwriter::FormatBorder::Thin);
    let right = Format::new().set_align(FormatAlign::Right);
    for t in tables {
        let sheet = book.add_worksheet().set_name(t.sheet)?;
        let last = u16::try_from(t.header.len().saturating_sub(1)).unwrap_or(0);
        sheet.merge_range(0, 0, 0, last, &t.title, &title)?;
        let mut row = 1;
        if let Some(note) = &t.note {
            sheet.merge_range(row, 0, row, last, note, &Format::new().set_align(FormatAlign::Center))?;
            row += 1;
        }
        sheet.write_string(row, 0, &t.unit)?;
        sheet.write_string_with_format(row, last, t.measure, &right)?;
        row += 1;
        for (c, h) in (0u16..).zip(t.header.iter()) {
            sheet.write_string_with_format(row, c, *h, &bold)?;
            sheet.set_column_width(c, if c == 0 { 6 } else { 14 })?;
        }
        for cells in &t.rows {
            row += 1;
            for (c, v) in (0u16..).zip(cells) {
                match v {
                    Cell::Number(n) => sheet.write_number_with_format(row, c, *n, &boxed)?,
                    Cell::Text(s) => sheet.write_string_with_format(row, c, s, &boxed)?,
                };
            }
        }
        sheet.write_string(row + 2, 0, &t.footer)?;
    }
    book.save_to_buffer()
}
