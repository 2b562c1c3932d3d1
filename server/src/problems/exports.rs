//! The ledger as CSV and XLSX (整改台账), headers in Chinese then English.

use super::store::{Problem, ProblemState};
use crate::export::{Sheet, csv_of, xlsx_of};

const HEADER: [&str; 14] = [
    "编号 No.",
    "城市 City",
    "区县 County",
    "乡镇街道 Township",
    "中心编码 Centre code",
    "中心名称 Centre",
    "检查季度 Quarter",
    "问题 Item",
    "问题描述 Finding",
    "严重程度 Severity",
    "整改要求 Action",
    "整改期限 Deadline",
    "状态 State",
    "销号日期 Closed on",
];

fn state_zh(p: &Problem) -> &'static str {
    match (p.state, p.overdue) {
        (ProblemState::Draft, _) => "待下发",
        (ProblemState::Issued, true) => "逾期未整改",
        (ProblemState::Issued, false) => "整改中",
        (ProblemState::Closed, _) => "已销号",
    }
}

fn rows(problems: &[Problem]) -> Vec<Vec<String>> {
    problems
        .iter()
        .map(|p| {
            vec![
                p.id.to_string(),
                p.region.city.clone(),
                p.region.county.clone(),
                p.region.township.clone(),
                p.centre_code.clone(),
                p.centre_name.clone(),
                p.quarter.clone(),
                p.title_zh.clone(),
                p.finding.clone(),
                p.severity.zh().to_owned(),
                p.action.clone(),
                p.deadline.clone(),
                state_zh(p).to_owned(),
                p.closed_on.clone().unwrap_or_default(),
            ]
        })
        .collect()
}

pub fn csv(problems: &[Problem]) -> Vec<u8> {
    csv_of(&HEADER, rows(problems).into_iter())
}

pub fn xlsx(problems: &[Problem]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let sheet = Sheet { name: "整改台账 Ledger", header: &HEADER, rows: rows(problems), numeric: |c| c == 0 };
    xlsx_of("整改台账 — 商服贸函〔2018〕157号", &[sheet])
}
